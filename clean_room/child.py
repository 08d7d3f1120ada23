"""The child's side of a run: reads one job, imports the student's file, runs the calls, reports.

Started in a process that never held an answer (a fork of clean_room.server, or a fresh
interpreter: `python -m clean_room`), after clean_room.isolation has done its part. `serve`
never returns: it ends with os._exit. In order:

1. File descriptors: 0 = /dev/null, 1 and 2 = the output pipe, then the answer and job channels
   on high numbers; nothing else stays open. New sys.stdin/stdout/stderr on them.
2. The job is read (data from the grader: no student code has run yet), limits are set
   (memory, CPU, file size, processes) and the environment is emptied but for a few variables.
3. "ready" is sent; from here on student code may write on the answer channel too, so the grader
   takes nothing after this line as the harness's word.
4. The student's file is compiled and run as module `job["module"]`, then each call runs in its
   own try/except BaseException and its answer goes out as one JSON line.

Student code can monkeypatch anything here (numpy, json, os, this module): that can garble its
own answers, which the grader then refuses as data it cannot read, and nothing else.
"""
from __future__ import annotations

import _thread
import builtins
import faulthandler
import gc
import importlib.machinery
import json
import linecache
import os
import random
import re
import signal
import sys
import tempfile
import time
import traceback
import types
import warnings

import numpy as np

try:   # POSIX only; imported here, in the template, while the library is still in sight
    import fcntl
    import mmap
    import resource
except ImportError:   # Windows: the portable runner, no limits but the grader's clock
    fcntl = mmap = resource = None

from . import scalar_functions
from .plain_data import FunctionSpec, decode, encode, parse
from .protocol import EXIT_CHANNEL_LOST, EXIT_HARNESS_FAILED, EXIT_SETUP_FAILED, job_from_plain

# Captured at import, in the clean template, so student monkeypatching cannot reach them.
_exit = os._exit
_getpid = os.getpid
_write = os.write
_read = os.read
_fstat = os.fstat
_perf = time.perf_counter
_encode = encode
_decode = decode
_parse = parse
_JSON = json.JSONEncoder(allow_nan=True, ensure_ascii=True, separators=(",", ":"))
_BaseException = BaseException
_Exception = Exception
_MemoryError = MemoryError
_SystemExit = SystemExit
_SyntaxError = SyntaxError
_NotImplementedError = NotImplementedError
_isinstance = isinstance
_errstate = np.errstate
_thread_count = _thread._count
_waitpid = os.waitpid
_stat = os.stat
_listdir = os.listdir
_getrusage = resource.getrusage if resource else None
_getrlimit = resource.getrlimit if resource else None

FSIZE_LIMIT = 16 << 20
NPROC_LIMIT = 16
NOFILE_LIMIT = 256
RESERVE_BYTES = 8 << 20       # address space set aside to report a MemoryError
MESSAGE_LIMIT = 2_000
TRACEBACK_LIMIT = 8_000
_NEWLINE = re.compile(r"\r\n|\r|\n")


def _python_default_warning_filters():
    with warnings.catch_warnings():
        warnings.resetwarnings()
        warnings.simplefilter("default")
        for category in (DeprecationWarning, PendingDeprecationWarning, ImportWarning, ResourceWarning):
            warnings.simplefilter("ignore", category, append=True)
        return list(warnings.filters)


_WARNING_FILTERS = _python_default_warning_filters()
REUSE_CPU = 0.5     # CPU seconds a process may have used and still take another job (its limit holds)


class _Channel:
    """The answer channel (JSON lines out) and the job channel (JSON lines in)."""

    def __init__(self, answer_fd, job_fd):
        self.answer_fd, self.job_fd = answer_fd, job_fd
        self.answer_id = None
        self.pid = _getpid()
        self.pending = b""

    def send(self, message, check=True):
        """One JSON line. Exits if the channel is gone or replaced; quietly ends a copy of the
        child made by a student's os.fork() that returned into the harness."""
        if _getpid() != self.pid:
            _exit(0)
        data = (_JSON.encode(message) + "\n").encode("ascii")
        try:
            if check and self.answer_id is not None:
                st = _fstat(self.answer_fd)
                if (st.st_dev, st.st_ino) != self.answer_id:
                    _exit(EXIT_CHANNEL_LOST)
            view = memoryview(data)
            while view:
                view = view[_write(self.answer_fd, view):]
        except OSError:
            _exit(EXIT_CHANNEL_LOST)

    def receive(self):
        """The next JSON line from the grader (blocking)."""
        while b"\n" not in self.pending:
            try:
                chunk = _read(self.job_fd, 1 << 20)
            except OSError:
                chunk = b""
            if not chunk:
                _exit(EXIT_CHANNEL_LOST)
            self.pending += chunk
        line, _, self.pending = self.pending.partition(b"\n")
        return _parse(line)


