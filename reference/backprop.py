"""Backpropagation of the mean BCE loss through the 2-layer network (exercises 6-8).

dz2 carries the 1/n of the mean, so every later formula is exactly the one on the slides.
"""


def dz2(y_hat, y):
    """dL/dz2 = (ŷ − y) / n: sigmoid and BCE together have this simple derivative."""
    return (y_hat - y) / y.shape[0]


def dw2(a1, dz2):
    """dL/dW2 = a1ᵀ dz2: (h, n) @ (n, 1) -> (h, 1)."""
    return a1.T @ dz2


def db2(dz2):
    """dL/db2 = Σ over samples of dz2, kept (1, 1)."""
    return dz2.sum(axis=0, keepdims=True)


def da1(dz2, W2):
    """dL/da1 = dz2 W2ᵀ: (n, 1) @ (1, h) -> (n, h)."""
    return dz2 @ W2.T


def dz1(da1, a1):
    """dL/dz1 = da1 ⊙ σ'(z1), with σ'(z1) = a1 (1 − a1) taken from the cached activation."""
    return da1 * a1 * (1.0 - a1)


def dw1(X, dz1):
    """dL/dW1 = Xᵀ dz1: (d, n) @ (n, h) -> (d, h)."""
    return X.T @ dz1


def db1(dz1):
    """dL/db1 = Σ over samples of dz1, kept (1, h)."""
    return dz1.sum(axis=0, keepdims=True)


def backward(X, y, params, cache):
    """All four gradients of the mean BCE loss, keyed and shaped like params."""
    a1, y_hat = cache["a1"], cache["y_hat"]
    g2 = dz2(y_hat, y)
    g1 = dz1(da1(g2, params["W2"]), a1)
    return {"W1": dw1(X, g1), "b1": db1(g1), "W2": dw2(a1, g2), "b2": db2(g2)}
