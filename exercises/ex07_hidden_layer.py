"""Exercise 7: the gradients of the hidden layer.

The chain rule carries dz2 back through W2 and through the hidden sigmoid. Every gradient has
the shape of the quantity it is the gradient of: a quick check for each line you write.
"""


def da1(dz2, W2):
    """dL/da1, the gradient at the hidden activations.

    Slide: da1 = dz2 · W2ᵀ

    dz2: (n, 1), W2: (h, 1). Returns (n, h).
    """
    # TODO: compute and return the result described above.
    raise NotImplementedError("da1 is not written yet")


def dz1(da1, a1):
    """dL/dz1, through the hidden sigmoid.

    Slide: dz1 = da1 ⊙ σ'(z1), and σ'(z1) = a1 · (1 − a1) because a1 = σ(z1)

    da1: (n, h), a1: (n, h) the cached activations. Element-wise product. Returns (n, h).
    """
    # TODO: compute and return the result described above.
    raise NotImplementedError("dz1 is not written yet")


def dw1(X, dz1):
    """dL/dW1.

    Slide: dW1 = Xᵀ · dz1

    X: (n, d), dz1: (n, h). Returns (d, h), the shape of W1.
    """
    # TODO: compute and return the result described above.
    raise NotImplementedError("dw1 is not written yet")


def db1(dz1):
    """dL/db1: sums dz1 over the samples.

    Slide: db1 = Σ_samples dz1

    dz1: (n, h). Returns (1, h), the shape of b1.
    """
    # TODO: compute and return the result described above.
    raise NotImplementedError("db1 is not written yet")
