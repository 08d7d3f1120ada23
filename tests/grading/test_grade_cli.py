"""The `grade` command end to end through click's runner: exit codes, JSON schema, errors, list, hint, watch."""
import ast
import json
import os
import re
import shutil
import time

import pytest
from click.testing import CliRunner

from grader.catalog import COURSE_ROOT, load_catalog
from grader.cli import main
from grader.watch import watch_exercises

from .students import edit


@pytest.fixture
def run():
    runner = CliRunner()
    return lambda *args: runner.invoke(main, [str(a) for a in args])


def test_exercise_exit_codes(run, solved, tmp_path):
    assert run("exercise", 6, "--path", solved).exit_code == 0
    stubs = tmp_path / "stubs"
    shutil.copytree(COURSE_ROOT / "exercises", stubs)
    result = run("exercise", 6, "--path", stubs)
    assert result.exit_code == 1
    assert "not started" in result.output and "Traceback" not in result.output


def test_json_is_the_gradescope_schema_and_a_wrong_answer_loses_its_points(run, solved):
    edit(solved, "ex06_output_layer.py", "return (y_hat - y) / n", "return y_hat - y")
    result = run("exercise", 6, "--path", solved, "--json")
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert set(data) >= {"score", "max_score", "execution_time", "output", "tests"}
    assert data["max_score"] == 6 and data["score"] == 4
    numbers = [t["number"] for t in data["tests"]]
    assert numbers == [f"6.{k}" for k in range(1, 7)]
    failed = [t for t in data["tests"] if t["status"] == "failed"]
    assert [t["number"] for t in failed] == ["6.1", "6.2"]
    assert all(t["score"] == 0 and t["max_score"] == 1 for t in failed)
    assert "1/n of the mean loss is missing" in failed[0]["output"]
    assert sum(t["score"] for t in data["tests"]) == data["score"]


def test_feedback_shows_what_was_checked_expected_and_got(run, solved):
    edit(solved, "ex06_output_layer.py", "return dz2.sum(axis=0, keepdims=True)", "return dz2.sum(axis=0)")
    out = run("exercise", 6, "--path", solved).output
    assert "db2(dz2 (" in out                 # what was called, on which shapes
    assert "expected shape (1, 1), got (1,)" in out
    assert "Looks like: keepdims was lost" in out


def test_large_arrays_are_summarized_with_the_worst_element(run, solved):
    # wrong where the answer is large only, so the example shown is one of those (seed 4 has (8, 8))
    edit(solved, "ex07_hidden_layer.py", "return X.T @ dz1",
         "out = X.T @ dz1\n    if out.size > 20:\n        out[0, 0] += 1\n    return out")
    out = run("exercise", 7, "--path", solved, "--seed", 4).output
    assert "worst at [0, 0]" in out and "elements differ" in out


def test_all_prints_every_exercise_and_the_total(run, solved):
    result = run("all", "--path", solved)
    total = sum(e.points for e in load_catalog())
    assert result.exit_code == 0 and f"Total: {total:g}/{total:g}" in result.output


def test_bad_input_is_one_line_exit_2(run, tmp_path):
    for args, words in [(("exercise", 99), "there is no exercise 99"), (("hint", 0), "there is no exercise 0"),
                        (("hint", 99, "--more"), "there is no exercise 99"),
                        (("exercise", 1, "--path", tmp_path / "nope"), "no such folder")]:
        result = run(*args)
        assert result.exit_code == 2, result.output
        assert words in result.output and "Traceback" not in result.output
        assert len(result.output.strip().splitlines()) == 1


def test_hint_comes_from_the_catalog_in_two_levels(run):
    idea, more = run("hint", 6), run("hint", 6, "--more")
    assert idea.exit_code == more.exit_code == 0
    assert "ex06_output_layer.py" in idea.output and "grade hint 6 --more" in idea.output
    assert "keepdims=True" in more.output and "keepdims" not in idea.output


def _words(text):
    return " ".join(text.replace('"', "'").split())


def _statements(number):
    """{function: [each simple statement of its body in the course's solution, at any depth]}."""
    tree = ast.parse((COURSE_ROOT / "solutions" / load_catalog()[number - 1].file).read_text())
    compound = (ast.For, ast.While, ast.If, ast.With, ast.Try)
    return {f.name: [_words(ast.unparse(s)) for s in ast.walk(f) if isinstance(s, ast.stmt)
                     and not isinstance(s, compound + (ast.FunctionDef,)) and s is not f.body[0]]
            for f in tree.body if isinstance(f, ast.FunctionDef)}


def _written_in(statement, text):
    """True when the hint text holds the statement (or a return's expression) as whole words;
    returning a bare name (return grad) gives nothing away."""
    if re.fullmatch(r"return \w+", statement):
        return False
    forms = [statement] + ([statement[len("return "):]] if statement.startswith("return ") else [])
    return any(re.search(r"(?<!\w)" + re.escape(f) + r"(?!\w)", text) for f in forms)


