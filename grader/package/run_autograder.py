"""Grades one Gradescope submission: what the zip's run_autograder runs, as root, in the container.

    python3 -m grader.package.run_autograder                      grade the submission
    python3 -m grader.package.run_autograder --seed-for 1234      a student's seed (group: several ids)

AUTOGRADER_ROOT (default /autograder) holds submission/ (the student's files, at its top, under
exercises/ or one folder deeper: found as `grade batch` finds them), submission_metadata.json
(the student's Gradescope id) and results/, where results/results.json is always written: for a
graded submission, for one that cannot be graded (empty, no exercise files), and when the
grader itself fails (a zero whose message says it is the grader's).

Every exercise is graded on two sets of inputs, in one run of the student's code (grade_both):
- the student's own inputs (a seed derived from their Gradescope id, so the same at every
  resubmission) come first, as `grade all --seed S` runs them: these tests carry the score,
  shown as the zip's --visibility says; `grade all --path <their files> --seed S` reproduces
  it (S is in extra_data);
- then the public inputs (seed 1, the ones `grade exercise N` uses on the student's machine):
  these tests are always visible and carry no points.

Student code runs only in the clean room (grader.runner), never as root. With Linux namespaces
(isolation level "namespaces") each run has its own uid and sees nothing of /autograder: this
process grades, and where two CPUs are there a forked worker grades beside it, each taking the
next exercise from one queue (its sandbox template a twin of this process's: forked from it,
so numpy is imported once). One process's exercises share one sandbox session. Without namespaces one forked worker grades everything after
becoming the user nobody, so the sandbox it starts and the student's code run as nobody, while
results/ and submission_metadata.json are made root's alone (setup.sh did the same for the
grader's files). A worker that dies or hangs costs the exercise it was grading. Either way this process writes
results.json, after every run has ended, from what it judged: nothing student code prints or
writes reaches it.
"""
from __future__ import annotations

import os

from .. import runner

# First of all: the sandbox's template starts now, so its numpy import overlaps this process's
# imports (the catalog's alone take 30 ms). The folders it hides are the engine's (as there).
_COURSE = os.path.realpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, os.pardir))
runner.set_hidden((_COURSE, os.path.join(_COURSE, "reference")))
if __name__ == "__main__":
    runner.warm()

import argparse  # noqa: E402
import ctypes  # noqa: E402
import hashlib  # noqa: E402
import importlib  # noqa: E402
import json  # noqa: E402
import pkgutil  # noqa: E402
import pwd  # noqa: E402
import select  # noqa: E402
import signal  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import traceback  # noqa: E402
from contextlib import nullcontext  # noqa: E402
from dataclasses import dataclass, field, replace  # noqa: E402
from pathlib import Path  # noqa: E402

from ..catalog import COURSE_ROOT, load_catalog  # noqa: E402

from .. import engine  # noqa: E402
from ..feedback import points, summary_text
from ..grading import grade_tests, most_runs
from ..results import ExerciseResult, to_gradescope
from ..batch import store
from ..batch.pool import exercise_from_plain, exercise_to_plain, not_run
from ..batch.submissions import Staged, Submission, stage
from ..handed_in import as_shown
from ..runner import isolation_level
from .autograder import CONFIG, DEFAULT_VISIBILITY, VISIBILITIES

ROOT_VARIABLE = "AUTOGRADER_ROOT"
DEFAULT_ROOT = "/autograder"
SEED_SALT = "day7-gradescope"
WATCHDOG_SLACK = 30.0       # seconds past a run's timeout before its grading worker is given up
PR_SET_DUMPABLE = 4
WHEN_SHOWN = {
    "after_due_date": "They are listed after the due date",
    "after_published": "They are listed once your instructor publishes the grades",
    "hidden": "They are not listed",
    "visible": "They are listed below, after the public tests of each exercise",
}
GRADER_ERROR_TEXT = ("GRADER ERROR: the grader failed while grading this submission. This zero is the "
                     "grader's, not a grade of your work: your instructor sees this message and can "
                     "regrade your submission once the grader is fixed.")


