"""The clean template: a process that imported only numpy and the clean room, and forks the
processes that run student code. It never holds a test, an expected answer or the course's code,
and it never sees a job's inputs (they go straight to the child), so a child has nothing of the
grader's to find.

Started by the grader (grader.runner.template) as `python -I -S -c ... PARENT_PID FD` with an
empty environment; FD is one end of a SOCK_SEQPACKET socket pair. Messages are JSON, one a packet:

    grader -> template   {"run": id, "student_dir": path|null, "tmp_mb": n, "memory_mb": n}
                         with three fds: the child's answer channel, job channel and output
                         {"kill": id}
                         {"check": id}       may the run's process take the next job?
                         {"twin": true}      fork a second template (for a forked grader)
                         {"end": true}       the student folder's runs are over
    template -> grader   {"level": "namespaces"|"userns"|"none"}        once, at start
                         {"started": id, "pid": pid} | {"failed": id, "error": "..."}
                         {"exited": id, "status": exit code, or -signal}
                         {"clean": id, "ok": bool}   the answer to "check", from the session's init
                         {"twin": pid}       with one fd: the twin's socket
                         {"ended": true}     after "end": the session's last process is gone

With namespaces, runs come in sessions: the runs of one student folder (same student_dir, one
after the other) share one set of namespaces and one new root, built once. The session's first
process ("outer") unshares the namespaces and builds the root; its child, the pid namespace's
init, forks one process per run, which locks itself in and runs the student's code
(clean_room.child). When that process ends, the init kills whatever the run left in the
namespace and empties /tmp before it reports the end, so each run starts as clean as the first
(and no run can make an IPC object: isolation.close_ipc). A run that left nothing behind keeps
its process for the student's next job instead, which the grader sends down the same pipes
(clean_room.child, reuse), once the init has checked what the process says ("check"): that
process ends when the session does.
Killing the outer process (a timeout) ends the session and everything in it. Without
namespaces each run is a process of its own.
"""
from __future__ import annotations

import json
import os
import select
import signal
import socket
import struct
import sys

import gc
import resource  # noqa: F401 - the child sets limits after /proc and the library are out of sight

import numpy  # noqa: F401 - what every child needs, imported once here
import numpy.random  # noqa: F401 - lazy in numpy 2; init_params uses it

from . import child, isolation
from .protocol import EXIT_HARNESS_FAILED, EXIT_SETUP_FAILED

# A run's processes together may hold memory_mb (each process's own address-space limit) plus
# this: the child's share of numpy's pages once copied, its 16 MB /tmp, the kernel's buffers.
CGROUP_ROOM_MB = 192
ROOT_TMP = isolation.ROOT + "/tmp"   # the runs' /tmp, seen by the session's init from outside the new root


def main():
    hide = json.loads(os.environ.pop("CLEAN_ROOM_HIDE", "[]") or "[]")
    namespaces = os.environ.pop("CLEAN_ROOM_NAMESPACES", "") != "off"
    os.environ.clear()
    parent, control_fd = int(sys.argv[1]), int(sys.argv[2])
    sock = socket.socket(fileno=control_fd)
    isolation.die_with_parent(parent)
    isolation.name_process("clean-template")
    plan = isolation.Plan(hide)
    if os.geteuid() == 0:
        isolation.remove_cgroups()   # empty ones a killed template left behind
    gc.freeze()   # the template's objects stay shared with each child, not copied on write
    level = isolation.probe(plan) if sys.platform.startswith("linux") and namespaces else "none"
    _send(sock, {"level": level})
    _Template(sock, level, plan).serve()


class _Session:
    """One student folder's namespaces, kept for that folder's runs one after the other."""

    def __init__(self, key, pid, sock):
        self.key, self.pid, self.sock = key, pid, sock
        self.run = None   # the run in flight, if any


