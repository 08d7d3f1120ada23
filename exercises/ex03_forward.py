"""Exercise 3: the forward pass of the 2-2-1 network.

Data flows input -> hidden layer -> output. Each layer is a matrix product, a bias and a sigmoid.
"""
from ex01_activations import sigmoid


def forward(X, params):
    """The network's prediction for every sample, and the intermediate values.

    Slide:
        z1 = x W1 + b1        (n, h)
        a1 = σ(z1)            (n, h)
        z2 = a1 W2 + b2       (n, 1)
        ŷ = σ(z2)             (n, 1)

    In code the slides' x is X, a product such as x W1 is X @ W1, and ŷ is y_hat.

    X: (n, d). params: {"W1": (d, h), "b1": (1, h), "W2": (h, 1), "b2": (1, 1)}.
    Returns (y_hat, cache) where cache = {"z1": z1, "a1": a1, "z2": z2, "y_hat": y_hat}: the
    backward pass reuses these values instead of computing them again.
    """
    # TODO: compute and return the result described above.
    raise NotImplementedError("forward is not written yet")
