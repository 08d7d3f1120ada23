"""`grade demo`: the student's own network, trained on the lecture's table, drawn on a page."""
import re
import shutil

import numpy as np
import pytest
from click.testing import CliRunner

import reference
from grader.catalog import COURSE_ROOT
from grader.cli import main

from .students import edit


@pytest.fixture
def run():
    runner = CliRunner()
    return lambda *args: runner.invoke(main, [str(a) for a in args])


def test_demo_trains_the_solutions_and_writes_the_page(run, solved):
    result = run("demo", "--path", solved)
    assert result.exit_code == 0, result.output
    page = solved / "demo.html"
    assert f"The page: {page.resolve()}" in result.output
    html = page.read_text()
    assert html.count("<svg") == 2 and "<script" not in html
    assert all(name in html for name in ("Alice", "Bob", "Charlie", "Diana"))
    assert "4 of 4" in html and "4 of 4 people right" in result.output
    assert "<polyline" in html                     # the loss curve
    assert "<line x1=" in html and "weight (lb)" in html and "height (in)" in html   # the boundary
    # the new people, standardized with the table's mean and std, and their predictions
    X = reference.load_lecture_table()[0]
    emily = (np.array([128.0, 63.0]) - X.mean(axis=0)) / X.std(axis=0)
    assert f"({emily[0]:.2f}, {emily[1]:.2f})" in html
    assert re.search(r"new: Emily \(128 lb, 63 in\): ŷ = 0\.\d+, predicted 1 \(F\)", result.output)
    assert re.search(r"new: Frank \(155 lb, 68 in\): ŷ = 0\.\d+, predicted 0 \(M\)", result.output)


def test_demo_uses_the_students_own_earlier_exercises(run, solved):
    """Exercise 7's mistake shows in the demo: nothing is replaced by the reference."""
    edit(solved, "ex07_hidden_layer.py", "return dz2 @ W2.T", "return dz2 @ W2")
    result = run("demo", "--path", solved)
    assert result.exit_code == 1 and "Traceback" not in result.output
    line, = result.output.strip().splitlines()
    assert "exercise 7 (ex07_hidden_layer.py, line" in line and "grade exercise 7" in line
    assert not (solved / "demo.html").exists()


def test_demo_of_the_stubs_says_which_exercise_to_write(run, tmp_path):
    stubs = tmp_path / "stubs"
    shutil.copytree(COURSE_ROOT / "exercises", stubs)
    result = run("demo", "--path", stubs)
    assert result.exit_code == 1 and "Traceback" not in result.output
    line, = result.output.strip().splitlines()
    assert "exercise 10 is not finished" in line and "grade exercise 10" in line


@pytest.mark.parametrize("file, old, new, words", [
    ("ex10_training.py", "losses.append(bce(y, y_hat))", "losses.append(bce(y, y_hat) * float('nan'))", "NaN or inf"),
    ("ex10_training.py", "return (y_hat >= 0.5).astype(float)", "return y_hat", "exercise 10: predict should give 0 or 1"),
    ("ex10_training.py", "return (X - mean) / std, mean, std", "return ((X - mean) / std).T, mean, std",
     "exercise 10: standardize's X_std should be an array of shape (4, 2)"),
    ("ex05_losses.py", "import numpy as np", "import numpy as np\nimport ex99_nothing", "ex99_nothing.py is missing"),
])
def test_demo_names_what_to_fix_in_one_line(run, solved, file, old, new, words):
    edit(solved, file, old, new)
    result = run("demo", "--path", solved)
    assert result.exit_code == 1 and "Traceback" not in result.output
    line, = result.output.strip().splitlines()
    assert words in line


@pytest.mark.parametrize("make, words", [
    (lambda tmp: tmp / "nope", "no such folder"),
    (lambda tmp: tmp, "has no ex10_training.py"),
])
def test_demo_bad_input_is_one_line_exit_2(run, tmp_path, make, words):
    result = run("demo", "--path", make(tmp_path))
    assert result.exit_code == 2 and words in result.output
    assert len(result.output.strip().splitlines()) == 1 and "Traceback" not in result.output
