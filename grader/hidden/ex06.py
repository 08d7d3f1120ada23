"""Hidden tests of exercise 6: dz2, dW2, db2, against the reference and against numeric gradients."""
import numpy as np

from ..mistakes import Mistake
from .base import gradient_test, value_test
from .gradients import cases, numeric_gradients

DZ2_MISTAKES = [
    Mistake("multiplied by the sigmoid's derivative: with BCE, σ'(z2) cancels and dz2 = (y_hat − y) / n "
            "(ŷ(1 − ŷ) belongs to the MSE gradient)", lambda p, y: (p - y) * p * (1 - p) / y.shape[0]),
    Mistake("averaged into one number: dz2 keeps one value per sample", lambda p, y: np.mean(p - y)),
]
DB2_MISTAKES = [Mistake("returned dz2 itself: the bias gradient sums dz2 over the samples", lambda g: g)]


def tests(rng):
    """dz2 is asked of some networks, dW2 and db2 of others: their input dz2 is the answer to a
    call that is never made, so no call's expected answer is another's input."""
    outer, inner = cases(rng), cases(rng)
    dz2_nums = [numeric_gradients(c, ("z2",)) for c in outer]
    nums = [numeric_gradients(c, ("W2", "b2")) for c in inner]
    n_first = lambda a, *rest: np.shape(a)[0]  # noqa: E731
    dz2_args = [(c["c"]["y_hat"], c["y"]) for c in outer]
    edge = [(np.array([[1.0], [0.0], [0.25]]), np.array([[1.0], [0.0], [1.0]])),
            (np.array([[0.0], [1.0]]), np.array([[1.0], [0.0]]))]
    dw2_args = [(c["c"]["a1"], c["dz2"]) for c in inner]
    db2_args = [(c["dz2"],) for c in inner]
    return [
        gradient_test("dz2 matches the numeric gradient", 1, "dz2", dz2_args, [g["z2"] for g in dz2_nums],
                      mistakes=DZ2_MISTAKES, n_of=n_first),
        value_test("dz2 matches the reference, also where y_hat is exactly 0 or 1", 1, "dz2", dz2_args + edge,
                   mistakes=DZ2_MISTAKES, n_of=n_first),
        gradient_test("dW2 matches the numeric gradient", 1, "dw2", dw2_args, [g["W2"] for g in nums], n_of=n_first),
        value_test("dW2 = a1ᵀ dz2 has W2's shape", 1, "dw2", dw2_args, n_of=n_first),
        gradient_test("db2 matches the numeric gradient", 1, "db2", db2_args, [g["b2"] for g in nums],
                      mistakes=DB2_MISTAKES, n_of=n_first),
        value_test("db2 sums dz2 over the samples into shape (1, 1)", 1, "db2",
                   db2_args + [(np.zeros((3, 1)),), (np.array([[0.5], [-0.25]]),)], mistakes=DB2_MISTAKES, n_of=n_first),
    ]
