"""Warm workers: forked once from a parent that has numpy, the reference and the grader imported.

A worker grades one student at a time by calling `engine.grade_folder` for one exercise after
another; each exercise runs in a fresh child of the worker's own clean template (grader.runner),
so student code never runs in a worker, never in a process that held an answer, and two
students never share a process. Python and numpy are paid
for once per batch (in the parent), not once per student.

Workers talk to the parent in JSON over a pipe, one message per event:

    parent -> worker  {"key": k, "folder": "...", "display": "...", "numbers": [1, 2, ...]}  or null (stop)
    worker -> parent  {"key": k, "start": n}           exercise n starts
                      {"key": k, "exercise": {...}}    exercise n graded (exercise_to_plain)
                      {"key": k, "error": "...", "number": n}   the grader itself failed on exercise n

An exception raised while grading (a bug in the grader, never the student's code, which runs in
the sandbox's child) is not the student's zero: the worker reports it and the parent stops the
batch with GraderError, saving nothing for that student.

A worker that dies (the student's code killed it, the machine's OOM killer, a watchdog) costs the
student only the exercise that was running: the parent records that exercise as an error, starts
a new worker and hands it the student's remaining exercises. Workers die with the parent
(PR_SET_PDEATHSIG), so a kill -9 of the batch leaves no orphan grading or writing anything.
"""
from __future__ import annotations

import ctypes
import gc
import json
import multiprocessing
import multiprocessing.connection
import os
import signal
import time
import traceback
from collections import deque
from dataclasses import dataclass, field

from clean_room.isolation import name_process

from .. import engine, runner
from ..catalog import COURSE_ROOT, load_catalog
from ..grading import most_runs
from ..results import ExerciseResult, TestResult
from ..handed_in import as_shown

PR_SET_PDEATHSIG = 1
WATCHDOG_SLACK = 30.0      # seconds past an exercise's runs' timeouts before the parent gives up on it
MAX_QUIET_DEATHS = 5       # workers dying in a row before grading anything: the batch stops


class PoolError(RuntimeError):
    """The workers cannot grade at all (they die as soon as they start)."""


class GraderError(PoolError):
    """Grading raised an exception in a worker: a bug in the grader, not the student's doing."""

    def __init__(self, task, number, detail):
        super().__init__(f"grader error in exercise {number}: {detail}")
        self.task, self.number, self.detail = task, number, detail


def not_run(number, seed, reason, status="error"):
    """An exercise that could not be graded: every hidden test failed with `reason`."""
    exercise = load_catalog()[number - 1]
    result = ExerciseResult(number, exercise.title, status=status, reason=reason)
    for k, test in enumerate(engine.hidden_tests(number, seed), start=1):
        result.tests.append(TestResult(test.name, f"{number}.{k}", test.points, False, f"not run: {reason}"))
    return result


# ------------------------------------------------------------------------------ the worker

def _die_with_parent(parent_pid):
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent_pid:   # the parent died before prctl took effect
        os._exit(1)


def _stop(signum, frame):
    raise SystemExit(0)   # unwinds through run_student's finally: its child is killed, its folder removed


def _worker_main(conn, parent_pid, seed, timeout, close_fds):
    _die_with_parent(parent_pid)
    name_process("grade-worker")
    signal.signal(signal.SIGINT, signal.SIG_IGN)   # Ctrl-C is the parent's to handle
    signal.signal(signal.SIGTERM, _stop)
    for fd in close_fds:                           # the other workers' pipes
        try:
            os.close(fd)
        except OSError:
            pass
    gc.freeze()   # the parent's objects stay shared, not copied on write
    runner.warm()   # this worker's own clean template starts while the first task arrives
    while True:
        try:
            task = json.loads(conn.recv_bytes())
        except (EOFError, OSError):
            return
        if task is None:
            return
        key, folder, display = task["key"], task["folder"], task["display"]
        with runner.one_student(folder) as staged:   # one staged copy, one sandbox session
            for number in task["numbers"]:
                conn.send_bytes(json.dumps({"key": key, "start": number}).encode())
                try:
                    [result] = engine.grade_folder(folder, seed, timeout, numbers={number}, staged=staged)
                    plain = _relabel(exercise_to_plain(result), folder, display)
                    message = {"key": key, "exercise": plain}
                except Exception as exc:   # noqa: BLE001 - the grader's own failure, reported, not scored
                    message = {"key": key, "number": number, "error": _relabel(_describe(exc), folder, display)}
                conn.send_bytes(json.dumps(message).encode())
                if "error" in message:
                    break   # the parent stops the batch


