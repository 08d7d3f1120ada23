"""Grades an exercise: hidden tests -> the student's code in the clean room -> judged here.

The student's answers come back as plain data and are judged in this process, so nothing the
student's code does (patching numpy, exiting, forging output) can decide its own verdict. The
exercise's imports of earlier exercises are black boxes that the reference answers from here
(`black_boxes_for`), so one mistake costs points in one exercise only, and the reference's code
never enters the student's process.
"""
import ast
import math
import sys
import time
from functools import lru_cache
from pathlib import Path

import numpy as np

import reference
from .catalog import COURSE_ROOT, load_catalog
from .hidden import build_tests
from .hidden.base import Verdict
from .results import ExerciseResult, TestResult
from .source_text import module_source
from .runner import run_student, set_hidden

STUDENT_SEED = 1          # `grade exercise` / `grade all` unless --seed
INSTRUCTOR_SEED = 20261   # `grade batch` unless --seed: hard-coding the student seed's answers fails here
DEFAULT_TIMEOUT = 5.0     # seconds for one exercise: its import and every hidden call
# Never visible to student code, even where they lie under a system folder the child may read.
set_hidden((COURSE_ROOT, Path(reference.__file__).resolve().parent))


MAX_TIMEOUT = 3600         # seconds for one exercise: far more than any needs


def check_timeout(timeout):
    """timeout as float seconds, or a ValueError with the sentence to show (nan, 0, 1e300 refused)."""
    try:
        seconds = float(timeout)
    except (TypeError, ValueError):
        seconds = math.nan
    if not 0 < seconds <= MAX_TIMEOUT:   # also refuses nan, which compares false
        raise ValueError(f"--timeout must be a number of seconds above 0 and at most {MAX_TIMEOUT}, not {timeout!r}")
    return seconds


# Exercises whose code calls the earlier ones thousands of times (train: an epoch is forward, bce,
# backward, sgd_step): a round trip per call would cost seconds, so the modules their stub
# imports are given to the child as the reference's source code (docs/grader.md says so).
AS_SOURCE = frozenset({10})


@lru_cache(maxsize=None)
def black_boxes_for(number):
    """{module: {function: the reference's function}} for the exercises before `number`: what
    `from ex06_output_layer import dz2` gives exercise 8, computed here when the child asks."""
    shipped = sources_for(number)
    return {e.module: {name: getattr(reference, name) for name in e.functions}
            for e in load_catalog() if e.number < number and e.module not in shipped}


@lru_cache(maxsize=None)
def sources_for(number):
    """{module: source text} for the earlier exercises that the stub of an AS_SOURCE exercise
    imports; {} for every other exercise."""
    if number not in AS_SOURCE:
        return {}
    exercise = load_catalog()[number - 1]
    tree = ast.parse((COURSE_ROOT / "exercises" / exercise.file).read_text(encoding="utf-8"))
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    return {e.module: module_source([getattr(reference, name) for name in e.functions])
            for e in load_catalog() if e.number < number and e.module in imported}


@lru_cache(maxsize=64)
def hidden_tests(number, seed):
    """The tests of one exercise for one seed, built once per process (the batch reuses them)."""
    tests = build_tests(number, np.random.default_rng([seed, number]))
    exercise = load_catalog()[number - 1]
    total = sum(t.points for t in tests)
    if abs(total - exercise.points) > 1e-9:
        raise RuntimeError(f"exercise {number}: hidden tests add up to {total} points, the catalog says {exercise.points}")
    return tests


def grade_exercise(exercise, folder, seed=STUDENT_SEED, timeout=DEFAULT_TIMEOUT):
    """The ExerciseResult of the student's file exercise.file in `folder`."""
    start = time.perf_counter()
    tests = hidden_tests(exercise.number, seed)
    calls = [call for test in tests for call in test.calls]
    outcome = run_student(Path(folder) / exercise.file, exercise.module, calls,
                          black_boxes=black_boxes_for(exercise.number), sources=sources_for(exercise.number),
                          timeout=timeout)
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


def grade_folder(folder, seed=STUDENT_SEED, timeout=DEFAULT_TIMEOUT, numbers=None):
    """Every exercise (or those numbered in `numbers`) of one student's folder."""
    return [grade_exercise(e, folder, seed, timeout) for e in load_catalog()
            if numbers is None or e.number in numbers]
