"""Exercise 2: one neuron, and the parameters of the 2-2-1 network.

A neuron weighs its inputs, adds a bias and applies an activation. Rows are samples: x holds
n samples of d features, so one matrix product handles the whole batch at once.
"""
import numpy as np

from ex01_activations import sigmoid


def neuron(x, w, b):
    """The output of one sigmoid neuron for every sample.

    Slide: output = σ(w · x + b)

    x: (n, d) inputs, w: (d, 1) weights, b: (1, 1) bias. Returns (n, 1).
    """
    # TODO: compute and return the result described above.
    raise NotImplementedError("neuron is not written yet")


def init_params(n_input, n_hidden, n_output=1, seed=0):
    """Initial parameters of a network with one hidden layer.

    Returns {"W1": (n_input, n_hidden), "b1": (1, n_hidden), "W2": (n_hidden, n_output),
    "b2": (1, n_output)}: small random weights (drawn from a generator made with
    np.random.default_rng(seed), so the same seed gives the same weights) and biases of zeros.
    Why random? If every weight started equal, every hidden neuron would compute the same thing
    and receive the same gradient, and they would never become different.
    """
    # TODO: compute and return the result described above.
    raise NotImplementedError("init_params is not written yet")
