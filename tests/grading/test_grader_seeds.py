"""The hidden inputs depend on the seed: answers memorized under one seed fail under another,
and every exercise's tests add up to the catalog's points."""
import numpy as np
import pytest

import reference
from grader.catalog import load_catalog
from grader.engine import grade_folder, hidden_tests


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
