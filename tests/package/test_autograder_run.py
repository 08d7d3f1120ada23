"""run_autograder from the zip, set up by its own setup.sh, on the issue's submissions. Every
results.json is checked against Gradescope's schema (autograder_container.run_autograder)."""
import json
import re
import shutil
import subprocess

from click.testing import CliRunner

from autograder_container import FILES, FULL, POINTS, TIMEOUT, edited, run_autograder, solved
from grader.cli import main
from grader.package.run_autograder import seed_for

WRONG_DZ2 = ("ex06_output_layer.py", "return (y_hat - y) / n", "return y_hat - y")   # the 1/n forgotten


def by_exercise(data, inputs):
    """{exercise: [test, ...]} of the public ("public") or hidden ("yours") tests."""
    found = {}
    for t in data["tests"]:
        if t["extra_data"]["inputs"] == inputs:
            found.setdefault(t["extra_data"]["exercise"], []).append(t)
    return found


def exercise_scores(data):
    return {e["number"]: e["score"] for e in data["extra_data"]["exercises"]}


def test_a_correct_submission_earns_full_marks_with_public_tests_visible_and_hidden_after_the_due_date(container):
    data = container.grade(solved())
    assert data["score"] == data["max_score"] == FULL
    record = data["extra_data"]["autograder"]
    assert record["status"] == "graded" and record["found_in"] == "" and record["files"] == sorted(FILES)
    assert record["seed"] == seed_for(["4242"]) and record["students"] == ["4242"]
    assert record["isolation"] in ("namespaces", "userns", "none", "portable")
    public, hidden = by_exercise(data, "public"), by_exercise(data, "yours")
    assert sorted(public) == sorted(hidden) == list(range(1, 12))
    assert all(t["visibility"] == "visible" and "score" not in t and t["status"] == "passed"
               for tests in public.values() for t in tests)
    assert all(t["visibility"] == "after_due_date" and t["score"] == t["max_score"]
               for tests in hidden.values() for t in tests)
    assert data["stdout_visibility"] == "hidden"
    assert data["output"].startswith(f"Score: {FULL:g}/{FULL:g}")
    assert "after the due date" in data["output"]
    assert f"seed {record['seed']}" in container.last.stdout   # the instructor's stdout names the seed


def test_files_one_folder_deeper_are_found_as_grade_batch_finds_them(container):
    data = container.grade(solved(), wrapper="Alice_123/exercises")
    assert data["score"] == FULL
    assert data["extra_data"]["autograder"]["found_in"] == "Alice_123/exercises"
    assert "submission/Alice_123/exercises" in data["output"]


def test_a_notebook_stands_for_the_files_as_in_the_batch(container):
    cells = [{"cell_type": "code", "id": f"c{k}", "metadata": {}, "execution_count": None, "outputs": [],
              "source": text} for k, text in enumerate(solved().values())]
    notebook = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": cells}
    data = container.grade({"day7.ipynb": json.dumps(notebook)})
    assert data["score"] == FULL
    assert data["extra_data"]["autograder"]["found_in"] == "day7.ipynb"


def test_a_wrong_answer_loses_that_exercises_points_and_says_why(container):
    data = container.grade(edited(*WRONG_DZ2))
    scores = exercise_scores(data)
    assert scores[6] < POINTS[6]
    assert all(scores[n] == POINTS[n] for n in POINTS if n != 6)   # exercise 8 gets the reference's dz2
    assert data["score"] == FULL - (POINTS[6] - scores[6])
    failed = [t for t in by_exercise(data, "yours")[6] if t["status"] == "failed"]
    assert failed and all(t["score"] == 0 for t in failed)
    assert any("Looks like:" in t["output"] for t in failed)
    public_failed = [t for t in by_exercise(data, "public")[6] if t["status"] == "failed"]
    assert [t["number"] for t in public_failed] == [t["number"] for t in failed]
    assert "failing" in data["output"]


def test_grade_all_with_the_recorded_seed_reproduces_the_score(container, tmp_path):
    data = container.grade(edited(*WRONG_DZ2))
    record = data["extra_data"]["autograder"]
    for name, text in edited(*WRONG_DZ2).items():
        (tmp_path / name).write_text(text)
    result = CliRunner().invoke(main, ["all", "--path", str(tmp_path), "--seed", str(record["seed"]),
                                       "--timeout", str(record["timeout"]), "--json"])
    assert result.exit_code == 1
    assert json.loads(result.output)["score"] == data["score"]


