"""The warm workers (a worker lost mid-exercise costs only that exercise), the progress line and
the gradebook's formatting."""
import csv
import io
import os
import shutil
import signal
from pathlib import Path

import pytest

from grader import engine
from grader.batch import gradebook, pool, progress_bar, records, report, store
from grader.batch.submissions import Submission
from grader import results
from grader.catalog import COURSE_ROOT
from test_batch_helpers import FULL, POINTS, SEED, copy_solutions


def test_a_killed_worker_costs_only_the_running_exercise(tmp_path):
    folder = copy_solutions(tmp_path / "kim", {2: "import time\ntime.sleep(3)\n"})
    for n in range(1, 12):
        engine.hidden_tests(n, SEED)
    finished = []
    warm = pool.WarmPool(1, SEED, timeout=5)
    killed = []

    def tick():
        worker = warm.workers[0]
        if worker.running == 2 and not killed:
            killed.append(worker.process.pid)
            os.kill(worker.process.pid, signal.SIGKILL)

    try:
        task = pool.Task("kim", str(folder), "kim", list(range(1, 12)))
        warm.run([task], lambda t, exercises: finished.append(exercises), tick=tick, tick_every=0.1)
        assert warm.deaths == 1 and warm.workers[0].process.pid != killed[0]
        assert warm.workers[0].process.is_alive()
    finally:
        warm.close()
    [exercises] = finished
    assert [ex.number for ex in exercises] == list(range(1, 12))
    lost = exercises[1]
    assert lost.score == 0 and lost.status == "error"
    assert "killed by SIGKILL" in lost.reason
    assert all(t.output.startswith("not run: ") for t in lost.tests)
    assert sum(ex.score for ex in exercises) == FULL - POINTS[2]


def test_staging_paths_are_replaced_in_messages():
    plain = {"reason": "file not found: /tmp/grade-batch-1-x/00003/ex05_losses.py", "tests": [["n", "1.1", 1.0, False, "at /tmp/grade-batch-1-x/00003/ex05_losses.py", ""]]}
    fixed = pool._relabel(plain, "/tmp/grade-batch-1-x/00003", "alice.zip/exercises")
    assert fixed["reason"] == "file not found: alice.zip/exercises/ex05_losses.py"
    assert fixed["tests"][0][4] == "at alice.zip/exercises/ex05_losses.py"


def test_what_the_gradebook_and_report_need_survives_the_trip_through_results_json():
    ex = results.ExerciseResult(6, "Gradients of the output layer", status="failing", reason="", output="hi\n")
    ex.tests = [results.TestResult("dz2", "6.1", 1.0, False, "expected 1, got 2", "forgot to divide by n"),
                results.TestResult("dw2", "6.2", 2.0, True)]
    data = results.to_gradescope([ex], 0.1, "text")
    [back] = store.exercises_from_results(data)
    assert [(t.name, t.number, t.max_score, t.passed, t.diagnosis) for t in back.tests] == \
        [(t.name, t.number, t.max_score, t.passed, t.diagnosis) for t in ex.tests]
    assert back.reason == ex.reason and back.output == ex.output and back.score == ex.score
    assert [t.output for t in back.tests] == [t["output"] for t in data["tests"]]   # as stored, not un-formatted
    assert pool.exercise_from_plain(pool.exercise_to_plain(ex)).tests == ex.tests


def test_the_diagnosis_is_read_from_its_own_field():
    ex = results.ExerciseResult(6, "Gradients of the output layer")
    ex.tests = [results.TestResult("dz2", "6.1", 1.0, False, "expected 1, got 2", "forgot to divide by n")]
    data = results.to_gradescope([ex], 0.1, "text")
    data["tests"][0]["output"] = "a text that does not end with the diagnosis"
    [back] = store.exercises_from_results(data)
    assert back.tests[0].diagnosis == "forgot to divide by n"


def graded_record(student, score, reason=""):
    rec = records.StudentRecord(student, student + "/", student, status=records.GRADED, score=score,
                                max_score=FULL, output=f"the feedback of {student}, as results.json holds it")
    rec.exercises = [results.ExerciseResult(1, "Activation functions", reason=reason)]
    return rec


