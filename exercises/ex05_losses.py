"""Exercise 5: loss functions.

A loss is one number that says how wrong the predictions are; training makes it small.
"""
import numpy as np


def mse(y, y_hat):
    """Mean squared error.

    Slide: MSE = (1/n) Σ (y − y_hat)²

    y, y_hat: arrays of the same shape, e.g. (n, 1). Returns a float: the mean over all elements.
    """
    # TODO: compute and return the result described above.
    raise NotImplementedError("mse is not written yet")


def bce(y, y_hat):
    """Binary cross-entropy, averaged over the samples.

    Slide: L = −(1/n) Σ [ y · log(y_hat) + (1 − y) · log(1 − y_hat) ]

    y: (n, 1) of 0/1 labels, y_hat: (n, 1) of probabilities. Returns a float.
    Lecture check: bce of (y=1, y_hat=0.95) ≈ 0.05, (1, 0.05) ≈ 3.0, (0, 0.95) ≈ 3.0.
    It must be finite even where y_hat is exactly 0 or 1 (log(0) is -inf): keep y_hat a tiny
    distance away from 0 and 1 first.
    """
    # TODO: compute and return the result described above.
    raise NotImplementedError("bce is not written yet")
