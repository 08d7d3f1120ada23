"""Exercise 11: checking gradients numerically.

A backward pass is easy to get subtly wrong. The derivative's definition gives an independent
check: nudge one input a little each way and watch the output change. It helps most while you
write exercises 6 to 8: you may do this one before them.
"""
import numpy as np


def numerical_gradient(f, x, h=1e-5):
    """The gradient of the scalar function f at the array x, by central differences.

    New today: df/dx_i ≈ ( f(x + h·e_i) − f(x − h·e_i) ) / (2h)   for every element i of x

    e_i is the array of x's shape with 1 at index i and 0 elsewhere.
    f: a function of an array returning a float. x: a float array of any shape. h: the step.
    Returns an array shaped like x. x must be left exactly as it was when you return (if you
    change an element to evaluate f, put the old value back).
    """
    grad = np.zeros_like(x, dtype=float)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        f_plus = f(x)
        x[i] = old - h
        f_minus = f(x)
        x[i] = old
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad


def relative_error(a, b):
    """How far apart two gradients are, relative to their size.

    New today: max over elements of |a − b| / max(1e-8, |a| + |b|)

    a, b: arrays of the same shape. Returns a float; below 1e-7 means the gradients agree.
    """
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))
