"""The child side of the sandbox: what runs in the forked process, around the student's code.

`grader.sandbox.run_student` forks; the child calls `run_child(job)`, which never returns. In order:

1. `os.setsid()`: a new session and process group, so the parent can kill all of it at once;
   default signal handlers and an empty signal mask; a parent-death signal (SIGKILL).
2. File descriptors: 0 = /dev/null, 1 and 2 = the output pipe (the parent keeps the first
   output_limit bytes), 3 = the answer pipe (one JSON line per answer); every other inherited
   fd is closed. `sys.stdin/stdout/stderr` are new text files on 0/1/2 (the parent's may be
   click or pytest capture objects); faulthandler reports a segfault on fd 2.
3. A clean environment (PATH, HOME and TMPDIR = the throw-away working folder, one BLAS thread,
   and a per-run token that lets the parent find processes the student started), cwd = that
   folder, which holds a copy of the student's file only.
4. Limits (`resource`): RLIMIT_AS = current VmSize + memory_mb, RLIMIT_CPU a little above the
   timeout, RLIMIT_CORE 0, RLIMIT_FSIZE 16 MB with SIGXFSZ ignored, RLIMIT_NPROC; soft = hard,
   so student code cannot raise them. PR_SET_NO_NEW_PRIVS: no setuid program regains privileges.
5. When started as root: the working folder is given to a per-run uid/gid (200000 + pid), then
   setgroups([]), setgid, setuid, so the student's code can read and write only what any user
   can (plus its folder); the parent later kills every process of that uid. Directories of
   sys.path that such a user could not read (e.g. a Python installed under /root) stay
   importable through descriptors opened before the switch (/proc/self/fd/N/...).
6. The import system: sys.path without '' or the student's own folder (so a file cannot import
   its neighbours); the grader's packages (grader, reference, solutions, exercises) are neither
   in sys.modules nor importable; exercise modules (exNN_...) left over from the parent are
   dropped; `redirects` are installed as modules in sys.modules.
7. The calls' arguments are copied (and FunctionSpecs rebuilt from grader.scalar_functions)
   before any student code runs; then the student's file is compiled under its real name and
   executed as a fresh module registered as sys.modules[module_name]; then each call runs in
   its own try/except BaseException, and its answer is sent as one JSON line.

The child only reports: it never decides a verdict, and the parent reads its lines as data.
Student code can monkeypatch anything in here (numpy, json, os, this module); that may garble its
own answers (the parent then says it sent data it cannot read), never the parent.

Wire protocol (child -> parent, fd 3, one JSON object per line, values in grader.plain_data form):

    {"fatal": "..."}                                   the sandbox could not start (no student code ran)
    {"import": "ok", "seconds": s}
    {"import": "error", "seconds": s, "error": ERR, "memory": bool}
    {"call": i, "seconds": s, "value": V[, "args_after": A]}
    {"call": i, "seconds": s, "error": ERR[, "args_after": A][, "memory": true]}
    {"done": true}
    ERR = {"type", "message", "line", "source_line", "not_implemented", "traceback"}
"""
from __future__ import annotations

import builtins
import ctypes
import faulthandler
import gc
import fcntl
import importlib.machinery
import importlib.util
import json
import linecache
import mmap
import os
import re
import resource
import signal
import stat
import sys
import tempfile
import time
import traceback
import types
import warnings
from dataclasses import dataclass, field

import numpy as np

from grader import plain_data, scalar_functions

# Captured now, in the trusted parent, so student monkeypatching cannot reach them.
_exit = os._exit
_getpid = os.getpid
_write = os.write
_fstat = os.fstat
_perf = time.perf_counter
_encode = plain_data.encode
_JSON = json.JSONEncoder(allow_nan=True, ensure_ascii=True, separators=(",", ":"))
_BaseException = BaseException
_MemoryError = MemoryError
_SystemExit = SystemExit
_SyntaxError = SyntaxError
_NotImplementedError = NotImplementedError
_isinstance = isinstance
_errstate = np.errstate
_libc = ctypes.CDLL(None, use_errno=True)

