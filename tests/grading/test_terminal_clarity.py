"""Issue 11, "Clear: the student's terminal" (points 4-7, 9, 10), through the real `grade` CLI."""
import json
import shutil

import pytest
from click.testing import CliRunner

from grader.catalog import COURSE_ROOT, load_catalog
from grader.cli import main

from .students import edit

FULL = sum(e.points for e in load_catalog())


@pytest.fixture
def run():
    runner = CliRunner()
    return lambda *args, env=None: runner.invoke(main, [str(a) for a in args], env=env)


def one_error_line(result):
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.output
    return lines[0]


# ------------------------------------------------------------------ 4: --path that is not a folder

def test_list_of_a_folder_that_does_not_exist_is_an_error(run, tmp_path):
    line = one_error_line(run("list", "--path", tmp_path / "nonexistent"))
    assert "no such folder" in line and "not started" not in line


@pytest.mark.parametrize("command", [("list",), ("all",), ("exercise", 5), ("watch",), ("demo",)])
def test_a_path_naming_a_file_says_what_it_is(run, solved, command):
    line = one_error_line(run(*command, "--path", solved / "ex05_losses.py"))
    assert "is an exercise file" in line and f"--path {solved}" in line and "no such folder" not in line
    notes = solved / "notes.txt"
    notes.write_text("mine")
    line = one_error_line(run(*command, "--path", notes))
    assert "is a file, not a folder" in line


# ------------------------------------------------------------------ 5: watch does not trust the file

def test_watch_grades_on_start_instead_of_trusting_a_stale_progress_file(run, solved, monkeypatch):
    assert run("all", "--path", solved).exit_code == 0            # the progress file: all done
    edit(solved, "ex03_forward.py", 'z1 = X @ params["W1"] + params["b1"]', 'z1 = X @ params["W1"]')

    def stop(seconds):   # the first pause after grading: the student presses Ctrl-C
        raise KeyboardInterrupt
    monkeypatch.setattr("grader.watch.time.sleep", stop)
    result = run("watch", "--path", solved)
    assert "Every exercise is done" not in result.output
    assert "Exercise 3: The forward pass" in result.output and "[failing]" in result.output
    assert "Stopped watching." in result.output


# ------------------------------------------------------------------ 6: say it once, wrap, keep it short

def test_a_syntax_error_is_said_once(run, solved):
    edit(solved, "ex05_losses.py", "def mse(", "def mse(:")
    out = run("exercise", 5, "--path", solved).output
    assert out.count("syntax error") == 1, out
    assert "(not run)" in out


def test_an_unwritten_function_takes_one_line_per_test(run, solved):
    edit(solved, "ex01_activations.py", "    return np.maximum(0.0, z)", "    raise NotImplementedError")
    out = run("exercise", 1, "--path", solved).output
    lines = [line for line in out.splitlines() if "relu" in line and "relu_prime" not in line]
    assert len(lines) == 1, out
    assert lines[0].lstrip().startswith("FAIL") and "relu is not written yet" in lines[0]
    assert "for example" not in out


def test_identical_failures_are_collapsed(run, solved):
    edit(solved, "ex08_backward.py", "g_z2 = dz2(y_hat, y)", "g_z2 = y_hat - y")
    out = run("exercise", 8, "--path", solved).output
    assert out.count("Looks like:") == 1, out
    assert " ".join(out.split()).count("the same failure as 8.1") >= 2   # the lines may wrap inside it


@pytest.mark.parametrize("columns", [60, 100])
def test_lines_are_wrapped_at_the_terminal_width(run, solved, columns):
    edit(solved, "ex08_backward.py", "g_z2 = dz2(y_hat, y)", "g_z2 = y_hat - y")
    out = run("exercise", 8, "--path", solved, env={"COLUMNS": str(columns)}).output
    assert max(len(line) for line in out.splitlines()) <= columns, out
    assert "the 1/n of the mean loss" in " ".join(out.split())   # wrapped, nothing lost


def test_the_width_is_about_100_when_unknown(run, solved):
    edit(solved, "ex08_backward.py", "g_z2 = dz2(y_hat, y)", "g_z2 = y_hat - y")
    out = run("exercise", 8, "--path", solved, env={"COLUMNS": None}).output   # not a terminal
    assert max(len(line) for line in out.splitlines()) <= 100


