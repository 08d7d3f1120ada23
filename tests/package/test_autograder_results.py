"""run_autograder's parts, in this process: the student's seed, the results for each visibility,
the grader's own failure, and a whole run graded here (as root with namespaces: the path where
student code gets its own uid per run and sees nothing of AUTOGRADER_ROOT)."""
import json
from pathlib import Path

import pytest

from autograder_container import FILES, FULL, POINTS, solved
from gradescope_schema import check_results
from grader import engine
from grader.batch.pool import not_run
from grader.batch.submissions import Staged, Submission
from grader.catalog import load_catalog
from grader.package import run_autograder as ra
from grader.package.autograder import VISIBILITIES
from grader.runner import isolation_level


def test_a_students_seed_is_stable_distinct_and_never_the_public_one():
    assert ra.seed_for(["4242"]) == ra.seed_for([4242]) == ra.seed_for(["4242"])
    seeds = {ra.seed_for([str(i)]) for i in range(2000)}
    assert len(seeds) == 2000 and engine.STUDENT_SEED not in seeds
    assert ra.seed_for(["3", "7"]) == ra.seed_for(["7", "3"]) != ra.seed_for(["3"])
    assert all(isinstance(s, int) and s >= 0 for s in seeds)


def test_the_seed_comes_from_submission_metadata(tmp_path):
    (tmp_path / "submission_metadata.json").write_text(json.dumps({"users": [{"id": 99, "name": "A"}]}))
    student = ra.read_student(tmp_path)
    assert student.ids == ["99"] and student.seed == ra.seed_for(["99"])


def test_without_metadata_the_batch_seed_is_used_and_said(tmp_path):
    student = ra.read_student(tmp_path)
    assert student.seed == engine.INSTRUCTOR_SEED and "no submission_metadata.json" in student.seed_from


@pytest.mark.parametrize("text", ["not json", '{"users": []}', '{"users": [{"name": "no id"}]}', "[]"])
def test_metadata_that_names_no_one_is_the_graders_failure(tmp_path, text):
    (tmp_path / "submission_metadata.json").write_text(text)
    with pytest.raises(ra.GraderFailure, match="no user ids"):
        ra.read_student(tmp_path)


def fake_grading(seed):
    """Every exercise as not run (cheap): enough to check the shape of the results."""
    return ra.Grading("none", "nobody", [(e.number, not_run(e.number, engine.STUDENT_SEED, "x"),
                                          not_run(e.number, seed, "x")) for e in load_catalog()])


@pytest.mark.parametrize("visibility", VISIBILITIES)
def test_hidden_tests_take_the_chosen_visibility_and_public_ones_stay_visible(visibility):
    student = ra.Student(["1"], ra.seed_for(["1"]), "test")
    staged = Staged(Submission("submission", Path("submission"), "folder"), folder=Path("/nowhere"), files=FILES)
    data = ra.results_json(fake_grading(student.seed), staged, student, ra.Options(visibility, 5.0), 1.0)
    check_results(data)
    public = [t for t in data["tests"] if t["extra_data"]["inputs"] == "public"]
    hidden = [t for t in data["tests"] if t["extra_data"]["inputs"] == "yours"]
    assert len(public) == len(hidden) == sum(len(engine.hidden_tests(e.number, 1)) for e in load_catalog())
    assert all(t["visibility"] == "visible" and "score" not in t for t in public)
    assert all(t["visibility"] == visibility and "score" in t for t in hidden)
    assert ra.WHEN_SHOWN[visibility] in data["output"]
    assert data["stdout_visibility"] == "hidden" and data["output_format"] == "text"
    assert data["max_score"] == FULL and data["extra_data"]["autograder"]["visibility"] == visibility


def test_a_failure_of_the_grader_is_a_zero_that_says_so(tmp_path, monkeypatch, capsys):
    def broken(*args):
        raise KeyError("a bug in the grader")
    monkeypatch.setattr(ra, "grade_submission", broken)
    assert ra.run(tmp_path, ra.Options()) == 0
    data = json.loads((tmp_path / "results" / "results.json").read_text())
    check_results(data)
    assert data["score"] == 0 and data["output"] == ra.GRADER_ERROR_TEXT
    assert "a bug in the grader" in data["extra_data"]["autograder"]["error"]
    assert "a bug in the grader" in capsys.readouterr().out   # the instructor's stdout