class _Template:
    """The template's loop: runs from the grader, ends of runs and sessions from below."""

    def __init__(self, sock, level, plan):
        self.sock, self.level, self.plan = sock, level, plan
        self.poller = select.poll()
        self.poller.register(sock, select.POLLIN)
        self.outers = {}    # pidfd -> (outer pid, run id or None, _Session or None)
        self.session = None
        self.ending = False   # the grader waits to hear that no session is left

    def serve(self):
        while True:
            for fd, _ in self.poller.poll(None if self.outers else 1000):
                if fd == self.sock.fileno():
                    self._from_grader()
                elif self.session is not None and fd == self.session.sock.fileno():
                    self._from_session(self.session)
                elif fd in self.outers:
                    self._ended(fd)

    def _from_grader(self):
        try:
            data, fds, _, _ = socket.recv_fds(self.sock, 1 << 16, 3)
        except OSError:
            data, fds = b"", []
        if not data:
            _stop(pid for pid, _, _ in self.outers.values())
            os._exit(0)
        message = json.loads(data)
        try:
            if "run" in message:
                self._run(message, fds)
            elif "kill" in message:
                self._kill(message["kill"])
            elif "check" in message:
                self._check(message["check"])
            elif "twin" in message:
                self._twin()
            elif "end" in message:
                self._end()
        finally:
            for fd in fds:
                os.close(fd)

    def _run(self, message, fds):
        run = message["run"]
        if self.level == "none":
            pid = _start(message, fds, self.level, self.plan, self.sock)
            if pid:
                self._watch(pid, run, None)
                _send(self.sock, {"started": run, "pid": pid})
            return
        key = (message.get("student_dir"), message.get("tmp_mb", 16), message.get("memory_mb", 1024))
        for _ in range(2):   # a session that ended unseen is replaced once
            session = self.session
            if session is None or session.key != key or session.run is not None:
                if session is not None:
                    self._close(session)
                try:
                    session = self._open(key)
                except OSError as exc:
                    _send(self.sock, {"failed": run, "error": f"cannot start a process: {exc.strerror}"})
                    return
            try:
                socket.send_fds(session.sock, [json.dumps({"run": run}).encode()], fds)
            except OSError:
                self._close(session)
                continue
            session.run = run
            _send(self.sock, {"started": run, "pid": session.pid})
            return
        _send(self.sock, {"failed": run, "error": "the sandbox's session for this folder ended at once"})

    def _end(self):
        """The grader is done with the folder: the session goes, and {"ended": true} says when
        its last process is gone (at once if there is none)."""
        if self.session is not None:
            self._close(self.session)
        self.ending = True
        self._say_ended()

    def _say_ended(self):
        if self.ending and not any(session for _, _, session in self.outers.values()):
            self.ending = False
            _send(self.sock, {"ended": True})

    def _open(self, key):
        student_dir, tmp_mb, memory_mb = key
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        template = os.getpid()
        try:
            pid = os.fork()
        except OSError:
            ours.close()
            theirs.close()
            raise
        if pid == 0:
            try:
                child.close_all_but({0, 1, 2, theirs.fileno()})
                os.setsid()
                isolation.die_with_parent(template)
                isolation.name_process("clean-session")
                _session_outer(self.level, self.plan, theirs, student_dir, tmp_mb, memory_mb)
            finally:
                os._exit(EXIT_HARNESS_FAILED)
        theirs.close()
        self.session = _Session(key, pid, ours)
        self.poller.register(ours, select.POLLIN)
        self._watch(pid, None, self.session)
        return self.session

    def _watch(self, pid, run, session):
        pidfd = os.pidfd_open(pid)
        self.outers[pidfd] = (pid, run, session)
        self.poller.register(pidfd, select.POLLIN)

    def _close(self, session):
        """Ends a session: its init sees the socket close and exits, taking the namespace along;
        with a run in flight, the run is killed."""
        if session is self.session:
            self.session = None
        try:
            self.poller.unregister(session.sock)
        except (KeyError, ValueError):
            pass
        session.sock.close()
        if session.run is not None:
            _stop_run(session.pid, self.level)

    def _kill(self, run):
        for pid, own_run, session in self.outers.values():
            if own_run == run or (session is not None and session.run == run):
                _stop_run(pid, self.level)

    def _twin(self):
        """A second template, forked from this one (numpy already imported): a fork, not a
        start. It serves the socket sent back with {"twin": pid}, as this one serves the
        grader's, and ends when that socket closes (or with this template)."""
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        template = os.getpid()
        pid = os.fork()
        if pid == 0:
            try:
                child.close_all_but({0, 1, 2, ours.fileno()})
                isolation.die_with_parent(template)
                _Template(ours, self.level, self.plan).serve()
            finally:
                os._exit(EXIT_HARNESS_FAILED)
        ours.close()
        self._watch(pid, None, None)
        try:
            socket.send_fds(self.sock, [json.dumps({"twin": pid}).encode()], [theirs.fileno()])
        finally:
            theirs.close()

    def _check(self, run):
        """Asks the session's init whether the run in flight left its process alone (so it may
        take the next job); the answer comes back through _from_session."""
        session = self.session
        if session is not None and session.run == run:
            try:
                session.sock.send(json.dumps({"check": run}).encode())
                return
            except OSError:
                pass
        _send(self.sock, {"clean": run, "ok": False})

    def _from_session(self, session):
        """{"exited": run, "status": code} or {"clean": run, "ok": bool} from a session's init.
        Anything else, or word of a run that is not in flight, means the session cannot be
        trusted: it is ended."""
        try:
            data = session.sock.recv(4096)
            message = json.loads(data) if data else None
        except (OSError, ValueError):
            message = None
        if (isinstance(message, dict) and session.run is not None and message.get("exited") == session.run
                and type(message.get("status")) is int):
            session.run = None
            _send(self.sock, {"exited": message["exited"], "status": message["status"]})
        elif (isinstance(message, dict) and session.run is not None and message.get("clean") == session.run
                and type(message.get("ok")) is bool):
            _send(self.sock, {"clean": message["clean"], "ok": message["ok"]})
        else:
            self._close(session)

    def _ended(self, pidfd):
        pid, run, session = self.outers.pop(pidfd)
        self.poller.unregister(pidfd)
        os.close(pidfd)
        _, status = os.waitpid(pid, 0)
        if self.level == "none" and os.geteuid() == 0:
            isolation.kill_uid(child.UID_BASE + pid)   # what escaped its process group
        isolation.remove_cgroups(pid)
        if session is not None:
            run, session.run = session.run, None
            self._close(session)
            if run is not None:
                status = int(signal.SIGKILL)   # the run in flight ended with its session
        if run is not None:
            _send(self.sock, {"exited": run, "status": os.waitstatus_to_exitcode(status)})
        self._say_ended()