OUT_FD = 1
ANSWER_FD = 3
UID_BASE = 200_000
FSIZE_LIMIT = 16 << 20
NPROC_LIMIT = 64
RESERVE_BYTES = 8 << 20       # address space set aside to report a MemoryError
MESSAGE_LIMIT = 2_000
TRACEBACK_LIMIT = 8_000
TOKEN_VAR = "GRADER_SANDBOX_RUN"
BLOCKED_PACKAGES = frozenset({"grader", "reference", "solutions", "exercises"})
TRUSTED_PACKAGES = ("grader", "reference")   # their own lazy imports still work in the child
EXERCISE_MODULE = re.compile(r"ex\d+_")

# Exit codes of the harness itself (a student's os._exit(n) with the same number only changes
# the wording of its own reason).
EXIT_SETUP_FAILED = 121
EXIT_CHANNEL_LOST = 122
EXIT_HARNESS_FAILED = 123

PR_SET_PDEATHSIG = 1
PR_SET_DUMPABLE = 4
PR_SET_NO_NEW_PRIVS = 38
PR_SET_CHILD_SUBREAPER = 36
PR_SET_NAME = 15
PROCESS_NAME = b"grade-sandbox"


@dataclass
class ChildJob:
    """Everything the child needs; it arrives through fork, never through a pipe."""
    copy_path: str            # the student's file, copied into workdir
    filename: str             # the name the code is compiled under (the student's real path)
    student_dir: str          # the student's original folder: kept off sys.path
    module_name: str
    calls: list
    redirects: dict
    workdir: str
    timeout: float
    memory_mb: int
    out_fd: int               # write ends of the two pipes, as numbered in the parent
    answer_fd: int
    token: str
    uid: int | None           # the uid/gid to switch to (root only), else None
    function_spec_type: type
    parent_pid: int
    readable_roots: tuple = ()  # sys.path dirs an unprivileged uid cannot reach (root only)
    hidden_dirs: tuple = ()     # folders shown to student code as empty (root only): the course's solutions/
    sys_path: list = field(default_factory=list)       # from import_plan
    drop_modules: list = field(default_factory=list)   # from import_plan
    trusted_dirs: tuple = ()                           # from import_plan


# ----------------------------------------------------------------------------------- helpers
# (also used by the parent)