def test_a_sandbox_that_fails_in_a_run_is_the_graders_zero_not_the_students(tmp_path, monkeypatch):
    """No separate sandbox check runs first: a run whose sandbox fails (before any student code)
    makes the whole grading the grader's failure, while the same file graded normally is full."""
    from grader import grading
    from grader.runner import Outcome
    (tmp_path / "files").mkdir()
    for name, text in solved().items():
        (tmp_path / "files" / name).write_text(text)
    public, hidden = ra.grade_both(1, tmp_path / "files", 7, 5.0)
    assert hidden.score == hidden.max_score and public.score == public.max_score

    def failing(*args, **kwargs):
        return Outcome("sandbox-error", [], None, "", "the sandbox could not start: mount /tmp: denied", 0.0)
    monkeypatch.setattr(grading, "run_student", failing)
    with pytest.raises(ra.GraderFailure, match="the sandbox does not work here: the sandbox could not start"):
        ra.grade_both(1, tmp_path / "files", 7, 5.0)


SPY = '''
import json, os
print("SECRET-PRINT")
tried = []
for path in [{results!r}, {metadata!r}]:
    try:
        with open(path, "a" if path.endswith(".json") and "results" in path else "r") as f:
            f.write("forged") if "results" in path else f.read()
        tried.append("done")
    except Exception as exc:
        tried.append(type(exc).__name__)
'''


def test_graded_in_this_process_student_code_reaches_neither_results_nor_metadata(tmp_path):
    root = tmp_path / "autograder"
    (root / "submission").mkdir(parents=True)
    (root / "results").mkdir()
    (root / "submission_metadata.json").write_text(json.dumps({"users": [{"id": 5}]}))
    files = solved()
    spy = SPY.format(results=str(root / "results" / "results.json"), metadata=str(root / "submission_metadata.json"))
    files[FILES[1]] = spy + files[FILES[1]] + "\n\ndef neuron(x, w, b):\n    raise ValueError(str(tried))\n"
    for name, text in files.items():
        (root / "submission" / name).write_text(text)
    assert ra.run(root, ra.Options("hidden", 3.0)) == 0
    data = json.loads((root / "results" / "results.json").read_text())
    check_results(data)
    record = data["extra_data"]["autograder"]
    assert record["isolation"] == isolation_level() and record["seed"] == ra.seed_for(["5"])
    assert "SECRET-PRINT" not in json.dumps(data)          # its prints never reach results.json
    scores = {e["number"]: e["score"] for e in data["extra_data"]["exercises"]}
    assert scores[2] < POINTS[2] and all(scores[n] == POINTS[n] for n in POINTS if n != 2)
    said = next(t["output"] for t in data["tests"] if t["number"] == "2.1" and t["extra_data"]["inputs"] == "public")
    if record["isolation"] in ("namespaces", "userns"):   # as a normal user without namespaces it runs as you
        assert "done" not in said and "Error" in said, said


def test_tests_are_built_longest_first_only_while_the_sandbox_is_still_starting(monkeypatch):
    built, answers = [], iter([True] * 5 + [False])
    monkeypatch.setattr(ra.runner, "template_starting", lambda: next(answers))
    monkeypatch.setattr(ra.engine, "hidden_tests", lambda number, seed: built.append((number, seed)))
    monkeypatch.setattr(ra.engine, "sources_for", lambda number: None)
    ra.warm(77, while_=ra.runner.template_starting)
    first, second = ra.LONGEST_FIRST[:2]
    assert built == [(first, 77), (first, engine.STUDENT_SEED), (second, 77), (second, engine.STUDENT_SEED),
                     (ra.LONGEST_FIRST[2], 77)]
    built.clear()
    monkeypatch.setattr(ra.runner, "template_starting", lambda: False)   # a ready sandbox is never kept waiting
    ra.warm(77, while_=ra.runner.template_starting)
    assert built == []


def test_a_template_is_starting_until_its_first_message_arrives():
    import socket
    from grader.runner.template import Template
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    with ours, theirs:
        template = Template.__new__(Template)
        template.sock, template.level = ours, None
        assert template.starting()
        theirs.send(json.dumps({"level": "namespaces"}).encode())
        assert not template.starting()
        assert template.wait_ready() == "namespaces" and not template.starting()