_channel: _Channel | None = None
_reserve = None
_current = None     # the index of the call running, None during the import


def serve(answer_fd, job_fd, output_fd, *, posix=True, subreaper=False, before_student=None, reuse=False):
    """The child's whole life after isolation. Never returns. before_student(job): a last step
    of set-up, once the job is known (the portable runner drops root there).

    reuse: in a session (its init clears whatever a run leaves), a run that left nothing behind
    (_left_nothing) says so in its "done" and waits for the same student's next job, which it
    runs after a reset (_next_job), instead of ending: a fork, an exit and a set-up fewer."""
    global _channel
    _channel = _Channel(answer_fd, job_fd)
    try:
        answer_fd, job_fd = _arrange_fds(answer_fd, job_fd, output_fd, posix)
        _channel = _Channel(answer_fd, job_fd)
        st = _fstat(answer_fd)
        _channel.answer_id = (st.st_dev, st.st_ino)
        job = _channel.receive()
        calls = job_from_plain(job)
        sys.argv[:] = [job["file"]]   # nothing of how the grader started the template
        sys.orig_argv[:] = [os.path.basename(sys.executable)]
        if before_student is not None:
            before_student(job)
        _environment(job["tmp_dir"], posix)
        if posix:
            _limits(job, subreaper)
        _black_boxes(job)
        job["keep"] = reuse and _keepable(job)
        job["sources"] = {}   # compiled into their modules; the text is not kept about
        prepared = [(_fresh(c.args), _fresh(c.kwargs)) for c in calls]
        if job["keep"]:
            _note_first_state(job)
    except _BaseException as exc:  # noqa: BLE001 - no student code has run yet
        try:
            _channel.send({"fatal": f"{type(exc).__name__}: {exc}"[:MESSAGE_LIMIT]}, check=False)
        finally:
            _exit(EXIT_SETUP_FAILED)
    while True:
        _channel.send({"ready": True})
        again = _run_one(job, calls, prepared, subreaper, reuse)
        if not again:
            _exit(0)
        try:
            job, calls, prepared = _next_job(job)
        except _BaseException:  # noqa: BLE001 - what the previous run left broke the reset
            _exit(EXIT_SETUP_FAILED)   # before "ready": the grader runs the job in a new process


def _run_one(job, calls, prepared, subreaper, reuse):
    """Runs one job; True if this process then takes the next one."""
    try:
        return _run_student(job, calls, prepared, subreaper, reuse)
    except _MemoryError:
        _out_of_memory()
        error = {"type": "MemoryError", "message": "", "line": None, "source_line": None,
                 "not_implemented": False, "traceback": ""}
        if _current is None:
            _channel.send({"import": "error", "seconds": 0.0, "error": error, "memory": True})
        else:
            _channel.send({"call": _current, "seconds": 0.0, "error": error, "memory": True})
    except _BaseException:  # noqa: BLE001 - e.g. the student broke the harness's own code
        _exit(EXIT_HARNESS_FAILED)
    _exit(0)


# ------------------------------------------------------- one process, several runs of a session

_first = {}   # the process's state before the first student code ran: what _next_job restores


def _note_first_state(job):
    _first.update(
        modules=set(sys.modules) - _course_modules, path=list(sys.path), builtins=dict(builtins.__dict__),
        signals={sig: signal.getsignal(sig) for sig in signal.valid_signals()
                 if sig not in (signal.SIGKILL, signal.SIGSTOP)},
        mask=signal.pthread_sigmask(signal.SIG_BLOCK, []), umask=os.umask(0o022),
        numpy_random=np.random.get_state(), random=random.getstate(), recursion=sys.getrecursionlimit(),
        printoptions=np.get_printoptions(), streams=(sys.stdin, sys.stdout, sys.stderr),
        tmp=tmp_stamp(job["tmp_dir"]), fds=_open_files(), limits=_rlimits(), int_digits=sys.get_int_max_str_digits(),
        meta_path=list(sys.meta_path), path_hooks=list(sys.path_hooks), gc=gc.get_threshold())
    os.umask(_first["umask"])


