"""Exercise 6: the gradients of the output layer.

The loss is the mean BCE over n samples. With a sigmoid output, the derivative of the loss with
respect to z2 is remarkably simple; the 1/n of the mean goes into dz2, and from there on the
formulas are exactly the slides'.
"""


def dz2(y_hat, y):
    """dL/dz2, the gradient at the output neuron's pre-activation.

    Slide (one sample): dL/dz2 = y_hat − y. For the mean over n samples: (y_hat − y) / n.

    y_hat, y: (n, 1). Returns (n, 1).
    """
    n = y.shape[0]
    return (y_hat - y) / n


def dw2(a1, dz2):
    """dL/dW2.

    Slide: dW2 = a1ᵀ · dz2

    a1: (n, h) hidden activations, dz2: (n, 1). Returns (h, 1), the shape of W2.
    """
    return a1.T @ dz2


def db2(dz2):
    """dL/db2: the bias is added to every sample, so its gradient sums dz2 over the samples.

    Slide: db2 = Σ_samples dz2

    dz2: (n, 1). Returns (1, 1), the shape of b2.
    """
    return dz2.sum(axis=0, keepdims=True)
