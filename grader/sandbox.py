"""Runs untrusted student code in a forked, limited child and brings its answers back as plain data.

    outcome = run_student(Path("exercises/ex06_output_layer.py"), "ex06_output_layer",
                          [Call("dz2", (y_hat, y)), Call("db2", (dz,), return_args=True)],
                          redirects={"ex01_activations": {"sigmoid": reference.sigmoid}})
    outcome.status            # "ok", or why the run stopped early (see below)
    outcome.results[0].value  # the decoded return value, or .error: StudentError

The student's code never runs in the calling process: run_student forks (the caller already has
numpy and the grader imported, so a whole run costs about 5 ms against ~100 ms for a fresh
`python -c "import numpy"`; bench/bench_sandbox.py measures it), and the child
(grader/student_process.py) limits itself, drops privileges, loads the student's file and runs
the calls. Answers come back on their own pipe as JSON lines in grader.plain_data's format, so
nothing the student prints can corrupt them, and nothing the child sends is more than data: the
parent decodes it without running code and decides every verdict itself.

Statuses (Outcome.status) and their reasons (Outcome.reason, one sentence, "" when "ok"):

    ok            the file was imported and every call returned or raised; per-call errors,
                  including sys.exit() inside a call, are in results[i].error
    missing       "file not found: /x/ex05_losses.py" (no process is started)
    import-error  "has a syntax error at line 12: invalid syntax",
                  "called sys.exit(3) while the file was imported",
                  "raised ModuleNotFoundError at line 3 while the file was imported: No module ..."
    timeout       "stopped after 5.0 s (an infinite loop?) while running dz2(...)"
                  (also "used more than 7 s of CPU time ..." when threads burn the CPU limit)
    memory        "ran out of memory (limit 1024 MB) while running forward(...)": the call that
                  ran out is results[-1] with a MemoryError; later calls do not run
    exited        "the process exited with os._exit(1) while running bce(...)"
    crashed       "crashed with signal SIGSEGV while running forward(...)",
                  "sent back data the grader cannot read (...) while running ...",
                  "sent back more than 64 MB ...",
                  "closed or replaced the grader's answer channel (fd 3) while running ...",
                  "broke the grader's code in its process while running ..." (e.g. it
                  monkeypatched builtins the child's reporting needs)
    sandbox-error the sandbox itself could not start (a grader or machine problem, not the
                  student's): "the sandbox could not start: ..."

Results of the calls that finished before a timeout, exit or crash are kept. Output (stdout and
stderr together) is cut to output_limit bytes with a "[... N bytes cut]" marker; a run whose
output was cut is still "ok" (Outcome.output_cut says how much).

Isolation, when the caller is root (as CI is): the child runs as a per-run uid/gid
(200000 + pid) with no supplementary groups and no way back to root (no_new_privs), in a new
session, with limits on address space, CPU time, file size, processes (64) and core dumps, in a
throw-away folder holding only a copy of the student's file, with a clean environment. It can
read only what any user can, and write only its folder and world-writable places such as /tmp
(what it leaves there is not cleaned up). Afterwards the parent kills the child's process group
and every process of that uid (found in /proc), so a process that called setsid() to escape dies
too, reaps the child and removes the folder. In both modes the grader's own packages (grader,
reference, solutions, exercises) cannot be imported by the student's file: a deterrent, since
objects passed in `redirects` live in the same interpreter. A grader killed with SIGKILL cannot
clean up; the child dies with it (parent-death signal), and the next run in a new process
removes its folder (named grade-run-<pid>-<start time>-...) and, as root, kills processes of
its sandbox uid that carry the sandbox's name or token (never those of a uid with a passwd entry).

Weaker isolation as a normal user: the student's code runs with the caller's own uid, so it can
read and write whatever the caller can (the course files, the user's home), signal or ptrace
(where the system allows) the caller's processes, and the process limit is the user's current
count + 64. Cleaning up is best effort: the child is the subreaper of what it starts and kills
it before it reports its last answer; after a timeout the parent stops the child and kills its
process tree; then it kills our processes in the child's group or session or carrying the run's
token in their environment. A process that escapes all of those (leaves the session, loses its
parent, and has an environment without the token, e.g. a double fork after os._exit of the
child) can outlive the run. Use root (CI) or a container to grade untrusted submissions.
"""
from __future__ import annotations

