"""What the instructor gets when the batch cannot do its job: bad options, an out dir it cannot
write, a grader bug. Always one line `error: ...` and exit 2, never a traceback, and never a
student charged (or a fingerprint saved) for the grader's own failure."""
import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from grader import engine
from grader.batch import BatchError, run_batch
from grader.cli import main
from test_batch_helpers import FULL, SEED, copy_solutions
from normal_user import become_normal_user


def batch(*args):
    return CliRunner().invoke(main, ["batch", *map(str, args), "--seed", str(SEED), "--no-progress"])


def one_line_error(result, *words):
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.output
    for word in words:
        assert word in result.stderr, result.stderr


@pytest.fixture
def subs(tmp_path):
    folder = tmp_path / "subs"
    copy_solutions(folder / "alice")
    copy_solutions(folder / "bob")
    return folder


# ------------------------------------------------------------------------------ options

@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "0", "-1", "1e300"])
def test_a_timeout_that_is_not_a_sane_number_of_seconds_is_refused(subs, tmp_path, value):
    result = batch(subs, "--out", tmp_path / "out", "--timeout", value)
    one_line_error(result, "--timeout must be")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("value", ["0", "-3"])
def test_workers_below_one_are_refused(subs, tmp_path, value):
    one_line_error(batch(subs, "--out", tmp_path / "out", "--workers", value), "--workers must be")


def test_run_batch_checks_its_arguments_too(subs, tmp_path):
    for kwargs in ({"timeout": float("nan")}, {"timeout": "soon"}, {"timeout": None}, {"workers": 0},
                   {"workers": 1.5}, {"workers": True}):
        with pytest.raises(BatchError):
            run_batch(subs, tmp_path / "out", progress=False, **kwargs)


# ------------------------------------------------------------------------------ SUBMISSIONS and --out

def test_submissions_that_is_a_file(tmp_path):
    path = tmp_path / "class.zip"
    path.write_bytes(b"PK")
    one_line_error(batch(path, "--out", tmp_path / "out"), "is a file, not a folder")
    one_line_error(batch(tmp_path / "nope", "--out", tmp_path / "out"), "no such folder")


def test_out_that_is_a_file_or_under_a_file(subs, tmp_path):
    taken = tmp_path / "results.txt"
    taken.write_text("keep me\n")
    one_line_error(batch(subs, "--out", taken), str(taken), "is a file, not a folder")
    one_line_error(batch(subs, "--out", taken / "out"), "cannot write")
    assert taken.read_text() == "keep me\n"


def world_writable_base():
    for candidate in ("/var/tmp", "/dev/shm"):
        if os.path.isdir(candidate) and os.stat(candidate).st_mode & 0o1777 == 0o1777:
            return candidate
    pytest.skip("no world-writable temp folder")


def as_another_user(function):
    """Runs function() in a child that is not root (root may write anywhere); returns its result
    (plain data, sent back as JSON)."""
    if os.geteuid() != 0:
        return function()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            os.close(read_end)
            become_normal_user(320_000 + os.getpid() % 10_000)   # the checkout may be root's only
            os.write(write_end, json.dumps(function()).encode())
            code = 0
        finally:
            os._exit(code)
    os.close(write_end)
    with os.fdopen(read_end) as f:
        text = f.read()
    os.waitpid(pid, 0)
    assert text, "the child failed"
    return json.loads(text)


def test_an_out_dir_that_cannot_be_written_is_one_line_exit_2():
    base = Path(tempfile.mkdtemp(prefix="batch-unwritable-", dir=world_writable_base()))
    try:
        copy_solutions(base / "subs" / "alice")
        locked = base / "locked"
        locked.mkdir()
        (locked / "out").mkdir()
        for path in (base, base / "subs", base / "subs" / "alice", *(base / "subs" / "alice").iterdir()):
            os.chmod(path, 0o755 if path.is_dir() else 0o644)
        os.chmod(locked, 0o555)          # nobody but root may create anything in it
        os.chmod(locked / "out", 0o555)  # an existing out dir nobody may write

        def run(out):
            def invoke():
                result = batch(base / "subs", "--out", out)
                return result.exit_code, result.stderr, result.stdout
            return as_another_user(invoke)

        for out in (locked / "new", locked / "out"):
            code, stderr, stdout = run(out)
            assert code == 2, (stderr, stdout)
            assert stderr == f"error: {out}: cannot write (Permission denied)\n"
        assert os.listdir(locked / "out") == []
    finally:
        os.chmod(base / "locked", 0o755)
        shutil.rmtree(base, ignore_errors=True)


def test_an_unreadable_submissions_folder_is_one_line():
    base = Path(tempfile.mkdtemp(prefix="batch-unreadable-", dir=world_writable_base()))
    try:
        os.chmod(base, 0o777)               # the other user writes the out dir here
        (base / "subs").mkdir()
        os.chmod(base / "subs", 0o311)      # may be entered, not listed

        def invoke():   # run_batch itself: click's own check refuses an unreadable argument first
            try:
                run_batch(base / "subs", base / "out", progress=False)
            except BatchError as exc:
                return str(exc)
            return "no error"

        assert as_another_user(invoke) == f"{base / 'subs'}: cannot read (Permission denied)"
    finally:
        shutil.rmtree(base, ignore_errors=True)


# ------------------------------------------------------------------------------ a grader bug

def test_a_grader_bug_stops_the_batch_and_charges_no_student(subs, tmp_path, monkeypatch):
    real = engine.grade_folder

    def buggy(folder, seed=1, timeout=5.0, numbers=None, staged=None):
        if numbers == {3}:
            raise ZeroDivisionError("a bug in the grader")
        return real(folder, seed, timeout, numbers=numbers, staged=staged)

    monkeypatch.setattr(engine, "grade_folder", buggy)   # the workers are forked after this
    out = tmp_path / "out"
    result = batch(subs, "--out", out, "--workers", "1")
    one_line_error(result, "grader error while grading alice, exercise 3",
                   "ZeroDivisionError: a bug in the grader", "nothing was saved for alice")
    assert not list(out.glob("*/results.json"))   # no zero, no fingerprint to reuse

    monkeypatch.setattr(engine, "grade_folder", real)
    summary = run_batch(subs, out, workers=1, seed=SEED, progress=False)
    assert (summary.graded_now, summary.reused) == (2, 0)
    assert [r.score for r in summary.records] == [FULL, FULL]
