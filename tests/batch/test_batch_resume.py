"""Nothing lost: a batch killed with SIGKILL (or stopped with Ctrl-C) half-way, then run again,
re-grades only the students without results and ends with the gradebook of an uninterrupted run."""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from grader.batch import run_batch, store
from grader.catalog import COURSE_ROOT
from test_batch_helpers import FILES, SEED, alive, batch_processes, copy_solutions, read_gradebook

STUDENTS = [f"s{i}" for i in range(6)]


def slow(seconds):
    return f"import time\ntime.sleep({seconds})\n"


def slow_class(root):
    """The first two students take a little while, the others longer (2 s each): a kill sent
    when the first results are there lands mid-class however fast or busy the machine is."""
    subs = Path(root) / "subs"
    for i, name in enumerate(STUDENTS):
        folder = copy_solutions(subs / name, {1: slow(0.4 if i < 2 else 2.0)})
        if i % 2:   # some mistakes, so the gradebooks compared are not all full marks
            (folder / FILES[4]).write_text("def chain_rule(x, y, z):\n    return (x + y) * z, z, z, x\n")
    return subs


def results(out):
    return sorted(p.parent.name for p in Path(out).glob("*/results.json")
                  if store.read_results(p)[0] is not None)


def start_batch(subs, out, workers=1):
    return subprocess.Popen(
        [sys.executable, "-m", "grader.cli", "batch", str(subs), "--out", str(out), "--workers", str(workers),
         "--seed", str(SEED), "--timeout", "5", "--no-progress"],
        cwd=COURSE_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)


def wait_for(condition, seconds=30):
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.02)


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory):
    root = tmp_path_factory.mktemp("full")
    subs = slow_class(root)
    summary = run_batch(subs, root / "out", workers=2, seed=SEED, timeout=5, progress=False)
    assert summary.graded_now == len(STUDENTS)
    return (root / "out" / "gradebook.csv").read_bytes()


def test_kill_9_then_resume_grades_only_the_rest(tmp_path, uninterrupted):
    subs = slow_class(tmp_path)
    out = tmp_path / "out"
    proc = start_batch(subs, out)
    try:
        wait_for(lambda: len(results(out)) >= 2)
        workers = batch_processes(proc.pid)   # its children now: the workers (sandboxes are theirs)
        assert len(workers) == 1
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate()
    wait_for(lambda: not any(alive(pid) for pid in workers), seconds=10)   # no orphan keeps grading
    finished = results(out)
    assert 2 <= len(finished) < len(STUDENTS)
    before = {name: (out / name / "results.json").read_bytes() for name in finished}
    assert not (out / "gradebook.csv").exists()

    summary = run_batch(subs, out, workers=2, seed=SEED, timeout=5, progress=False)
    assert summary.reused == len(finished)
    assert summary.graded_now == len(STUDENTS) - len(finished)
    assert not summary.interrupted
    for name, raw in before.items():   # finished students were not graded again
        assert (out / name / "results.json").read_bytes() == raw
    assert (out / "gradebook.csv").read_bytes() == uninterrupted
    assert not list(out.glob("*/.batch-*.tmp"))


def test_ctrl_c_stops_cleanly_and_says_how_to_resume(tmp_path, uninterrupted):
    subs = slow_class(tmp_path)
    out = tmp_path / "out"
    proc = start_batch(subs, out, workers=2)
    try:
        wait_for(lambda: len(results(out)) >= 1)
        workers = batch_processes(proc.pid)
        assert len(workers) == 2
        os.killpg(proc.pid, signal.SIGINT)   # what a terminal's Ctrl-C does: the whole group
        stdout, stderr = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, stderr
    assert "Run the same command again" in stdout
    assert not any(alive(pid) for pid in workers)
    rows = {r["student"]: r for r in read_gradebook(out / "gradebook.csv")}
    assert set(rows) == set(STUDENTS)
    done = results(out)
    assert {s for s, r in rows.items() if r["status"] == "graded"} == set(done)
    assert all(r["status"] == "not graded" and r["total"] == "" for s, r in rows.items() if s not in done)

    summary = run_batch(subs, out, workers=2, seed=SEED, timeout=5, progress=False)
    assert summary.graded_now == len(STUDENTS) - len(done) and summary.reused == len(done)
    assert (out / "gradebook.csv").read_bytes() == uninterrupted


def test_a_rerun_regrades_only_missing_corrupt_or_changed_results(tmp_path):
    subs = tmp_path / "subs"
    for name in ("a", "b", "c", "d"):
        copy_solutions(subs / name)
    out = tmp_path / "out"
    first = run_batch(subs, out, workers=2, seed=SEED, timeout=5, progress=False)
    assert first.graded_now == 4 and first.reused == 0
    book = (out / "gradebook.csv").read_bytes()

    (out / "a" / "results.json").unlink()
    (out / "b" / "results.json").write_text('{"score": 62, "tests": [')   # half-written
    again = run_batch(subs, out, workers=2, seed=SEED, timeout=5, progress=False)
    assert (again.graded_now, again.reused) == (2, 2)
    assert (out / "gradebook.csv").read_bytes() == book

    (subs / "c" / FILES[9]).write_text("def sgd_step(params, grads, lr):\n    return params\n")
    changed = run_batch(subs, out, workers=2, seed=SEED, timeout=5, progress=False)
    assert (changed.graded_now, changed.reused) == (1, 3)
    assert {r.student: r.score for r in changed.records}["c"] < 62

    assert run_batch(subs, out, workers=2, seed=SEED + 1, timeout=5, progress=False).graded_now == 4
    forced = run_batch(subs, out, workers=2, seed=SEED + 1, timeout=5, progress=False, force=True)
    assert (forced.graded_now, forced.reused) == (4, 0)


class Tamper:
    """A progress stream that forges a results.json when the grading starts (as hostile code
    could when the grader is not root and shares its uid)."""

    def __init__(self, path):
        self.path, self.done = path, False

    def write(self, text):
        if not self.done:
            self.done = True
            self.path.write_text("forged")

    def flush(self):
        pass

    def isatty(self):
        return False


def test_a_results_file_changed_during_the_run_is_put_back(tmp_path):
    subs = tmp_path / "subs"
    copy_solutions(subs / "a")
    out = tmp_path / "out"
    run_batch(subs, out, workers=1, seed=SEED, timeout=5, progress=False)
    original = (out / "a" / "results.json").read_bytes()
    copy_solutions(subs / "b")
    summary = run_batch(subs, out, workers=1, seed=SEED, timeout=5, progress=True,
                        stream=Tamper(out / "a" / "results.json"))
    assert summary.restored == ["a"] and summary.reused == 1 and summary.graded_now == 1
    assert (out / "a" / "results.json").read_bytes() == original
    assert {r.student: r.score for r in summary.records} == {"a": 62, "b": 62}
    assert "rewritten: a" in summary.text()
