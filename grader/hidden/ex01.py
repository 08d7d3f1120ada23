"""Hidden tests of exercise 1: sigmoid, sigmoid_prime, relu, relu_prime."""
import numpy as np

from ..mistakes import Mistake
from .base import value_test

EXTREMES = np.array([-1000.0, -745.0, -40.0, 0.0, 40.0, 745.0, 1000.0])


def _s(z):
    return 1 / (1 + np.exp(-z))


def tests(rng):
    arrays = [rng.normal(scale=4, size=s) for s in [(1, 1), (int(rng.integers(2, 9)), 1),
                                                  tuple(int(v) for v in rng.integers(1, 7, 2)), (5,)]]
    arrays.append(np.zeros((2, 3)))
    cases = [(a,) for a in arrays]
    prime_mistakes = [
        Mistake("σ(z)(1 − σ(z)) wants the pre-activation z; this looks like σ applied twice, σ(σ(z))(1 − σ(σ(z)))",
                lambda z: _s(_s(z)) * (1 - _s(_s(z)))),
        Mistake("z(1 − z) uses z where σ(z) belongs: σ'(z) = σ(z)(1 − σ(z))", lambda z: z * (1 - z)),
        Mistake("the (1 − σ(z)) factor is missing: σ'(z) = σ(z)(1 − σ(z))", lambda z: _s(z)),
    ]
    relu_cases = cases + [(np.array([[-2.0, 0.0, 3.0]]),)]
    # The fixed extremes, with others past exp's range drawn and the order shuffled: answers
    # written into the file for one seed's order fail another's.
    far = rng.uniform(746.0, 1e4, size=4) * np.array([-1.0, -1.0, 1.0, 1.0])
    moderate = rng.uniform(0.5, 8.0, size=4) * np.array([-1.0, -1.0, 1.0, 1.0])   # a step function fails here
    extremes = rng.permutation(np.concatenate([EXTREMES, far, moderate]))
    return [
        value_test("sigmoid matches the reference on random arrays", 1, "sigmoid", cases,
                   mistakes=[Mistake("the sign inside exp is flipped: σ(z) = 1 / (1 + e^(−z))", lambda z: 1 / (1 + np.exp(z)))],
                   what="arrays"),
        value_test("sigmoid is 0, 0.5 and 1 at z = -1000, 0, 1000, right at other extremes and moderate z among "
                   "them, with no overflow warning", 1,
                   "sigmoid", [(extremes,), (rng.permutation(extremes).reshape(-1, 1),)], what="arrays",
                   float_errors=True, check_inputs=False),
        value_test("sigmoid_prime is σ(z)(1 − σ(z))", 1, "sigmoid_prime", cases + [(EXTREMES,)],
                   mistakes=prime_mistakes, what="arrays"),
        value_test("relu is max(0, z)", 0.5, "relu", relu_cases, what="arrays"),
        value_test("relu_prime is 1 where z > 0 and 0 elsewhere, 0 at z = 0", 0.5, "relu_prime", relu_cases,
                   mistakes=[Mistake("relu_prime(0) must be 0: use z > 0, not z >= 0",
                                     lambda z: (np.asarray(z) >= 0).astype(float))],
                   what="arrays"),
    ]
