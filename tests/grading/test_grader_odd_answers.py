"""Any answer a student's code can send back is judged without crashing the grader, and none
of these odd answers earns a point."""
import numpy as np
import pytest

from grader.catalog import load_catalog
from grader.engine import hidden_tests
from clean_room.plain_data import Opaque, dumps, loads
from grader.runner import CallResult

ODD = {
    "None": None, "huge int": 10 ** 400, "bytes": b"0.5", "text": "0.5", "complex": np.array([[1 + 2j]]),
    "opaque": Opaque("generator", "<generator object f>"), "nan": float("nan"), "empty list": [],
    "3-tuple": (np.zeros((1, 1)), {}, 3), "int-keyed dict": {1: np.zeros((2, 2)), "W1": None},
    "dict of strings": {"W1": "x", "b1": "y", "W2": "z", "b2": "w"}, "nested lists": [[["a"]], [1, [2]]],
    "bool": True, "object array": np.array([None, 1], dtype=object), "long list": list(range(100_000)),
}
TESTS = [(e.number, k, t) for e in load_catalog() for k, t in enumerate(hidden_tests(e.number, 3))]


DELIVERED = {label: loads(dumps(value)) for label, value in ODD.items()}   # after the sandbox's trip


@pytest.mark.parametrize("number, k, test", TESTS, ids=[f"{n}.{k + 1}" for n, k, _ in TESTS])
def test_odd_answers_are_judged_and_earn_nothing(number, k, test):
    for label, value in DELIVERED.items():
        answers = [CallResult(value=value, args_after=(c.args, c.kwargs) if c.return_args else None)
                   for c in test.calls]
        verdict = test.judge(answers)
        assert not verdict.passed, f"{test.name}: {label} passed"
        assert verdict.output, f"{test.name}: {label} failed without saying why"


def _seed_test():
    return next(t for t in hidden_tests(2, 3) if t.judge.kind == "init_params_seed")


@pytest.mark.parametrize("third, passed, words", [
    ("same", False, "the seed is ignored"),            # weights that vary, the same for another seed
    ("other", True, "another seed other weights"),
])
def test_the_seed_check_fails_weights_that_ignore_the_seed(third, passed, words):
    test = _seed_test()
    w = {"W1": np.arange(12.0).reshape(3, 4) / 10, "b1": np.zeros((1, 4)), "W2": np.arange(4.0).reshape(4, 1) / 10,
         "b2": np.zeros((1, 1))}
    other = {k: v + 0.5 for k, v in w.items()} if third == "other" else w
    verdict = test.judge([CallResult(value=w), CallResult(value=w), CallResult(value=other)])
    assert verdict.passed is passed and words in (verdict.output + verdict.diagnosis)


@pytest.mark.parametrize("dtype, step", [(np.longdouble, 1e-19), (np.int64, 1)])
def test_weights_that_vary_below_float64s_resolution_still_vary(dtype, step):
    """Red team: the check once compared in float64, where long doubles 1e-19 apart (or ints past
    2**53) are one value, so seed-ignoring weights passed as weights that never vary."""
    test = _seed_test()
    base = dtype(2 ** 60) if dtype is np.int64 else dtype(0.1)
    w = {"W1": base + np.arange(12, dtype=dtype).reshape(3, 4) * dtype(step), "b1": np.zeros((1, 4)),
         "W2": base + np.arange(4, dtype=dtype).reshape(4, 1) * dtype(step), "b2": np.zeros((1, 1))}
    verdict = test.judge([CallResult(value=w)] * 3)
    assert not verdict.passed and "the seed is ignored" in verdict.diagnosis


@pytest.mark.parametrize("value", [0.0, float("nan")])
def test_weights_that_never_vary_pass_the_seed_check_which_cannot_apply_to_them(value):
    """Constant weights lose their points in the test of init_params' values, not here."""
    test = _seed_test()
    w = {"W1": np.full((3, 4), value), "b1": np.zeros((1, 4)), "W2": np.full((4, 1), value), "b2": np.zeros((1, 1))}
    verdict = test.judge([CallResult(value=w)] * 3)
    assert verdict.passed and "do not vary" in verdict.output


EDGE_ONLY = {   # wrong functions that are right at the edge cases (red team, round 7)
    (1, "sigmoid is 0, 0.5 and 1"): lambda z: np.where(z > 0, 1.0, np.where(z < 0, 0.0, 0.5)),
    (9, "sgd_step with lr = 0"): lambda p, g, lr: {k: p[k] - lr * lr * g[k] for k in p},
    (5, "bce at y_hat exactly 0 or 1"): lambda y, p: 30.0 * float(np.mean(y != p)),
}


@pytest.mark.parametrize("number, start", list(EDGE_ONLY), ids=[s for _, s in EDGE_ONLY])
@pytest.mark.parametrize("seed", [1, 20261])
def test_a_function_right_only_at_the_edges_fails_the_edge_test(number, start, seed):
    [test] = [t for t in hidden_tests(number, seed) if t.name.startswith(start)]
    wrong = EDGE_ONLY[number, start]
    answers = [CallResult(value=loads(dumps(wrong(*c.args))), args_after=(c.args, c.kwargs) if c.return_args else None)
               for c in test.calls]
    assert not test.judge(answers).passed
