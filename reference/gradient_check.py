"""Numeric gradients by central differences, and the relative error to compare them (exercise 11)."""
import numpy as np


def numerical_gradient(f, x, h=1e-5):
    """(f(x + h e_i) − f(x − h e_i)) / 2h for every element i; x is restored exactly afterwards.

    A float64 array is perturbed in place, so f may also read x through a closure (as a model
    reading its own parameters does); anything else is first copied to float64.
    """
    if not (isinstance(x, np.ndarray) and x.dtype == np.float64):
        x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    for ix in np.ndindex(x.shape):
        old = x[ix]
        x[ix] = old + h
        f_plus = f(x)
        x[ix] = old - h
        f_minus = f(x)
        x[ix] = old
        grad[ix] = (f_plus - f_minus) / (2 * h)
    return grad


def relative_error(a, b):
    """max over elements of |a − b| / max(1e-8, |a| + |b|): scale-free, and 0/0 counts as 0."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))
