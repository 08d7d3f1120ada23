"""Recognizes classic mistakes in a wrong answer, so feedback can name them.

Two kinds: generic ones read from the answer alone (transposed, keepdims lost, sign flipped,
off by the factor n), and specific ones that an exercise lists as a `Mistake`: a label and
the function computing what that mistake returns for the same inputs.
"""
import copy
import warnings
from dataclasses import dataclass
from typing import Callable

import numpy as np

from .compare import close, compare, shape_text


@dataclass(frozen=True)
class Mistake:
    label: str
    wrong: Callable   # (*args) -> what a student making this mistake returns


class MistakeAnswers:
    """What each named mistake returns for one case's arguments, as [(label, answer)], computed
    the first time they are read: only a wrong answer is compared with them, so grading a right
    one never computes them (about a fifth of building a student's tests). The mistakes whose
    model does not apply to these arguments (it raises) are left out."""
    __slots__ = ("_mistakes", "_args", "_pairs")

    def __init__(self, mistakes, args):
        self._mistakes, self._args, self._pairs = tuple(mistakes), args, None

    def __iter__(self):
        if self._pairs is None:
            self._pairs = []
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                for mistake in self._mistakes:
                    try:   # a copy: a model that changes its arguments must not change the case's
                        self._pairs.append((mistake.label, mistake.wrong(*copy.deepcopy(self._args))))
                    except Exception:  # a mistake model that does not apply to these inputs
                        continue
        return iter(self._pairs)

    def __repr__(self):
        return f"MistakeAnswers({[m.label for m in self._mistakes]!r})"


def recognize(answer, expected, mismatch, args=(), mistakes=(), n=None, kind="gradient"):
    """The label of the mistake the wrong answer matches, or ''.

    answer, expected: the student's and the reference's whole answers; mismatch: where they
    differ (compare.Mismatch). Each mistake's whole answer is computed once and matched whole
    (a tuple or dict equal in every part) or at the place of the mismatch; then the generic
    checks, the comparison's own (NaN, a bare number, a list) first: a named mistake is more
    certain than a generic guess, so it is never shadowed by one. n: the number of samples, when a factor n is meaningful; kind: 'gradient' or 'loss'.
    """
    models = []
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        for mistake in mistakes:
            try:
                models.append((mistake.label, mistake.wrong(*args)))
            except Exception:  # a mistake model that does not apply to these inputs
                continue
    for label, wrong in models:   # first a whole answer equal in every part: the most certain match
        if compare(answer, wrong) is None and compare(expected, wrong) is not None:
            return label
    got = mismatch.got_array
    if got is None:
        return mismatch.diagnosis
    for label, wrong in models:   # then the part where the answer went wrong
        try:
            for step in mismatch.path:
                wrong = wrong[step]
            wrong = np.asarray(wrong, dtype=np.float64)
        except (LookupError, TypeError, ValueError):
            continue
        if wrong.shape == got.shape and close(got, wrong) and not _same(wrong, mismatch.expected):
            return label
    return mismatch.diagnosis or _generic(got, np.asarray(mismatch.expected, dtype=np.float64), n, kind)


def _same(a, b):
    b = np.asarray(b, dtype=np.float64)
    return a.shape == b.shape and close(a, b)


def _generic(got, exp, n, kind):
    if got.shape != exp.shape:
        if exp.ndim == 2 and got.shape == exp.T.shape and close(got, exp.T):
            return (f"the result is transposed: {shape_text(got.shape)} instead of {shape_text(exp.shape)}; "
                    "check the order of the matrix product and where the .T goes")
        if got.size == exp.size and close(got.reshape(exp.shape), exp):
            if got.ndim < exp.ndim and exp.shape[0] == 1:   # one row: a sum over the samples
                return (f"keepdims was lost: {shape_text(exp.shape)} became {shape_text(got.shape)}; "
                        "sum with axis=0, keepdims=True")
            if got.ndim < exp.ndim:
                return (f"a dimension was lost: {shape_text(exp.shape)} became {shape_text(got.shape)}; "
                        "keep the array 2-D (no .ravel(), .flatten() or [:, 0])")
            return f"the right numbers in the wrong shape {shape_text(got.shape)}"
        if exp.ndim == 2 and exp.shape[0] == 1 and got.ndim == 2 and got.shape[1] == 1 and got.shape[0] != 1:
            return "summed over the wrong axis: axis=0 sums over the samples (rows)"
        return ""
    if np.any(np.abs(exp) > 1e-12) and close(got, -exp):
        return "the sign is flipped: check y_hat − y against y − y_hat, or a minus that became a plus"
    if n and n > 1 and np.any(np.abs(exp) > 1e-12):
        if close(got, exp * n):
            if kind == "loss":
                return f"a sum where a mean belongs: the result is n = {n} times too large"
            if kind == "gradient":
                return f"the gradient is n = {n} times too large: the 1/n of the mean loss is missing"
            return f"the result is n = {n} times too large: a sum over the samples where none belongs?"
        if close(got, exp / n):
            if kind == "loss":
                return f"divided by n = {n} twice: the result is n times too small"
            if kind == "gradient":
                return (f"the gradient is n = {n} times too small: a mean where a sum belongs, "
                        "or the 1/n applied twice (it is already inside dz2)")
            return f"the result is n = {n} times too small: a mean over the samples where none belongs?"
    return ""
