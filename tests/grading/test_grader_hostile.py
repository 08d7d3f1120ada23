"""Hostile and broken student code: each costs its own exercise, with a clear reason, and every
other exercise is graded as usual."""

import numpy as np
import pytest

from grader.catalog import COURSE_ROOT, load_catalog
from grader.engine import grade_folder

from .students import edit

E = {e.number: e.file for e in load_catalog()}
TIMEOUT = 1.5

# (exercise, code put at the top of its file or in place of a line, words the reason or feedback must contain)
AT_IMPORT = [
    (5, "while True:\n    pass\n", "stopped after"),
    (5, "import sys\nsys.exit(3)\n", "sys.exit(3)"),
    (5, "import os\nos._exit(1)\n", "os._exit(1)"),
    (5, "x = [0] * (10 ** 11)\n", "memory"),
    (5, "def broken(:\n", "syntax error at line 1"),
    (5, "import numpy\nnumpy.allclose = lambda *a, **k: True\nnumpy.isclose = lambda *a, **k: True\n", None),
    (5, "raise RuntimeError('boom at import')\n", "RuntimeError"),
]


def exercise_scores(folder):
    return {ex.number: ex for ex in grade_folder(folder, seed=5, timeout=TIMEOUT)}


@pytest.mark.parametrize("number, code, words", AT_IMPORT, ids=[c[2] or "patches numpy" for c in AT_IMPORT])
def test_hostile_code_at_import_costs_only_its_exercise(solved, number, code, words):
    path = solved / E[number]
    path.write_text(code + path.read_text())
    results = exercise_scores(solved)
    hit = results[number]
    if words is None:   # patching numpy in the child changes nothing the grader decides: honest code still passes
        assert hit.score == hit.max_score
    else:
        assert hit.score == 0
        assert words in hit.reason, hit.reason
        assert hit.status == "error"
    assert all(ex.score == ex.max_score for n, ex in results.items() if n != number)


def test_numpy_patched_to_say_everything_is_close_does_not_rescue_a_wrong_answer(solved):
    edit(solved, E[6], "return (y_hat - y) / n", "import numpy\n    numpy.allclose = lambda *a, **k: True\n"
                                                   "    numpy.isclose = lambda *a, **k: True\n    return y_hat * 0")
    ex = exercise_scores(solved)[6]
    assert ex.tests[0].passed is False and ex.tests[1].passed is False
    assert np.allclose(1.0, 2.0) is False   # the grader's own numpy is untouched


CALL_TIME = [
    (6, "return (y_hat - y) / n", "while True:\n        pass", "stopped after"),
    (6, "return (y_hat - y) / n", "import os\n    os._exit(4)", "os._exit(4)"),
    (6, "return (y_hat - y) / n", "import numpy as np\n    return np.ones((10 ** 6, 10 ** 6))", "memory"),
]


@pytest.mark.parametrize("number, old, new, words", CALL_TIME, ids=[c[3] for c in CALL_TIME])
def test_hostile_call_loses_its_tests_and_keeps_finished_ones(solved, number, old, new, words):
    edit(solved, E[number], old, new)
    results = exercise_scores(solved)
    hit = results[number]
    assert words in hit.reason, hit.reason
    assert hit.score < hit.max_score
    assert any("not run" in t.output or words in t.output for t in hit.tests if not t.passed)
    assert all(ex.score == ex.max_score for n, ex in results.items() if n != number)


def test_megabytes_of_prints_are_cut_and_grading_goes_on(solved):
    edit(solved, E[6], "return (y_hat - y) / n", "print('x' * 1_000_000)\n    return (y_hat - y) / n")
    ex = exercise_scores(solved)[6]
    assert ex.score == ex.max_score
    assert len(ex.output) < 100_000 and "cut" in ex.output


def test_sys_exit_inside_a_call_is_an_error_of_that_call(solved):
    edit(solved, E[6], "return a1.T @ dz2", "raise SystemExit(0)")
    ex = exercise_scores(solved)[6]
    failed = [t for t in ex.tests if not t.passed]
    assert [t.name for t in failed] == ["dW2 matches the numeric gradient", "dW2 = a1ᵀ dz2 has W2's shape, leaving its inputs unchanged"]
    assert "SystemExit" in failed[0].output


def test_missing_file_is_not_started_with_the_reason(solved):
    (solved / E[7]).unlink()
    results = exercise_scores(solved)
    assert results[7].score == 0 and results[7].status == "not started"
    assert "file not found" in results[7].reason
    assert all(ex.score == ex.max_score for n, ex in results.items() if n != 7)


def test_an_exception_names_its_type_message_and_line(solved):
    edit(solved, E[6], "return a1.T @ dz2", "return a1.T @ dz2.missing_attribute")
    ex = exercise_scores(solved)[6]
    text = ex.tests[2].output
    line = next(i for i, l in enumerate((solved / E[6]).read_text().splitlines(), 1) if "missing_attribute" in l)
    assert "AttributeError" in text and "missing_attribute" in text
    assert f"at line {line} of your file: return a1.T @ dz2.missing_attribute" in text


@pytest.mark.parametrize("folder, file", [("solutions", E[5]), ("reference", "losses.py"), (".git", "HEAD")])
def test_student_code_cannot_run_the_answers_from_the_graders_disk(solved, folder, file):
    """In the clean room's namespaces, nothing of the checkout is there for student code."""
    from grader.runner import isolation_level
    if isolation_level() not in ("namespaces", "userns"):
        pytest.skip("no namespaces here: docs/grader.md says what student code can reach")
    answer = COURSE_ROOT / folder / file
    if not answer.exists():
        pytest.skip(f"this checkout has no {folder}/{file}")
    (solved / E[5]).write_text(f"import numpy as np\nexec(open({str(answer)!r}).read())\n")
    ex = exercise_scores(solved)[5]
    assert ex.score == 0 and "FileNotFoundError" in ex.reason
    assert answer.exists()   # the grader's own view is unchanged


@pytest.mark.parametrize("number, code", [
    (6, "from ex05_losses import bce\ng = bce.__globals__\ndz2, dw2, db2 = g['dz2'], g['dw2'], g['db2']\n"),
    (8, "from ex06_output_layer import dz2\nbackward = dz2.__globals__['backward']\n"),
    (6, "from ex08_backward import backward\ng = backward.__globals__\ndz2, dw2, db2 = g['dz2'], g['dw2'], g['db2']\n"),
    (1, "from ex02_neuron import neuron\nsigmoid = neuron.__globals__['sigmoid']\n"),
])
def test_the_reference_behind_an_earlier_exercise_gives_nothing_away(tmp_path, number, code):
    """Earlier exercises are reference functions whose globals hold only what they use; later ones are not offered."""
    (tmp_path / E[number]).write_text(code)
    ex = grade_folder(tmp_path, seed=5, timeout=TIMEOUT, numbers={number})[0]
    assert ex.score == 0, [t.name for t in ex.tests if t.passed]
    assert ex.status == "error" and ("KeyError" in ex.reason or "ModuleNotFoundError" in ex.reason), ex.reason
