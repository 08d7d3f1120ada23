"""Exercise 8: the whole backward pass.

Chain the gradients of exercises 6 and 7, from the loss back to every parameter.

Stuck on a gradient that the grader rejects? Exercise 11 (gradient checking) builds the tool
that settles it: nudge one input a little and watch the loss change. You may do it first.
"""
from ex06_output_layer import db2, dw2, dz2
from ex07_hidden_layer import da1, db1, dw1, dz1


def backward(X, y, params, cache):
    """The gradient of the mean BCE loss with respect to every parameter.

    New today: dz2 = (ŷ − y) / n   (the slide's dz2 = ŷ − y is for one sample; see exercise 6)
    Slide, from there on:
        dW2 = a1ᵀ · dz2          db2 = Σ dz2
        da1 = dz2 · W2ᵀ          dz1 = da1 · a1 (1 − a1)
        dW1 = xᵀ · dz1           db1 = Σ dz1
    (the "·" of dz1 is element-wise, the others are matrix products; x is X)

    X: (n, d), y: (n, 1), params as in init_params, cache as returned by forward.
    Returns {"W1": ..., "b1": ..., "W2": ..., "b2": ...}, each shaped like its parameter.

    Two traps:
    - This file imports the functions dz2, da1 and dz1. Writing dz2 = dz2(y_hat, y) makes dz2
      a local variable of backward, so the call on the right fails with UnboundLocalError.
      Name the results differently, e.g. g_z2, g_a1 and g_z1.
    - dz2(y_hat, y) takes the prediction first, the other way round from bce(y, y_hat).
    """
    a1, y_hat = cache["a1"], cache["y_hat"]
    g_z2 = dz2(y_hat, y)
    g_a1 = da1(g_z2, params["W2"])
    g_z1 = dz1(g_a1, a1)
    return {"W1": dw1(X, g_z1), "b1": db1(g_z1), "W2": dw2(a1, g_z2), "b2": db2(g_z2)}
