"""Runs a job in a fresh interpreter (`python -m clean_room` on stdio): any OS, no fork.

The portable runner: what Windows uses, what macOS or Linux use when the template cannot start,
and what GRADER_RUNNER=subprocess forces. Same job, same answer lines, same Supervisor; the time
limit is the grader's, which ends the child's whole process tree on timeout. It costs one numpy
import per run, and offers no namespaces: see docs/grader.md for what that leaves open.
"""
from __future__ import annotations

import os
import queue
import signal
import subprocess
import threading
import time

from .boot import boot_command, namespaces_setting

WINDOWS = os.name == "nt"
ENDING_GRACE = 5.0   # seconds a child whose streams closed may take to exit before it is killed


def run(supervisor, job_line, deadline, student_dir="", memory_mb=1024):
    env = {"LANG": "C.UTF-8", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
           "PYTHONIOENCODING": "utf-8", "CLEAN_ROOM_NAMESPACES": namespaces_setting()}
    for key in ("SYSTEMROOT", "TEMP", "TMP", "PATH"):   # Windows needs these to start Python at all
        if WINDOWS and key in os.environ:
            env[key] = os.environ[key]
    extra = {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP} if WINDOWS else {"start_new_session": True}
    try:
        process = subprocess.Popen(boot_command("clean_room", student_dir, str(int(memory_mb))), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, env=env, **extra)
    except OSError as exc:
        supervisor.grader_failed = f"cannot start Python: {exc.strerror or exc}"
        return
    events, outbox = queue.Queue(), queue.Queue()
    readers = [threading.Thread(target=_pump, args=(process.stdout, True, events), daemon=True),
               threading.Thread(target=_pump, args=(process.stderr, False, events), daemon=True)]
    for thread in readers + [threading.Thread(target=_feed, args=(process.stdin, outbox), daemon=True)]:
        thread.start()
    try:
        supervisor.to_child[:0] = job_line
        open_streams = 2
        while not supervisor.finished and open_streams:
            if supervisor.to_child:
                outbox.put(bytes(supervisor.to_child))   # a thread writes: a child that stops
                supervisor.to_child.clear()              # reading cannot block the clock
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                supervisor.timed_out = True
                break
            try:
                answers, data = events.get(timeout=remaining)
            except queue.Empty:
                continue
            if data is None:
                open_streams -= 1
            elif answers:
                supervisor.answer_bytes_in(data)
            else:
                supervisor.output_bytes(data)
    finally:
        outbox.put(None)
        _end(process, grace=0 if supervisor.timed_out or supervisor.finished else ENDING_GRACE)
        for reader in readers:
            reader.join(timeout=2)
        while True:
            try:
                answers, data = events.get_nowait()
            except queue.Empty:
                break
            if data is not None:
                (supervisor.answer_bytes_in if answers else supervisor.output_bytes)(data)
        supervisor.returncode = process.returncode
        for stream in (process.stdout, process.stderr):
            try:
                stream.close()
            except OSError:
                pass


def _pump(stream, answers, events):
    while True:
        try:
            data = stream.read1(1 << 16)
        except (OSError, ValueError):
            data = b""
        if not data:
            events.put((answers, None))
            return
        events.put((answers, data))


def _feed(stream, outbox):
    while True:
        data = outbox.get()
        if data is None:
            return
        try:
            stream.write(data)
            stream.flush()
        except (OSError, ValueError):
            return   # the child closed its stdin: its own business


def _end(process, grace):
    """Ends the child and everything it started; first, when its streams closed on their own,
    gives it `grace` seconds to exit, so its exit status (a signal, os._exit(n)) is its own."""
    if grace:
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            pass
    if process.poll() is None:
        if WINDOWS:
            subprocess.run(["taskkill", "/F", "/T", "/PID", str(process.pid)],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        else:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except OSError:
                pass
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    if not WINDOWS:
        try:
            os.killpg(process.pid, signal.SIGKILL)   # what the student left in its group
        except OSError:
            pass