import json
import os
import pwd
import re
import select
import shutil
import signal
import stat
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from grader import plain_data, scalar_functions, student_process
from grader.student_process import ChildJob

__all__ = ["FunctionSpec", "Call", "StudentError", "CallResult", "Outcome", "run_student",
           "ANSWER_LIMIT"]

ANSWER_LIMIT = 64 << 20        # bytes of answers decoded per run at most
_READ_CHUNK = 1 << 16
_SYNTAX_ERRORS = ("SyntaxError", "IndentationError", "TabError")


# ------------------------------------------------------------------------------------ the API

@dataclass(frozen=True)
class FunctionSpec:
    """A scalar function f(x) the child rebuilds from trusted grader code (grader.scalar_functions)."""
    name: str                                    # a key of grader.scalar_functions.FUNCTIONS
    params: dict = field(default_factory=dict)   # plain data (numbers, lists, arrays)


@dataclass(frozen=True)
class Call:
    """One call of a function of the student's module."""
    function: str
    args: tuple = ()            # plain data (see grader.plain_data) or FunctionSpec, nested
    kwargs: dict = field(default_factory=dict)
    return_args: bool = False   # also send back args and kwargs as they are after the call
    float_errors: bool = False  # run it under np.errstate(over/divide/invalid="raise"): a warning is an error


@dataclass
class StudentError:
    """An exception raised by student code (or SystemExit, KeyboardInterrupt...)."""
    type: str                  # e.g. "ValueError", "NotImplementedError", "SystemExit"
    message: str               # str(exc); "called sys.exit(3)"; a SyntaxError's msg
    line: int | None           # line in the student's file of the innermost frame in that file
    source_line: str | None    # the text of that line, stripped
    not_implemented: bool      # True for NotImplementedError (the stub is "not started")
    traceback: str = ""        # the traceback, without the grader's frames


@dataclass
class CallResult:
    value: object = None       # the decoded return value (plain data, see grader.plain_data)
    error: StudentError | None = None
    args_after: tuple | None = None   # when return_args: (args_after_tuple, kwargs_after_dict)
    seconds: float = 0.0


@dataclass
class Outcome:
    status: str                # see the module docstring
    results: list              # list[CallResult]: one per call that finished, in order
    import_error: StudentError | None
    output: str                # stdout+stderr of the student code, cut to output_limit
    reason: str                # one human sentence for anything not "ok"
    seconds: float
    output_cut: int = 0        # bytes of output cut
    running: str | None = None  # what ran when the run stopped early: "import", a function name
    returncode: int | None = None  # the child's exit code, -signal when killed by a signal

    @property
    def ok(self) -> bool:
        return self.status == "ok"


# ------------------------------------------------------------------------------- run_student

_warmed = False


def _warm():
    """Modules students commonly touch lazily, imported once here so each child needn't."""
    global _warmed
    if not _warmed:
        _warmed = True
        try:
            import numpy.random  # noqa: F401 - lazy in numpy 2; init_params uses it
        except ImportError:
            pass


def _validate(calls, redirects):
    for call in calls:
        if not isinstance(call, Call):
            raise TypeError(f"calls must be Call objects, got {type(call).__name__}")
        _check_specs(call.args)
        _check_specs(call.kwargs)
    for name, attributes in (redirects or {}).items():
        if not isinstance(name, str) or not isinstance(attributes, dict):
            raise TypeError("redirects must map module names to {attribute: object} dicts")


def _check_specs(value):
    if isinstance(value, FunctionSpec):
        if value.name not in scalar_functions.FUNCTIONS:
            raise ValueError(f"unknown scalar function {value.name!r}; the known ones are "
                             f"{', '.join(sorted(scalar_functions.FUNCTIONS))}")
    elif isinstance(value, (list, tuple)):
        for v in value:
            _check_specs(v)
    elif isinstance(value, dict):
        for v in value.values():
            _check_specs(v)