def sandbox_uid(pid: int) -> int:
    """The per-run uid (= gid) for the child with this pid: 200000 + pid, inside the uid map."""
    wanted = UID_BASE + pid
    ranges = _id_maps()
    if ranges is None:
        return wanted

    def mapped(uid):
        return all(any(inside <= uid < inside + count for inside, _, count in r) for r in ranges)

    if mapped(wanted):
        return wanted
    # A user namespace with a short map: use the top of its largest range, away from real users.
    inside, _, count = max(ranges[0], key=lambda r: r[2])
    span = max(1, count // 2)
    return inside + count - 1 - (pid % span)


_maps: list = []


def _id_maps():
    """The uid and gid maps of our user namespace (read once), None if unreadable."""
    if not _maps:
        ranges = []
        try:
            for name in ("/proc/self/uid_map", "/proc/self/gid_map"):
                with open(name) as f:
                    ranges.append([tuple(int(n) for n in line.split()) for line in f if line.strip()])
        except (OSError, ValueError):
            ranges = None
        _maps.append(ranges)
    return _maps[0]


def unreachable_dirs(paths) -> tuple:
    """The directories among `paths` that a user with no groups (only "other" bits) cannot
    read: some ancestor lacks o+x, or the directory itself lacks o+rx."""
    out = []
    for entry in paths:
        if not isinstance(entry, str) or not entry:
            continue
        real = os.path.realpath(entry)
        if not os.path.isdir(real):
            continue
        blocked = False
        parts = real.split(os.sep)
        for i in range(2, len(parts) + 1):
            ancestor = os.sep.join(parts[:i]) or os.sep
            try:
                mode = os.stat(ancestor).st_mode
            except OSError:
                blocked = True
                break
            need = stat.S_IXOTH | (stat.S_IROTH if i == len(parts) else 0)
            if mode & need != need:
                blocked = True
                break
        if blocked:
            out.append((os.path.abspath(entry), real))
    return tuple(out)


# ------------------------------------------------------------------------------------ child

_SIGNALS = tuple(
    [(sig, signal.SIG_DFL) for sig in (
        signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1, signal.SIGUSR2,
        signal.SIGALRM, signal.SIGCHLD, signal.SIGTSTP, signal.SIGTTIN, signal.SIGTTOU)]
    + [(signal.SIGINT, signal.default_int_handler), (signal.SIGPIPE, signal.SIG_IGN),
       (signal.SIGXFSZ, signal.SIG_IGN)])


def _python_default_warning_filters():
    """The filters a fresh interpreter starts with (pytest or the grader may have changed ours)."""
    with warnings.catch_warnings():
        warnings.resetwarnings()
        warnings.simplefilter("default")
        for category in (DeprecationWarning, PendingDeprecationWarning, ImportWarning,
                         ResourceWarning):
            warnings.simplefilter("ignore", category, append=True)
        return list(warnings.filters)


_WARNING_FILTERS = _python_default_warning_filters()
_NUMPY_ERRORS = {"divide": "warn", "over": "warn", "under": "ignore", "invalid": "warn"}

_reserve = None
_current = None               # the index of the call running, None during the import
_answer_id = None
_answer_fd = None
_child_pid = None
_stdout = None
_stderr = None


def run_child(job: ChildJob):
    """The child's whole life. Never returns: ends with os._exit."""
    global _answer_fd
    _answer_fd = job.answer_fd
    try:
        _setup(job)
        prepared = _prepare_calls(job)
    except _BaseException as exc:  # noqa: BLE001 - no student code has run yet
        try:
            _send({"fatal": f"{type(exc).__name__}: {exc}"[:MESSAGE_LIMIT]}, check=False)
        finally:
            _exit(EXIT_SETUP_FAILED)
    try:
        _run_student(job, prepared)
    except _MemoryError:
        # Out of memory inside the harness (e.g. while describing the student's MemoryError).
        _out_of_memory()
        error = {"type": "MemoryError", "message": "", "line": None, "source_line": None,
                 "not_implemented": False, "traceback": ""}
        if _current is None:
            _send({"import": "error", "seconds": 0.0, "error": error, "memory": True})
        else:
            _send({"call": _current, "seconds": 0.0, "error": error, "memory": True})
    except _BaseException:  # noqa: BLE001 - e.g. a signal's KeyboardInterrupt in harness code
        _exit(EXIT_HARNESS_FAILED)
    _exit(0)


def _setup(job: ChildJob):
    global _answer_id, _answer_fd, _reserve, _stdout, _stderr, _child_pid
    os.setsid()
    _child_pid = os.getpid()
    _libc.prctl(PR_SET_NAME, PROCESS_NAME, 0, 0, 0)  # what ps shows; inherited by forks
    gc.freeze()  # the collector leaves the parent's objects alone (no copy-on-write of all memory)

    # Signals: defaults, nothing blocked, no timers; SIGXFSZ ignored so a too-big file is an error.
    signal.pthread_sigmask(signal.SIG_SETMASK, [])
    for sig, handler in _SIGNALS:
        if signal.getsignal(sig) is not handler:
            signal.signal(sig, handler)

    # File descriptors: 0 = /dev/null, 1 and 2 = output pipe, 3 = answer pipe, nothing else.
    null = os.open(os.devnull, os.O_RDONLY)
    hi_null = fcntl.fcntl(null, fcntl.F_DUPFD, 10)
    hi_out = fcntl.fcntl(job.out_fd, fcntl.F_DUPFD, 10)
    hi_ans = fcntl.fcntl(job.answer_fd, fcntl.F_DUPFD, 10)
    os.dup2(hi_null, 0)
    os.dup2(hi_out, OUT_FD)
    os.dup2(hi_out, 2)
    os.dup2(hi_ans, ANSWER_FD, inheritable=False)  # programs the student starts don't get it
    _answer_fd = ANSWER_FD
    os.closerange(ANSWER_FD + 1, max(ANSWER_FD + 1, _fd_limit()))
    st = os.fstat(ANSWER_FD)
    _answer_id = (st.st_dev, st.st_ino)

    # Python-level streams on the new fds (line-buffered, so output before a kill is not lost).
    faulthandler.cancel_dump_traceback_later()
    faulthandler.disable()
    _stdout = open(1, "w", buffering=1, encoding="utf-8", errors="backslashreplace", closefd=False)
    _stderr = open(2, "w", buffering=1, encoding="utf-8", errors="backslashreplace", closefd=False)
    sys.stdin = sys.__stdin__ = open(0, "r", encoding="utf-8", closefd=False)
    sys.stdout = sys.__stdout__ = _stdout
    sys.stderr = sys.__stderr__ = _stderr
    faulthandler.enable(file=_stderr, all_threads=True)
    _reset_warnings()

    # Environment and working folder.
    path = os.environ.get("PATH") or "/usr/local/bin:/usr/bin:/bin"
    if _libc.clearenv() == 0:  # one call instead of an unsetenv per variable
        os.environ._data.clear()
    else:
        os.environ.clear()
    for key, value in (
            ("PATH", path), ("HOME", job.workdir), ("TMPDIR", job.workdir), ("LANG", "C.UTF-8"),
            ("OPENBLAS_NUM_THREADS", "1"), ("OMP_NUM_THREADS", "1"), ("MKL_NUM_THREADS", "1"),
            ("PYTHONDONTWRITEBYTECODE", "1"), (TOKEN_VAR, job.token)):
        os.environ[key] = value
    tempfile.tempdir = None
    os.chdir(job.workdir)

    # Limits. The reserve is mapped (not touched) before measuring, so it is not the student's.
    _reserve = mmap.mmap(-1, RESERVE_BYTES)
    extra = int(job.memory_mb) << 20
    _set_limit(resource.RLIMIT_AS, _vm_size() + extra)
    cpu = int(job.timeout) + 2
    _set_limit(resource.RLIMIT_CPU, cpu, cpu + 1)
    _set_limit(resource.RLIMIT_CORE, 0)
    _set_limit(resource.RLIMIT_FSIZE, FSIZE_LIMIT)
    libc = _libc
    libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)

    # Privileges.
    roots = []
    if job.uid is not None:
        for abs_path, real in job.readable_roots:
            fd = os.open(real, os.O_PATH | os.O_DIRECTORY)  # opened as root, kept after setuid
            roots.append((abs_path, real, f"/proc/self/fd/{fd}"))
        os.chown(job.workdir, job.uid, job.uid)
        os.chown(job.copy_path, job.uid, job.uid)
        _hide(job.hidden_dirs)
        os.setgroups([])
        os.setgid(job.uid)
        os.setuid(job.uid)
        if os.getuid() != job.uid or os.geteuid() != job.uid or os.getegid() != job.uid:
            raise RuntimeError("could not switch to the sandbox user")
        _set_limit(resource.RLIMIT_NPROC, NPROC_LIMIT)
        libc.prctl(PR_SET_DUMPABLE, 1, 0, 0, 0)  # /proc/<pid> owned by the uid: the parent finds it
    else:
        _set_limit(resource.RLIMIT_NPROC, _count_own_processes() + NPROC_LIMIT)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)  # after setuid, which clears it
    # Orphans of the student's processes become ours, not init's: they stay in our tree, where
    # _kill_descendants (here) and the parent (after a timeout) find them.
    libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    if os.getppid() != job.parent_pid:
        raise RuntimeError("the grader went away")

    _setup_imports(job, roots)


