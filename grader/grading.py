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


def grade_tests(exercise, folder, tests, timeout=DEFAULT_TIMEOUT, **run_options):
    """The ExerciseResult of the student's file exercise.file in `folder` under `tests`.

    run_options: what run_student needs besides the calls (black_boxes, sources, student_imports).
    """
    start = time.perf_counter()
    calls = [call for test in tests for call in test.calls]
    outcome = run_student(Path(folder) / exercise.file, exercise.module, calls, timeout=timeout, **run_options)
    result = ExerciseResult(exercise.number, exercise.title, output=outcome.output)
    if outcome.status == "missing":
        result.status, result.reason = "not started", outcome.reason
    elif outcome.status == "sandbox-error":
        result.status, result.reason = "error", outcome.reason
    elif outcome.status != "ok":
        result.status, result.reason = "error", f"{exercise.file} {outcome.reason}"

    position = 0
    for k, test in enumerate(tests, start=1):
        answers = outcome.results[position:position + len(test.calls)]
        position += len(test.calls)
        number = f"{exercise.number}.{k}"
        if len(answers) < len(test.calls):
            why = result.reason or "the student's code stopped before this test ran"
            result.tests.append(TestResult(test.name, number, test.points, False, f"not run: {why}"))
            continue
        try:
            verdict = test.judge(answers)
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
