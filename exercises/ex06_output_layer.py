"""Exercise 6: the gradients of the output layer.

The loss is the mean BCE over n samples. With a sigmoid output, the derivative of the loss with
respect to z2 is remarkably simple; the 1/n of the mean goes into dz2, and from there on the
formulas are exactly the slides'.

Stuck on a gradient that the grader rejects? Exercise 11 (gradient checking) builds the tool
that settles it: nudge one input a little and watch the loss change. You may do it first.
"""


def dz2(y_hat, y):
    """dL/dz2, the gradient at the output neuron's pre-activation.

    Slide: dz2 = ŷ − y   (for one sample)
    New today: dz2 = (ŷ − y) / n   (for the mean loss over n samples)

    The slide gets there by the chain rule, ∂L/∂z2 = ∂L/∂ŷ · ∂ŷ/∂z2, where ∂L/∂ŷ is the
    derivative of the loss with respect to the prediction ŷ (the slide says "wrt y"; it means ŷ).

    y_hat, y: (n, 1). Returns (n, 1).
    Argument order: the prediction y_hat first, then the labels y; bce(y, y_hat) and
    mse(y, y_hat) take them the other way round.
    """
    # TODO: compute and return the result described above.
    raise NotImplementedError("dz2 is not written yet")


def dw2(a1, dz2):
    """dL/dW2.

    Slide: dW2 = a1ᵀ · dz2   (since ∂z2/∂W2 = a1)

    Here "·" is the matrix product.
    a1: (n, h) hidden activations, dz2: (n, 1). Returns (h, 1), the shape of W2.
    """
    # TODO: compute and return the result described above.
    raise NotImplementedError("dw2 is not written yet")


def db2(dz2):
    """dL/db2: the bias is added to every sample, so its gradient sums dz2 over the samples.

    Slide: db2 = Σ dz2   (over the samples)

    dz2: (n, 1). Returns (1, 1), the shape of b2.
    """
    # TODO: compute and return the result described above.
    raise NotImplementedError("db2 is not written yet")