CLONE_NEWNS = 0x00020000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REC, MS_PRIVATE = 0x4000, 1 << 18


def _hide(dirs):
    """Blanks `dirs` for this process and its children only: a private mount namespace with an
    empty read-only tmpfs over each, so student code cannot read the course's solutions from the
    grader's disk. Costs about 0.3 ms; the mounts vanish with the last process that sees them."""
    dirs = [d for d in dirs if os.path.isdir(d)]
    if not dirs:
        return
    if _libc.unshare(CLONE_NEWNS) != 0 or _libc.mount(b"none", b"/", None, MS_REC | MS_PRIVATE, None) != 0:
        raise RuntimeError(f"could not make a private mount namespace: {os.strerror(ctypes.get_errno())}")
    for d in dirs:
        if _libc.mount(b"tmpfs", os.fsencode(d), b"tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
                       b"size=4k,mode=0555") != 0:
            raise RuntimeError(f"could not hide {d}: {os.strerror(ctypes.get_errno())}")


def _fd_limit():
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    return soft if 0 < soft < (1 << 20) else (1 << 20)


def _vm_size():
    with open("/proc/self/status", "rb") as f:
        for line in f:
            if line.startswith(b"VmSize:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmSize in /proc/self/status")


def _set_limit(which, soft, hard=None):
    hard = soft if hard is None else hard
    _, old_hard = resource.getrlimit(which)
    if old_hard != resource.RLIM_INFINITY:
        soft, hard = min(soft, old_hard), min(hard, old_hard)
    resource.setrlimit(which, (soft, hard))