def _rlimits():
    return [_getrlimit(which) for which in (resource.RLIMIT_AS, resource.RLIMIT_CPU, resource.RLIMIT_FSIZE,
                                            resource.RLIMIT_NOFILE, resource.RLIMIT_NPROC, resource.RLIMIT_CORE)]


def _open_files():
    """(fd, device, inode) of every open descriptor: a file the run left open (one made with
    O_TMPFILE fills /tmp without a name or a changed time) is not a fresh process's."""
    found = []
    for fd in range(NOFILE_LIMIT):
        try:
            st = _fstat(fd)
        except OSError:
            continue
        found.append((fd, st.st_dev, st.st_ino))
    return found


def _keepable(job):
    """The grader allows it, and the job holds nothing of the reference's (its code, or
    black-box answers): what the reference gives a run never outlives it."""
    return job.get("keep") is True and not job["sources"] and not job["black_boxes"]


def tmp_stamp(tmp):
    """What tells a /tmp that no run touched from one that a run wrote in (even a file made and
    deleted since: the times change): its identity, times and names (where a venv under the
    host's /tmp is bound inside it, those names are there from the start). The child compares it
    from inside the new root, the session's init (clean_room.server) from outside it."""
    st = _stat(tmp)
    return (st.st_ino, st.st_mtime_ns, st.st_ctime_ns, sorted(_listdir(tmp)))


def _left_nothing(job):
    """True if the run left nothing that a fresh process would not have: no thread, no process
    (this process is their subreaper: orphans come to it, so none can hide), nothing made in
    /tmp (its times are unchanged: not even a file made and deleted), no file left open, and
    CPU time to spare under the limit, which counts the whole process."""
    try:
        if _thread_count() != 0:
            return False
        try:
            _waitpid(-1, os.WNOHANG)
            return False   # a child, running or not reaped
        except ChildProcessError:
            pass
        if tmp_stamp(job["tmp_dir"]) != _first["tmp"] or _open_files() != _first["fds"]:
            return False
        if any(stream.closed for stream in _first["streams"]) or _rlimits() != _first["limits"]:
            return False
        used = _getrusage(resource.RUSAGE_SELF)
        return used.ru_utime + used.ru_stime < REUSE_CPU
    except _BaseException:  # noqa: BLE001 - anything odd: a fresh process is the safe answer
        return False


def _students_modules(previous):
    """The modules the previous job made: the student's files, the course's modules, and any
    module without a file that student code put in sys.modules. The libraries it imported
    stay loaded, as they would in a process that had imported them before (numpy.fft's C
    module, for one, cannot be loaded twice in a process)."""
    student_dir = previous["student_dir"] + os.sep
    found = []
    for name, module in list(sys.modules.items()):
        where = getattr(module, "__file__", None)
        if _isinstance(where, str):
            mine = where.startswith(student_dir)
        else:
            mine = name not in _first["modules"] and name not in sys.builtin_module_names
        if mine or name in _course_modules or name == previous["module"]:
            found.append(name)
    return found


def _next_job(previous):
    """Reads the next job, and puts back what student code may have changed in the process,
    so that it runs as in a fresh child: the previous run's modules go, and the signal
    handlers, timers, random states, path, builtins, streams and limits are the first run's."""
    global _current
    builtins.__dict__.clear()   # first: the harness's own code below uses them
    builtins.__dict__.update(_first["builtins"])
    decimal = sys.modules.get("decimal")
    if decimal is not None:   # its context lives in C, past the module's removal
        decimal.setcontext(decimal.Context(prec=28, rounding=decimal.ROUND_HALF_EVEN, Emin=-999999, Emax=999999,
                                           capitals=1, clamp=0, flags=[],
                                           traps=[decimal.InvalidOperation, decimal.DivisionByZero,
                                                  decimal.Overflow]))
    sys.set_int_max_str_digits(_first["int_digits"])
    for name in _students_modules(previous):
        del sys.modules[name]
    _course_modules.clear()
    linecache.cache.clear()
    sys.path[:] = _first["path"]
    for which in (signal.ITIMER_REAL, signal.ITIMER_VIRTUAL, signal.ITIMER_PROF):
        signal.setitimer(which, 0)
    for sig, handler in _first["signals"].items():
        if handler is not None:
            signal.signal(sig, handler)
    signal.pthread_sigmask(signal.SIG_SETMASK, _first["mask"])
    os.umask(_first["umask"])
    np.random.set_state(_first["numpy_random"])
    random.setstate(_first["random"])
    sys.setrecursionlimit(_first["recursion"])
    sys.meta_path[:], sys.path_hooks[:] = _first["meta_path"], _first["path_hooks"]
    sys.path_importer_cache.clear()
    gc.set_threshold(*_first["gc"])
    sys.settrace(None)
    sys.setprofile(None)
    gc.enable()
    np.set_printoptions(**_first["printoptions"])
    sys.stdin, sys.stdout, sys.stderr = sys.__stdin__, sys.__stdout__, sys.__stderr__ = _first["streams"]
    _current = None
    job = _channel.receive()
    calls = job_from_plain(job)
    sys.argv[:] = [job["file"]]
    _environment(job["tmp_dir"], True)
    _limits(job, False)
    _black_boxes(job)
    job["keep"] = _keepable(job)
    job["sources"] = {}
    return job, calls, [(_fresh(c.args), _fresh(c.kwargs)) for c in calls]


