"""Exercise 5: loss functions.

A loss is one number that says how wrong the predictions are; training makes it small.
Both functions take the true labels y first and the predictions y_hat second.
"""
import numpy as np


def mse(y, y_hat):
    """Mean squared error.

    Slide: L(w, b) = (1/n) Σ (yᵢ − (w xᵢ + b))²

    On the slide the prediction is a straight line, w xᵢ + b; here the predictions come ready
    made as y_hat, so the loss is the mean of (y − y_hat)². "Mean" means over all elements: for
    (n, 1) arrays that divides the sum by n, for (n, k) arrays by n · k.

    y, y_hat: arrays of the same shape, e.g. (n, 1). Returns a float.
    """
    return float(np.mean((y - y_hat) ** 2))


def bce(y, y_hat):
    """Binary cross-entropy, averaged over the samples.

    Slide: L = −(1/n) Σ [y log(ŷ) + (1 − y) log(1 − ŷ)]

    ŷ is y_hat; log is the natural logarithm.
    y: (n, 1) of 0/1 labels, y_hat: (n, 1) of probabilities. Returns a float.
    Lecture check, the slide's table: (y=1, ŷ=0.95) ≈ 0.05, (1, 0.05) ≈ 3, (0, 0.95) ≈ 3. The
    table rounds: −log(0.95) ≈ 0.0513.
    It must be finite even where y_hat is exactly 0 or 1 (log(0) is -inf): keep y_hat a tiny
    distance away from 0 and 1 first.
    """
    eps = 1e-12
    y_hat = np.clip(y_hat, eps, 1 - eps)
    return float(-np.mean(y * np.log(y_hat) + (1 - y) * np.log(1 - y_hat)))
