"""The hidden inputs depend on the seed: answers memorized under one seed fail under another,
no call's answer is among the arguments of another, and every exercise's tests add up to the
catalog's points."""
import numpy as np
import pytest

import reference
from clean_room.plain_data import FunctionSpec, dumps, loads
from clean_room.protocol import Call
from clean_room.scalar_functions import build
from grader.catalog import load_catalog
from grader.engine import STUDENT_SEED, grade_folder, hidden_tests
from grader.hidden.inputs import network
from grader.runner import CallResult


def memorizing_file(seed):
    """An ex06 that returns, call after call, the reference's answers to `seed`'s hidden inputs."""
    answers = {}
    for test in hidden_tests(6, seed):
        for call in test.calls:
            answers.setdefault(call.function, []).append(getattr(reference, call.function)(*call.args).tolist())
    lines = ["import numpy as np", f"ANSWERS = {answers!r}"]
    for name in ("dz2", "dw2", "db2"):
        lines += [f"{name}_calls = iter(ANSWERS[{name!r}])",
                  f"def {name}(*args):", f"    return np.array(next({name}_calls))"]
    return "\n".join(lines) + "\n"


def test_answers_hard_coded_for_one_seed_fail_under_another(tmp_path):
    (tmp_path / "ex06_output_layer.py").write_text(memorizing_file(seed=1))
    under_1 = grade_folder(tmp_path, seed=1, numbers={6})[0]
    under_2 = grade_folder(tmp_path, seed=2, numbers={6})[0]
    assert under_1.score == under_1.max_score   # the memorized answers are right for their own seed...
    assert under_2.score == 0                    # ...and worth nothing for another


@pytest.mark.parametrize("seed", [1, 20261, 7])
def test_tests_add_up_to_the_catalog_points(seed):
    for e in load_catalog():
        assert sum(t.points for t in hidden_tests(e.number, seed)) == pytest.approx(e.points)


def test_hidden_inputs_include_a_single_sample_and_vary_with_the_seed():
    calls_1 = [c for t in hidden_tests(6, 1) for c in t.calls if c.function == "dz2"]
    calls_2 = [c for t in hidden_tests(6, 2) for c in t.calls if c.function == "dz2"]
    assert any(c.args[0].shape[0] == 1 for c in calls_1)
    assert not np.array_equal(calls_1[0].args[0], calls_2[0].args[0])


# -- the answers are not there to find, and not worth writing into the file

def reference_answer(call):
    """What the reference returns for a call: the answer a right solution gives."""
    args = tuple(build(a) if isinstance(a, FunctionSpec) else a for a in call.args)
    with np.errstate(all="ignore"):
        return getattr(reference, call.function)(*args, **call.kwargs)


def arrays_in(value):
    """The float arrays inside plain data that say something: three distinct numbers at least, or
    two over a dozen elements (a short 0/1 array, a relu_prime answer, matches some labels y by
    chance, and is no answer to find: anyone can write one down)."""
    if isinstance(value, np.ndarray):
        distinct = np.unique(value).size if value.dtype.kind == "f" and value.size >= 2 else 0
        if distinct >= 3 or (distinct == 2 and value.size > 12):
            yield value
    elif isinstance(value, (tuple, list)):
        for v in value:
            yield from arrays_in(v)
    elif isinstance(value, dict):
        for v in value.values():
            yield from arrays_in(v)


def fingerprint(array):
    return array.shape, np.round(array, 12).tobytes()


def answers_among_inputs(calls):
    """(function, function) pairs where one call's answer (or its transpose or negative) is an
    argument of another call: a student's code that walks the stack up to the job finds it there.
    An answer equal to the call's own argument (db1 of one sample is dz1) gives nothing away."""
    where = {}
    for k, call in enumerate(calls):
        for a in arrays_in((call.args, call.kwargs)):
            where.setdefault(fingerprint(a), set()).add(k)
    found = set()
    for k, call in enumerate(calls):
        own = {fingerprint(a) for a in arrays_in((call.args, call.kwargs))}
        for a in arrays_in(reference_answer(call)):
            for form in (a, a.T, -a):
                if fingerprint(form) not in own:
                    found |= {(call.function, calls[j].function) for j in where.get(fingerprint(form), ()) if j != k}
    return found


def test_the_leak_finder_finds_an_answer_given_as_an_input():
    X, y, params, cache = network(np.random.default_rng(0), 4, 2, 3)
    dz2 = reference.dz2(cache["y_hat"], y)
    calls = [Call("dz2", (cache["y_hat"], y)), Call("dw2", (cache["a1"], dz2))]
    assert answers_among_inputs(calls) == {("dz2", "dw2")}


@pytest.mark.parametrize("seed", [3, 20261])
def test_no_calls_answer_is_another_calls_input(seed):
    """Everything one student's code sees (with namespaces a process may serve several exercises):
    every exercise's calls on their own inputs and on the public ones (one Gradescope job)."""
    calls = [c for e in load_catalog() for s in (seed, STUDENT_SEED) for t in hidden_tests(e.number, s)
             for c in t.calls]
    assert answers_among_inputs(calls) == set()


def memorizer(seed):
    """A student who wrote `seed`'s answers into the file: the answer of a call seen under that
    seed (same inputs), else the answer its function gave at the same position there."""
    known, by_position = {}, {}
    for e in load_catalog():
        for t in hidden_tests(e.number, seed):
            for call in t.calls:
                answer = reference_answer(call)
                known[dumps((call.function, call.args, call.kwargs))] = answer
                by_position.setdefault(call.function, []).append(answer)

    def answers(test):
        seen, out = {}, []
        for call in test.calls:
            k = seen[call.function] = seen.get(call.function, -1) + 1
            mine = by_position[call.function]
            value = known.get(dumps((call.function, call.args, call.kwargs)), mine[k % len(mine)])
            out.append(CallResult(value=loads(dumps(value)),
                                  args_after=(call.args, call.kwargs) if call.return_args else None))
        return out
    return answers


MEMORIZED = memorizer(STUDENT_SEED)   # the public seed: the answers a student sees on their machine


@pytest.mark.parametrize("number", [e.number for e in load_catalog()])
def test_answers_written_in_for_the_public_seed_earn_nothing_under_another(number):
    for seed in (20261, 4):
        passed = [t.name for t in hidden_tests(number, seed) if t.points and t.judge(MEMORIZED(t)).passed]
        assert passed == [], f"seed {seed}: written-in answers pass {passed}"
    assert all(t.judge(MEMORIZED(t)).passed for t in hidden_tests(number, STUDENT_SEED))   # they are right there