class GraderFailure(Exception):
    """The grader, not the student, failed; the message is for the instructor."""


@dataclass(frozen=True)
class Options:
    visibility: str = DEFAULT_VISIBILITY
    timeout: float = engine.DEFAULT_TIMEOUT


@dataclass
class Student:
    ids: list
    seed: int
    seed_from: str


@dataclass
class Grading:
    """What ran the student's code, for the record."""
    isolation: str                  # grader.runner.isolation_level() where the student's code ran
    user: str                       # who the grading (and so the sandbox) ran as
    pairs: list = field(default_factory=list)   # (number, public ExerciseResult, hidden ExerciseResult)


# ------------------------------------------------------------------------------ inputs

def load_options(path=COURSE_ROOT / CONFIG):
    """The options the zip was built with; the defaults when run from a checkout (no config)."""
    if not path.exists():
        return Options()
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("visibility") not in VISIBILITIES:
        raise GraderFailure(f"{CONFIG}: visibility {data.get('visibility')!r} is not one of {VISIBILITIES}")
    return Options(data["visibility"], engine.check_timeout(data.get("timeout")))


def seed_for(ids):
    """The seed of a student's (or a group's) inputs: a hash of their sorted Gradescope ids, the
    same at every resubmission, and never the public seed."""
    text = SEED_SALT + ":" + ",".join(sorted(str(i) for i in ids))
    seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "big") >> 1
    return seed if seed != engine.STUDENT_SEED else seed + (1 << 31)


def read_student(root):
    """Who submitted, from submission_metadata.json. Without that file (a run outside Gradescope)
    the batch's seed is used; a file that names no one is the grader's problem."""
    path = root / "submission_metadata.json"
    if not path.exists():
        return Student([], engine.INSTRUCTOR_SEED, "no submission_metadata.json: the batch's default seed")
    try:
        users = json.loads(path.read_text(encoding="utf-8"))["users"]
        ids = sorted(str(u["id"]) for u in users)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise GraderFailure(f"{path}: no user ids in it ({type(exc).__name__}: {exc})") from None
    if not ids:
        raise GraderFailure(f"{path}: no user ids in it (an empty list of users)")
    what = "the student's Gradescope id" if len(ids) == 1 else "the group's Gradescope ids"
    return Student(ids, seed_for(ids), what)


def stage_submission(folder, staging):
    """The submission's exercise files copied into staging/files, as `grade batch` finds them."""
    submission = Submission("submission", Path(folder), "folder")
    if not Path(folder).is_dir():
        return Staged(submission, reason="nothing was submitted (no submission folder)")
    return stage(submission, Path(staging) / "files")


# ------------------------------------------------------------------------------ grading

def warm(seed, while_=None):
    """The hidden tests of both seeds, and what the engine reads from the stubs, longest exercise
    first: built before a grading worker gives up root, or (while_: runner.template_starting)
    while the sandbox's template starts, which this process would only wait for. A worker
    forked afterwards inherits them; elsewhere each process builds what it needs as it goes."""
    for number in longest_first(e.number for e in load_catalog()):
        for s in (seed, engine.STUDENT_SEED):
            if while_ is not None and not while_():
                return
            engine.hidden_tests(number, s)
        engine.black_boxes_for(number)
        engine.sources_for(number)


def import_everything():
    """Every module of ours, imported while this process may still read the grader's files
    (setup.sh makes them root's alone; a forked grading process gives up root). Modules that
    need what the zip leaves out (click, jinja2, the quiz: the other commands) are passed over;
    grading never imports them."""
    for package in ("clean_room", "grader", "reference"):
        module = importlib.import_module(package)
        for info in pkgutil.walk_packages(module.__path__, package + ".", onerror=lambda name: None):
            if not info.name.endswith("__main__"):
                try:
                    importlib.import_module(info.name)
                except ImportError:
                    pass