def _describe(exc):
    """One line: the exception and where in the grader it was raised."""
    text = " ".join(f"{type(exc).__name__}: {exc}".split())
    if len(text) > 300:
        text = text[:297] + "..."
    frames = traceback.extract_tb(exc.__traceback__)
    if frames:
        where = frames[-1]
        try:
            shown = os.path.relpath(where.filename, COURSE_ROOT)
        except ValueError:
            shown = where.filename
        text += f" (at {shown}:{where.lineno})"
    return text


def exercise_to_plain(ex):
    """An ExerciseResult as plain data (what a worker sends the parent)."""
    return {"number": ex.number, "title": ex.title, "status": ex.status, "reason": ex.reason,
            "output": ex.output, "seconds": ex.seconds,
            "tests": [[t.name, t.number, t.max_score, bool(t.passed), t.output, t.diagnosis] for t in ex.tests]}


def exercise_from_plain(d):
    return ExerciseResult(int(d["number"]), str(d["title"]),
                          [TestResult(str(n), str(num), float(m), bool(p), str(o), str(dg))
                           for n, num, m, p, o, dg in d["tests"]],
                          str(d["status"]), str(d["reason"]), str(d["output"]), float(d["seconds"]))


def _relabel(value, folder, display):
    """Staging paths in messages replaced by where the files came from (alice.zip/exercises)."""
    if isinstance(value, str):
        return as_shown(value, folder, display)
    if isinstance(value, list):
        return [_relabel(x, folder, display) for x in value]
    if isinstance(value, dict):
        return {k: _relabel(x, folder, display) for k, x in value.items()}
    return value


# ------------------------------------------------------------------------------ the parent

@dataclass
class Task:
    key: object
    folder: str
    display: str
    numbers: list
    done: dict = field(default_factory=dict)   # number -> ExerciseResult
    started: float = 0.0

    def payload(self):
        remaining = [n for n in self.numbers if n not in self.done]
        return {"key": self.key, "folder": self.folder, "display": self.display, "numbers": remaining}


class _Worker:
    def __init__(self, process, conn):
        self.process = process
        self.conn = conn
        self.task = None
        self.running = None          # the exercise number running, None between exercises
        self.since = 0.0
        self.watchdog = False        # killed by the parent for running too long


