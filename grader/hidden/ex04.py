"""Hidden tests of exercise 4: f = (x + y) z and its three partial derivatives."""
from ..mistakes import Mistake
from .base import value_test

MISTAKES = [
    Mistake("df/dz is q = x + y, not z", lambda x, y, z: ((x + y) * z, z, z, z)),
    Mistake("df/dx and df/dy are df/dq = z, not q", lambda x, y, z: ((x + y) * z, x + y, x + y, x + y)),
    Mistake("df/dx and df/dz are swapped", lambda x, y, z: ((x + y) * z, x + y, z, z)),
    Mistake("f is (x + y) · z, not x + y · z", lambda x, y, z: (x + y * z, z, z, x + y)),
]


def _floats(values):
    return tuple(round(float(v), 3) for v in values)


def tests(rng):
    cases = [_floats(rng.normal(scale=5, size=3)) for _ in range(4)] + [(0.0, 0.0, 2.5), (3.0, -3.0, 7.0)]
    # The lecture's worked example is one case among numbers drawn for the seed: a test of it
    # alone would give its points to an answer written into the file.
    return [
        value_test("chain_rule gives the lecture's worked example, chain_rule(-2, 5, -4), and the same at other "
                   "numbers", 4, "chain_rule", [(-2, 5, -4)] + cases, mistakes=MISTAKES, check_inputs=False),
    ]