@pytest.mark.parametrize("number", [e.number for e in load_catalog()])
def test_the_first_hint_is_the_idea_and_more_is_code_level_help_not_the_solution(run, number):
    idea, more = run("hint", number).output, run("hint", number, "--more").output
    assert idea != more and idea.split("Still stuck?")[0] in more
    first_level = load_catalog()[number - 1].hint
    assert not re.search(r"np\.|@|\.T\b|axis|keepdims|astype|\[", first_level), first_level
    hints = _words(more)
    for function, statements in _statements(number).items():
        written = [s for s in statements if _written_in(s, hints)]
        assert len(written) < len(statements), f"the hints write out {function} whole: {written}"
        if number in (2, 9, 10, 11):   # their hints used to be the solution in code
            assert not written, f"{function}: {written}"


def test_list_remembers_status_between_runs(run, solved):
    before = run("list", "--path", solved).output
    assert "0/11 exercises done" in before
    run("exercise", 1, "--path", solved)
    edit(solved, "ex02_neuron.py", "return sigmoid(x @ w + b)", "return x @ w + b")
    run("exercise", 2, "--path", solved)
    after = run("list", "--path", solved).output
    rows = {line.split()[0]: line for line in after.splitlines()[1:12]}
    assert rows["1"].rstrip().endswith("done") and rows["2"].rstrip().endswith("failing")
    assert "1/11 exercises done, 6/62 points" in after   # 4 for exercise 1, 2 of 4 for exercise 2


def test_watch_regrades_on_save_and_moves_on_when_done(solved, tmp_path):
    shutil.copy(COURSE_ROOT / "exercises" / "ex01_activations.py", solved / "ex01_activations.py")
    shutil.copy(COURSE_ROOT / "exercises" / "ex02_neuron.py", solved / "ex02_neuron.py")   # the next one to do
    graded, lines = [], []

    def grade(number):
        from grader.cli import run_grading
        graded.append(number)
        done = run_grading(solved, {number}, None, None, False)
        if len(graded) == 1:   # the student saves a fix after the first failing run
            shutil.copy(COURSE_ROOT / "solutions" / "ex01_activations.py", solved / "ex01_activations.py")
            os.utime(solved / "ex01_activations.py", ns=(time.time_ns() + 10**9,) * 2)
        return done

    watch_exercises(solved, None, 0.01, echo=lines.append, grade=grade, should_stop=lambda: len(graded) >= 3)
    assert graded[:3] == [1, 1, 2]
    assert any("Exercise 1 is done. Next: exercise 2" in line for line in lines)


def test_selfcheck_passes_on_the_course(run):
    result = run("selfcheck", "--seeds", "11")
    assert result.exit_code == 0, result.output
    assert "selfcheck passed" in result.output


def test_selfcheck_fails_when_a_solution_is_wrong_or_a_stub_scores(tmp_path):
    """selfcheck on a copy of the course in which one solution is broken and one stub is solved."""
    from grader.selfcheck import run_selfcheck

    root = tmp_path / "course"
    for folder in ("exercises", "solutions"):
        shutil.copytree(COURSE_ROOT / folder, root / folder)
    edit(root / "solutions", "ex06_output_layer.py", "return (y_hat - y) / n", "return y_hat - y")
    shutil.copy(COURSE_ROOT / "solutions" / "ex04_chain_rule.py", root / "exercises" / "ex04_chain_rule.py")
    problems = run_selfcheck([2], echo=lambda line: None, root=root)
    assert any("solutions/ exercise 6 scored 4/6" in p for p in problems), problems
    assert any("exercises/ exercise 4 scored 4/4" in p for p in problems), problems
    assert len(problems) == 2


@pytest.mark.parametrize("option, value", [("--seed", -1), ("--timeout", "nan"), ("--timeout", 0), ("--timeout", "1e300")])
def test_a_bad_seed_or_timeout_is_a_usage_error(run, solved, option, value):
    result = run("exercise", 1, "--path", solved, option, value)
    assert result.exit_code == 2 and "Traceback" not in result.output, result.output


def test_a_progress_file_edited_into_nonsense_is_ignored(run, solved):
    (solved / ".grade-progress.json").write_text('{"exercises": {"1": 5, "2": {"status": 3}}}')
    result = run("list", "--path", solved)
    assert result.exit_code == 0 and "0/11 exercises done" in result.output


def test_all_keeps_exercises_not_started_to_one_line_and_says_what_is_next(run, solved):
    shutil.copy(COURSE_ROOT / "exercises" / "ex07_hidden_layer.py", solved / "ex07_hidden_layer.py")
    edit(solved, "ex03_forward.py", 'z1 = X @ params["W1"] + params["b1"]', 'z1 = X @ params["W1"]')
    out = run("all", "--path", solved).output
    line = " ".join(out.split("Exercise 7:")[1].split("\n\n")[0].replace("… ", "").split())   # one line, wrapped at 100 columns
    assert line.endswith("0/8: its functions still raise NotImplementedError")
    assert "7.1" not in out and "3.1" in out
    assert "Next: exercise 3 (grade exercise 3" in out
