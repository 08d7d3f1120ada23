"""Hidden tests of exercise 2: neuron and init_params (judged by properties, not by random numbers)."""
import numpy as np

import reference
from ..mistakes import Mistake
from clean_room.protocol import Call
from .base import HiddenTest, Verdict, call_text, error_verdict, first_failure, params_problem, value_test
from .inputs import shapes

def _check_params(args, result):
    """A Verdict for one init_params answer: keys, shapes, zero biases, small random weights."""
    d, h, o, _ = args
    head = call_text("init_params", args)
    if result.error is not None:
        return error_verdict("init_params", args, result.error)
    problem = params_problem(result.value, d, h, o)
    if problem:
        return Verdict(False, f"{head}\n{problem[0]}", problem[1])
    p = result.value
    for key in ("b1", "b2"):
        if np.any(p[key] != 0):
            return Verdict(False, f"{head}\n{key} should start at zeros, got {p[key].ravel()[:4]}")
    weights = np.concatenate([p["W1"].ravel(), p["W2"].ravel()])
    if weights.size > 1 and np.all(weights == weights[0]):
        return Verdict(False, f"{head}\nall weights are equal ({weights[0]:.3g})",
                       "equal weights never become different: every hidden unit gets the same gradient; draw them at random")
    if np.max(np.abs(weights)) > 5:
        return Verdict(False, f"{head}\nweights as large as {np.max(np.abs(weights)):.3g} are not small",
                       "large initial weights saturate the sigmoids: scale the random draw down (e.g. * 0.5)")
    return Verdict(True)


def tests(rng):
    neuron_cases = []
    for n, d, _ in shapes(rng, 5):
        neuron_cases.append((rng.normal(size=(n, d)), rng.normal(size=(d, 1)), rng.normal(size=(1, 1))))
    sizes = [(2, 2, 1, int(rng.integers(100))), (int(rng.integers(1, 6)), int(rng.integers(1, 9)), 1, int(rng.integers(100))),
             (3, 4, 2, 5)]
    seed = int(rng.integers(1000))
    same = [(3, 4, 1, seed), (3, 4, 1, seed), (3, 4, 1, seed + 1)]

    def judge_shapes(results):
        return first_failure([_check_params(a, r) for a, r in zip(sizes, results)], "network sizes")

    def judge_seed(results):
        first = [_check_params(a, r) for a, r in zip(same, results)]
        bad = [v for v in first if not v.passed]
        if bad:
            return bad[0]
        a, b, c = (r.value for r in results)
        if not all(np.array_equal(a[k], b[k]) for k in ("W1", "W2")):
            return Verdict(False, f"init_params(3, 4, 1, seed={seed}) twice gave different weights",
                           "the seed is not used: make the generator with np.random.default_rng(seed)")
        if np.array_equal(a["W1"], c["W1"]):
            return Verdict(False, f"seeds {seed} and {seed + 1} gave the same weights", "the seed is ignored")
        return Verdict(True, "the same seed gave the same weights, another seed other weights")

    return [
        value_test("neuron computes σ(x @ w + b)", 2, "neuron", neuron_cases, n_of=lambda x, w, b: x.shape[0],
                   mistakes=[Mistake("the sigmoid is missing: the neuron returned x @ w + b", lambda x, w, b: x @ w + b),
                             Mistake("the bias is missing: σ(x @ w + b) adds b after the product", lambda x, w, b: reference.sigmoid(x @ w)),
                             Mistake("the bias was added to the weights, σ(x @ (w + b)): it is added after the product, "
                                     "σ(x @ w + b)", lambda x, w, b: reference.sigmoid(x @ (w + b)))]),
        HiddenTest("init_params: keys, shapes, zero biases, small random weights", 1,
                   [Call("init_params", a) for a in sizes], judge_shapes),
        HiddenTest("init_params: the same seed gives the same weights", 1,
                   [Call("init_params", a) for a in same], judge_seed),
    ]
