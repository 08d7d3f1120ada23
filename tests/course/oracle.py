"""An independent, extended-precision version of the mean BCE loss and central differences.

The reference's gradients are float64. Checking them against central differences taken in
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
