"""Runs jobs through the clean template (clean_room.server): Linux and macOS.

The template is started once per grader process, with an empty environment, and asked to fork
a child per run. Its start costs one numpy import (started early, it overlaps the grader's own
start); each run then costs a fork or three, not an interpreter.
"""
from __future__ import annotations

import json
import os
import select
import socket
import subprocess
import time

from .boot import boot_command, namespaces_setting

KILL_GRACE = 10.0     # seconds to wait for the template to report a killed run's end
DONE_GRACE = 1.0      # seconds a run that gave its last answer has to end by itself


class TemplateGone(RuntimeError):
    pass


class _Twin:
    """The process of a twin template, which is not this process's child (so `alive` asks the
    kernel, and `close` leaves it to its parent to reap)."""
    def __init__(self, pid):
        self.pid = pid


class Template:
    def __init__(self, hide=(), twin_of=None):
        if twin_of is not None:
            self._become_twin(twin_of)
            return
        self.owner = os.getpid()
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        env = {"CLEAN_ROOM_HIDE": json.dumps([str(h) for h in hide]), "LANG": "C.UTF-8",
               "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
               "CLEAN_ROOM_NAMESPACES": namespaces_setting()}
        debug = os.environ.get("GRADER_DEBUG_TEMPLATE") == "1"
        self.process = subprocess.Popen(
            boot_command("clean_room.server", str(os.getpid()), str(theirs.fileno())),
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=None if debug else subprocess.DEVNULL, pass_fds=(theirs.fileno(),),
            env=env, start_new_session=True, cwd="/")
        theirs.close()
        self.sock = ours
        self.level = None
        self.runs = 0
        self.adopted = False   # started by the parent process, which forked this one (adopt_spare)
        self.kept = None       # a session's process waiting for the student's next job: _Kept

    def _become_twin(self, other):
        """A second template forked by `other` (numpy already imported: a fork, not a start)."""
        other.wait_ready()
        other._send({"twin": True})
        ready, _, _ = select.select([other.sock], [], [], KILL_GRACE)
        data, fds = b"", []
        if ready:
            try:
                data, fds, _, _ = socket.recv_fds(other.sock, 4096, 1)
            except OSError:
                pass
        try:
            message = json.loads(data) if data else {}
        except ValueError:
            message = {}
        if type(message.get("twin")) is not int or len(fds) != 1:
            for fd in fds:
                os.close(fd)
            raise TemplateGone("the sandbox's template could not fork a second one")
        self.owner, self.sock, self.process = os.getpid(), socket.socket(fileno=fds[0]), _Twin(message["twin"])
        self.level, self.runs, self.adopted, self.kept = other.level, 0, True, None

    def alive(self):
        if self.adopted:   # not our child: no poll(); signal 0 tells whether it is there
            try:
                os.kill(self.process.pid, 0)
            except ProcessLookupError:
                return False
            return True
        return self.process.poll() is None

    def starting(self):
        """True until the template has said it is ready (it is importing numpy), without waiting."""
        return self.level is None and not select.select([self.sock], [], [], 0)[0]

    def wait_ready(self):
        """The isolation level the template found ('namespaces', 'userns', 'none')."""
        if self.level is None:
            self.level = self._receive(60.0)["level"]
        return self.level

    def _receive(self, timeout):
        ready, _, _ = select.select([self.sock], [], [], max(0.0, timeout))
        if not ready:
            raise TemplateGone("the sandbox's template did not answer")
        try:
            data = self.sock.recv(1 << 16)
        except OSError:
            data = b""
        if not data:
            raise TemplateGone("the sandbox's template process ended")
        return json.loads(data)

    def close(self):
        if os.getpid() != self.owner:
            return
        if self.kept is not None:
            self.kept.close()
            self.kept = None
        try:
            self.sock.close()
        finally:
            if self.adopted:
                return   # its parent reaps it
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def run(self, supervisor, job_line, student_dir, deadline, tmp_mb=16, memory_mb=1024, keep=False):
        """Runs one job; fills the supervisor. Raises TemplateGone if the template failed.

        A run of a session that left nothing behind keeps its process for the student's next
        job (clean_room.child, reuse), once the session's init confirms it: that job goes down
        the kept pipes, and a new process is asked for only if the kept one ended before it took
        the job. keep: the job allows it (job_to_plain), checked here again (default: never)."""
        self.wait_ready()
        key = (student_dir, tmp_mb, memory_mb)
        kept, self.kept = self.kept, None
        if kept is not None and kept.key == key:
            if self._run_kept(supervisor, kept, job_line, deadline, keep):
                return
            supervisor.restart()
        elif kept is not None:
            kept.close()
        self.runs += 1
        run_id = self.runs
        ans_r, ans_w = os.pipe()
        job_r, job_w = os.pipe()
        out_r, out_w = os.pipe()
        os.set_blocking(job_w, False)
        try:   # the job waits in its pipe for the child, which then need not wait for us
            job_line = job_line[os.write(job_w, job_line):]
        except BlockingIOError:
            pass
        try:
            request = {"run": run_id, "student_dir": student_dir, "tmp_mb": tmp_mb, "memory_mb": memory_mb}
            try:
                socket.send_fds(self.sock, [json.dumps(request).encode()], [ans_w, job_r, out_w])
            except OSError as exc:
                raise TemplateGone(f"the sandbox's template cannot be reached: {exc.strerror}") from None
        finally:
            for fd in (ans_w, job_r, out_w):
                os.close(fd)
        kept = False
        try:
            reply = self._receive(KILL_GRACE)
            if "failed" in reply:
                supervisor.grader_failed = reply["error"]
                return
            kept = self._supervise(supervisor, run_id, ans_r, job_w, out_r, job_line, deadline, keep)
        finally:
            if kept:
                self.kept = _Kept(run_id, ans_r, job_w, out_r, key)
            else:
                _close(ans_r, job_w, out_r)

    def _run_kept(self, sup, kept, job_line, deadline, keep):
        """The job in the kept process; False if that process was gone before it took it."""
        again = False
        try:
            again = self._supervise(sup, kept.run_id, kept.ans_r, kept.job_w, kept.out_r, job_line, deadline, keep)
        finally:
            if again:
                self.kept = kept
            else:
                kept.close()
        return sup.ready or sup.timed_out

    def _supervise(self, sup, run_id, ans_r, job_w, out_r, job_line, deadline, keep=False):
        """Feeds the job and the replies, reads the answers and the output, until the run ends;
        True if its process is kept for the session's next job (it said so in its "done")."""
        os.set_blocking(job_w, False)
        sup.to_child[:0] = job_line
        poller = select.poll()
        poller.register(ans_r, select.POLLIN)
        poller.register(out_r, select.POLLIN)
        poller.register(self.sock, select.POLLIN)
        writing = False
        open_pipes = {ans_r, out_r}
        exited = kept = False
        try:
            while not sup.finished and not exited:   # pipes closed: the end is near, or the clock's
                if sup.to_child and not writing:
                    self._write(sup, job_w)   # a reply fits the pipe: no wait for POLLOUT
                    if sup.to_child:
                        poller.register(job_w, select.POLLOUT)
                        writing = True
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    sup.timed_out = True
                    break
                for fd, event in poller.poll(max(1, int(remaining * 1000 + 0.999))):
                    if fd == job_w:
                        self._write(sup, job_w)
                        if not sup.to_child:
                            poller.unregister(job_w)
                            writing = False
                    elif fd == self.sock.fileno():
                        exited = self._exited(sup, run_id)
                    elif not self._read(sup, fd, fd == ans_r):
                        poller.unregister(fd)
                        open_pipes.discard(fd)
            if sup.done and not exited and sup.again:
                # it waits for the next job: kept if the init agrees, else the session goes
                answer = self._check(sup, run_id) if keep and self.level in ("namespaces", "userns") else "refused"
                kept, exited = answer == "kept", answer == "exited"
            elif sup.done and not exited:   # the child ends by itself right after its last answer
                exited = self._wait_exit(sup, run_id, min(deadline, time.monotonic() + DONE_GRACE))
        finally:   # also when the grader itself is interrupted: the run never outlives this call
            if not exited and not kept:
                self._send({"kill": run_id})
                end = time.monotonic() + KILL_GRACE
                while not exited:
                    exited = self._exited(sup, run_id, end - time.monotonic())
        for fd, answers in ((out_r, False), (ans_r, True)):
            os.set_blocking(fd, False)
            for _ in range(10_000):
                if not self._read(sup, fd, answers):
                    break
        return kept

    @staticmethod
    def _write(sup, job_w):
        try:
            sent = os.write(job_w, sup.to_child[:1 << 16])
            del sup.to_child[:sent]
        except BlockingIOError:
            pass
        except OSError:
            sup.to_child.clear()   # the child closed its job channel: its own business

    def _read(self, sup, fd, answers):
        try:
            data = os.read(fd, 1 << 20 if answers else 1 << 16)
        except BlockingIOError:
            return False
        except OSError:
            return False
        if not data:
            return False
        if answers:
            sup.answer_bytes_in(data)
        else:
            sup.output_bytes(data)
        return True

    def _wait_exit(self, sup, run_id, end):
        """Whether the run's end was reported before `end` (a session's runs are not killed
        when they finish: their namespaces serve the next run)."""
        while True:
            remaining = end - time.monotonic()
            if remaining <= 0 or not select.select([self.sock], [], [], remaining)[0]:
                return False
            if self._exited(sup, run_id):
                return True

    def _check(self, sup, run_id):
        """The session's init's word on whether the run's process left nothing behind:
        "kept", "refused", or "exited" (it ended meanwhile)."""
        self._send({"check": run_id})
        end = time.monotonic() + KILL_GRACE
        while True:
            message = self._receive(end - time.monotonic())
            if message.get("clean") == run_id:
                return "kept" if message.get("ok") is True else "refused"
            if message.get("exited") == run_id:
                sup.returncode = message["status"]
                return "exited"

    def _exited(self, sup, run_id, timeout=0.0):
        message = self._receive(timeout)
        if message.get("exited") == run_id:
            sup.returncode = message["status"]
            return True
        return False

    def end_session(self):
        """The runs of the current student folder are over: its namespaces go, and this returns
        once their last process has (so a grader's run leaves nothing behind)."""
        if self.level not in ("namespaces", "userns") or os.getpid() != self.owner:
            return
        if self.kept is not None:
            self.kept.close()   # its job channel closes: the kept process ends
            self.kept = None
        try:
            self._send({"end": True})
            end = time.monotonic() + KILL_GRACE
            while not self._receive(end - time.monotonic()).get("ended"):
                pass   # a late report of a run that already ended
        except TemplateGone:
            forget()

    def _send(self, message):
        try:
            self.sock.send(json.dumps(message).encode())
        except OSError as exc:
            raise TemplateGone(f"the sandbox's template cannot be reached: {exc.strerror}") from None


