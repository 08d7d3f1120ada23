"""Numeric gradients of the mean BCE loss, independent of the reference and of student code.

The grader checks the gradient exercises against these, and the project's tests check the
reference's gradients against them. The analytic gradients are float64; plain central
differences in float64 run into round-off: an element of size 1e-7 (a hidden unit with a tiny
outgoing weight) gets a relative error near 1e-5 whatever h is. In np.longdouble (80-bit on
x86-64, eps 1e-19) with h = 1e-6 the numeric side is accurate to well below 1e-7 relative;
where longdouble is only float64 (macOS arm64, Windows), a fourth-order difference stands in.
"""
import numpy as np

from .judge.calls import relative_error  # noqa: F401  (the course's measure; the judges report it)

LD = np.longdouble
EXTENDED = np.finfo(LD).eps < 1e-17
H = LD(1e-6)


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def bce(y, y_hat):
    """Mean BCE over the last two axes (samples, 1): a stack of predictions gives a stack of losses."""
    return -np.mean(y * np.log(y_hat) + (1 - y) * np.log(1 - y_hat), axis=(-2, -1))


def network_loss(X, y, W1, b1, W2, b2):
    """The mean BCE of the 2-layer network; any one argument may be a stack of k values."""
    a1 = sigmoid(X @ W1 + b1)
    return bce(y, sigmoid(a1 @ W2 + b2))


def central_difference(f, x):
    """(f(x + h e_i) − f(x − h e_i)) / 2h for every element i, as float64.

    f takes a stack of points shaped (k, *x.shape) and returns their k values, so all the
    evaluations are a few vectorized calls instead of a Python loop. In extended precision
    (h = 1e-6) where the platform has it; elsewhere the fourth-order central difference in
    float64, whose error (h⁴ truncation, eps/h round-off with h = 1e-3) is as small.
    """
    if not EXTENDED:
        return five_point(f, x)
    x = np.asarray(x, dtype=LD)
    steps = (np.eye(x.size, dtype=LD) * H).reshape((x.size,) + x.shape)
    grad = (f(x + steps) - f(x - steps)) / (2 * H)
    return np.asarray(grad, dtype=np.float64).reshape(x.shape)


def five_point(f, x, h=1e-3):
    """The fourth-order central difference (−f(x+2h) + 8f(x+h) − 8f(x−h) + f(x−2h)) / 12h, in float64."""
    x = np.asarray(x, dtype=np.float64)
    steps = (np.eye(x.size) * h).reshape((x.size,) + x.shape)
    grad = (-f(x + 2 * steps) + 8 * f(x + steps) - 8 * f(x - steps) + f(x - 2 * steps)) / (12 * h)
    return np.asarray(grad, dtype=np.float64).reshape(x.shape)


def extended(*arrays):
    return [np.asarray(a, dtype=LD) for a in arrays]