def _count_own_processes():
    """Tasks (processes and threads: what RLIMIT_NPROC counts) of our uid."""
    uid = os.getuid()
    count = 0
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                if os.stat(f"/proc/{name}").st_uid == uid:
                    count += len(os.listdir(f"/proc/{name}/task"))
            except OSError:
                pass
    return count


def _reset_warnings():
    """Python's default warning filters, shown on the new stderr, and numpy's default errstate."""
    if warnings.filters != _WARNING_FILTERS:
        warnings.filters[:] = _WARNING_FILTERS
        warnings._filters_mutated()
    try:
        if warnings.showwarning is not warnings._showwarning_orig:
            warnings.showwarning = warnings._showwarning_orig
        if getattr(warnings._showwarnmsg_impl, "__module__", None) != "warnings":
            def _show(msg):
                sys.stderr.write(warnings._formatwarnmsg(msg))
            warnings._showwarnmsg_impl = _show
    except AttributeError:
        pass
    if np.geterr() != _NUMPY_ERRORS:
        np.seterr(**_NUMPY_ERRORS)


class _BlockGraderPackages:
    """A meta path finder that refuses the grader's own packages (grader, reference, solutions,
    exercises) to student code: `import reference` in an exercise file fails.

    A deterrent, not a wall (student code runs in the same interpreter as the objects passed in
    `redirects`). Imports made by trusted code (grader or reference files, e.g. a reference
    function's lazy import) get the module back as it was in the parent."""

    def __init__(self, saved, trusted_dirs):
        self.saved = saved
        self.trusted = tuple(d.rstrip(os.sep) + os.sep for d in trusted_dirs)

    def _importer_is_trusted(self):
        frame = sys._getframe(1)
        while frame is not None and (frame.f_code.co_filename.startswith("<frozen importlib")
                                     or frame.f_code.co_filename in (importlib.__file__, __file__)):
            frame = frame.f_back  # skip the import machinery (and this finder) to the importer
        return frame is not None and frame.f_code.co_filename.startswith(self.trusted)

    def find_spec(self, fullname, path=None, target=None):
        if fullname.partition(".")[0] not in BLOCKED_PACKAGES:
            return None
        if self.trusted and self._importer_is_trusted():
            if fullname in self.saved:
                return importlib.machinery.ModuleSpec(fullname, _Restore(self.saved[fullname]))
            return None
        raise ModuleNotFoundError(
            f"No module named {fullname!r} (the grader's own code is not available to "
            "exercise files)", name=fullname)

    def invalidate_caches(self):
        pass