def test_an_empty_submission_gets_a_zero_that_says_why(container):
    data = container.grade({})
    assert data["score"] == 0 and data["max_score"] == FULL
    record = data["extra_data"]["autograder"]
    assert record["status"] == "failed to load" and record["reason"] == "empty folder"
    assert "could not be graded: empty folder" in data["output"]
    assert data["tests"] and all(t["status"] == "failed" for t in data["tests"])


def test_a_missing_file_costs_its_exercise_only(container):
    files = solved()
    del files["ex05_losses.py"]
    data = container.grade(files)
    assert exercise_scores(data)[5] == 0 and data["score"] == FULL - POINTS[5]
    assert "Not in your submission (0 points each): ex05_losses.py" in data["output"]
    assert all("submission/ex05_losses.py" in t["output"] for t in by_exercise(data, "yours")[5])


FORGER = '''
import json, os, sys
FAKE = {"score": 999, "output": "FORGED", "tests": []}
print(json.dumps(FAKE))
sys.stderr.write(json.dumps(FAKE) + "\\n")
tried = []
for path in [ROOT + "/results/results.json", "/autograder/results/results.json", "results/results.json",
             ROOT + "/submission_metadata.json", ROOT + "/source/reference/__init__.py"]:
    try:
        with open(path, "w" if path.endswith("results.json") else "r") as f:
            f.write(json.dumps(FAKE)) if path.endswith("results.json") else f.read()
        tried.append(path + ": done")
    except Exception as exc:
        tried.append(path + ": " + type(exc).__name__)
'''


def test_code_that_prints_a_fake_results_json_and_writes_results_json_changes_nothing(container):
    prefix = FORGER.replace("ROOT", repr(str(container.root)))
    files = dict(solved(), **{FILES[0]: prefix + "\n" + solved()[FILES[0]] + "\n\ndef sigmoid(z):\n"
                                                                         "    raise RuntimeError(str(tried))\n"})
    data = container.grade(files)
    text = json.dumps(data)
    assert "FORGED" not in text and "999" not in text   # neither its prints nor its file reached results.json
    assert data["score"] < FULL and exercise_scores(data)[1] < POINTS[1]
    assert all(exercise_scores(data)[n] == POINTS[n] for n in POINTS if n != 1)
    # What the student's code met, as its own exception reports it in a public test:
    said = next(t["output"] for t in by_exercise(data, "public")[1] if "RuntimeError" in t["output"])
    assert ": done" not in said, said
    for path in ("results/results.json", "submission_metadata.json", "source/reference/__init__.py"):
        assert re.search(f"{re.escape(str(container.root / path))}: (PermissionError|FileNotFoundError)", said), said


def test_code_that_kills_every_process_of_its_user_costs_its_own_exercise_only(container):
    files = dict(solved())
    files["ex03_forward.py"] = "import os, signal\nos.kill(-1, signal.SIGKILL)\n" + files["ex03_forward.py"]
    data = container.grade(files)
    scores = exercise_scores(data)
    assert all(scores[n] == POINTS[n] for n in POINTS if n != 3), scores
    if data["extra_data"]["autograder"]["isolation"] == "none":   # its grading process was within reach
        assert scores[3] == 0
        assert all("not run: the grading process was killed by SIGKILL" in t["output"]
                   for t in by_exercise(data, "yours")[3])


def test_an_endless_train_costs_the_training_exercise_and_results_json_is_still_written(container):
    files = edited("ex10_training.py", "    losses = []\n", "    losses = []\n    while True:\n        pass\n")
    data = container.grade(files)
    ex10 = next(e for e in data["extra_data"]["exercises"] if e["number"] == 10)
    assert ex10["status"] == "error" and f"stopped after {TIMEOUT:g}" in ex10["reason"]
    assert ex10["score"] < POINTS[10]
    assert all(exercise_scores(data)[n] == POINTS[n] for n in POINTS if n != 10)


def test_two_students_get_different_inputs_and_a_resubmission_the_same(container):
    wrong = edited(*WRONG_DZ2)
    alice, bob, alice_again = (container.grade(wrong, users=[u]) for u in (1001, 2002, 1001))
    hidden = {name: [t["output"] for t in by_exercise(d, "yours")[6]] for name, d in
              (("alice", alice), ("bob", bob), ("alice_again", alice_again))}
    public = [[t["output"] for t in by_exercise(d, "public")[6]] for d in (alice, bob, alice_again)]
    assert alice["extra_data"]["autograder"]["seed"] == alice_again["extra_data"]["autograder"]["seed"]
    assert alice["extra_data"]["autograder"]["seed"] != bob["extra_data"]["autograder"]["seed"]
    assert hidden["alice"] == hidden["alice_again"]       # the same expected values, the same inputs
    assert hidden["alice"] != hidden["bob"]
    assert public[0] == public[1] == public[2]           # the public inputs are everyone's