def grade_both(number, folder, seed, timeout, staged=None):
    """(public, hidden) ExerciseResults of one exercise, from one run of the student's code. The
    calls on the student's own inputs come first, so they run exactly as `grade all --seed S`
    runs them (a fresh process, the same time limit from its start); the public inputs' calls
    follow, in the time left. A sandbox that fails is the grader's failure, not the student's:
    GraderFailure. staged: the folder as runner.one_student staged it (one session for all)."""
    exercise = load_catalog()[number - 1]
    hidden, public = engine.hidden_tests(number, seed), engine.hidden_tests(number, engine.STUDENT_SEED)
    both = grade_tests(exercise, folder, list(hidden) + list(public), timeout, staged=staged,
                       black_boxes=engine.black_boxes_for(number), sources=engine.sources_for(number))
    if both.sandbox_error:
        raise GraderFailure(f"the sandbox does not work here: {both.sandbox_error}")
    in_hidden = both.stopped_at is not None and both.stopped_at < sum(len(t.calls) for t in hidden)
    return (_share(both, both.tests[len(hidden):], len(hidden), STOPPED_ON_YOURS if in_hidden else None),
            _share(both, both.tests[:len(hidden)], 0))


# Why a public test did not run when the run stopped in a call on the student's own inputs: the
# run's own reason names that call, with its inputs (and whatever the student's code sent back),
# and public tests are shown at once.
STOPPED_ON_YOURS = ("your code stopped while it ran on your own inputs, before it reached these (the tests "
                    "on your own inputs say why)")


def _share(both, tests, skipped, stopped=None):
    """One set of inputs' share of a run that graded both: its tests numbered from 1 again, and
    the status that set alone gets (the run's reason only if the run stopped within it).
    stopped: the reason to give instead of the run's, which is about the other set's inputs."""
    result = ExerciseResult(both.number, both.title, output=both.output, seconds=both.seconds)
    for t in tests:
        k = int(t.number.rsplit(".", 1)[1]) - skipped
        output = f"not run: {stopped}" if stopped and t.output.startswith("not run:") else t.output
        result.tests.append(replace(t, number=f"{both.number}.{k}", output=output))
    if tests and all(t.passed for t in tests):
        result.status = "done"
    elif any(t.output.startswith("not run:") for t in tests):   # engine's words for calls that never ran
        result.status, result.reason = both.status, stopped or both.reason
    else:
        result.status = "not started" if both.status == "not started" else "failing"
    return result


@dataclass
class Worker:
    """A forked grading process, and the exercise it grades now."""
    pid: int
    fd: int
    current: int = None
    deadline: float = 0.0
    pending: bytes = b""
    finished: bool = False
    gave_up: bool = False
    graded: int = 0


# Longest first (bench/bench_autograder.py's runs): each grading process takes the next exercise
# when it is free, so two processes end at about the same time. Any order grades the same.
LONGEST_FIRST = (10, 8, 3, 1, 2, 6, 7, 11, 5, 9, 4)


def grade(user, folder, seed, timeout, parallel):
    """Every exercise on both sets of inputs: (number, public, hidden) per exercise.

    user None: this process grades, and when `parallel` a forked worker grades at the same time;
    each takes the next exercise from one queue. user (uid, gid): this process never runs
    student code; a forked worker becomes that user first, so the sandbox it starts, and the
    student's code, run as that user. A worker that dies or hangs costs the exercise it was
    grading ("not run"); the others are graded by this process or by a new worker."""
    numbers = [e.number for e in load_catalog()]
    queue = _queue(numbers)
    here = user is None
    done, running = {}, {}
    try:
        if not here or parallel:
            worker = _start(user, folder, seed, timeout, queue, numbers, spare=here)
            running[worker.fd] = worker
        else:
            runner.drop_spare()
        level = isolation_level() if here else ""
        with runner.one_student(folder) if here else nullcontext() as staged:
            level = _grade_here(here, queue, running, done, user, folder, seed, timeout, staged, numbers) or level
    finally:
        for worker in running.values():
            os.kill(worker.pid, signal.SIGKILL)
            os.close(worker.fd)
            os.waitpid(worker.pid, 0)
        os.close(queue)
    for number in numbers:   # taken by a worker that died before it said so
        if number not in done:
            why = "the grading process ended while it took this exercise"
            done[number] = (not_run(number, engine.STUDENT_SEED, why), not_run(number, seed, why))
    return Grading(level, _user_name(user[0] if user else os.geteuid()), [(n, *done[n]) for n in numbers])