def test_the_report_shows_the_stored_feedback_and_the_summary_its_counts():
    timeout = "ex01_activations.py stopped after 1.5 s (an infinite loop?)"
    failed = records.StudentRecord("bad", "bad.zip", "bad", status=records.FAILED, reason="corrupt zip", max_score=FULL)
    failed.exercises = [results.ExerciseResult(1, "Activation functions", reason=timeout)]   # not a graded timeout
    rows = [graded_record("ann", FULL), graded_record("bo", 58, reason=timeout), failed,
            records.record(Submission("cy", Path("cy"), "folder", out_name="cy"), None)]
    counts = records.class_counts(rows)
    assert (counts.students, counts.graded, counts.failed, counts.not_graded, counts.timed_out) == (4, 2, 1, 1, 1)
    assert counts.mean == pytest.approx((FULL + 58) / 2) and counts.full_marks == 1   # over the graded (MEAN_RULE)
    page = report.render(rows, seed=SEED, timeout=1.5)
    assert "the feedback of ann, as results.json holds it" in page
    assert "the feedback of bo, as results.json holds it" in page
    assert "<b>1</b> with a timeout" in page and "<b>1</b> not graded yet" in page
    assert f"mean <b>{records.figure(counts.mean)}</b>" in page


@pytest.mark.parametrize("value, text", [(62.0, "62"), (2.5, "2.5"), (0.1 + 0.2, "0.3"), (1 / 3, "0.3333"),
                                         (0.0, "0"), (-0.0, "0"), (1e-9, "0")])
def test_gradebook_numbers_have_no_float_noise(value, text):
    assert gradebook.number(value) == text


def test_gradebook_cells_cannot_become_formulas():
    rec = records.StudentRecord("=HYPERLINK(1)", "x/", "x", status=records.FAILED, reason="empty folder")
    line = gradebook.render([rec]).splitlines()[1]
    assert line.startswith("'=HYPERLINK(1)")
    assert gradebook.columns()[:2] == ["student", "ex01"] and gradebook.columns()[-4:] == ["total", "max", "status", "note"]


def test_not_graded_students_get_a_row_with_empty_score_cells():
    sub = Submission("zed", Path("zed"), "folder", out_name="zed")
    rec = records.record(sub, None)
    assert rec.status == records.NOT_GRADED and "interrupted" in rec.reason
    row = next(csv.DictReader(io.StringIO(gradebook.render([rec]))))
    assert all(row[f"ex{n:02d}"] == "" for n in POINTS) and row["total"] == ""   # not a zero
    assert row["max"] == "62" and row["status"] == "not graded"


def test_timeouts_are_recognised_only_in_the_sandboxes_words():
    assert records.is_timeout("ex01_activations.py stopped after 1.5 s (an infinite loop?) while ...")
    assert records.is_timeout("used more than 7 s of CPU time (an infinite loop?)")
    assert not records.is_timeout("ex01_activations.py raised ValueError at line 3: stopped after 3 s")


def test_progress_redraws_one_line_on_a_terminal():
    out = io.StringIO()
    bar = progress_bar.Progress(4, stream=out, tty=True)
    for done in range(1, 5):
        bar.update(done, force=True)
    bar.finish()
    text = out.getvalue()
    assert text.count("\r") == 4 and text.endswith("\n") and text.count("\n") == 1
    assert "4/4 100%" in text and "done in" in text


def test_progress_prints_every_tenth_when_not_a_terminal():
    out = io.StringIO()
    bar = progress_bar.Progress(200, stream=out, tty=False)
    for done in range(1, 201):
        bar.update(done)
    bar.finish()
    lines = out.getvalue().splitlines()
    assert len(lines) == 10 and "ETA" in lines[0] and "200/200" in lines[-1]


def test_clock():
    assert progress_bar.clock(5) == "0:05" and progress_bar.clock(3725) == "1:02:05"


def test_the_histogram_has_whole_point_bins_and_counts_everyone():
    from grader.batch.report import histogram
    bins = histogram([0, 6.9, 7, 55, 61.5, 62, 62], 62)
    assert [(b["low"], b["high"]) for b in bins][:2] == [("0", "7"), ("7", "14")]
    assert bins[-1]["high"] == "62" and bins[-1]["count"] == 3
    assert sum(b["count"] for b in bins) == 7


def test_the_grader_version_follows_what_shapes_the_results(tmp_path, monkeypatch):
    """Editing the batch's own recording code (or the feedback text it stores) re-grades a class;
    editing the gradebook, the report or a front door does not."""
    for folder in ("grader", "reference"):
        shutil.copytree(COURSE_ROOT / folder, tmp_path / folder, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(store, "COURSE_ROOT", tmp_path)
    version = store.grader_version.__wrapped__
    before = version()
    for name, changes in [("grader/batch/run.py", True), ("grader/batch/pool.py", True),
                          ("grader/batch/submissions.py", True), ("grader/feedback.py", True),
                          ("grader/hidden/ex06.py", True), ("reference/__init__.py", True),
                          ("grader/batch/report.py", False), ("grader/batch/gradebook.py", False),
                          ("grader/batch/progress_bar.py", False), ("grader/cli.py", False)]:
        path = tmp_path / name
        original = path.read_bytes()
        path.write_bytes(original + b"\n# edited\n")
        assert (version() != before) == changes, name
        path.write_bytes(original)
    assert version() == before