def test_a_group_is_one_seed_whatever_the_order_of_its_members(container):
    data = container.grade(solved(), users=[7, 3])
    assert data["extra_data"]["autograder"]["seed"] == seed_for(["3", "7"])
    assert data["extra_data"]["autograder"]["students"] == ["3", "7"]


def other_root(container, tmp_path):
    """A second AUTOGRADER_ROOT sharing the first's virtual environment."""
    root = tmp_path / "root"
    shutil.copytree(container.root / "source", root / "source", symlinks=True)
    (root / "venv").symlink_to(container.root / "venv")
    (root / "submission").mkdir()
    return root


def test_a_grader_failure_is_a_zero_that_says_it_is_the_graders(container, tmp_path):
    root = other_root(container, tmp_path)
    (root / "source" / "autograder.json").write_text('{"visibility": "tomorrow", "timeout": 5}')
    for name, text in solved().items():
        (root / "submission" / name).write_text(text)
    result, data = run_autograder(root)
    assert data["score"] == 0 and data["output"].startswith("GRADER ERROR")
    assert data["extra_data"]["autograder"]["status"] == "grader error"
    assert "tomorrow" in data["extra_data"]["autograder"]["error"] and "tomorrow" not in data["output"]
    assert "GRADER ERROR" in result.stdout


def test_when_python_itself_cannot_run_the_script_still_writes_a_zero_that_says_so(container, tmp_path):
    root = other_root(container, tmp_path)
    (root / "venv").unlink()
    _, data = run_autograder(root)
    assert data["score"] == 0 and data["output"].startswith("GRADER ERROR")
    assert "exit status 127" in data["output"]


STALE_BYTECODE = """
import importlib.util, os, sys
from pathlib import Path
for path in sorted(Path(sys.argv[1]).rglob("*.py")):
    try:
        header = Path(importlib.util.cache_from_source(str(path))).read_bytes()[:16]
    except OSError:
        print(path, "not compiled")
        continue
    st = os.stat(path)
    if int.from_bytes(header[4:8], "little") != 0 or header[8:16] != (
            (int(st.st_mtime) & 0xFFFFFFFF).to_bytes(4, "little") + (st.st_size & 0xFFFFFFFF).to_bytes(4, "little")):
        print(path, "compiled from another version")
"""


def test_setup_compiles_the_grader_so_that_no_submission_compiles_it_again(container):
    """Each submission runs in a fresh copy of the image setup.sh built: bytecode written then
    is lost, so without it every submission would compile the grader again."""
    python = container.root / "venv" / "bin" / "python"
    for package in ("grader", "clean_room", "reference"):
        found = subprocess.run([str(python), "-c", STALE_BYTECODE, str(container.root / "source" / package)],
                               capture_output=True, text=True, check=True)
        assert found.stdout == "", found.stdout


def test_the_zip_reads_its_catalog_without_importing_pyyaml(container):
    python = container.root / "venv" / "bin" / "python"
    found = subprocess.run([str(python), "-c", "import sys; from grader.catalog import load_catalog; "
                            "print(len(load_catalog()), 'yaml' in sys.modules)"],
                           cwd=container.root / "source", capture_output=True, text=True, check=True)
    assert found.stdout.split() == [str(len(FILES)), "False"]


def test_a_run_stopped_on_the_students_inputs_shows_none_of_them_in_the_public_tests(container):
    """The run's reason names the call it stopped in, with its inputs, and whatever the student's
    code sent back; public tests are shown at once, so they say only that the run stopped."""
    leak = ('import sys\n    child = sys.modules["clean_room.child"]\n'
            '    if child._current == 0:   # the first call: the student\'s own inputs come first\n'
            '        child._channel.send({"call": 0, "value": {"HIDDEN " + repr(y.ravel().tolist()): 0}})\n'
            '    return float(np.mean((y - y_hat) ** 2))')
    data = container.grade(edited("ex05_losses.py", "return float(np.mean((y - y_hat) ** 2))", leak))
    public, hidden = by_exercise(data, "public")[5], by_exercise(data, "yours")[5]
    assert any("HIDDEN" in t["output"] for t in hidden)   # shown after the due date: the student's own
    assert not any("HIDDEN" in t["output"] or "mse(y" in t["output"] for t in public), public
    assert any("stopped while it ran on your own inputs" in t["output"] for t in public)
    assert "HIDDEN" not in data["output"]
    assert exercise_scores(data)[5] < POINTS[5]