def _send(sock, message):
    try:
        sock.send(json.dumps(message).encode())
    except OSError:
        os._exit(0)   # the grader is gone: every run dies with the template (die_with_parent)


def _kill_one(pid):
    try:
        os.kill(pid, signal.SIGKILL)
    except OSError:
        pass


def _kill(pid):
    for kill in (os.killpg, os.kill):
        try:
            kill(pid, signal.SIGKILL)
        except OSError:
            pass


def _stop_run(pid, level):
    """Ends a run. With namespaces the outer process is asked (SIGUSR1) to kill the namespace's
    init and wait for it: the kernel lets init go only once every process in its namespace is
    gone, so when the outer's end is reported, nothing of the run is left."""
    if level == "none":
        _kill(pid)
        return
    try:
        os.kill(pid, signal.SIGUSR1)
    except OSError:
        pass


def _stop(pids):
    for pid in pids:
        _kill(pid)


def _start(message, fds, level, plan, sock):
    template = os.getpid()
    try:
        pid = os.fork()
    except OSError as exc:
        _send(sock, {"failed": message["run"], "error": f"cannot start a process: {exc.strerror}"})
        return 0
    if pid == 0:
        try:
            _outer(message, fds, level, plan, template, sock)
        finally:
            os._exit(EXIT_HARNESS_FAILED)
    return pid


