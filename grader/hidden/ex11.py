"""Hidden tests of exercise 11: numerical_gradient against exact central differences, relative_error."""
import numpy as np

from .. import scalar_functions
from ..mistakes import Mistake
from ..sandbox import FunctionSpec
from .base import inputs_kept_test, value_test


def differences(spec, x, h, kind="central"):
    """Central (or, to model a mistake, forward or /h) differences of the trusted function."""
    f = scalar_functions.build(spec)
    x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        plus = f(x)
        x[i] = old - h
        minus = f(x)
        x[i] = old
        base = f(x)
        grad[i] = {"central": (plus - minus) / (2 * h), "forward": (plus - base) / h,
                   "one_h": (plus - minus) / h}[kind]
    return grad


def _mistakes(h_default):
    def model(kind):
        return lambda f, x, h=h_default: differences(f, x, h, kind)
    return [
        Mistake("a forward difference (f(x + h) − f(x)) / h: the central difference uses x + h and x − h", model("forward")),
        Mistake("divided by h instead of 2h: the two points are 2h apart", model("one_h")),
    ]


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
    exact = lambda s, x, h=1e-5: differences(s, x, h)  # noqa: E731
    a, b = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    rel_cases = [(a, b), (a, a + 1e-9 * rng.normal(size=a.shape)), (np.zeros((2, 2)), np.zeros((2, 2))),
                 (np.array([1.0, 2.0]), np.array([3.0, 2.0]))]
    rel_mistakes = [
        Mistake("a mean where the max belongs: the check must see the worst element",
                lambda a, b: np.mean(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b)))),
        Mistake("the denominator is max(|a|, |b|): the course's formula divides by |a| + |b|",
                lambda a, b: np.max(np.abs(a - b) / np.maximum(1e-8, np.maximum(np.abs(a), np.abs(b))))),
    ]
    return [
        value_test("numerical_gradient matches exact central differences (h = 1e-5)", 2, "numerical_gradient",
                   small, expected=exact, mistakes=_mistakes(1e-5), check_inputs=False),
        value_test("numerical_gradient with a large h is still a central difference", 2, "numerical_gradient",
                   large, expected=exact, mistakes=_mistakes(1e-5), check_inputs=False),
        inputs_kept_test("numerical_gradient leaves x as it was", 1, "numerical_gradient", small[:2]),
        value_test("relative_error is max |a − b| / max(1e-8, |a| + |b|)", 1, "relative_error", rel_cases,
                   mistakes=rel_mistakes),
    ]