def run_student(source: Path, module_name: str, calls: list, *,
                redirects: dict | None = None,
                timeout: float = 5.0,
                memory_mb: int = 1024,
                output_limit: int = 64_000,
                answer_limit: int = ANSWER_LIMIT,
                hidden_dirs: tuple = ()) -> Outcome:
    """Imports the student's file in a sandboxed child and runs `calls` there; see the module doc.

    redirects: module name -> {attribute: object}, installed in the child's sys.modules before
    the file runs (so `from ex01_activations import sigmoid` gets the grader's object).
    timeout: wall seconds for the import and all calls together. memory_mb: address space the
    child may add to what it already maps. output_limit: bytes of output kept. answer_limit:
    bytes of answers the parent decodes at most. hidden_dirs: folders the student's code sees
    empty when the caller is root (the course's solutions/); ignored for a normal user.
    """
    started = time.monotonic()
    calls = list(calls)
    _validate(calls, redirects)
    source = Path(source)
    try:
        is_file = source.is_file()
    except OSError:
        is_file = False
    if not is_file:
        what = "file not found" if not source.exists() else "not a file"
        return Outcome("missing", [], None, "", f"{what}: {source}", time.monotonic() - started)
    _warm()
    root = os.geteuid() == 0
    base = _work_base(root)
    _sweep_stale_folders(base)
    workdir = tempfile.mkdtemp(prefix=_folder_prefix(), dir=base)
    fds = []
    pid = 0
    run = _Run(calls, timeout, memory_mb, output_limit, answer_limit)
    try:
        copy_path = os.path.join(workdir, source.name)
        try:
            shutil.copyfile(source, copy_path)
        except OSError as exc:
            return Outcome("missing", [], None, "", f"cannot read {source}: {exc.strerror}",
                           time.monotonic() - started)
        try:
            out_r, out_w = os.pipe()
            fds += [out_r, out_w]
            ans_r, ans_w = os.pipe()
            fds += [ans_r, ans_w]
        except OSError as exc:
            return _cannot_start(exc, started)
        token = os.urandom(12).hex()
        job = ChildJob(
            copy_path=copy_path, filename=str(source.resolve()),
            student_dir=str(source.resolve().parent), module_name=module_name, calls=calls,
            redirects=dict(redirects or {}), workdir=workdir, timeout=float(timeout),
            memory_mb=int(memory_mb), out_fd=out_w, answer_fd=ans_w, token=token, uid=None,
            function_spec_type=FunctionSpec, parent_pid=os.getpid(),
            readable_roots=_unreachable_sys_path() if root else (),
            hidden_dirs=tuple(str(d) for d in hidden_dirs) if root else ())
        job.sys_path, job.drop_modules, job.trusted_dirs = student_process.import_plan(
            job.student_dir, workdir, module_name, _cwd(), job.redirects)
        try:
            pid = os.fork()
        except OSError as exc:  # e.g. too many processes on the machine
            pid = 0
            return _cannot_start(exc, started)
        if pid == 0:  # the child: never returns into the caller's code
            try:
                if root:
                    job.uid = student_process.sandbox_uid(os.getpid())
                student_process.run_child(job)
            finally:
                os._exit(student_process.EXIT_HARNESS_FAILED)
        run.pid, run.token = pid, token
        run.uid = student_process.sandbox_uid(pid) if root else None
        os.close(out_w)
        os.close(ans_w)
        fds = [out_r, ans_r]
        run.supervise(out_r, ans_r, started)
    finally:
        if pid:
            run.kill_everything()
            for fd in fds[:2]:
                if fd in (run.out_fd, run.ans_fd):
                    run.drain(fd)
        for fd in fds:
            try:
                os.close(fd)
            except OSError:
                pass
        _remove_tree(workdir)
    return run.outcome(time.monotonic() - started)


_FOLDER = re.compile(r"grade-run-(\d+)-(\d+)-\w+")
_swept: set = set()


