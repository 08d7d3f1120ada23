"""Issue 11, point 8: the batch report groups mistakes by the mistake, names who made them, gives each
test's failure rate, follows one rule for its figures, and tells the students' results apart."""
import re

import pytest

from grader.batch import records, report
from grader.catalog import load_catalog
from grader import results

ExerciseResult, Outcome = results.ExerciseResult, results.TestResult

FULL = sum(e.points for e in load_catalog())
LARGE = "the gradient is n = {} times too large: the 1/n of the mean loss is missing"


def student(name, exercises, status=records.GRADED, reason=""):
    rec = records.StudentRecord(name, name + "/", name, status=status, reason=reason, max_score=FULL,
                                output=f"feedback of {name}")
    rec.exercises = exercises
    rec.score = sum(ex.score for ex in exercises)
    return rec


def ex8(*diagnoses, passed=False):
    ex = ExerciseResult(8, "The backward pass", status="done" if passed else "failing")
    ex.tests = [Outcome(f"backward test {k}", f"8.{k}", 2.0, passed, "", "" if passed else d)
                for k, d in enumerate(diagnoses, start=1)]
    return ex


def other(number, status, reason="", score_of=0.0):
    e = load_catalog()[number - 1]
    ex = ExerciseResult(number, e.title, status=status, reason=reason)
    ex.tests = [Outcome("t", f"{number}.1", e.points, score_of == e.points, "")]
    return ex


@pytest.fixture
def page():
    rows = [
        student("ann", [ex8(LARGE.format(4), LARGE.format(6), LARGE.format(5))]),
        student("bo", [ex8(LARGE.format(6), LARGE.format(6), LARGE.format(6))]),
        student("cy", [ex8("", "", "", passed=True),
                       other(5, "not started", "file not found: cy/ex05_losses.py"),
                       other(3, "error", "ex03_forward.py has a syntax error at line 2: invalid syntax"),
                       other(10, "error", "ex10_training.py stopped after 5.0 s (an infinite loop?) while running train(...)"),
                       other(7, "not started"), other(6, "failing")]),
        student("dee", [], status=records.FAILED, reason="corrupt zip: bad"),
    ]
    return rows, report.render(rows, seed=1, timeout=5)


def mistakes_cell(html):
    return re.search(r'<ul class="mistakes">(.*?)</ul>', html, re.S).group(1)


def test_one_mistake_is_one_row_whatever_the_n_and_names_the_students(page):
    _, html = page
    cell = mistakes_cell(html)
    assert cell.count("<li>") == 1, cell
    assert "n times too large" in cell and "<b>(2)</b>" in cell
    assert "ann, bo" in cell
    assert not re.search(r"n = \d", html)          # no hidden size in the report's mistakes


def test_each_test_has_its_failure_rate_across_the_class(page):
    _, html = page
    section = html.split("Failure rate of each test")[1]
    row = re.search(r"<td>8\.1</td>.*?</tr>", section, re.S).group(0)
    assert "2/3" in row and "67%" in row


def test_the_figures_follow_one_rule_and_say_which(page):
    rows, html = page
    counts = records.class_counts(rows)
    assert counts.scores == [r.score for r in rows if r.status == records.GRADED]   # not dee's 0
    assert records.MEAN_RULE in html
    assert f"mean <b>{records.figure(counts.mean)}</b>" in html


@pytest.mark.parametrize("value, text", [(40.2222, "40.22"), (62.0, "62"), (2.5, "2.5"), (1 / 3, "0.33"), (-1e-9, "0")])
def test_figures_have_at_most_two_decimals(value, text):
    assert records.figure(value) == text


def test_no_number_on_the_page_has_more_than_two_decimals(page):
    _, html = page
    visible = re.sub(r"<[^>]+>", " ", html)
    assert not re.search(r"\d\.\d{3,}", visible), re.findall(r"\d+\.\d{3,}", visible)


def test_histogram_bins_do_not_overlap():
    bins = report.histogram([0, 6.9, 7, 55, 56, 61.5, 62], 62)
    labels = [b["label"] for b in bins]
    assert labels[0] == "[0, 7)" and labels[-2] == "[49, 56)" and labels[-1] == "[56, 62]"
    assert sum(b["count"] for b in bins) == 7 and bins[-1]["count"] == 3


def test_the_student_table_tells_missing_syntax_timeout_and_wrong_apart(page):
    _, html = page
    row = re.search(r'<a href="#student-3">cy</a>.*?</tr>', html, re.S).group(0)
    words = re.findall(r"<small>([^<]+)</small>", row)
    assert {"missing", "syntax error", "timeout", "wrong", "not started"} <= set(words), words
    assert 'class="cell missing"' in row and 'class="cell syntax"' in row and 'class="cell timeout"' in row


def test_each_student_is_collapsible_failures_open_with_a_link_to_the_top(page):
    rows, html = page
    assert 'id="top"' in html
    sections = re.findall(r'<details class="student" id="(student-\d+)"( open)?>', html)
    assert len(sections) == len(rows)
    assert all(is_open for _, is_open in sections)          # nobody here has full marks
    assert html.count('<a href="#top">back to the top</a>') == len(rows)


def test_full_marks_start_closed():
    exercises = []
    for e in load_catalog():
        ex = ExerciseResult(e.number, e.title, status="done")
        ex.tests = [Outcome("t", f"{e.number}.1", e.points, True)]
        exercises.append(ex)
    html = report.render([student("zed", exercises)], seed=1, timeout=5)
    assert '<details class="student" id="student-1">' in html