def _outer(message, fds, level, plan, template, sock):
    """The run's first process, forked from the template. Never returns."""
    answer_fd, job_fd, out_fd = fds
    sock.close()
    child.close_all_but({0, 1, 2, answer_fd, job_fd, out_fd})
    os.setsid()
    isolation.die_with_parent(template)
    contain(level, plan, fds, message.get("student_dir"), message.get("tmp_mb", 16), message.get("memory_mb", 1024))


def _first_steps(memory_mb):
    """In a run's (or a session's) first process: a keyring of its own, default signals, and as
    root cgroups of its own. Returns its id, the pid that names its cgroups and its uid."""
    isolation.new_session_keyring()
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGCHLD, signal.SIGPIPE, signal.SIGUSR1):
        signal.signal(sig, signal.SIG_DFL)
    own_id = os.getpid()
    if os.geteuid() == 0:
        isolation.join_cgroups(own_id, (int(memory_mb) + CGROUP_ROOM_MB) << 20, child.NPROC_LIMIT + 8)
    return own_id


def contain(level, plan, fds, student_dir, tmp_mb, memory_mb, before_student=None):
    """Everything of a run below the process that calls it: a keyring, cgroups (root), the
    namespaces and the new root, then the namespace's init and the student's process. Used by
    the template's runs and by `python -m clean_room` on Linux. Never returns: it ends as the
    student's process ended (same exit code, or the same signal)."""
    answer_fd, job_fd, out_fd = fds
    run_id = _first_steps(memory_mb)
    try:
        if level != "none":
            nproc = child.NPROC_LIMIT + (isolation.own_processes() if level == "userns" else 0)
            isolation.enter(level, plan, student_dir, tmp_mb)
        else:
            nproc = child.NPROC_LIMIT + isolation.own_processes()
    except BaseException as exc:  # noqa: BLE001 - no student code has run
        _fatal(answer_fd, f"the sandbox could not start: {exc}")
    child.measure_vm()
    if level == "none":
        def as_run_user(job):   # as root without namespaces: a uid of the run's own
            child.drop_root(job["tmp_dir"], run_id)
            if before_student is not None:
                before_student(job)
        _lock_and_serve(level, run_id, nproc, answer_fd, job_fd, out_fd, True, as_run_user)
    status_r, status_w = os.pipe()
    signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGUSR1])
    init = os.fork()
    if init == 0:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGUSR1])
        os.close(status_r)
        _init(level, run_id, nproc, fds, status_w, before_student)
    signal.signal(signal.SIGUSR1, lambda *_: _kill_one(init))
    signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGUSR1])
    for fd in (answer_fd, job_fd, out_fd, status_w):
        os.close(fd)
    data = b""
    while len(data) < 4:
        chunk = os.read(status_r, 4 - len(data))
        if not chunk:
            break
        data += chunk
    os.waitpid(init, 0)
    code = struct.unpack("i", data)[0] if len(data) == 4 else -signal.SIGKILL
    if code >= 0:
        os._exit(code)
    try:
        signal.signal(-code, signal.SIG_DFL)
    except (OSError, ValueError):
        pass    # SIGKILL and SIGSTOP cannot be caught anyway
    os.kill(os.getpid(), -code)    # die as the student's process died
    os._exit(EXIT_HARNESS_FAILED)