def longest_first(numbers):
    return sorted(numbers, key=lambda n: LONGEST_FIRST.index(n) if n in LONGEST_FIRST else len(LONGEST_FIRST))


def _queue(numbers):
    """A pipe holding the exercises to grade, one byte each, longest first: every grading process
    reads its next exercise from it (a read of one byte is atomic), so each is graded once."""
    read_end, write_end = os.pipe()
    os.write(write_end, bytes(longest_first(numbers)))
    os.close(write_end)
    return read_end


def _next(queue):
    """The next exercise to grade, or None when every one is taken."""
    data = os.read(queue, 1)
    return data[0] if data else None


def _grade_here(here, queue, running, done, user, folder, seed, timeout, staged, numbers):
    """Grades exercises from the queue here (when `here`), one after the other, and between two
    of them looks at the workers (their pipes never fill for long), until every exercise is
    done. Returns the isolation level a worker reported, if one did."""
    fruitless, level = 0, None
    while True:
        number = _next(queue) if here else None
        if number is not None:
            done[number] = grade_both(number, folder, seed, timeout, staged)
        elif not running:
            return level
        now = time.monotonic()
        for worker in running.values():
            if now > worker.deadline and not worker.gave_up:
                worker.gave_up = True
                os.kill(worker.pid, signal.SIGKILL)
        waits = [w.deadline - now for w in running.values() if not w.gave_up]
        wait = 0.0 if number is not None else (max(0.0, min(waits)) if waits else None)
        for fd in select.select(list(running), [], [], wait)[0] if running else []:
            worker = running[fd]
            chunk = os.read(fd, 1 << 16)
            if chunk:
                level = _read(worker, chunk, done, timeout) or level
                continue
            del running[fd]
            _end(worker, done, seed, timeout)
            fruitless = 0 if worker.graded or worker.current else fruitless + 1
            if fruitless >= 2:
                raise GraderFailure("grading processes ended twice in a row without grading anything")
            busy = {w.current for w in running.values()}
            if not here and any(n not in done and n not in busy for n in numbers):
                replacement = _start(user, folder, seed, timeout, queue, numbers)
                running[replacement.fd] = replacement


def _start(user, folder, seed, timeout, queue, numbers, spare=False):
    """Forks a grading worker reading from `queue`. spare: it takes over a twin of this
    process's template (runner.start_spare: a fork, not a numpy import), rather than starting
    its own."""
    read_end, write_end = os.pipe()
    if spare:
        runner.start_spare()   # a twin of this process's template: a fork of it, for the worker
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        if spare:
            runner.adopt_spare()
        else:
            runner.drop_spare()
        _work(write_end, user, folder, seed, timeout, queue)
    os.close(write_end)
    runner.drop_spare()   # the worker's now (or no one's)
    return Worker(pid, read_end, deadline=time.monotonic() + _allowance(numbers, timeout))


def _allowance(numbers, timeout):
    """Seconds an exercise may take before its worker is given up: both input sets, each up to
    one run per function (a run stopped early is run again for the other functions)."""
    catalog = load_catalog()
    return 2 * timeout * max(most_runs(catalog[n - 1]) for n in numbers) + WATCHDOG_SLACK


