"""Hidden tests of exercise 3: the forward pass and its cache."""
import reference
from ..compare import ANY
from ..mistakes import Mistake
from .base import value_test
from .inputs import network, shapes


def _without(*biases):
    return lambda X, p: reference.forward(X, dict(p, **{b: 0 * p[b] for b in biases}))


def _relu_hidden(X, p):
    z1 = X @ p["W1"] + p["b1"]
    a1 = reference.relu(z1)
    z2 = a1 @ p["W2"] + p["b2"]
    return reference.sigmoid(z2), {"z1": z1, "a1": a1, "z2": z2, "y_hat": reference.sigmoid(z2)}


def _z_in_cache(X, p):
    y_hat, c = reference.forward(X, p)
    return y_hat, dict(c, a1=c["z1"])


def _linear_output(X, p):
    y_hat, c = reference.forward(X, p)
    return c["z2"], dict(c, y_hat=c["z2"])


def tests(rng):
    cases = [network(rng, n, d, h)[::2] for n, d, h in shapes(rng, 6)]   # (X, params)
    mistakes = [
        Mistake("the biases are not added: z1 = X @ W1 + b1 and z2 = a1 @ W2 + b2", _without("b1", "b2")),
        Mistake("b1 is not added: z1 = X @ W1 + b1", _without("b1")),
        Mistake("b2 is not added: z2 = a1 @ W2 + b2", _without("b2")),
        Mistake("the hidden layer uses ReLU; the lecture's network uses the sigmoid in both layers", _relu_hidden),
        Mistake("the cache's a1 holds z1: the sigmoid's output belongs there", _z_in_cache),
        Mistake("the output sigmoid is missing: y_hat = σ(z2)", _linear_output),
    ]
    only_y_hat = lambda X, p: reference.forward(X, p)[0]  # noqa: E731
    return [
        value_test("forward returns y_hat = σ(σ(X W1 + b1) W2 + b2)", 2, "forward", cases,
                   mistakes=[m for m in mistakes if "cache" not in m.label],
                   expected=lambda X, p: (only_y_hat(X, p), ANY)),
        value_test("forward's cache holds z1, a1, z2 and y_hat", 2, "forward", cases, mistakes=mistakes,
                   expected=lambda X, p: (ANY, reference.forward(X, p)[1]), check_inputs=False),
    ]
