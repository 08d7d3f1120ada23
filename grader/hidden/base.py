"""The building blocks of hidden tests: a test is a list of calls plus a judge given as data.

This side generates: it draws inputs, asks the reference for the expected answers and each named
mistake's answer, and hands them to a `Judge` (grader/judge/), which is reference-free. The calls
go to the student's code in a child process; the judge runs in the grader's process on the
plain-data answers that came back. The student kit stores what is generated here at seed 1 and
judges it with the same code (grader/public.py).
"""
import inspect
from dataclasses import dataclass, field
from typing import Callable

import reference
from clean_room.protocol import Call
from ..judge import Judge, Verdict, first_failure, params_problem  # noqa: F401  (the exercises' modules use them)
from ..mistakes import MistakeAnswers


@dataclass
class HiddenTest:
    name: str
    points: float
    calls: list
    judge: Callable   # a Judge: (list of CallResult, one per call) -> Verdict
    mistakes: tuple = field(default=())    # the named mistakes its feedback can recognize


def arg_names(function):
    return list(inspect.signature(getattr(reference, function)).parameters)


def names_of(functions):
    """{function: its parameter names}: what the judge needs to write 'dz2(y_hat (3, 1), y (3, 1))'."""
    return {f: arg_names(f) for f in sorted(set(functions))}


def mistake_answers(mistakes, args):
    """[(label, what a student making that mistake returns for args)], computed when a judge
    first reads them (a wrong answer), leaving out the mistakes whose model does not apply to
    these inputs (it raises)."""
    return MistakeAnswers(mistakes, args)


def judged_test(name, points, calls, kind, data, mistakes=()):
    """A HiddenTest whose judge is `kind` (grader/judge/kinds.py) reading `data` (plain data).

    mistakes: the Mistake models behind the data, kept for the project's own tests."""
    data = dict(data, names=names_of(c.function for c in calls))
    return HiddenTest(name, points, calls, Judge(kind, data), tuple(mistakes))


KEEPS_INPUTS = ", leaving its inputs unchanged"   # the name of a test that also judges the arguments


def value_test(name, points, function, cases, *, expected=None, mistakes=(), n_of=None, kind="gradient",
               what="cases", check_inputs=True, float_errors=False, changed=None):
    """A test that calls `function` on every case and wants the reference's answer for each.

    A test judges what its name says and nothing else: with check_inputs its name says so
    (KEEPS_INPUTS is added), and one test per function checks the inputs, so changing them in
    place costs one test.

    cases: argument tuples; expected: (*args) -> the right answer (the reference's by default),
    or a list with the right answer of each case; n_of: (*args) -> the number of samples, for
    'n times too large' diagnoses; check_inputs: also fail when an argument was changed in place;
    float_errors: numpy's overflow, divide and invalid warnings raise in the student's code;
    changed: the diagnosis when an argument changed (not by round-off), for a function whose
    docstring says how to put it back; the generic one otherwise.
    """
    expected = expected or getattr(reference, function)
    cases = [tuple(args) for args in cases]
    answers = expected if isinstance(expected, list) else [expected(*args) for args in cases]
    calls = [Call(function, args, return_args=check_inputs, float_errors=float_errors) for args in cases]
    data = dict(function=function, cases=cases, expected=answers, mistakes=[mistake_answers(mistakes, a) for a in cases],
                n=[n_of(*args) if n_of else None for args in cases], kind=kind, what=what)
    if changed:
        data["changed"] = changed
    return judged_test(name + (KEEPS_INPUTS if check_inputs else ""), points, calls, "values", data, mistakes)


def gradient_test(name, points, function, cases, numeric, *, mistakes=(), n_of=None, check_inputs=False):
    """value_test against numeric gradients of the mean BCE loss, reporting the relative error.

    numeric: the numeric gradient for each case, computed by grader.numeric in extended precision.
    """
    inner = value_test(name, points, function, cases, expected=numeric, mistakes=mistakes, n_of=n_of,
                       check_inputs=check_inputs)
    return HiddenTest(name, points, inner.calls, Judge("gradient", inner.judge.data), inner.mistakes)