# ------------------------------------------------------------------------------------ set-up

def _arrange_fds(answer_fd, job_fd, output_fd, posix):
    """0 = /dev/null, 1 and 2 = output, answers and job on high numbers; the rest closed."""
    hi_answer, hi_job, hi_out = os.dup(answer_fd), os.dup(job_fd), os.dup(output_fd)
    if posix:
        moved = [fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10) for fd in (hi_answer, hi_job, hi_out)]
        for fd in (hi_answer, hi_job, hi_out):
            os.close(fd)
        hi_answer, hi_job, hi_out = moved
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 0)
    os.dup2(hi_out, 1)
    os.dup2(hi_out, 2)
    if posix:
        close_all_but({0, 1, 2, hi_answer, hi_job})
    # Python-level streams on the new fds (line-buffered, so output before a kill is not lost).
    faulthandler.disable()
    out = open(1, "w", buffering=1, encoding="utf-8", errors="backslashreplace", closefd=False)
    err = open(2, "w", buffering=1, encoding="utf-8", errors="backslashreplace", closefd=False)
    sys.stdin = sys.__stdin__ = open(0, "r", encoding="utf-8", closefd=False)
    sys.stdout = sys.__stdout__ = out
    sys.stderr = sys.__stderr__ = err
    faulthandler.enable(file=err, all_threads=True)
    return hi_answer, hi_job


def close_all_but(keep):
    """Closes every other descriptor (close_range where the kernel has it: one system call)."""
    low = 0
    for fd in sorted(keep) + [1 << 20]:
        if fd > low:
            os.closerange(low, fd)
        low = fd + 1


def _environment(tmp, posix):
    """An environment with nothing of the grader's: a private temp folder, one BLAS thread, UTF-8."""
    path = "/usr/local/bin:/usr/bin:/bin" if posix else os.environ.get("PATH", "")
    keep = {} if posix else {k: os.environ[k] for k in ("SYSTEMROOT", "TEMP", "TMP") if k in os.environ}
    os.environ.clear()
    os.environ.update(keep)
    os.environ.update({"PATH": path, "HOME": tmp, "TMPDIR": tmp, "LANG": "C.UTF-8",
                       "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
                       "PYTHONDONTWRITEBYTECODE": "1"})
    tempfile.tempdir = None
    try:
        os.chdir(tmp)
    except OSError:
        pass
    if warnings.filters != _WARNING_FILTERS:
        warnings.filters[:] = _WARNING_FILTERS
        warnings._filters_mutated()
    np.seterr(divide="warn", over="warn", under="ignore", invalid="warn")


def _limits(job, subreaper):
    """Memory (address space on top of what is mapped now), CPU, file size, processes, no core
    dumps; soft = hard, so student code cannot raise them."""
    global _reserve
    if _reserve is None:
        _reserve = mmap.mmap(-1, RESERVE_BYTES)
    for sig, handler in ((signal.SIGPIPE, signal.SIG_IGN), (signal.SIGXFSZ, signal.SIG_IGN),
                         (signal.SIGINT, signal.default_int_handler)):
        signal.signal(sig, handler)
    _set_limit(resource.RLIMIT_AS, _vm_size() + (int(job["memory_mb"]) << 20))
    cpu = int(job["timeout"]) + 2
    _set_limit(resource.RLIMIT_CPU, cpu, cpu + 1)
    _set_limit(resource.RLIMIT_CORE, 0)
    _set_limit(resource.RLIMIT_FSIZE, FSIZE_LIMIT)
    _set_limit(resource.RLIMIT_NOFILE, NOFILE_LIMIT)
    if subreaper:
        import ctypes
        ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)   # PR_SET_CHILD_SUBREAPER: orphans stay ours