def _session_outer(level, plan, sock, student_dir, tmp_mb, memory_mb):
    """A session's first process: like `contain`, but its init serves run after run (one
    student folder's exercises, one after the other) until the template closes the socket or
    kills the session. Never returns."""
    session_id = _first_steps(memory_mb)
    try:
        nproc = child.NPROC_LIMIT + (isolation.own_processes() if level == "userns" else 0)
        isolation.enter(level, plan, student_dir, tmp_mb)
    except BaseException as exc:  # noqa: BLE001 - no student code has run
        _refuse_run(sock, f"the sandbox could not start: {exc}")
    ipc_closed = isolation.close_ipc()
    child.measure_vm()
    signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGUSR1])
    init = os.fork()
    if init == 0:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGUSR1])
        _session_init(level, session_id, nproc, sock, tmp_mb, ipc_closed, isolation.tmp_binds(plan))
    sock.close()   # the init's end alone: when the init dies, the template's recv sees it
    signal.signal(signal.SIGUSR1, lambda *_: _kill_one(init))
    signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGUSR1])
    os.waitpid(init, 0)
    os._exit(0)


def _refuse_run(sock, text):
    """The session could not be set up: the first run hears why, as a harness failure before
    "ready", and the session ends (the next run tries a new one)."""
    try:
        data, fds, _, _ = socket.recv_fds(sock, 4096, 3)
        run = json.loads(data)["run"]
        os.write(fds[0], (json.dumps({"fatal": text[:2000]}) + "\n").encode())
        sock.send(json.dumps({"exited": run, "status": EXIT_SETUP_FAILED}).encode())
    finally:
        os._exit(EXIT_SETUP_FAILED)


def _session_init(level, session_id, nproc, sock, tmp_mb, ipc_closed, tmp_binds):
    """Pid 1 of a session's namespace. For each run the template sends (its three fds), forks
    the student's process; when that ends, kills every process left in the namespace, gives
    /tmp back empty, and reports the exit code. ipc_closed: no run can make IPC objects
    (isolation.close_ipc); else each run gets an ipc namespace of its own. Student code can neither signal this process
    (pid 1 ignores what it has no handler for) nor trace it (not dumpable)."""
    isolation.die_with_parent(os.getppid())
    isolation.name_process("clean-init")
    isolation.not_dumpable()
    sees_all = isolation.own_proc()
    untouched = child.tmp_stamp(ROOT_TMP)
    while True:
        try:
            data, fds, _, _ = socket.recv_fds(sock, 4096, 3)
            message = json.loads(data) if data else None
            if isinstance(message, dict) and set(message) == {"check"} and not fds:
                continue   # asked just as the run's process ended: the template has its end
            run = message["run"]
        except (OSError, ValueError, KeyError, TypeError):
            run = None
        if run is None or len(fds) != 3:
            os._exit(0)
        worker = os.fork()
        if worker == 0:
            sock.close()
            isolation.name_process("clean-run")
            _lock_and_serve(level, session_id, nproc, *fds, False, None, fresh="keys" if ipc_closed else "keys+ipc",
                            reuse=ipc_closed and sees_all)
        for fd in fds:
            os.close(fd)
        _answer_checks(sock, run, worker, sees_all and untouched)
        status = _reap_all(worker)
        try:
            emptied = isolation.fresh_tmp(tmp_mb, tmp_binds)
            untouched = child.tmp_stamp(ROOT_TMP)
        except OSError:
            emptied = False
        if not emptied:
            os._exit(EXIT_HARNESS_FAILED)   # the template sees the session end, the run killed
        try:
            sock.send(json.dumps({"exited": run, "status": status}).encode())
        except OSError:
            os._exit(0)


KEEP_GROWTH = 64 << 20   # address space a kept process may have added (its limit is set once)


def _answer_checks(sock, run, worker, untouched):
    """Until the run's process ends: each {"check": run} from the template (the process said it
    left nothing behind and waits for the next job) is answered {"clean": run, "ok": ...}, from
    what this init sees, not what student code says: no process in the namespace but this one
    and the worker, one thread in the worker, which is not stopped and has not grown by more
    than KEEP_GROWTH, and /tmp as the run found it. untouched: /tmp's state (child.tmp_stamp)
    before the run, or None where /proc here cannot show the namespace (never kept)."""
    pidfd = os.pidfd_open(worker)
    try:
        while select.select([sock, pidfd], [], [])[0] == [sock]:
            try:
                data = sock.recv(4096)
                message = json.loads(data) if data else None
            except (OSError, ValueError):
                message = None
            if not isinstance(message, dict) or message.get("check") != run:
                os._exit(0)   # the template is gone, or says what it never says: the namespace ends
            ok = bool(untouched) and _alone(worker, untouched)
            sock.send(json.dumps({"clean": run, "ok": ok}).encode())
    finally:
        os.close(pidfd)


