"""Exercise 2: one neuron, and the parameters of the 2-2-1 network.

A neuron weighs its inputs, adds a bias and applies an activation. Rows are samples: x holds
n samples of d features, so one matrix product handles the whole batch at once.

Notation: the slides' x is the code's X (one sample per row), their W1 and W2 (w₂) are the
code's W1 and W2, and their "·" is either the matrix product, @ in code, or the element-wise
product ⊙, * in code (the slides use "·" for both; each docstring says which one is meant).
"""
import numpy as np

from ex01_activations import sigmoid


def neuron(x, w, b):
    """The output of one sigmoid neuron for every sample.

    Slide: y = f(Σ wᵢxᵢ + b)   (the recap's question 2; here the activation f is σ)

    For one sample, Σ wᵢxᵢ is the weighted sum of its d features. With the n samples in the
    rows of x, the matrix product x w, written x @ w, computes all n weighted sums at once:
    (n, d) @ (d, 1) gives (n, 1). Then add the bias and apply σ. (Writing the product as w · x,
    as some books do, would not even run with these shapes.)

    x: (n, d) inputs, w: (d, 1) weights, b: (1, 1) bias. Returns (n, 1).
    """
    return sigmoid(x @ w + b)


def init_params(n_input, n_hidden, n_output=1, seed=0):
    """Initial parameters of a network with one hidden layer.

    The lecture's shape rule: the weights from M neurons to N neurons are an (M, N) matrix (the
    slide's sentence lost its shape: it is (M, N)), and each neuron has one bias. So W1 connects
    n_input inputs to n_hidden neurons, and W2 connects those to n_output outputs.

    Returns {"W1": (n_input, n_hidden), "b1": (1, n_hidden), "W2": (n_hidden, n_output),
    "b2": (1, n_output)}: small random weights (drawn from a generator made with
    np.random.default_rng(seed), so the same seed gives the same weights) and biases of zeros.
    Why random? If every weight started equal, every hidden neuron would compute the same thing
    and receive the same gradient, and they would never become different.
    """
    rng = np.random.default_rng(seed)
    return {
        "W1": rng.normal(0, 0.5, (n_input, n_hidden)),
        "b1": np.zeros((1, n_hidden)),
        "W2": rng.normal(0, 0.5, (n_hidden, n_output)),
        "b2": np.zeros((1, n_output)),
    }