def _set_limit(which, soft, hard=None):
    hard = soft if hard is None else hard
    try:
        _, old_hard = resource.getrlimit(which)
        if old_hard != resource.RLIM_INFINITY:
            soft, hard = min(soft, old_hard), min(hard, old_hard)
        resource.setrlimit(which, (soft, hard))
    except (ValueError, OSError):
        pass   # e.g. RLIMIT_AS on macOS: the grader's timeout still holds


_vm_measured = [512 << 20]


def measure_vm():
    """Notes the address space mapped now; isolation calls it before /proc goes out of sight."""
    try:
        with open("/proc/self/status", "rb") as f:
            for line in f:
                if line.startswith(b"VmSize:"):
                    _vm_measured[0] = int(line.split()[1]) * 1024
    except OSError:
        pass


def _vm_size():
    measure_vm()   # where /proc is there, the figure of now; else the last one noted
    return _vm_measured[0] + (64 << 20)   # room for the job's own data, read since


def _black_boxes(job):
    """Modules that stand in for earlier exercises: each function asks the grader."""
    for module_name, names in job["black_boxes"].items():
        module = types.ModuleType(module_name, f"{module_name}: the course's functions, run by the grader")
        for name in names:
            setattr(module, name, _proxy(module_name, name))
        sys.modules[module_name] = module
        _course_modules.add(module_name)
    for module_name, text in job["sources"].items():
        module = types.ModuleType(module_name, f"{module_name}: the course's functions")
        exec(compile(text, f"<the course's {module_name}>", "exec", dont_inherit=True), module.__dict__)
        sys.modules[module_name] = module
        _course_modules.add(module_name)
    sys.path[:] = [p for p in sys.path if p not in ("", ".", _OUR_PARENT)]
    if job["student_imports"]:
        sys.path.insert(0, job["student_dir"])


_course_modules = set()   # the names _black_boxes gave modules: a reused process drops them


_OUR_PARENT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_asked = [0]


def _proxy(module_name, name):
    def function(*args, **kwargs):
        _asked[0] += 1
        k = _asked[0]
        _channel.send({"ask": k, "module": module_name, "function": name,
                       "args": _encode(args), "kwargs": _encode(kwargs)})
        reply = _channel.receive()
        if not _isinstance(reply, dict) or reply.get("reply") != k:
            raise RuntimeError("the grader's answer to a call of the course's functions went missing")
        if "error" in reply:
            raise _rebuilt(reply["error"])
        return _decode(reply["value"])

    function.__name__ = function.__qualname__ = name
    function.__module__ = module_name
    function.__doc__ = f"The course's {name}, computed by the grader (its code is not here)."
    return function


def _rebuilt(error):
    kind = getattr(builtins, str(error.get("type")), None)
    message = str(error.get("message", ""))
    if _isinstance(kind, type) and issubclass(kind, _Exception):
        try:
            return kind(message)
        except _BaseException:  # noqa: BLE001
            pass
    return RuntimeError(f"{error.get('type')}: {message}")


def _fresh(value):
    """A private copy of a call's argument; FunctionSpecs become functions (trusted code)."""
    if type(value) is FunctionSpec:
        return scalar_functions.build(value)
    if _isinstance(value, np.ndarray):
        return np.array(value, copy=True, subok=False)
    if _isinstance(value, tuple):
        return tuple(_fresh(v) for v in value)
    if _isinstance(value, list):
        return [_fresh(v) for v in value]
    if _isinstance(value, dict):
        return {k: _fresh(v) for k, v in value.items()}
    return value


UID_BASE = 200_000


def drop_root(tmp_dir, run_id):
    """Started as root where there are no namespaces: the student's code runs as a per-run uid
    (UID_BASE + run_id) with no groups, owning only its private temp folder."""
    if os.name != "posix" or os.geteuid() != 0:
        return
    uid = UID_BASE + run_id
    os.chown(tmp_dir, uid, uid)
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)
    if os.getuid() != uid or os.geteuid() != uid:
        raise RuntimeError("could not switch to the sandbox user")


# ---------------------------------------------------------------------------- the student's code

def _flush_output():
    for stream in (sys.__stdout__, sys.__stderr__):
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


