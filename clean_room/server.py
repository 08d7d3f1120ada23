"""The clean template: a process that imported only numpy and the clean room, and forks one
child per run. It never holds a test, an expected answer or the course's code, and it never sees
a job's inputs (they go straight to the child), so a child has nothing of the grader's to find.

Started by the grader (grader.runner.template) as `python -I -S -c ... PARENT_PID FD` with an
empty environment; FD is one end of a SOCK_SEQPACKET socket pair. Messages are JSON, one a packet:

    grader -> template   {"run": id, "student_dir": path|null, "tmp_mb": n, "memory_mb": n}
                         with three fds: the child's answer channel, job channel and output
                         {"kill": id}
    template -> grader   {"level": "namespaces"|"userns"|"none"}        once, at start
                         {"started": id, "pid": pid} | {"failed": id, "error": "..."}
                         {"exited": id, "status": exit code, or -signal}

Each run: the first process (here "outer") unshares its namespaces and builds the new root; its
child is the pid namespace's init, which forks the process that locks itself in and runs the
student's code (clean_room.child). Killing the outer process ends them all.
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


def main():
    hide = json.loads(os.environ.pop("CLEAN_ROOM_HIDE", "[]") or "[]")
    namespaces = os.environ.pop("CLEAN_ROOM_NAMESPACES", "") != "off"
    os.environ.clear()
    parent, control_fd = int(sys.argv[1]), int(sys.argv[2])
    sock = socket.socket(fileno=control_fd)
    isolation.die_with_parent(parent)
    plan = isolation.Plan(hide)
    if os.geteuid() == 0:
        isolation.remove_cgroups()   # empty ones a killed template left behind
    gc.freeze()   # the template's objects stay shared with each child, not copied on write
    level = isolation.probe(plan) if sys.platform.startswith("linux") and namespaces else "none"
    _send(sock, {"level": level})
    running = {}   # run id -> outer pid
    poller = select.poll()
    poller.register(sock, select.POLLIN)
    pidfds = {}
    while True:
        for fd, _ in poller.poll(None if pidfds else 1000):
            if fd == sock.fileno():
                try:
                    data, fds, _, _ = socket.recv_fds(sock, 1 << 16, 3)
                except OSError:
                    data, fds = b"", []
                if not data:
                    _stop(running)
                    return
                message = json.loads(data)
                if "run" in message:
                    pid = _start(message, fds, level, plan, sock)
                    for fd_ in fds:
                        os.close(fd_)
                    if pid:
                        running[message["run"]] = pid
                        pidfd = os.pidfd_open(pid)
                        pidfds[pidfd] = (message["run"], pid)
                        poller.register(pidfd, select.POLLIN)
                        _send(sock, {"started": message["run"], "pid": pid})
                elif "kill" in message and message["kill"] in running:
                    _stop_run(running[message["kill"]], level)
            elif fd in pidfds:
                run, pid = pidfds.pop(fd)
                poller.unregister(fd)
                os.close(fd)
                _, status = os.waitpid(pid, 0)
                running.pop(run, None)
                if level == "none" and os.geteuid() == 0:
                    isolation.kill_uid(child.UID_BASE + pid)   # what escaped its process group
                isolation.remove_cgroups(pid)
                _send(sock, {"exited": run, "status": os.waitstatus_to_exitcode(status)})


def _send(sock, message):
    try:
        sock.send(json.dumps(message).encode())
    except OSError:
        _stop({})
        os._exit(0)


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


def _stop(running):
    for pid in running.values():
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


def contain(level, plan, fds, student_dir, tmp_mb, memory_mb, before_student=None):
    """Everything of a run below the process that calls it: a keyring, cgroups (root), the
    namespaces and the new root, then the namespace's init and the student's process. Used by
    the template's runs and by `python -m clean_room` on Linux. Never returns: it ends as the
    student's process ended (same exit code, or the same signal)."""
    answer_fd, job_fd, out_fd = fds
    isolation.new_session_keyring()
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGCHLD, signal.SIGPIPE, signal.SIGUSR1):
        signal.signal(sig, signal.SIG_DFL)
    run_id = os.getpid()
    if os.geteuid() == 0:
        isolation.join_cgroups(run_id, (int(memory_mb) + CGROUP_ROOM_MB) << 20, child.NPROC_LIMIT + 8)
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


def _lock_and_serve(level, run_id, nproc, answer_fd, job_fd, out_fd, subreaper, before_student=None):
    try:
        isolation.lock_in(level, run_id)
        child._set_limit(resource.RLIMIT_NPROC, nproc)
    except BaseException as exc:  # noqa: BLE001
        _fatal(answer_fd, f"the sandbox could not start: {exc}")
    child.serve(answer_fd, job_fd, out_fd, posix=True, subreaper=subreaper, before_student=before_student)


def _fatal(answer_fd, text):
    try:
        os.write(answer_fd, (json.dumps({"fatal": text[:2000]}) + "\n").encode())
    finally:
        os._exit(EXIT_SETUP_FAILED)


if __name__ == "__main__":
    main()
