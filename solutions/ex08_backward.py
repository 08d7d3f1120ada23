"""Exercise 8: the whole backward pass.

Chain the gradients of exercises 6 and 7, from the loss back to every parameter.
"""
from ex06_output_layer import db2, dw2, dz2
from ex07_hidden_layer import da1, db1, dw1, dz1


def backward(X, y, params, cache):
    """The gradient of the mean BCE loss with respect to every parameter.

    Slide, from the output back:
        dz2 = (y_hat − y) / n    dW2 = a1ᵀ dz2    db2 = Σ dz2
        da1 = dz2 W2ᵀ            dz1 = da1 ⊙ a1(1 − a1)
        dW1 = Xᵀ dz1             db1 = Σ dz1

    X: (n, d), y: (n, 1), params as in init_params, cache as returned by forward.
    Returns {"W1": ..., "b1": ..., "W2": ..., "b2": ...}, each shaped like its parameter.
    """
    a1, y_hat = cache["a1"], cache["y_hat"]
    g_z2 = dz2(y_hat, y)
    g_a1 = da1(g_z2, params["W2"])
    g_z1 = dz1(g_a1, a1)
    return {"W1": dw1(X, g_z1), "b1": db1(g_z1), "W2": dw2(a1, g_z2), "b2": db2(g_z2)}