class _Restore:
    """A loader that hands back a module object kept aside."""

    def __init__(self, module):
        self.module = module

    def create_module(self, spec):
        return self.module

    def exec_module(self, module):
        pass


class _ImportThroughDescriptors:
    """A path finder for directories the sandbox user cannot reach by name: it looks them up
    through descriptors opened before the switch (/proc/self/fd/N/...)."""

    def __init__(self, roots):
        self.roots = sorted(roots, key=lambda r: -len(r[0]))

    def _map(self, entry):
        if not isinstance(entry, str):
            return entry
        for abs_path, real, fd_path in self.roots:
            for prefix in (abs_path, real):
                if entry == prefix or entry.startswith(prefix + os.sep):
                    return fd_path + entry[len(prefix):]
        return entry

    def find_spec(self, fullname, path=None, target=None):
        entries = list(sys.path if path is None else path)
        mapped = [self._map(e) for e in entries]
        if mapped == entries:
            return None
        return importlib.machinery.PathFinder.find_spec(fullname, mapped, target)

    def invalidate_caches(self):
        pass


def import_plan(student_dir, workdir, module_name, parent_cwd, redirects):
    """(sys.path for the child, names to drop from sys.modules, the folders of the grader's
    trusted packages), computed in the parent: the same loops in the child would touch (and so
    copy) every module object."""
    banned = {_realpath(student_dir)}
    if parent_cwd:
        banned.add(_realpath(parent_cwd))
    path = [entry for entry in sys.path
            if isinstance(entry, str) and entry not in ("", ".") and _realpath(entry) not in banned]
    drop = []
    for name in list(sys.modules):
        top = name.partition(".")[0]
        if top in BLOCKED_PACKAGES or name == module_name or (
                top[:2] == "ex" and EXERCISE_MODULE.match(top) and top not in redirects):
            drop.append(name)
    return path, drop, _trusted_dirs()


_trusted: list = []


def _trusted_dirs():
    """The folders of the grader's own packages, whether imported yet or not."""
    if not _trusted:
        folders = set()
        for package in TRUSTED_PACKAGES:
            module = sys.modules.get(package)
            locations = getattr(module, "__path__", None)
            if locations is None:
                try:
                    spec = importlib.util.find_spec(package)  # finds, does not import
                    locations = spec.submodule_search_locations if spec else None
                except (ImportError, ValueError):
                    locations = None
            for folder in locations or ():
                folders.update((_realpath(folder), os.path.abspath(folder)))
        _trusted.append(tuple(sorted(folders)))
    return _trusted[0]


_realpaths: dict = {}


def _realpath(path):
    if path not in _realpaths:
        if len(_realpaths) > 10_000:
            _realpaths.clear()
        _realpaths[path] = os.path.realpath(path)
    return _realpaths[path]


def _setup_imports(job: ChildJob, roots):
    sys.path[:] = job.sys_path
    saved = {}
    for name in job.drop_modules:
        module = sys.modules.pop(name, None)
        if module is not None and name.partition(".")[0] in BLOCKED_PACKAGES:
            saved[name] = module
    sys.meta_path.insert(0, _BlockGraderPackages(saved, job.trusted_dirs))
    if roots:
        sys.meta_path.insert(1, _ImportThroughDescriptors(roots))

    for mod_name, attributes in (job.redirects or {}).items():
        module = types.ModuleType(mod_name, f"Provided by the grader in place of {mod_name}.py")
        for attr, value in attributes.items():
            setattr(module, attr, value)
        sys.modules[mod_name] = module


def _prepare_calls(job: ChildJob):
    """Private copies of every call's arguments, made before student code runs."""
    spec_type = job.function_spec_type

    def copy(value):
        if _isinstance(value, spec_type):
            return scalar_functions.build(value)
        if _isinstance(value, np.ndarray):
            return np.array(value, copy=True, subok=False)
        if _isinstance(value, tuple):
            return tuple(copy(v) for v in value)
        if _isinstance(value, list):
            return [copy(v) for v in value]
        if _isinstance(value, dict):
            return {k: copy(v) for k, v in value.items()}
        if _isinstance(value, np.generic):
            return value.copy()
        return value  # None, bool, int, float, str: immutable

    return [(copy(tuple(call.args)), copy(dict(call.kwargs))) for call in job.calls]