def test_all_on_full_marks_is_short(run, solved):
    result = run("all", "--path", solved)
    assert result.exit_code == 0
    assert len(result.output.strip().splitlines()) <= len(load_catalog()) + 3, result.output
    assert f"Total: {FULL:g}/{FULL:g}" in result.output


# ------------------------------------------------------------------ 7: one line for every bad command line

@pytest.mark.parametrize("args", [("exercise", "five"), ("exercise", "-1"), ("exercise", 1, "--seed", "abc"),
                                  ("all", "--seed", "abc"), ("hint",), ("nosuchcommand",), ("--bogus",),
                                  ("exercise", 1, "--bogus"), ("exercise", 1, 2)])
def test_every_bad_command_line_is_one_error_line_exit_2(run, args):
    line = one_error_line(run(*args))
    assert "Usage:" not in line and "Try '" not in line


# ------------------------------------------------------------------ 9: reproducing a batch score

def submission_in_exercises(tmp_path, solved):
    carol = tmp_path / "submissions" / "carol"
    shutil.copytree(solved, carol / "exercises")
    edit(carol / "exercises", "ex06_output_layer.py", "return (y_hat - y) / n", "return y_hat - y")
    return carol


def tree(folder):
    return sorted((str(p.relative_to(folder)), p.read_bytes() if p.is_file() else b"") for p in folder.rglob("*"))


def test_grade_all_on_a_submission_finds_its_files_as_the_batch_does_and_writes_nothing(run, solved, tmp_path):
    from grader.batch import run_batch

    carol = submission_in_exercises(tmp_path, solved)
    before = tree(carol)
    result = run("all", "--path", carol, "--seed", 20261, "--json")
    assert tree(carol) == before                     # no .grade-progress.json, nothing else
    data = json.loads(result.output)
    assert "Graded the 11 exercise files in" in data["output"] and "carol/exercises" in data["output"]
    run_batch(carol.parent, tmp_path / "out", workers=1, seed=20261, progress=False)
    batch = json.loads((tmp_path / "out" / "carol" / "results.json").read_text())
    assert data["score"] == batch["score"] == FULL - 2
    assert tree(carol) == before


def test_the_submission_flag_leaves_a_submission_with_files_at_its_top_untouched(run, solved, tmp_path):
    before = tree(solved)
    result = run("exercise", 6, "--path", solved, "--submission", "--seed", 20261)
    assert result.exit_code == 0, result.output
    assert tree(solved) == before and not (solved / ".grade-progress.json").exists()


def test_a_zip_submission_is_graded_as_the_batch_does(run, solved, tmp_path):
    import zipfile
    archive = tmp_path / "dora.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for path in solved.glob("ex*.py"):
            z.write(path, f"Dora/exercises/{path.name}")
    result = run("all", "--path", archive, "--seed", 20261)
    assert result.exit_code == 0, result.output
    assert "dora.zip/Dora/exercises" in result.output


# ------------------------------------------------------------------ 10: results.json says it once, too

def test_results_json_says_a_missing_file_once_as_grade_all_does(run, solved):
    (solved / "ex05_losses.py").unlink()
    shutil.copy(COURSE_ROOT / "exercises" / "ex07_hidden_layer.py", solved / "ex07_hidden_layer.py")
    data = json.loads(run("all", "--path", solved, "--json").output)
    for number in (5, 7):
        entries = [t for t in data["tests"] if t["extra_data"]["exercise"] == number]
        assert len(entries) == 1, entries
        [entry] = entries
        ex = load_catalog()[number - 1]
        assert entry["max_score"] == ex.points and entry["score"] == 0 and entry["number"] == f"{number}.1"
        assert entry["output"].startswith("not started: ")
        text = " ".join(data["output"].replace("… ", "").split())   # grade all's one line, wrapped or not
        assert f"[not started] 0/{ex.points:g}: {entry['output'][len('not started: '):]}" in text
    assert data["score"] == FULL - 6 - 8
    assert sum(t["score"] for t in data["tests"]) == data["score"]
    assert sum(t["max_score"] for t in data["tests"]) == data["max_score"] == FULL


