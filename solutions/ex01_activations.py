"""Exercise 1: activation functions.

An activation function bends the weighted sum x w + b, so that stacked layers can learn more
than one straight line could. Every function here works element-wise: it takes a number or a
NumPy array and returns the same shape.

Labels in these docstrings: "Slide:" quotes today's slides, "Recall:" an earlier day's, and
"New today:" marks what the slides do not show but these exercises need.
"""
import numpy as np


def sigmoid(z):
    """The logistic sigmoid, squashing any real number into (0, 1).

    Recall: σ(z) = 1 / (1 + e^(−z))

    z: a float or an array of any shape. Returns the same shape.
    It must stay finite and quiet for huge inputs: sigmoid(-1000) is 0.0 and sigmoid(1000) is
    1.0, with no overflow warning. (e^1000 overflows a float64: can you avoid ever computing it?)
    """
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def sigmoid_prime(z):
    """The derivative of the sigmoid at z.

    Slide: σ'(z1) = σ(z1)(1 − σ(z1)) = a1(1 − a1)
    The slide writes it for the hidden layer's z1; it holds for any z: σ'(z) = σ(z)(1 − σ(z)).

    z: the pre-activation (not σ(z)). Returns the same shape. Its largest value is 0.25, at z = 0.
    """
    s = sigmoid(z)
    return s * (1 - s)


def relu(z):
    """The rectified linear unit: 0 for negative inputs, z itself for positive ones.

    Recall: ReLU(z) = max(0, z)

    z: a float or an array. Returns the same shape.
    """
    return np.maximum(0.0, z)


def relu_prime(z):
    """The derivative of ReLU: 1 where z > 0, 0 where z < 0, and 0 at z = 0 by convention.

    z: a float or an array. Returns the same shape, as floats (1.0 and 0.0).
    """
    return np.where(np.asarray(z) > 0, 1.0, 0.0)