# ------------------------------------------------------------------------- running the student

def _send(message, check=True):
    """One JSON line on the answer pipe. Exits the child if the pipe is gone or replaced, and
    quietly ends a copy of the child made by a student's os.fork() that returned into us."""
    if _child_pid is not None and _getpid() != _child_pid:
        _exit(0)
    data = (_JSON.encode(message) + "\n").encode("ascii")
    try:
        if check:
            st = _fstat(_answer_fd)
            if (st.st_dev, st.st_ino) != _answer_id:
                _exit(EXIT_CHANNEL_LOST)
        view = memoryview(data)
        while view:
            view = view[_write(_answer_fd, view):]
    except OSError:
        _exit(EXIT_CHANNEL_LOST)


def _flush_output():
    for stream in (_stdout, _stderr):
        try:
            stream.flush()
        except _BaseException:  # noqa: BLE001 - the student may have closed fd 1/2
            pass


def _text(value, limit=MESSAGE_LIMIT):
    try:
        text = str(value)
        if not _isinstance(text, str):
            raise TypeError
    except _BaseException:  # noqa: BLE001
        text = "<the message could not be turned into text>"
    return text[:limit]


def _error_info(exc, job, lines):
    """An exception as the StudentError fields (plain data)."""
    try:
        etype = type(exc).__name__
    except _BaseException:  # noqa: BLE001
        etype = "BaseException"
    line = None
    if _isinstance(exc, _SystemExit):
        code = exc.code
        message = f"called sys.exit({'' if code is None else _text(repr(code), 200)})"
    elif _isinstance(exc, _SyntaxError) and getattr(exc, "filename", None) == job.filename:
        message = _text(exc.msg)
        line = exc.lineno if type(exc.lineno) is int else None
    else:
        message = _text(exc)
    if line is None:
        tb = exc.__traceback__
        while tb is not None:
            if tb.tb_frame.f_code.co_filename == job.filename:
                line = tb.tb_lineno
            tb = tb.tb_next
    source_line = None
    if line is not None and 1 <= line <= len(lines):
        source_line = lines[line - 1].strip()
    elif _isinstance(exc, _SyntaxError) and _isinstance(getattr(exc, "text", None), str):
        source_line = exc.text.strip()
    try:
        tb = exc.__traceback__
        while tb is not None and tb.tb_frame.f_code.co_filename == __file__:
            tb = tb.tb_next  # the harness's own frames are not the student's business
        text = "".join(traceback.format_exception(type(exc), exc, tb))
        if len(text) > TRACEBACK_LIMIT:
            text = "...\n" + text[-TRACEBACK_LIMIT:]
    except _BaseException:  # noqa: BLE001
        text = f"{etype}: {message}\n"
    return {"type": etype, "message": message, "line": line, "source_line": source_line,
            "not_implemented": _isinstance(exc, _NotImplementedError), "traceback": text}


def process_table():
    """{pid: (ppid, pgrp, session, state, start time)} of every process, from /proc/<pid>/stat."""
    table = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            fd = os.open(f"/proc/{name}/stat", os.O_RDONLY)
            try:
                data = os.read(fd, 1024)
            finally:
                os.close(fd)
            fields = data[data.rindex(b")") + 2:].split()
            table[int(name)] = (int(fields[1]), int(fields[2]), int(fields[3]), fields[0],
                                int(fields[19]))
        except (OSError, ValueError, IndexError):
            continue
    return table


def descendants(table, root_pid):
    """The live (not zombie) processes below root_pid in the table."""
    children = {}
    for pid, (ppid, *_) in table.items():
        children.setdefault(ppid, []).append(pid)
    found, todo = [], list(children.get(root_pid, ()))
    while todo:
        pid = todo.pop()
        if table[pid][3] != b"Z":
            found.append(pid)
        todo.extend(children.get(pid, ()))
    return found