def _read(worker, chunk, done, timeout):
    """Takes in a worker's JSON lines; returns the isolation level when it says it."""
    level = None
    *lines, worker.pending = (worker.pending + chunk).split(b"\n")
    for line in lines:
        message = json.loads(line)
        if "error" in message:
            raise GraderFailure(message["error"])
        if "level" in message:
            level = message["level"]
        elif "start" in message:
            worker.current = message["start"]
            worker.deadline = time.monotonic() + _allowance([message["start"]], timeout)
        elif "number" in message:
            done[message["number"]] = (exercise_from_plain(message["public"]), exercise_from_plain(message["hidden"]))
            worker.current, worker.graded = None, worker.graded + 1
        elif message.get("done"):
            worker.finished = True
    return level


def _end(worker, done, seed, timeout):
    """A worker's pipe closed: reaps it and charges its exercise in progress."""
    os.close(worker.fd)
    _, status = os.waitpid(worker.pid, 0)
    if worker.current and not worker.finished:
        if worker.gave_up:
            why = f"the grader gave up on this exercise after {_allowance([worker.current], timeout):g} s"
        else:
            why = f"the grading process {_how_it_ended(status)} while grading this exercise"
        done[worker.current] = (not_run(worker.current, engine.STUDENT_SEED, why), not_run(worker.current, seed, why))


def _work(fd, user, folder, seed, timeout, queue):
    """A forked grading process: becomes `user`, grades, sends JSON lines. Never returns."""
    code = 1

    def send(message):
        data = (json.dumps(message) + "\n").encode()
        while data:
            data = data[os.write(fd, data):]

    try:
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        if user:
            uid, gid = user
            os.setgroups([])
            os.setresgid(gid, gid, gid)
            os.setresuid(uid, uid, uid)
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)   # no ptrace, no /proc/<pid>/fd
            os.chdir("/")
        send({"level": isolation_level()})   # starts this process's own sandbox template
        with runner.one_student(folder) as staged:
            while (number := _next(queue)) is not None:
                send({"start": number})
                public, hidden = grade_both(number, folder, seed, timeout, staged)
                send({"number": number, "public": exercise_to_plain(public), "hidden": exercise_to_plain(hidden)})
        send({"done": True})
        code = 0
    except BaseException:  # noqa: BLE001 - the grader's own failure, sent as such
        try:
            send({"error": "a grading process failed: " + traceback.format_exc()})
        except OSError:
            pass
    finally:
        os._exit(code)


def _how_it_ended(status):
    if os.WIFSIGNALED(status):
        try:
            name = signal.Signals(os.WTERMSIG(status)).name
        except ValueError:
            name = f"signal {os.WTERMSIG(status)}"
        return f"was killed by {name} (out of memory, or by the code it ran)"
    return f"exited with status {os.WEXITSTATUS(status)}"


def grading_user():
    """(uid, gid) of nobody, who owns nothing: who grades where namespaces are refused."""
    try:
        entry = pwd.getpwnam("nobody")
        return entry.pw_uid, entry.pw_gid
    except KeyError:
        return 65534, 65534