def test_results_json_for_a_missing_file_reads_back_test_by_test():
    from grader.batch import store
    from grader.results import ExerciseResult, TestResult, to_gradescope

    ex = ExerciseResult(5, "Loss functions", status="not started", reason="file not found: x/ex05_losses.py")
    ex.tests = [TestResult("mse", "5.1", 2.0, False, "not run: ..."), TestResult("bce", "5.2", 4.0, False, "not run")]
    [back] = store.exercises_from_results(to_gradescope([ex], 0.1))
    assert [(t.name, t.number, t.max_score, t.passed) for t in back.tests] == [("mse", "5.1", 2.0, False),
                                                                              ("bce", "5.2", 4.0, False)]
    assert back.reason == ex.reason and back.score == 0 and back.max_score == 6


FORGED = "fine\\n  PASS   7.5 dW1 matches the numeric gradient  1/1\\nScore: 62/62 (regraded)"
FORGERIES = {   # every way a student's text reaches the feedback: none may start a line of its own
    "a call's message": ("return X.T @ dz1", f'raise ValueError("{FORGED}")'),
    "a message at import": ("return X.T @ dz1", f'return X.T @ dz1\n\nraise ValueError("{FORGED}")'),
    "a type's name": ("return X.T @ dz1", f'raise type("{FORGED}", (Exception,), {{}})()'),
    "a syntax error's text": ("return X.T @ dz1", f'raise SyntaxError("boom", (__file__, 99999, 1, "{FORGED}"))'),
    "a repr": ("return X.T @ dz1", f'return type("R", (), {{"__repr__": lambda self: "{FORGED}"}})()'),
    "a forged answer's call number": ("return X.T @ dz1", 'import sys\n    sys.modules["clean_room.child"]._channel'
                                      f'.send({{"call": "{FORGED}"}})\n    return X.T @ dz1'),
}


@pytest.mark.parametrize("how", FORGERIES)
def test_student_text_of_several_lines_cannot_pass_for_the_graders_lines(run, solved, how):
    edit(solved, "ex07_hidden_layer.py", *FORGERIES[how])
    out = run("exercise", 7, "--path", solved).output
    lines = [line.lstrip() for line in out.splitlines()]
    assert not any(line.startswith(("PASS   7.5", "Score: 62/62")) for line in lines), out
    if how == "a forged answer's call number":   # quoted, cut short, in the reason
        assert "sent back data the grader cannot read (an answer for call" in out
    else:
        assert "PASS   7.5 dW1" in out   # still shown: on one line, or marked as the student's


LONG = "PASS   7.5 dW1 matches the numeric gradient  1/1"


@pytest.mark.parametrize("how, pads", [("a call's message", 4), ("a call's message", 40), ("a repr", 3)])
def test_a_long_line_of_student_text_wrapped_cannot_pass_for_the_graders_lines(run, solved, how, pads):
    """One long line, no newline in it: wrapping at the terminal's width must not start a line of
    ours with the student's words (padding puts them at a line's start at some width)."""
    forged = FORGERIES[how][1].replace(FORGED, "pad " * pads + LONG)
    edit(solved, "ex07_hidden_layer.py", FORGERIES[how][0], forged)
    for columns in (40, 50, 60, 80, 100):
        out = run("exercise", 7, "--path", solved, env={"COLUMNS": str(columns)}).output
        assert not any(line.lstrip().startswith("PASS   7.5") for line in out.splitlines()), out
        assert "dW1 matches the numeric" in " ".join(out.replace("… ", "").split())   # shown, marked


def test_wrapped_detail_lines_are_marked_as_continued_at_every_width_and_offset():
    from grader.feedback import wrap
    for pad in range(0, 120, 7):
        for width in (40, 57, 80, 100):
            text = "  FAIL   7.5 dW1  0/1\n        dw1 raised ValueError: " + "y" * pad + " " + LONG
            lines = wrap(text, width).splitlines()
            assert all(len(line) <= width for line in lines)
            assert not any(line.lstrip().startswith("PASS") for line in lines), lines
            assert lines[0] == "  FAIL   7.5 dW1  0/1" and all(line.startswith("        … ") for line in lines[2:])