class _Kept:
    """A session's process that finished a run cleanly and waits for the next job, and the
    grader's ends of its pipes."""
    def __init__(self, run_id, ans_r, job_w, out_r, key):
        self.run_id, self.ans_r, self.job_w, self.out_r, self.key = run_id, ans_r, job_w, out_r, key

    def close(self):
        _close(self.ans_r, self.job_w, self.out_r)


def _close(*fds):
    for fd in fds:
        try:
            os.close(fd)
        except OSError:
            pass


_template: Template | None = None
# The folder holding the grader (the checkout, where reference/ and solutions/ live): hidden even
# from a template started before the engine names what to hide (set_hidden), as `grade` does.
_hide: tuple = (os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),)


def set_hidden(paths):
    """Folders masked in the child even if they lie under a system folder (the course's own)."""
    global _hide
    _hide = tuple(str(p) for p in paths)


_spare: Template | None = None


def start_spare():
    """A second template for a child this process is about to fork (adopt_spare): a twin of
    this process's own (a fork of it, not a second numpy import)."""
    global _spare
    if _spare is None:
        _spare = Template(twin_of=shared_template())


def adopt_spare():
    """In a forked child: the spare template becomes this process's own template."""
    global _template, _spare
    if _spare is not None:
        _spare.owner, _spare.adopted = os.getpid(), True
        _template, _spare = _spare, None


def drop_spare():
    """This process lets the spare go (its child adopted it, or none will): closes its end, so
    the spare ends when the last process holding it does."""
    global _spare
    if _spare is not None:
        _spare.sock.close()
        _spare = None


def shared_template():
    """This process's template, started on first use (a forked batch worker starts its own)."""
    global _template
    if _template is None or _template.owner != os.getpid() or not _template.alive():
        if _template is not None and _template.owner == os.getpid():
            _template.close()
        _template = Template(_hide)
        import atexit
        atexit.register(_template.close)
    return _template


def template_starting():
    """True while this process's template, already started, has not yet said it is ready: time
    the caller may spend on its own work rather than waiting."""
    return _template is not None and _template.owner == os.getpid() and _template.starting()


def forget():
    """Drop a template that failed, so the next run starts a new one."""
    global _template
    if _template is not None and _template.owner == os.getpid():
        try:
            _template.process.kill()
        except OSError:
            pass
        _template.close()
    _template = None