class WarmPool:
    """N warm workers grading tasks; `run(tasks, on_done, tick)` returns when all are done.

    Create it after everything a worker needs is imported and warmed (engine.hidden_tests for
    the seed): the workers are forks of this process.
    """

    def __init__(self, workers, seed, timeout):
        self.size = max(1, int(workers))
        self.seed = seed
        self.timeout = float(timeout)
        self.context = multiprocessing.get_context("fork")
        self.workers = []
        self.deaths = 0
        self._quiet_deaths = 0
        for _ in range(self.size):
            self.workers.append(self._spawn())

    def _spawn(self):
        parent_end, child_end = self.context.Pipe(duplex=True)
        close_fds = [w.conn.fileno() for w in self.workers if not w.conn.closed]
        close_fds.append(parent_end.fileno())
        process = self.context.Process(
            target=_worker_main, name="grade-batch-worker", daemon=True,
            args=(child_end, os.getpid(), self.seed, self.timeout, close_fds))
        process.start()
        child_end.close()
        return _Worker(process, parent_end)

    def run(self, tasks, on_done, tick=None, tick_every=0.25):
        """Grades every Task; on_done(task, [ExerciseResult...]) as soon as a task is complete."""
        queue = deque(tasks)
        while queue or any(w.task for w in self.workers):
            for w in self.workers:
                if w.task is None and queue:
                    self._give(w, queue.popleft())
            waitables = {}
            for w in self.workers:
                waitables[w.conn] = w
                waitables[w.process.sentinel] = w
            ready = multiprocessing.connection.wait(list(waitables), timeout=tick_every)
            dead = []
            for obj in ready:
                w = waitables[obj]
                if (obj is not w.conn or not self._read(w, on_done)) and w not in dead:
                    dead.append(w)
            now = time.monotonic()
            for w in self.workers:
                if w.running is not None and now - w.since > self.give_up_after(w.running) and w not in dead:
                    w.process.kill()
                    w.process.join(5)
                    dead.append(w)
                    w.watchdog = True
            for w in dead:
                self._replace(w, queue, on_done)
            if tick:
                tick()

    def give_up_after(self, number):
        """Seconds after which the parent gives up on exercise `number`: past the timeout of
        every run grading it may take (one more after each function that loops, grading.py)."""
        return self.timeout * most_runs(load_catalog()[number - 1]) + WATCHDOG_SLACK

    def _give(self, w, task):
        w.task = task
        w.running = None
        task.started = task.started or time.monotonic()
        try:
            w.conn.send_bytes(json.dumps(task.payload()).encode())
        except (OSError, ValueError):
            pass   # the worker is gone: its sentinel fires and _replace hands the task on

    def _read(self, w, on_done):
        """Handles every message waiting; False when the worker's pipe is closed."""
        try:
            while w.conn.poll():
                message = json.loads(w.conn.recv_bytes())
                task = w.task
                if task is None or message.get("key") != task.key:
                    continue
                if "start" in message:
                    w.running, w.since = int(message["start"]), time.monotonic()
                elif "error" in message:
                    raise GraderError(task, int(message["number"]), str(message["error"]))
                else:
                    result = exercise_from_plain(message["exercise"])
                    task.done[result.number] = result
                    w.running = None
                    self._quiet_deaths = 0
                    if len(task.done) == len(task.numbers):
                        w.task = None
                        on_done(task, [task.done[n] for n in task.numbers])
                        return True
        except (EOFError, OSError):
            return False
        return True

    def _replace(self, w, queue, on_done):
        """A worker died: drain what it sent, charge the running exercise, start another worker."""
        self._read(w, on_done)
        w.process.join(5)
        if w.process.is_alive():
            w.process.kill()
            w.process.join(5)
        w.conn.close()
        self.deaths += 1
        task = w.task
        if task is not None:
            if w.running is not None and w.running not in task.done:
                number = w.running
                if w.watchdog:
                    reason = (f"the grader stopped this exercise after {self.give_up_after(number):g} s "
                              "(the sandbox did not end it)")
                else:
                    how = _how_it_ended(w.process.exitcode)
                    reason = (f"the grading process was {how} while this exercise ran "
                              "(did the code signal its parent process?)")
                task.done[number] = not_run(number, self.seed, reason)
                self._quiet_deaths = 0
            else:
                self._quiet_deaths += 1
            if len(task.done) == len(task.numbers):
                on_done(task, [task.done[n] for n in task.numbers])
            else:
                queue.appendleft(task)
        else:
            self._quiet_deaths += 1
        if self._quiet_deaths > MAX_QUIET_DEATHS:
            raise PoolError(f"the grading workers keep dying as they start (last exit code {w.process.exitcode})")
        self.workers[self.workers.index(w)] = self._spawn()

    def close(self, grace=3.0):
        """Stops every worker: politely (None), then SIGTERM for a busy one, then SIGKILL."""
        for w in self.workers:
            try:
                if w.task is None:
                    w.conn.send_bytes(b"null")
                else:
                    w.process.terminate()
            except (OSError, ValueError):
                pass
        deadline = time.monotonic() + grace
        for w in self.workers:
            w.process.join(max(0.0, deadline - time.monotonic()))
            if w.process.is_alive():
                w.process.kill()
                w.process.join(5)
            try:
                w.conn.close()
            except OSError:
                pass
        self.workers = []


def _how_it_ended(code):
    if code is None:
        return "lost"
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"ended with exit code {code}"
