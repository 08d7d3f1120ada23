"""`check(N)` of the kit's notebook, from cell sources (what it reads from a kernel's history), in
the checkout: the text is `grade exercise N --path day7.ipynb`'s, the HTML says the same with the
mistake highlighted, the latest definition wins, and nothing of a cell runs in this process.
(tests/kit/test_kit_notebook.py runs it in a real kernel on an installed kit.)"""
import html
import re

import nbformat
import pytest
from click.testing import CliRunner

from grader.catalog import COURSE_ROOT, load_catalog
from grader.cli import main
from grader.notebook import read_cells
from grader.notebook_check import check, check_sources

FILES = {e.number: e.file for e in load_catalog()}
WRONG_MSE = ("np.mean((y - y_hat) ** 2)", "np.sum((y - y_hat) ** 2)")


def solution(number, wrong=None):
    text = (COURSE_ROOT / "solutions" / FILES[number]).read_text(encoding="utf-8")
    return text.replace(*wrong) if wrong else text


def test_the_text_is_grade_exercise_on_the_same_notebook_and_the_html_highlights_the_mistake(tmp_path, monkeypatch):
    cells = [solution(1), "%matplotlib inline\nprint('a plot')", solution(5, WRONG_MSE), "check(5)"]
    shown = check_sources(5, cells)
    assert (shown.score, shown.max_score, shown.status) == (4, 6, "failing")
    assert str(shown) == repr(shown) == shown.text

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    nbformat.write(nb, tmp_path / "day7.ipynb")
    monkeypatch.setenv("COLUMNS", "100")
    done = CliRunner().invoke(main, ["exercise", "5", "--path", str(tmp_path / "day7.ipynb")])
    assert done.exit_code == 1
    assert done.output.strip() == shown.text.strip()

    page = shown._repr_html_()
    mistake = re.search(r"<div [^>]*border-left[^>]*><b>Looks like:</b> ([^<]*)</div>", page)
    assert mistake and mistake.group(1).startswith("a sum where a mean belongs")
    for test in shown.result.tests:
        mark = "PASS" if test.passed else "FAIL"
        assert re.search(rf">{mark}</span> {re.escape(test.number)} {re.escape(html.escape(test.name))} <b>", page)
    assert page.count(">FAIL</span>") == 1 and page.count(">PASS</span>") == 2
    assert ">expected</b> 0.186256" in page and ">got</b> 0.745022" in page
    assert "Score: 4/6" in page


def test_the_latest_definition_wins_as_in_the_kernel():
    right, wrong = solution(5), solution(5, WRONG_MSE)
    assert check_sources(5, [wrong, right]).score == 6
    assert check_sources(5, [right, wrong]).score == 4
    assert check_sources(5, {"In [1]": right, "In [2]": "x = (", "In [3]": "check(5)"}).score == 6


def test_cells_never_run_here_and_student_text_is_escaped(tmp_path):
    marker = tmp_path / "ran"
    printing = solution(1).replace("def relu(z):\n", "def relu(z):\n    print('<script>alert(1)</script>')\n", 1)
    cells = ["from grader.notebook_check import check\nimport grader",
             f"open({str(marker)!r}, 'w').write('top-level code ran')\nraise SystemExit",
             printing]
    assert "grader" not in read_cells(cells).files[FILES[1]]
    shown = check_sources(1, cells)
    assert not marker.exists()
    assert shown.score == shown.max_score
    assert "<script>" in shown.text and "<script>" not in shown._repr_html_()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in shown._repr_html_()


def test_a_function_that_never_returns_costs_its_check_not_the_kernel():
    looping = "def chain_rule(x, y, z):\n    while True:\n        pass\n"
    shown = check_sources(4, [solution(4), looping], timeout=1)
    assert shown.status == "error" and shown.score == 0 and "stopped after 1.0 s" in shown.text
    assert "stopped after 1.0 s" in shown._repr_html_()


def test_an_exercise_whose_cell_was_not_run_says_what_to_do():
    shown = check_sources(3, [solution(1)])
    assert shown.status == "not started" and shown.score == 0
    assert "forward is not defined in this kernel yet: run the cell that defines it" in shown.text
    assert "grade-notebook-" not in shown.text and "grade-notebook-" not in shown._repr_html_()
    assert "none of neuron or init_params is defined" in check_sources(2, []).text


def test_check_outside_a_kernel_says_where_it_works():
    with pytest.raises(RuntimeError, match="Jupyter kernel"):
        check(1)
    with pytest.raises(ValueError, match="no exercise 12"):
        check_sources(12, [])