def _error_info(exc, filename, lines):
    """An exception as the StudentError fields (plain data)."""
    try:
        etype = type(exc).__name__
    except _BaseException:  # noqa: BLE001
        etype = "BaseException"
    line = None
    if _isinstance(exc, _SystemExit):
        code = exc.code
        message = f"called sys.exit({'' if code is None else _text(repr(code), 200)})"
    elif _isinstance(exc, _SyntaxError) and getattr(exc, "filename", None) == filename:
        message = _text(exc.msg)
        line = exc.lineno if type(exc.lineno) is int else None
    else:
        message = _text(exc)
    if line is None:
        tb = exc.__traceback__
        while tb is not None:
            if tb.tb_frame.f_code.co_filename == filename:
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


def _out_of_memory():
    """Give back the reserve so there is room to report the MemoryError."""
    global _reserve
    if _reserve is not None:
        try:
            _reserve.close()
        except _BaseException:  # noqa: BLE001
            pass
        _reserve = None


def _finish(subreaper, job=None, reuse=False):
    """Says "done" (with "again" if this process takes the next job); True if it does."""
    _flush_output()
    if subreaper:
        _kill_descendants()
    again = reuse and job["keep"] and _left_nothing(job)
    _channel.send({"done": True, "again": True} if again else {"done": True})
    return again


def _run_student(job, calls, prepared, subreaper, reuse=False):
    global _current
    lines = []
    filename = os.path.join(job["student_dir"], job["file"])
    t0 = _perf()
    try:
        with open(filename, "rb") as f:
            source = f.read()
        lines = _NEWLINE.split(source.decode("utf-8", "replace"))  # Python's own line breaks
        linecache.cache[filename] = (len(source), None, [line + "\n" for line in lines], filename)
        code = compile(source, filename, "exec", dont_inherit=True)
        module = types.ModuleType(job["module"])
        module.__file__ = filename
        module.__spec__ = importlib.machinery.ModuleSpec(job["module"], None, origin=filename)
        module.__builtins__ = builtins
        sys.modules[job["module"]] = module
        exec(code, module.__dict__)
    except _BaseException as exc:  # noqa: BLE001 - the student's import failed, whatever it was
        memory = _isinstance(exc, _MemoryError)
        if memory:
            _out_of_memory()
        info = _error_info(exc, filename, lines)
        del exc
        _flush_output()
        _channel.send({"import": "error", "seconds": _perf() - t0, "error": info, "memory": memory})
        _finish(subreaper)
        _exit(0)
    _flush_output()
    _channel.send({"import": "ok", "seconds": _perf() - t0})

    for index, call in enumerate(calls):
        _current = index
        args, kwargs = prepared[index]
        prepared[index] = None
        message = _run_call(index, call, args, kwargs, module, filename, lines)
        _flush_output()
        _channel.send(message)
        if message.get("memory"):
            _finish(subreaper)
            _exit(0)  # the process may be full: no further calls
    return _finish(subreaper, job, reuse)


def _run_call(index, call, args, kwargs, module, filename, lines):
    message = {"call": index, "seconds": 0.0}
    t0 = _perf()
    try:
        function = getattr(module, call.function, None)
        if function is None:
            raise AttributeError(f"{os.path.basename(filename)} defines no function named {call.function!r}")
        if not callable(function):
            raise TypeError(f"{call.function} is not a function (it is a {type(function).__name__})")
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
        message["error"] = _error_info(exc, filename, lines)
        del exc
    if call.return_args:
        try:
            message["args_after"] = _encode((args, kwargs))
        except _MemoryError:
            _out_of_memory()
            message["memory"] = True
    return message


# ------------------------------------------------ without namespaces: what the student started

def _kill_descendants():
    """Kill every process the student's code started (we are their subreaper), then reap them.
    Only where there is no pid namespace, whose end kills them all anyway."""
    try:
        for _ in range(50):
            found = _descendants()
            if not found:
                return
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
    except _BaseException:  # noqa: BLE001 - best effort: the grader kills what is left
        pass


def _descendants():
    me = _getpid()
    parents = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat", "rb") as f:
                    data = f.read()
                fields = data[data.rindex(b")") + 2:].split()
                if fields[0] != b"Z":
                    parents[int(name)] = int(fields[1])
            except (OSError, ValueError, IndexError):
                continue
    found, todo = [], [me]
    while todo:
        pid = todo.pop()
        kids = [p for p, pp in parents.items() if pp == pid]
        found += kids
        todo += kids
    return found
