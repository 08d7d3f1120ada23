"""Random inputs for hidden tests, drawn from the grader's seeded generator.

Shapes vary on purpose: n = 1 catches code that only works for a batch, hidden sizes 1 to 8
catch code that only works for the lecture's 2 hidden units.
"""
import numpy as np

import reference


def shapes(rng, count=6):
    """(n, d, h) triples: the first has n = 1, the second h = 1, the rest random up to 8."""
    out = [(1, int(rng.integers(1, 4)), int(rng.integers(2, 9))), (int(rng.integers(2, 9)), 2, 1)]
    while len(out) < count:
        out.append(tuple(int(v) for v in rng.integers(1, 9, size=3)))
        if out[-1][0] == 1:
            out[-1] = (2,) + out[-1][1:]
    return out


def labels(rng, n):
    """n labels of 0/1 with both classes present when n >= 2."""
    y = rng.integers(0, 2, size=(n, 1)).astype(float)
    if n >= 2:
        y[0, 0], y[1, 0] = 1.0, 0.0
        rng.shuffle(y)
    return y


def network(rng, n, d, h):
    """X, y, params (random biases too) and the forward cache for one random network."""
    X = rng.normal(size=(n, d))
    y = labels(rng, n)
    params = {
        "W1": rng.normal(0, 0.8, size=(d, h)), "b1": rng.normal(0, 0.5, size=(1, h)),
        "W2": rng.normal(0, 0.8, size=(h, 1)), "b2": rng.normal(0, 0.5, size=(1, 1)),
    }
    _, cache = reference.forward(X, params)
    return X, y, params, cache


def people(rng, n):
    """A hidden class of n people: weight (lb) and height (in) from two overlapping groups, F = 1."""
    y = labels(rng, n)
    female = y[:, 0] == 1
    height = np.where(female, rng.normal(64.5, 2.5, n), rng.normal(70, 2.8, n))
    weight = np.where(female, rng.normal(135, 15, n), rng.normal(172, 20, n)) + 2.0 * (height - 67)
    return np.column_stack([weight, height]).round(1), y
