"""Hidden tests of exercise 9: one gradient-descent step, returned as a new dict."""
import reference
from ..mistakes import Mistake
from .base import value_test
from .inputs import network, shapes

MISTAKES = [
    Mistake("a plus where the minus belongs: stepping along the gradient climbs the loss (gradient ascent)",
            lambda p, g, lr: {k: p[k] + lr * g[k] for k in p}),
    Mistake("the learning rate is not used: W − lr · dW", lambda p, g, lr: {k: p[k] - g[k] for k in p}),
    Mistake("the learning rate divides instead of multiplying: W − lr · dW", lambda p, g, lr: {k: p[k] - g[k] / lr for k in p}),
]


def tests(rng):
    args = []
    for n, d, h in shapes(rng, 5):
        X, y, p, c = network(rng, n, d, h)
        args.append((p, reference.backward(X, y, p, c), round(float(rng.uniform(0.01, 2.0)), 3)))
    p, g, _ = args[0]
    edges = [(p, g, 0.0), (p, g, 1.0), (p, g, round(float(rng.uniform(0.1, 0.9)), 3))]   # between: lr·lr fails
    return [
        value_test("sgd_step computes W − lr · dW for every parameter", 2, "sgd_step", args, mistakes=MISTAKES,
                   check_inputs=False),
        value_test("sgd_step with lr = 0 changes nothing, with lr = 1 subtracts the whole gradient, in between that share "
                   "of it", 2, "sgd_step",
                   edges, mistakes=MISTAKES[:2]),
    ]
