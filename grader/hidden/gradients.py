"""Inputs shared by the gradient exercises (6-8): random networks with their reference gradients,
the numeric gradients of the mean BCE loss, and models of the classic backprop mistakes."""

import reference
from .. import numeric as num
from ..mistakes import Mistake
from .inputs import network, shapes


def cases(rng, count=5):
    """Random networks, each with its forward cache and the reference's intermediate gradients."""
    out = []
    for n, d, h in shapes(rng, count):
        X, y, p, c = network(rng, n, d, h)
        g_z2 = reference.dz2(c["y_hat"], y)
        g_a1 = reference.da1(g_z2, p["W2"])
        g_z1 = reference.dz1(g_a1, c["a1"])
        out.append({"X": X, "y": y, "p": p, "c": c, "dz2": g_z2, "da1": g_a1, "dz1": g_z1, "n": n})
    return out


def numeric_gradients(case, names=("z2", "W2", "b2", "a1", "z1", "W1", "b1")):
    """dL/d(each of `names`) by central differences of the mean BCE loss (an exercise asks
    only for the ones it checks: each costs a stack of forward passes in extended precision)."""
    X, y, p, c = case["X"], case["y"], case["p"], case["c"]
    Xl, yl, W1, b1, W2, b2 = num.extended(X, y, p["W1"], p["b1"], p["W2"], p["b2"])
    a1 = num.extended(c["a1"])[0]
    s, bce = num.sigmoid, num.bce
    losses = {   # name: (the loss as a function of that variable alone, its value here)
        "z2": (lambda v: bce(yl, s(v)), c["z2"]),
        "W2": (lambda v: bce(yl, s(a1 @ v + b2)), W2),
        "b2": (lambda v: bce(yl, s(a1 @ W2 + v)), b2),
        "a1": (lambda v: bce(yl, s(v @ W2 + b2)), a1),
        "z1": (lambda v: bce(yl, s(s(v) @ W2 + b2)), c["z1"]),
        "W1": (lambda v: num.network_loss(Xl, yl, v, b1, W2, b2), W1),
        "b1": (lambda v: num.network_loss(Xl, yl, W1, v, W2, b2), b1),
    }
    return {name: num.central_difference(*losses[name]) for name in names}


def variant_backward(X, y, p, c, *, scale=True, prime=None, act_for_w2="a1", swapped=False):
    """backward with one classic mistake switched on."""
    n = y.shape[0] if scale else 1
    a1 = c["a1"]
    g_z2 = (y - c["y_hat"] if swapped else c["y_hat"] - y) / n
    g_a1 = g_z2 @ p["W2"].T
    g_z1 = g_a1 * (prime(a1) if prime else a1 * (1 - a1))
    return {"W1": X.T @ g_z1, "b1": g_z1.sum(axis=0, keepdims=True),
            "W2": c[act_for_w2].T @ g_z2, "b2": g_z2.sum(axis=0, keepdims=True)}


SIGMOID_AGAIN = ("the sigmoid derivative was applied to the activation again: a1 is already σ(z1), "
                 "so σ'(z1) = a1(1 − a1), not σ'(a1)")
DZ1_MISTAKES = [
    Mistake(SIGMOID_AGAIN, lambda da1, a1: da1 * reference.sigmoid_prime(a1)),
    Mistake("the (1 − a1) factor is missing: σ'(z1) = a1(1 − a1)", lambda da1, a1: da1 * a1),
    Mistake("the a1 factor is missing: σ'(z1) = a1(1 − a1)", lambda da1, a1: da1 * (1 - a1)),
    Mistake("the sigmoid's derivative is not applied: dz1 = da1 ⊙ a1(1 − a1)", lambda da1, a1: da1),
]
BACKWARD_MISTAKES = [
    Mistake(SIGMOID_AGAIN, lambda X, y, p, c: variant_backward(X, y, p, c, prime=reference.sigmoid_prime)),
    Mistake("dW2 uses z1 where the activation a1 belongs: dW2 = a1ᵀ dz2",
            lambda X, y, p, c: variant_backward(X, y, p, c, act_for_w2="z1")),
    Mistake("the (1 − a1) factor is missing from dz1", lambda X, y, p, c: variant_backward(X, y, p, c, prime=lambda a: a)),
    Mistake("called dz2 with y and y_hat swapped: dz2(y_hat, y) takes the prediction first (bce and mse take y "
            "first), so every gradient has the wrong sign", lambda X, y, p, c: variant_backward(X, y, p, c, swapped=True)),
]