def _start_time(pid):
    """A process's start time (clock ticks after boot), None if it is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            data = f.read()
        return int(data[data.rindex(b")") + 2:].split()[19])
    except (OSError, ValueError, IndexError):
        return None


def _folder_prefix():
    """grade-run-<pid>-<start time>-: whose folder it is, so a later run can tell it is stale."""
    pid = os.getpid()
    return f"grade-run-{pid}-{_start_time(pid) or 0}-"


def _sweep_stale_folders(base):
    """Once per process: remove the folders of runs whose grader died (e.g. a batch worker
    killed with SIGKILL, which leaves no chance to clean up)."""
    key = (os.getpid(), base)
    if key in _swept:
        return
    _swept.add(key)
    try:
        entries = os.listdir(base)
    except OSError:
        return
    for entry in entries:
        match = _FOLDER.fullmatch(entry)
        if match is None or _start_time(int(match[1])) == int(match[2]):
            continue
        path = os.path.join(base, entry)
        if os.path.isdir(path) and not os.path.islink(path):
            _remove_tree(path)


def _cannot_start(exc, started):
    return Outcome("sandbox-error", [], None, "",
                   f"the sandbox could not start: {exc.strerror or exc}", time.monotonic() - started)


def _cwd():
    try:
        return os.getcwd()
    except OSError:
        return ""


_roots_cache: dict = {}
_bases: dict = {}


def _work_base(root):
    """Where the throw-away folders go: the temp dir, unless (root) the sandbox uid could not
    reach it (e.g. TMPDIR under /root): then the first of /tmp, /var/tmp, /dev/shm it can."""
    base = tempfile.gettempdir()
    if not root:
        return base
    if base not in _bases:
        _bases[base] = base
        if student_process.unreachable_dirs([base]):
            for candidate in ("/tmp", "/var/tmp", "/dev/shm"):
                if os.path.isdir(candidate) and not student_process.unreachable_dirs([candidate]):
                    _bases[base] = candidate
                    break
    return _bases[base]



def _unreachable_sys_path():
    import sys
    key = tuple(p for p in sys.path if isinstance(p, str))
    if key not in _roots_cache:
        _roots_cache.clear()
        _roots_cache[key] = student_process.unreachable_dirs(key)
    return _roots_cache[key]


# ------------------------------------------------------------------------------ supervision

class _Run:
    """The parent's view of one child: reads both pipes, checks the protocol, builds the Outcome."""

    def __init__(self, calls, timeout, memory_mb, output_limit, answer_limit):
        self.calls = calls
        self.timeout = float(timeout)
        self.memory_mb = memory_mb
        self.output_limit = max(0, int(output_limit))
        self.answer_limit = answer_limit
        self.pid = 0
        self.uid = None
        self.token = ""
        self.out_fd = self.ans_fd = -1
        self.output = bytearray()
        self.output_cut = 0
        self.pending = bytearray()     # an answer line not finished yet
        self.answer_bytes = 0
        self.imported = False
        self.import_error = None
        self.import_memory = False
        self.results = []
        self.memory_stop = False
        self.done = False
        self.fatal = None
        self.broken = None             # why the answers could not be read
        self.timed_out = False
        self.wait_status = None
        self.exited = False

    # -- reading

    def supervise(self, out_fd, ans_fd, started):
        self.out_fd, self.ans_fd = out_fd, ans_fd
        deadline = started + self.timeout
        poller = select.poll()
        poller.register(out_fd, select.POLLIN)
        poller.register(ans_fd, select.POLLIN)
        pidfd = -1
        try:
            pidfd = os.pidfd_open(self.pid)
            poller.register(pidfd, select.POLLIN)
        except (AttributeError, OSError):
            pidfd = -1
        open_pipes = 2
        try:
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    self.timed_out = True
                    return
                wait = remaining if pidfd >= 0 else min(remaining, 0.02)
                for fd, _ in poller.poll(max(1, int(wait * 1000 + 0.999))):
                    if fd == pidfd:
                        self._child_ended()
                    elif not self._read(fd):
                        poller.unregister(fd)
                        open_pipes -= 1
                if self.done or self.broken or self.fatal or self.exited:
                    return
                if pidfd < 0:
                    self._poll_child()
                    if self.exited:
                        return
        finally:
            if pidfd >= 0:
                os.close(pidfd)

    def _child_ended(self):
        self.exited = True

    def _poll_child(self):
        """Notices the child's exit without reaping it (its pid stays ours until kill_everything reaps it)."""
        try:
            if os.waitid(os.P_PID, self.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None:
                self.exited = True
        except ChildProcessError:
            self.exited = True

    def _read(self, fd):
        """Reads what is there; False at end of file."""
        try:
            data = os.read(fd, _READ_CHUNK if fd == self.out_fd else 1 << 20)
        except BlockingIOError:
            return True
        except OSError:
            return False
        if not data:
            return False
        if fd == self.out_fd:
            self._keep_output(data)
        else:
            self._feed(data)
        return True

    def drain(self, fd):
        """After the child is gone: reads whatever is left in a pipe, without waiting."""
        try:
            os.set_blocking(fd, False)
        except OSError:
            return
        for _ in range(100_000):
            if fd == self.ans_fd and (self.broken or self.done):
                return
            try:
                data = os.read(fd, 1 << 20)
            except OSError:
                return
            if not data:
                return
            if fd == self.out_fd:
                self._keep_output(data)
            else:
                self._feed(data)

    def _keep_output(self, data):
        room = self.output_limit - len(self.output)
        if room > 0:
            self.output += data[:room]
        self.output_cut += max(0, len(data) - max(room, 0))

    def _feed(self, data):
        if self.broken or self.done:
            return
        self.answer_bytes += len(data)
        if self.answer_bytes > self.answer_limit:
            self.broken = f"sent back more than {self.answer_limit >> 20} MB"
            self.pending = bytearray()
            return
        start = len(self.pending)
        self.pending += data
        while not (self.broken or self.done):
            end = self.pending.find(b"\n", start)
            if end < 0:
                return
            line = bytes(self.pending[:end])
            del self.pending[:end + 1]
            start = 0
            self._line(line)

    # -- the protocol

    def _line(self, line):
        try:
            message = json.loads(line)
        except (ValueError, RecursionError) as exc:
            self.broken = f"sent back data the grader cannot read (not a JSON line: {exc})"
            return
        try:
            self._message(message)
        except (plain_data.DecodeError, _ProtocolError) as exc:
            self.broken = f"sent back data the grader cannot read ({exc})"

    def _message(self, m):
        if type(m) is not dict:
            raise _ProtocolError("an answer line is not a JSON object")
        keys = set(m)
        if "fatal" in m and not self.imported and self.import_error is None and not self.results:
            self.fatal = str(m["fatal"])[:2000]
        elif "import" in m and not self.imported and self.import_error is None:
            if m["import"] == "ok" and keys == {"import", "seconds"}:
                self.imported = True
            elif m["import"] == "error" and keys == {"import", "seconds", "error", "memory"}:
                self.import_error = _student_error(m["error"])
                self.import_memory = m["memory"] is True
            else:
                raise _ProtocolError("a malformed import report")
        elif "call" in m and self.imported and not self.memory_stop:
            if m["call"] != len(self.results) or len(self.results) >= len(self.calls):
                raise _ProtocolError(f"an answer for call {str(m['call'])[:20]} out of order")
            if not keys <= {"call", "seconds", "value", "error", "args_after", "memory"} or (
                    ("value" in m) == ("error" in m)):
                raise _ProtocolError("a malformed answer")
            result = CallResult(seconds=_seconds(m.get("seconds")))
            if "error" in m:
                result.error = _student_error(m["error"])
            else:
                result.value = plain_data.decode(m["value"])
            if "args_after" in m:
                after = plain_data.decode(m["args_after"])
                if not (type(after) is tuple and len(after) == 2 and type(after[0]) is tuple
                        and type(after[1]) is dict):
                    raise _ProtocolError("malformed arguments after the call")
                result.args_after = after
            self.results.append(result)
            if m.get("memory") is True:
                self.memory_stop = True
        elif m == {"done": True} and (self.imported or self.import_error is not None):
            if self.imported and not self.memory_stop and len(self.results) != len(self.calls):
                raise _ProtocolError("the run ended before every call was answered")
            self.done = True
        else:
            raise _ProtocolError(f"an unexpected answer {str(sorted(keys))[:60]}")

    # -- ending

    def kill_everything(self):
        """Kill the child and everything it started, then reap it.

        Not root: the child is stopped first, so the processes it started (it is their
        subreaper) stay in its tree while they are killed. Then the child and its group die;
        once the child is a zombie (its pid, and so its uid, still ours) the strays go: as root
        every process of its uid, otherwise our processes in its group or session, below it,
        or carrying the run's token."""
        if self.uid is None:
            try:
                os.kill(self.pid, signal.SIGSTOP)
            except ProcessLookupError:
                pass
            _kill_strays(self.pid, None, self.token)
        for kill in (os.killpg, os.kill):
            try:
                kill(self.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        try:
            os.waitid(os.P_PID, self.pid, os.WEXITED | os.WNOWAIT)
        except ChildProcessError:
            pass
        _kill_strays(self.pid, self.uid, self.token)
        try:
            _, self.wait_status = os.waitpid(self.pid, 0)
        except ChildProcessError:
            pass

    def _running(self):
        if not self.imported:
            return "import"
        if self.memory_stop:
            return self.calls[len(self.results) - 1].function
        if len(self.results) < len(self.calls):
            return self.calls[len(self.results)].function
        return None

    def _where(self):
        running = self._running()
        if running == "import":
            return "while the file was imported"
        if running is None:
            return "after the last call"
        return f"while running {running}(...)"

    def outcome(self, seconds):
        returncode = None
        if self.wait_status is not None:
            returncode = os.waitstatus_to_exitcode(self.wait_status)
        status, reason = self._verdict(returncode)
        output = bytes(self.output).decode("utf-8", "replace")
        if self.output_cut:
            output += f"\n[... {self.output_cut} bytes cut]"
        running = None if status == "ok" else self._running()
        if status == "import-error" or (status == "memory" and not self.imported):
            running = "import"
        return Outcome(status=status, results=self.results, import_error=self.import_error,
                       output=output, reason=reason, seconds=seconds, output_cut=self.output_cut,
                       running=running, returncode=returncode)

    def _verdict(self, returncode):
        where = self._where()
        if self.fatal is not None:
            return "sandbox-error", f"the sandbox could not start: {self.fatal}"
        if self.broken:
            return "crashed", f"{self.broken} {where}"
        if self.import_error is not None:
            return self._import_verdict()
        if self.memory_stop:
            return "memory", f"ran out of memory (limit {self.memory_mb} MB) {where}"
        if self.done:
            return "ok", ""
        if self.timed_out:
            return "timeout", f"stopped after {self.timeout:.1f} s (an infinite loop?) {where}"
        if returncode is None:
            return "crashed", f"the process disappeared {where}"
        if returncode < 0:
            sig = -returncode
            name = _signal_name(sig)
            if sig == signal.SIGXCPU:
                return "timeout", (f"used more than {int(self.timeout) + 2} s of CPU time "
                                   f"(an infinite loop?) {where}")
            if sig == signal.SIGKILL:
                return "crashed", f"was killed by {name} (out of memory?) {where}"
            return "crashed", f"crashed with signal {name} {where}"
        if returncode == student_process.EXIT_SETUP_FAILED and not self.imported:
            return "sandbox-error", "the sandbox could not start (no reason given)"
        if returncode == student_process.EXIT_CHANNEL_LOST:
            return "crashed", f"closed or replaced the grader's answer channel (fd 3) {where}"
        if returncode == student_process.EXIT_HARNESS_FAILED:
            return "crashed", f"broke the grader's code in its process {where}"
        return "exited", f"the process exited with os._exit({returncode}) {where}"

    def _import_verdict(self):
        err = self.import_error
        if self.import_memory or err.type == "MemoryError":
            return "memory", f"ran out of memory (limit {self.memory_mb} MB) while the file was imported"
        if err.type in _SYNTAX_ERRORS:
            at = f" at line {err.line}" if err.line else ""
            return "import-error", f"has a syntax error{at}: {err.message}"
        if err.type == "SystemExit":
            return "import-error", f"{err.message} while the file was imported"
        at = f" at line {err.line}" if err.line else ""
        message = f": {err.message}" if err.message else ""
        return "import-error", f"raised {err.type}{at} while the file was imported{message}"


class _ProtocolError(ValueError):
    pass


def _seconds(value):
    return float(value) if type(value) in (int, float) and value == value else 0.0


def _student_error(d):
    expected = {"type": str, "message": str, "line": (int, type(None)),
                "source_line": (str, type(None)), "not_implemented": bool, "traceback": str}
    if type(d) is not dict or set(d) != set(expected):
        raise _ProtocolError("a malformed error report")
    for key, types in expected.items():
        if not isinstance(d[key], types) or (key == "line" and type(d[key]) is bool):
            raise _ProtocolError(f"a malformed error report ({key})")
    return StudentError(type=d["type"][:200], message=d["message"][:2000], line=d["line"],
                        source_line=None if d["source_line"] is None else d["source_line"][:500],
                        not_implemented=d["not_implemented"], traceback=d["traceback"][:10_000])


def _signal_name(sig):
    try:
        return signal.Signals(sig).name
    except ValueError:
        return f"signal {sig}"


# ------------------------------------------------------------------------------- cleaning up

def _uids(pid):
    """The uids (real, effective, saved, fs) of a live process; None if gone or a zombie."""
    try:
        fd = os.open(f"/proc/{pid}/status", os.O_RDONLY)
        try:
            data = os.read(fd, 8192)
        finally:
            os.close(fd)
    except OSError:
        return None
    at = data.find(b"\nUid:")
    if at < 0 or data[data.find(b"\nState:") + 8:][:1] == b"Z":
        return None
    return {int(n) for n in data[at + 5:data.find(b"\n", at + 5)].split()}


def _has_token(pid, token):
    try:
        with open(f"/proc/{pid}/environ", "rb") as f:
            return f"{student_process.TOKEN_VAR}={token}".encode() in f.read()
    except OSError:
        return False


def _strays(child_pid, uid, token):
    me = os.getpid()
    if uid is not None:  # root: every live process of the run's uid, and of dead runs' uids
        names = [n for n in os.listdir("/proc") if n.isdigit()]
        live = {int(n) for n in names}
        found = []
        for name in names:
            uids = _uids(name) if int(name) != me else None
            if uids and (uid in uids or _left_by_a_dead_run(name, uids, live)):
                found.append(int(name))
        return found
    table = student_process.process_table()
    found = set(student_process.descendants(table, child_pid))
    my_uid = os.getuid()
    # Nothing that started before the child can be the student's (a zombie child still has it).
    born = table[child_pid][4] if child_pid in table else 0
    for pid, (_, pgrp, session, state, start) in table.items():
        if pid in (me, child_pid) or state == b"Z" or pid in found or start < born:
            continue
        if child_pid in (pgrp, session):
            found.add(pid)
        elif my_uid in (_uids(pid) or ()) and _has_token(pid, token):
            found.add(pid)
    return sorted(found)


_no_user: dict = {}


def _left_by_a_dead_run(pid_dir, uids, live):
    """True for a sandbox's process (named grade-sandbox, or with a run token in its
    environment) of a sandbox uid (200000 + pid) whose run's child is gone, not even a zombie:
    its grader died before cleaning up. Never for a uid that names a real user."""
    for uid in uids:
        pid = uid - student_process.UID_BASE
        if 0 < pid < _PID_LIMIT and pid not in live and student_process.sandbox_uid(pid) == uid:
            if uid not in _no_user:
                try:
                    pwd.getpwuid(uid)
                    _no_user[uid] = False
                except KeyError:
                    _no_user[uid] = True
            return _no_user[uid] and _looks_like_a_sandbox(pid_dir)
    return False


def _looks_like_a_sandbox(pid_dir):
    try:
        with open(f"/proc/{pid_dir}/comm", "rb") as f:
            if f.read().strip() == student_process.PROCESS_NAME:
                return True
        with open(f"/proc/{pid_dir}/environ", "rb") as f:
            return f"{student_process.TOKEN_VAR}=".encode() in f.read()
    except OSError:
        return False


def _pid_limit():
    try:
        with open("/proc/sys/kernel/pid_max") as f:
            return int(f.read())
    except (OSError, ValueError):
        return 1 << 22


_PID_LIMIT = _pid_limit()


def _kill_strays(child_pid, uid, token, rounds=50):
    """SIGKILL, until none is left, the processes _strays finds."""
    for _ in range(rounds):
        try:
            found = _strays(child_pid, uid, token)
        except OSError:
            return
        if not found:
            return
        for pid in found:
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        time.sleep(0.002)


def _remove_tree(path):
    """rmtree that also gets through folders the student made unreadable. It changes modes only
    inside `path` (never its parent, e.g. /tmp) and does not mind the folder being gone already
    (the student, or another process sweeping stale folders, may have removed it)."""
    top = os.path.abspath(path)

    def inside(p):
        return p == top or p.startswith(top + os.sep)

    def fix(function, p, exc_info):
        if isinstance(exc_info[1], FileNotFoundError):
            return
        p = os.path.abspath(p)
        parent = os.path.dirname(p)
        try:
            if p != top and inside(parent) and not os.path.islink(parent):
                os.chmod(parent, stat.S_IRWXU)
            if inside(p) and os.path.isdir(p) and not os.path.islink(p):
                os.chmod(p, stat.S_IRWXU)
                shutil.rmtree(p, ignore_errors=True)
            elif inside(p):
                os.unlink(p)
        except OSError:
            pass

    try:
        shutil.rmtree(top, onerror=fix)
    except OSError:
        pass
