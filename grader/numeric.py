"""Numeric gradients of the mean BCE loss, independent of the reference and of student code.

The grader checks the gradient exercises against these, and the project's tests check the
reference's gradients against them. The analytic gradients are float64. Checking them against central differences taken in
float64 runs into round-off: an element of size 1e-7 (a hidden unit with a tiny outgoing
weight) gets a relative error near 1e-5 whatever h is. In np.longdouble (80-bit on x86-64,
eps 1e-19) with h = 1e-6, the numeric side is accurate to well below 1e-7 relative.
"""
import numpy as np

LD = np.longdouble
EXTENDED = np.finfo(LD).eps < 1e-17
H = LD(1e-6)


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def bce(y, y_hat):
    return -np.mean(y * np.log(y_hat) + (1 - y) * np.log(1 - y_hat))


def network_loss(X, y, W1, b1, W2, b2):
    a1 = sigmoid(X @ W1 + b1)
    return bce(y, sigmoid(a1 @ W2 + b2))


def central_difference(f, x, h=H):
    """(f(x + h e_i) − f(x − h e_i)) / 2h for each element, in extended precision."""
    x = np.array(x, dtype=LD)
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        f_plus = f(x)
        x[i] = old - h
        f_minus = f(x)
        x[i] = old
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad.astype(np.float64)


def extended(*arrays):
    return [np.asarray(a, dtype=LD) for a in arrays]


def relative_error(a, b):
    """max over elements of |a − b| / max(1e-8, |a| + |b|), the course's measure."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        return float("inf")
    with np.errstate(invalid="ignore"):
        err = np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))
    return float(np.nanmax(np.where(np.isnan(err), np.inf, err))) if err.size else 0.0


def gradient_of(loss, x):
    """The numeric gradient of loss(v) at x in extended precision, as float64.

    loss is written with plain NumPy operators, so it runs in whatever precision v has.
    """
    return central_difference(loss, np.asarray(x, dtype=LD))
