"""Hidden tests of exercise 5: mse and bce, including y_hat exactly 0 or 1."""
import numpy as np

import reference
from ..mistakes import Mistake
from .base import judged_test, value_test
from .inputs import labels, shapes
from clean_room.protocol import Call


def _n(y, y_hat):
    return np.shape(y)[0]


def _bce_raw(y, y_hat, log=np.log):
    return -np.mean(y * log(y_hat) + (1 - y) * log(1 - y_hat))


BCE_MISTAKES = [
    Mistake("log base 10: the cross-entropy uses the natural log, np.log", lambda y, p: _bce_raw(y, p, np.log10)),
    Mistake("the (1 − y) · log(1 − y_hat) term is missing: a label 0 must cost something too",
            lambda y, p: -np.mean(y * np.log(p))),
    Mistake("that is the MSE, not the cross-entropy", lambda y, p: np.mean((y - p) ** 2)),
]


def _extremes(rng, wrong):
    """A batch in which some y_hat are exactly 0 or 1: right ones, `wrong` confidently wrong ones,
    and the rest strictly between (their cross-entropy is the batch's loss but for the wrong ones)."""
    n = int(rng.integers(3, 7)) + wrong
    y = labels(rng, n)
    y_hat = reference.sigmoid(rng.normal(scale=2, size=(n, 1)))
    exact = rng.choice(n, size=int(rng.integers(wrong + 1, n)), replace=False)   # one right at least, one between
    y_hat[exact] = y[exact]
    y_hat[exact[:wrong]] = 1 - y[exact[:wrong]]
    return y, y_hat


def tests(rng):
    cases = []
    for n, _, _ in shapes(rng, 5):
        y = labels(rng, n)
        cases.append((y, reference.sigmoid(rng.normal(scale=2, size=(n, 1)))))
    mse_cases = cases + [(rng.normal(size=(3, 2)), rng.normal(size=(3, 2)))]
    lecture = [(np.array([[1.0]]), np.array([[0.95]])), (np.array([[1.0]]), np.array([[0.05]])),
               (np.array([[0.0]]), np.array([[0.95]])), (np.array([[1.0], [1.0], [0.0], [0.0]]),
                                                          np.array([[0.95], [0.05], [0.95], [0.05]]))]
    extreme = [(np.array([[1.0], [0.0]]), np.array([[1.0], [0.0]]))] + [_extremes(rng, wrong) for wrong in (0, 0, 1, 2)]

    return [
        value_test("mse is the mean of the squared errors", 2, "mse", mse_cases, n_of=_n, kind="loss",
                   mistakes=[Mistake("a square root: that is the RMSE", lambda y, p: np.sqrt(np.mean((y - p) ** 2))),
                             Mistake("the errors are not squared", lambda y, p: np.mean(np.abs(y - p))),
                             Mistake("divided by the number of rows only: the mean is over all the elements, so an "
                                     "(n, k) array divides by n · k (np.mean does it)",
                                     lambda y, p: np.sum((y - p) ** 2) / np.shape(y)[0])]),
        # The lecture's table is among drawn cases: alone, its answers could be written into the file.
        value_test("bce is the mean binary cross-entropy, the lecture's table (0.05, 3.0, 3.0) included", 3, "bce",
                   lecture + cases, n_of=_n, kind="loss", mistakes=BCE_MISTAKES),
        judged_test("bce at y_hat exactly 0 or 1: finite, about 0 where right, large where confidently wrong", 1,
                    [Call("bce", a) for a in extreme], "bce_extremes", {"cases": extreme}),
    ]
