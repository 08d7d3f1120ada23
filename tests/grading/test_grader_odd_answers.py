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