def both_at_once(level):
    """Whether two processes grade at once (taking exercises from one queue): where two CPUs are ours,
    and each run of student code is walled in its own pid namespace. Without namespaces the
    student's code could signal a grading process of its own user, and so cost another exercise
    than its own; graded one at a time, it can only end the run it is in."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    return cpus >= 2 and level in ("namespaces", "userns")


def _user_name(uid):
    try:
        return f"{pwd.getpwuid(uid).pw_name} (uid {uid})"
    except KeyError:
        return f"uid {uid}"


# ------------------------------------------------------------------------------ results.json

def results_json(grading, staged, student, options, seconds):
    """The Gradescope results: hidden tests for the score, public tests visible, no student output."""
    public = [p for _, p, _ in grading.pairs]
    hidden = [h for _, _, h in grading.pairs]
    for ex in public + hidden:
        ex.output = ""                        # what student code printed never reaches results.json
        _relabel(ex, staged)
    data = to_gradescope(hidden, seconds, _student_text(public, hidden, staged, options))
    data["tests"] = _tests(to_gradescope(public, 0.0)["tests"], data["tests"], options.visibility)
    data.update(output_format="text", test_output_format="text", test_name_format="text",
                stdout_visibility="hidden")
    public_score = sum(ex.score for ex in public)
    data["extra_data"]["autograder"] = {
        "status": "graded" if staged.ok else "failed to load", "reason": staged.reason,
        "students": student.ids, "seed": student.seed, "seed_from": student.seed_from,
        "public_seed": engine.STUDENT_SEED, "public_score": round(public_score, 4),
        "visibility": options.visibility, "timeout": options.timeout,
        "isolation": grading.isolation, "grading_user": grading.user,
        "found_in": staged.found_in, "files": staged.files, "remarks": staged.remarks,
        "grader_version": store.grader_version(),
        "reproduce": f"grade all --path <the submission's files> --seed {student.seed} --timeout {options.timeout:g}",
    }
    return data


def failed_to_load(staged, student):
    """Every test "not run" with the reason the submission cannot be graded."""
    why = staged.reason
    return Grading("", "", [(e.number, not_run(e.number, engine.STUDENT_SEED, why, "not started"),
                             not_run(e.number, student.seed, why, "not started")) for e in load_catalog()])


def grader_failure_json(detail, seconds, options=None, student=None):
    full = sum(e.points for e in load_catalog())
    record = {"status": "grader error", "error": detail}
    if student is not None:
        record.update(students=student.ids, seed=student.seed)
    if options is not None:
        record.update(visibility=options.visibility, timeout=options.timeout)
    return {"score": 0.0, "max_score": full, "execution_time": round(seconds, 3), "output": GRADER_ERROR_TEXT,
            "output_format": "text", "stdout_visibility": "hidden", "tests": [],
            "extra_data": {"autograder": record}}


def _tests(public_tests, hidden_tests, visibility):
    """Each exercise's public tests (no points, always visible), then its hidden ones."""
    by_exercise = {}
    for t in public_tests:
        del t["score"], t["max_score"]
        t.update(name=t["name"] + " (public inputs)", visibility="visible")
        t["extra_data"]["inputs"] = "public"
        by_exercise.setdefault(t["extra_data"]["exercise"], []).append(t)
    for t in hidden_tests:
        t.update(name=t["name"] + " (your inputs)", visibility=visibility)
        t["extra_data"]["inputs"] = "yours"
        by_exercise.setdefault(t["extra_data"]["exercise"], []).append(t)
    return [t for number in sorted(by_exercise) for t in by_exercise[number]]


def _relabel(ex, staged):
    """The staging folder in messages named as the student knows it: submission/exercises."""
    if staged.folder is None:
        return
    ex.reason = as_shown(ex.reason, staged.folder, staged.display)
    for t in ex.tests:
        t.output = as_shown(t.output, staged.folder, staged.display)


def _student_text(public, hidden, staged, options):
    """The top-level output, always visible: the total, what was graded, and the public tests.
    Nothing here comes from the runs on the student's own inputs but their score."""
    score, top = sum(ex.score for ex in hidden), sum(ex.max_score for ex in hidden)
    lines = [f"Score: {points(score)}/{points(top)}", ""]
    if not staged.ok:
        lines.append(f"Your submission could not be graded: {staged.reason}. Upload your exercise files "
                     "(ex01_activations.py to ex11_gradient_check.py) at its top or in a folder exercises/.")
        return "\n".join(lines)
    lines.append("The score comes from the hidden tests: the same checks as the public tests, on inputs "
                 f"drawn for you alone (the same at every submission). {WHEN_SHOWN[options.visibility]}.")
    lines.append("")
    lines.append(f"Graded the {len(staged.files)} exercise files in {staged.display}.")
    missing = [e.file for e in load_catalog() if e.file not in staged.files]
    if missing:
        lines.append(f"Not in your submission (0 points each): {', '.join(missing)}.")
    lines.extend(f"Note: {remark}." for remark in staged.remarks)
    lines.append("")
    lines.append("Public tests: the inputs `grade exercise N` uses on your machine, with the same feedback "
                 "(no points here; they are listed below):")
    lines.append(summary_text(public))
    return "\n".join(lines)


