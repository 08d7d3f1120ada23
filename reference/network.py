"""The forward direction of the 2-layer network: one neuron, parameters, the forward pass (exercises 2-3)."""
import numpy as np

from .activations import sigmoid


def neuron(x, w, b):
    """One sigmoid neuron over n samples: σ(x @ w + b), x (n, d), w (d, 1), b (1, 1) -> (n, 1)."""
    return sigmoid(x @ w + b)


def init_params(n_input, n_hidden, n_output=1, seed=0):
    """Small random weights (normal, std 0.5) and zero biases; the same seed gives the same weights.

    Random weights break the symmetry between hidden units; zeros would keep them identical forever.
    """
    rng = np.random.default_rng(seed)
    return {
        "W1": rng.normal(0.0, 0.5, size=(n_input, n_hidden)),
        "b1": np.zeros((1, n_hidden)),
        "W2": rng.normal(0.0, 0.5, size=(n_hidden, n_output)),
        "b2": np.zeros((1, n_output)),
    }


def forward(X, params):
    """z1 = X W1 + b1, a1 = σ(z1), z2 = a1 W2 + b2, y_hat = σ(z2); returns (y_hat, cache).

    The cache keeps every intermediate the backward pass needs, so nothing is computed twice.
    """
    z1 = X @ params["W1"] + params["b1"]
    a1 = sigmoid(z1)
    z2 = a1 @ params["W2"] + params["b2"]
    y_hat = sigmoid(z2)
    return y_hat, {"z1": z1, "a1": a1, "z2": z2, "y_hat": y_hat}
