"""Hidden tests of exercise 11: numerical_gradient against exact central differences, relative_error."""
import numpy as np

import reference
from clean_room import scalar_functions
from ..mistakes import Mistake
from clean_room.protocol import FunctionSpec
from .base import value_test


def central(spec, x, h=1e-5):
    """Exact central differences of the trusted function: what the student's code must return."""
    return reference.numerical_gradient(scalar_functions.build(spec), np.array(x, dtype=np.float64), h)


def forward_difference(spec, x, h=1e-5):
    """(f(x + h e_i) − f(x)) / h: the classic mistake, modelled to name it."""
    f = scalar_functions.build(spec)
    x = np.array(x, dtype=np.float64)
    base, grad = f(x), np.zeros_like(x)
    for i in np.ndindex(x.shape):
        step = x.copy()
        step[i] += h
        grad[i] = (f(step) - base) / h
    return grad


MISTAKES = [
    Mistake("a forward difference (f(x + h) − f(x)) / h: the central difference uses x + h and x − h",
            forward_difference),
    Mistake("divided by h instead of 2h: the two points are 2h apart", lambda s, x, h=1e-5: 2 * central(s, x, h)),
]


def _unfloored(a, b):
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.max(np.abs(a - b) / (np.abs(a) + np.abs(b)))


NOT_RESTORED = ("x was not put back: numerical_gradient changes x[i] to evaluate f, so it must restore it before "
                "the next element (old = x[i] first, x[i] = old after), as the docstring says")


def tests(rng):
    specs = [
        FunctionSpec("weighted_sin", {"a": rng.normal(size=(3, 2))}),
        FunctionSpec("quadratic", {"A": rng.normal(size=(4, 4))}),
        FunctionSpec("cubic", {"c": rng.normal(size=(2, 3))}),
        FunctionSpec("logistic_loss", {"X": rng.normal(size=(5, 3)), "y": (rng.random((5, 1)) > 0.5).astype(float)}),
    ]
    xs = [rng.normal(size=(3, 2)), rng.normal(size=(2, 2)), rng.normal(size=(2, 3)), rng.normal(size=(3, 1))]
    small = [(s, x) for s, x in zip(specs, xs)]
    large = [(specs[2], xs[2], 0.5), (specs[0], xs[0], 0.3)]
    a = rng.normal(size=(3, 4))
    close_to_a = a * (1 + rng.uniform(0.01, 0.5, size=a.shape))   # same signs: the answer is well below 1
    rel_cases = [(a, close_to_a), (a, a + 1e-9 * rng.normal(size=a.shape)), (np.zeros((2, 2)), np.zeros((2, 2))),
                 (np.array([1.0, 2.0]), np.array([3.0, 2.0])), (np.array([1e-12, 0.5]), np.array([0.0, 0.5]))]
    rel_mistakes = [
        Mistake("a mean where the max belongs: the check must see the worst element",
                lambda a, b: np.mean(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b)))),
        Mistake("the denominator is max(|a|, |b|): the course's formula divides by |a| + |b|",
                lambda a, b: np.max(np.abs(a - b) / np.maximum(1e-8, np.maximum(np.abs(a), np.abs(b))))),
        Mistake("the max(1e-8, ...) floor of the denominator is missing: where a and b are both 0 the error is "
                "0 / 0, which is NaN", _unfloored),
    ]
    return [
        value_test("numerical_gradient matches exact central differences (h = 1e-5)", 2, "numerical_gradient",
                   small, expected=central, mistakes=MISTAKES, check_inputs=False),
        value_test("numerical_gradient with a large h is still a central difference", 3, "numerical_gradient",
                   large, expected=central, mistakes=MISTAKES, changed=NOT_RESTORED),
        value_test("relative_error is max |a − b| / max(1e-8, |a| + |b|)", 1, "relative_error", rel_cases,
                   mistakes=rel_mistakes),
    ]