def _has_children():
    try:
        for tid in os.listdir("/proc/self/task"):
            with open(f"/proc/self/task/{tid}/children", "rb") as f:
                if f.read().strip():
                    return True
        return False
    except OSError:
        return True


def _kill_descendants():
    """Kill every process the student's code started (we are their subreaper), then reap them."""
    try:
        for _ in range(50):
            if not _has_children():
                return
            found = descendants(process_table(), os.getpid())
            for pid in found:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            while True:
                try:
                    if os.waitpid(-1, os.WNOHANG)[0] == 0:
                        break
                except ChildProcessError:
                    break
            if not found:
                return
    except _BaseException:  # noqa: BLE001 - best effort: the parent kills what is left
        pass


def _out_of_memory():
    """Give back the reserve so there is room to report the MemoryError."""
    global _reserve
    if _reserve is not None:
        try:
            _reserve.close()
        except _BaseException:  # noqa: BLE001
            pass
        _reserve = None


_NEWLINE = re.compile(r"\r\n|\r|\n")


def _run_student(job: ChildJob, prepared):
    global _current
    lines = []
    t0 = _perf()
    try:
        with open(job.copy_path, "rb") as f:
            source = f.read()
        lines = _NEWLINE.split(source.decode("utf-8", "replace"))  # Python's own line breaks
        linecache.cache[job.filename] = (len(source), None, [l + "\n" for l in lines], job.filename)
        code = compile(source, job.filename, "exec", dont_inherit=True)
        module = types.ModuleType(job.module_name)
        module.__file__ = job.copy_path
        module.__spec__ = importlib.machinery.ModuleSpec(job.module_name, None, origin=job.copy_path)
        module.__builtins__ = builtins
        sys.modules[job.module_name] = module
        exec(code, module.__dict__)
    except _BaseException as exc:  # noqa: BLE001 - the student's import failed, whatever it was
        memory = _isinstance(exc, _MemoryError)
        if memory:
            _out_of_memory()
        info = _error_info(exc, job, lines)
        del exc
        _flush_output()
        _send({"import": "error", "seconds": _perf() - t0, "error": info, "memory": memory})
        _kill_descendants()
        _send({"done": True})
        _exit(0)
    _flush_output()
    _send({"import": "ok", "seconds": _perf() - t0})

    for index, call in enumerate(job.calls):
        _current = index
        args, kwargs = prepared[index]
        prepared[index] = None
        message = _run_call(index, call, args, kwargs, module, job, lines)
        _flush_output()
        _send(message)
        if message.get("memory"):
            _kill_descendants()
            _exit(0)  # the process may be full: no further calls
    _flush_output()
    _kill_descendants()
    _send({"done": True})


def _run_call(index, call, args, kwargs, module, job, lines):
    message = {"call": index, "seconds": 0.0}
    t0 = _perf()
    try:
        function = getattr(module, call.function, None)
        if function is None:
            raise AttributeError(f"{os.path.basename(job.filename)} defines no function "
                                 f"named {call.function!r}")
        if not callable(function):
            raise TypeError(f"{call.function} is not a function (it is a "
                            f"{type(function).__name__})")
        if call.float_errors:
            with _errstate(over="raise", divide="raise", invalid="raise"):
                value = function(*args, **kwargs)
        else:
            value = function(*args, **kwargs)
        message["seconds"] = _perf() - t0
        message["value"] = _encode(value)
        del value
    except _BaseException as exc:  # noqa: BLE001 - each call has its own verdict
        message["seconds"] = _perf() - t0
        if _isinstance(exc, _MemoryError):
            _out_of_memory()
            message["memory"] = True
        message.pop("value", None)
        message["error"] = _error_info(exc, job, lines)
        del exc
    if call.return_args:
        try:
            message["args_after"] = _encode((args, kwargs))
        except _MemoryError:
            _out_of_memory()
            message["memory"] = True
    return message
