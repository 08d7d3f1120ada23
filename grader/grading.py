"""Grades one exercise from its tests: the student's code in the clean room, then the judges.

Reference-free, so it ships in the student kit. Where the tests come from is the caller's
business: the checkout generates them from the reference at any seed (engine.py); the kit reads
the ones `grade release` stored at the student seed (public.py). `course()` says which one this
installation is.
"""
import math
import sys
import time
from pathlib import Path

from .judge import Verdict
from .results import ExerciseResult, TestResult
from .runner import run_student

STUDENT_SEED = 1          # `grade exercise` / `grade all` unless --seed (the kit's only seed)
DEFAULT_TIMEOUT = 5.0     # seconds for one exercise: its import and every hidden call
MAX_TIMEOUT = 3600        # seconds for one exercise: far more than any needs


def check_timeout(timeout):
    """timeout as float seconds, or a ValueError with the sentence to show (nan, 0, 1e300 refused)."""
    try:
        seconds = float(timeout)
    except (TypeError, ValueError):
        seconds = math.nan
    if not 0 < seconds <= MAX_TIMEOUT:   # also refuses nan, which compares false
        raise ValueError(f"--timeout must be a number of seconds above 0 and at most {MAX_TIMEOUT}, not {timeout!r}")
    return seconds


def course():
    """The module that grades here: grader.public in a student kit (its public checks are
    installed), grader.engine in the instructor's checkout. Both offer grade_folder."""
    from . import public
    if public.installed():
        return public
    from . import engine
    return engine


STOPPED_EARLY = frozenset({"timeout", "memory", "exited", "crashed"})   # a run that another may follow


def most_runs(exercise):
    """How many runs of the student's code grading `exercise` takes at most: one, and one more
    after each run that a function of the file stopped early, which is never more runs than the
    file has functions (a file that loops in every function costs that many timeouts)."""
    return max(1, len(exercise.functions))


def grade_tests(exercise, folder, tests, timeout=DEFAULT_TIMEOUT, **run_options):
    """The ExerciseResult of the student's file exercise.file in `folder` under `tests`.

    run_options: what run_student needs besides the calls (black_boxes, sources, student_imports).
    """
    start = time.perf_counter()
    answers, lost, outcomes = run_tests(exercise, Path(folder) / exercise.file, tests, timeout, run_options)
    outcome = outcomes[0]
    result = ExerciseResult(exercise.number, exercise.title, output=_outputs(outcomes))
    if outcome.status == "missing":
        result.status, result.reason = "not started", outcome.reason
    elif outcome.status == "sandbox-error":
        result.status, result.reason = "error", outcome.reason
    elif outcome.status != "ok":
        result.status, result.reason = "error", f"{exercise.file} {outcome.reason}"
    result.sandbox_error = next((o.reason for o in outcomes if o.status == "sandbox-error"), "")
    if outcome.status not in ("ok", "missing", "sandbox-error") and outcome.running not in (None, "import"):
        result.stopped_at = len(outcome.results)

    for k, test in enumerate(tests, start=1):
        number = f"{exercise.number}.{k}"
        if k - 1 not in answers:
            why = lost.get(k - 1) or result.reason or "the student's code stopped before this test ran"
            result.tests.append(TestResult(test.name, number, test.points, False, f"not run: {why}"))
            continue
        try:
            verdict = test.judge(answers[k - 1])
        except Exception as exc:  # a grader bug must neither crash the run nor give or take points silently
            print(f"grader error: test {number} {test.name!r}: {type(exc).__name__}: {exc}", file=sys.stderr)
            verdict = Verdict(False, f"the grader could not judge this answer ({type(exc).__name__}: {exc}); "
                                     "please report it to your instructor")
        result.tests.append(TestResult(test.name, number, test.points, verdict.passed, verdict.output,
                                       verdict.diagnosis))

    if result.tests and all(t.passed for t in result.tests):
        result.status = "done"   # full marks, even if the process misbehaved after its last answer
    elif outcome.status == "ok":
        errors = [r.error for r in outcome.results]
        if errors and all(e is not None and e.not_implemented for e in errors):
            result.status = "not started"
    result.seconds = time.perf_counter() - start
    return result


def run_tests(exercise, path, tests, timeout, run_options):
    """Runs the calls of `tests` in the clean room: ({test index: its CallResults}, {test index:
    why it lost its points}, [the Outcome of each run]).

    One function that loops or crashes costs only its own tests: when a run stops early while a
    function of the file runs, the tests that did not finish and call that function lose their
    points with the reason, and the other unfinished tests run again in a fresh child (each run
    in the same order, so the same file always gets the same answers). A file that cannot be
    imported, or a run that stops outside any function, is not run again.
    """
    todo, failed = list(range(len(tests))), set()
    answers, lost, outcomes = {}, {}, []
    while todo:
        outcome = run_student(path, exercise.module, [c for i in todo for c in tests[i].calls],
                              timeout=timeout, **run_options)
        outcomes.append(outcome)
        position, unfinished = 0, []
        for i in todo:
            got = outcome.results[position:position + len(tests[i].calls)]
            position += len(tests[i].calls)
            if len(got) == len(tests[i].calls):
                answers[i] = got
            else:
                unfinished.append(i)
        why = outcome.reason if outcome.status in ("missing", "sandbox-error") else f"{exercise.file} {outcome.reason}"
        again = outcome.status in STOPPED_EARLY and outcome.running not in (None, "import")
        if again:
            failed.add(outcome.running)
        todo = [i for i in unfinished if again and not failed & {c.function for c in tests[i].calls}]
        if len(outcomes) >= most_runs(exercise):
            todo = []
        lost.update((i, why) for i in unfinished if i not in todo)
    return answers, lost, outcomes


def _outputs(outcomes):
    """What the student's code printed in every run, one run after the other."""
    texts = [o.output for o in outcomes if o.output]
    return "\n".join(t.rstrip("\n") for t in texts) + ("\n" if texts and texts[-1].endswith("\n") else "")