# ------------------------------------------------------------------------------ the run

def grade_submission(root, options, student, started):
    """The results.json data of the submission in `root`."""
    with tempfile.TemporaryDirectory(prefix="grade-autograder-") as temp:
        os.chmod(temp, 0o711)
        staged = stage_submission(root / "submission", temp)
        if not staged.ok:
            return results_json(failed_to_load(staged, student), staged, student, options,
                                 time.monotonic() - started)
        os.chmod(staged.folder, 0o755)      # root's files, readable by a grading user, whatever the umask
        for path in staged.folder.iterdir():
            os.chmod(path, 0o644)
        warm(student.seed, while_=runner.template_starting)
        level, user = isolation_level(), None
        if os.geteuid() == 0 and level != "namespaces":
            _keep_from_students(root)
            warm(student.seed)
            import_everything()
            level, user = "none", grading_user()
        grading = grade(user, staged.folder, student.seed, options.timeout, both_at_once(level))
        return results_json(grading, staged, student, options, time.monotonic() - started)


def _keep_from_students(root):
    """What only root may read or write once student code runs as another user."""
    for path, mode in ((root / "results", 0o700), (root / "submission_metadata.json", 0o600)):
        try:
            os.chmod(path, mode)
        except FileNotFoundError:
            pass


def run(root, options=None):
    """Grades the submission in `root` and writes root/results/results.json; 0 once it is written.
    options: the zip's (autograder.json) unless given."""
    started = time.monotonic()
    root = Path(root)
    results = root / "results" / "results.json"
    results.parent.mkdir(parents=True, exist_ok=True)
    results.unlink(missing_ok=True)   # a stale file must not outlive a crash of this run
    student = None
    try:
        options = options or load_options()
        student = read_student(root)
        data = grade_submission(root, options, student, started)
    except Exception:  # noqa: BLE001 - anything here is the grader's failure, and must say so
        detail = traceback.format_exc()
        data = grader_failure_json(detail, time.monotonic() - started, options, student)
    store.write_atomic(results, store.encode_results(data), mode=0o644)
    print(_instructor_text(data))
    return 0


def _instructor_text(data):
    """run_autograder's stdout: shown to instructors only (stdout_visibility is hidden)."""
    record = data["extra_data"]["autograder"]
    if record["status"] == "grader error":
        return f"GRADER ERROR (the student sees a zero that says so):\n{record['error']}"
    who = ", ".join(record["students"]) or "(no submission_metadata.json)"
    lines = [f"student {who}: seed {record['seed']} ({record['seed_from']})",
             f"score {points(data['score'])}/{points(data['max_score'])} (public inputs: "
             f"{points(record['public_score'])}); {record['status']}" + (f": {record['reason']}" if record['reason'] else ""),
             f"student code ran at isolation level {record['isolation'] or '-'}, graded as {record['grading_user'] or '-'}",
             f"reproduce: {record['reproduce']}"]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python3 -m grader.package.run_autograder",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--seed-for", nargs="+", metavar="ID",
                        help="print the seed of the student with this Gradescope id (a group: every id)")
    args = parser.parse_args(argv)
    if args.seed_for:
        print(seed_for(args.seed_for))
        return 0
    return run(Path(os.environ.get(ROOT_VARIABLE) or DEFAULT_ROOT))


if __name__ == "__main__":
    sys.exit(main())
