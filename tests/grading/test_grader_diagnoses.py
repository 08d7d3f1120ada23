"""Every named mistake of every hidden test is recognized: answering a test with what the
mistake computes fails it, and the feedback names that mistake."""
import numpy as np
import pytest

import reference

from grader.catalog import load_catalog
from grader.engine import hidden_tests
from clean_room.plain_data import dumps, loads
from grader.runner import CallResult, FunctionSpec
from clean_room.scalar_functions import build

NAMED = [(e.number, k, test.name, m) for e in load_catalog()
         for k, test in enumerate(hidden_tests(e.number, 3)) for m in test.mistakes]


def answers_of(mistake, calls):
    """What a student making this mistake sends back for each call, as the sandbox would deliver it.

    Where the mistake does not apply to a case (its model raises), the student is right there.
    """
    out = []
    for call in calls:
        try:
            with np.errstate(all="ignore"):
                value = mistake.wrong(*call.args, **call.kwargs)   # models take the test's own arguments
        except Exception:
            args = tuple(build(a) if isinstance(a, FunctionSpec) else a for a in call.args)
            value = getattr(reference, call.function)(*args, **call.kwargs)
        out.append(CallResult(value=loads(dumps(value)),
                              args_after=(call.args, call.kwargs) if call.return_args else None))
    return out


@pytest.mark.parametrize("number, k, name, mistake", NAMED, ids=[f"{n}.{k + 1}-{m.label[:30]}" for n, k, _, m in NAMED])
def test_each_named_mistake_fails_its_test_and_is_named(number, k, name, mistake):
    test = hidden_tests(number, 3)[k]
    verdict = test.judge(answers_of(mistake, test.calls))
    assert not verdict.passed, f"{name}: the mistake passed"
    assert verdict.diagnosis == mistake.label


def test_there_are_many_named_mistakes():
    assert len({m.label for *_, m in NAMED}) >= 30


def _counting_test():
    """A value test of sigmoid with one named mistake that counts its calls and changes its
    argument in place (a model that must not touch the case the student is judged on)."""
    from grader.hidden.base import value_test
    from grader.mistakes import Mistake
    calls = []

    def wrong(z):
        calls.append(1)
        z += 1.0
        return 1 / (1 + np.exp(z - 1.0))   # the sign flipped inside exp
    z = np.array([[0.5, -2.0], [3.0, 0.0]])
    return value_test("sigmoid", 1, "sigmoid", [(z,)], mistakes=[Mistake("sign flipped", wrong)]), calls, z.copy()


def test_a_right_answer_never_computes_the_named_mistakes_and_a_wrong_one_names_its_mistake():
    test, calls, z = _counting_test()
    right = test.judge([CallResult(value=reference.sigmoid(z), args_after=((z,), {}))])
    assert right.passed and calls == []
    wrong = test.judge([CallResult(value=1 / (1 + np.exp(z)), args_after=((z,), {}))])
    assert not wrong.passed and wrong.diagnosis == "sign flipped" and calls == [1]
    np.testing.assert_array_equal(test.calls[0].args[0], z)     # the model changed a copy only
    test.judge([CallResult(value=1 / (1 + np.exp(z)), args_after=((z,), {}))])
    assert calls == [1]                                          # computed once per case