def _alone(worker, untouched):
    try:
        if {int(n) for n in os.listdir("/proc") if n.isdigit()} != {1, worker}:
            return False
        fields = {}
        for pid in (1, worker):
            with open(f"/proc/{pid}/status", "rb") as f:
                fields[pid] = dict(line.split(b":", 1) for line in f.read().splitlines() if b":" in line)
        me, it = fields[1], fields[worker]
        if int(it[b"Threads"]) != 1 or it[b"State"].split()[0] not in (b"R", b"S", b"D"):
            return False
        if int(it[b"VmSize"].split()[0]) > int(me[b"VmSize"].split()[0]) + (KEEP_GROWTH >> 10):
            return False
        return child.tmp_stamp(ROOT_TMP) == untouched
    except (OSError, ValueError, KeyError, IndexError):
        return False


def _reap_all(worker):
    """Waits for the student's process; then kills and reaps every other process left in the
    namespace (they are all ours: orphans come to pid 1). Its exit code, or -signal."""
    status = None
    while True:
        if status is not None:
            try:
                os.kill(-1, signal.SIGKILL)   # from pid 1: everyone in the namespace but us
            except OSError:
                pass
        try:
            pid, wait_status = os.wait()
        except ChildProcessError:
            return status
        if pid == worker:
            status = os.waitstatus_to_exitcode(wait_status)


def _init(level, run_id, nproc, fds, status_w, before_student):
    """Pid 1 of the run's namespace: forks the student's process, reaps, reports its end."""
    isolation.die_with_parent(os.getppid())
    worker = os.fork()
    if worker == 0:
        os.close(status_w)
        _lock_and_serve(level, run_id, nproc, *fds, False, before_student)
    for fd in fds:
        os.close(fd)
    while True:
        try:
            pid, status = os.wait()
        except ChildProcessError:
            os._exit(0)
        if pid == worker:
            os.write(status_w, struct.pack("i", os.waitstatus_to_exitcode(status)))
            os._exit(0)   # the namespace ends with us: every process left in it is killed


def _lock_and_serve(level, run_id, nproc, answer_fd, job_fd, out_fd, subreaper, before_student=None,
                    fresh=False, reuse=False):
    """fresh: a run in a session's namespaces: kernel keys ("keys"), and IPC objects too
    ("keys+ipc", where the session could not forbid them), of its own, so a previous run of the
    session left nothing for this one. reuse: the process may run the session's next jobs too,
    when a run leaves nothing behind (clean_room.child): only where no IPC object can outlive a
    run and the init can see every process of the namespace (its own /proc), to check."""
    try:
        if fresh:
            isolation.new_session_keyring()
        if fresh == "keys+ipc":
            isolation.new_ipc_namespace()
        if reuse:
            isolation.reap_orphans()
        isolation.lock_in(level, run_id)
        child._set_limit(resource.RLIMIT_NPROC, nproc)
    except BaseException as exc:  # noqa: BLE001
        _fatal(answer_fd, f"the sandbox could not start: {exc}")
    child.serve(answer_fd, job_fd, out_fd, posix=True, subreaper=subreaper, before_student=before_student,
                reuse=reuse)


def _fatal(answer_fd, text):
    try:
        os.write(answer_fd, (json.dumps({"fatal": text[:2000]}) + "\n").encode())
    finally:
        os._exit(EXIT_SETUP_FAILED)


if __name__ == "__main__":
    main()
