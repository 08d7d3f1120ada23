"""Exercise 7: the gradients of the hidden layer.

The chain rule carries dz2 back through W2 and through the hidden sigmoid. Every gradient has
the shape of the quantity it is the gradient of: a quick check for each line you write.

Stuck on a gradient that the grader rejects? Exercise 11 (gradient checking) builds the tool
that settles it: nudge one input a little and watch the loss change. You may do it first.
"""


def da1(dz2, W2):
    """dL/da1, the gradient at the hidden activations.

    Slide: da1 = dz2 · W2ᵀ

    Here "·" is the matrix product. The local derivative is ∂z2/∂a1 = W2, because
    z2 = a1 W2 + b2 (the slide of this step repeats ∂z2/∂W2 = a1 by mistake).
    dz2: (n, 1), W2: (h, 1). Returns (n, h).
    """
    # TODO: compute and return the result described above.
    raise NotImplementedError("da1 is not written yet")


def dz1(da1, a1):
    """dL/dz1, through the hidden sigmoid.

    Slide: dz1 = da1 · a1 (1 − a1)
    Slide: σ'(z1) = σ(z1)(1 − σ(z1)) = a1(1 − a1)

    Here the slide's "·" is the element-wise product ⊙ (* in NumPy), not the matrix product:
    dz1 = da1 ⊙ σ'(z1), each sample and hidden unit on its own.
    da1: (n, h), a1: (n, h) the cached activations. Returns (n, h).
    """
    # TODO: compute and return the result described above.
    raise NotImplementedError("dz1 is not written yet")


def dw1(X, dz1):
    """dL/dW1.

    Slide: dW1 = xᵀ · dz1

    Here "·" is the matrix product, and the slide's x is X.
    X: (n, d), dz1: (n, h). Returns (d, h), the shape of W1.
    """
    # TODO: compute and return the result described above.
    raise NotImplementedError("dw1 is not written yet")


def db1(dz1):
    """dL/db1: bias gradients are summed across the batch.

    Slide: db1 = Σ dz1   (over the samples)

    dz1: (n, h). Returns (1, h), the shape of b1.
    """
    # TODO: compute and return the result described above.
    raise NotImplementedError("db1 is not written yet")
