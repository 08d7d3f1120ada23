"""Hidden tests of exercise 2: neuron and init_params (judged by properties, not by random numbers)."""
import reference
from ..mistakes import Mistake
from clean_room.protocol import Call
from .base import judged_test, value_test
from .inputs import shapes


def tests(rng):
    neuron_cases = []
    for n, d, _ in shapes(rng, 5):
        neuron_cases.append((rng.normal(size=(n, d)), rng.normal(size=(d, 1)), rng.normal(size=(1, 1))))
    sizes = [(2, 2, 1, int(rng.integers(100))), (int(rng.integers(1, 6)), int(rng.integers(1, 9)), 1, int(rng.integers(100))),
             (3, 4, 2, 5)]
    seed = int(rng.integers(1000))
    same = [(3, 4, 1, seed), (3, 4, 1, seed), (3, 4, 1, seed + 1)]
    return [
        value_test("neuron computes σ(x @ w + b)", 2, "neuron", neuron_cases, n_of=lambda x, w, b: x.shape[0], kind="value",
                   mistakes=[Mistake("the sigmoid is missing: the neuron returned x @ w + b", lambda x, w, b: x @ w + b),
                             Mistake("the bias is missing: σ(x @ w + b) adds b after the product", lambda x, w, b: reference.sigmoid(x @ w)),
                             Mistake("the bias was added to the weights, σ(x @ (w + b)): it is added after the product, "
                                     "σ(x @ w + b)", lambda x, w, b: reference.sigmoid(x @ (w + b)))]),
        judged_test("init_params: keys, shapes, zero biases, small random weights", 1,
                    [Call("init_params", a) for a in sizes], "init_params_shapes", {"sizes": sizes}),
        judged_test("init_params: the same seed gives the same weights, another seed others", 1,
                    [Call("init_params", a) for a in same], "init_params_seed", {"same": same, "seed": seed}),
    ]
