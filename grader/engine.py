"""Grades an exercise: hidden tests -> the student's code in the clean room -> judged here.

The student's answers come back as plain data and are judged in this process, so nothing the
student's code does (patching numpy, exiting, forging output) can decide its own verdict. The
exercise's imports of earlier exercises are the reference's functions, so one mistake costs
points in one exercise only: given as source where calls are many (`AS_SOURCE`, `sources_for`:
the functions the stub imports, none beyond what exercise 10 is given), else black boxes that
the reference answers from here (`black_boxes_for`), its code never in the student's process.
"""
import ast
from functools import lru_cache
from pathlib import Path

import numpy as np

import reference
from .catalog import COURSE_ROOT, load_catalog
from .grading import DEFAULT_TIMEOUT, MAX_TIMEOUT, STUDENT_SEED, check_timeout, grade_tests  # noqa: F401
from .hidden import build_tests
from .source_text import module_source
from .runner import one_student, set_hidden

INSTRUCTOR_SEED = 20261   # `grade batch` unless --seed: hard-coding the student seed's answers fails here
# Never visible to student code, even where they lie under a system folder the child may read.
set_hidden((COURSE_ROOT, Path(reference.__file__).resolve().parent))


# Exercises whose code calls the earlier ones many times (train: an epoch is forward, bce,
# backward, sgd_step; backward calls seven gradients; forward and neuron call sigmoid): a round
# trip to the grader per call would cost more than the exercise, so the functions their stub
# imports are given to the child as the reference's source code. Exercise 10 needs that most,
# and what it is given holds every function the others are (tests/grading/test_exposed_code.py):
# the code exposed is exercise 10's alone (docs/grader.md says so).
AS_SOURCE = frozenset({2, 3, 8, 10})


@lru_cache(maxsize=None)
def imported(number):
    """{module: the names exercise `number`'s stub imports from it} (`from ex01_activations
    import sigmoid`: {"ex01_activations": {"sigmoid"}})."""
    exercise = load_catalog()[number - 1]
    tree = ast.parse((COURSE_ROOT / "exercises" / exercise.file).read_text(encoding="utf-8"))
    names = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.setdefault(node.module, set()).update(alias.name for alias in node.names)
    return names


@lru_cache(maxsize=None)
def offered(number):
    """The earlier exercises whose modules exercise `number` may import: those its stub imports,
    and no others (exercise 11 imports nothing, so it is offered nothing)."""
    return [e for e in load_catalog() if e.number < number and e.module in imported(number)]


@lru_cache(maxsize=None)
def black_boxes_for(number):
    """{module: {function: the reference's function}} for the earlier exercises offered to
    `number`: what `from ex06_output_layer import dz2` would give, computed here when the child
    asks (for an exercise not in AS_SOURCE)."""
    if number in AS_SOURCE:
        return {}
    return {e.module: {name: getattr(reference, name) for name in e.functions} for e in offered(number)}


@lru_cache(maxsize=None)
def sources_for(number):
    """{module: source text} for an AS_SOURCE exercise: each module its stub imports from, holding
    the functions it imports (and what they call), and no others."""
    if number not in AS_SOURCE:
        return {}
    return {e.module: module_source([getattr(reference, name) for name in e.functions
                                     if name in imported(number)[e.module]])
            for e in offered(number)}


@lru_cache(maxsize=64)
def hidden_tests(number, seed):
    """The tests of one exercise for one seed, built once per process (the batch reuses them)."""
    tests = build_tests(number, np.random.default_rng([seed, number]))
    exercise = load_catalog()[number - 1]
    total = sum(t.points for t in tests)
    if abs(total - exercise.points) > 1e-9:
        raise RuntimeError(f"exercise {number}: hidden tests add up to {total} points, the catalog says {exercise.points}")
    return tests


def grade_exercise(exercise, folder, seed=STUDENT_SEED, timeout=DEFAULT_TIMEOUT, staged=None):
    """The ExerciseResult of the student's file exercise.file in `folder` (staged: the folder
    as runner.one_student staged it, shared by the student's exercises)."""
    number = exercise.number
    return grade_tests(exercise, folder, hidden_tests(number, seed), timeout, staged=staged,
                       black_boxes=black_boxes_for(number), sources=sources_for(number))


def grade_folder(folder, seed=STUDENT_SEED, timeout=DEFAULT_TIMEOUT, numbers=None, staged=None):
    """Every exercise (or those numbered in `numbers`) of one student's folder, staged once."""
    exercises = [e for e in load_catalog() if numbers is None or e.number in numbers]
    if staged is not None or len(exercises) < 2:
        return [grade_exercise(e, folder, seed, timeout, staged) for e in exercises]
    with one_student(folder) as staged:
        return [grade_exercise(e, folder, seed, timeout, staged) for e in exercises]
