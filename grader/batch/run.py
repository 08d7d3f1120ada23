"""`run_batch`: the whole class, from SUBMISSIONS to results, gradebook and report.

1. Discover the students and copy each one's exercise files into a private staging folder
   (grader/batch/submissions.py); a submission that cannot be used gets its reason.
2. Fingerprint each (store.fingerprint); a student whose results.json carries the same
   fingerprint keeps it (unless force), a submission that failed to load gets its zero now.
3. Warm this process (hidden tests for the seed, the sandbox), fork the warm workers
   (grader/batch/pool.py) and grade the rest; each results.json is written here, atomically,
   as soon as its student is done. Student code only ever runs in the sandbox's children.
4. Check every results.json is still what this run wrote or found (rewrite it otherwise), then
   rebuild gradebook.csv and report.html from them.
"""
from __future__ import annotations

import json
import operator
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from .. import engine, runner
from ..catalog import load_catalog
from ..feedback import all_text
from ..results import to_gradescope
from . import gradebook, records, report, store
from .pool import GraderError, PoolError, Task, WarmPool, not_run
from .progress_bar import Progress
from .submissions import discover, stage

GRADEBOOK = "gradebook.csv"
REPORT = "report.html"
STAGING_PREFIX = "grade-batch-"


class BatchError(Exception):
    """Bad input for a batch (no such folder, nothing to grade): one line for the instructor."""


@dataclass
class BatchSummary:
    students: int = 0             # entries of SUBMISSIONS that are students
    graded: int = 0               # students with grades (this run or kept from an earlier one)
    failed_to_load: int = 0       # submissions that could not be used: zero points and a reason
    not_graded: int = 0           # no results yet (the batch was interrupted)
    timed_out: int = 0            # graded students with at least one exercise stopped for time
    mean_score: float = 0.0       # over the graded students (records.MEAN_RULE)
    max_score: float = 0.0
    graded_now: int = 0           # students whose code ran in this run
    failed_now: int = 0           # failed-to-load results written in this run
    reused: int = 0               # results kept from an earlier run (same submission, seed, grader)
    wall_time: float = 0.0
    workers: int = 0
    worker_deaths: int = 0
    interrupted: bool = False
    out_dir: Path = None
    gradebook: Path = None
    report: Path = None
    ignored: list = field(default_factory=list)    # (entry, why) not treated as students
    stale: list = field(default_factory=list)      # result folders of entries no longer in SUBMISSIONS
    restored: list = field(default_factory=list)   # results.json changed during the run, rewritten
    records: list = field(default_factory=list)    # records.StudentRecord, sorted by student

    def text(self):
        def names(kind):
            found = [r.student for r in self.records if kind(r)]
            shown = ", ".join(found[:8]) + (f", ... ({len(found) - 8} more)" if len(found) > 8 else "")
            return f" ({shown})" if found else ""

        lines = []
        if self.interrupted:
            lines.append(f"Interrupted: {self.graded_now} students graded in this run and saved. "
                         "Run the same command again to grade the rest.")
        lines.append(f"{_plural(self.students, 'student')}: {self.graded} graded, {self.failed_to_load} failed to load"
                     + names(lambda r: r.status == records.FAILED)
                     + (f", {self.not_graded} not graded yet" if self.not_graded else "") + ".")
        lines.append(f"  timed out: {self.timed_out}" + names(lambda r: r.timed_out))
        lines.append(f"  mean score: {records.figure(self.mean_score)}/{gradebook.number(self.max_score)}"
                     + (f" ({records.MEAN_RULE})" if self.failed_to_load else ""))
        lines.append(f"  this run: {self.graded_now} graded, {self.reused} kept (unchanged since the last run), "
                     f"{self.failed_now} failed to load, in {self.wall_time:.1f} s"
                     + (f" with {_plural(self.workers, 'worker')}" if self.workers else ""))
        if self.worker_deaths:
            lines.append(f"  grading processes lost and replaced: {self.worker_deaths}")
        if self.restored:
            lines.append(f"  results changed during the run and rewritten: {', '.join(self.restored)}")
        if self.ignored:
            lines.append("  ignored: " + ", ".join(f"{name} ({why})" for name, why in self.ignored))
        if self.stale:
            lines.append("  result folders of entries no longer in SUBMISSIONS (left alone, not in the gradebook): "
                         + ", ".join(self.stale))
        lines.append(f"Results:   {self.out_dir}/<student>/{store.RESULTS}")
        lines.append(f"Gradebook: {self.gradebook}")
        lines.append(f"Report:    {self.report}")
        return "\n".join(lines)


def _plural(n, word):
    return f"{n} {word}" + ("" if n == 1 else "s")


def default_workers():
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _check_submissions(submissions_dir):
    if submissions_dir.is_dir():
        return
    if submissions_dir.is_file():
        raise BatchError(f"{submissions_dir}: is a file, not a folder "
                         "(SUBMISSIONS is a folder holding one folder or .zip per student)")
    if os.path.lexists(submissions_dir):
        raise BatchError(f"{submissions_dir}: not a folder (SUBMISSIONS holds one folder or .zip per student)")
    raise BatchError(f"{submissions_dir}: no such folder (SUBMISSIONS holds one folder or .zip per student)")


def _make_out_dir(out_dir):
    """Creates the out dir and proves it can be written, before any grading."""
    try:
        if out_dir.is_file():
            raise BatchError(f"{out_dir}: is a file, not a folder (--out is the folder the results go to)")
        out_dir.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(dir=out_dir, prefix=store.TEMP_PREFIX, suffix=".tmp")
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise BatchError(f"{out_dir}: cannot write ({exc.strerror})") from None


def _write(path, data):
    """store.write_atomic, with a full disk or a folder made read-only mid-run as one line."""
    try:
        store.write_atomic(path, data)
    except OSError as exc:
        raise BatchError(f"{path}: cannot write ({exc.strerror})") from None


def _check_workers(workers):
    if workers is None:
        return None
    try:
        count = operator.index(workers)
    except TypeError:
        count = 0
    if isinstance(workers, bool) or count < 1:
        raise BatchError(f"--workers must be a whole number, 1 or more, not {workers!r}")
    return count


def _check_timeout(timeout):
    try:
        return engine.check_timeout(timeout)
    except ValueError as e:
        raise BatchError(str(e)) from None


def run_batch(submissions_dir, out_dir, *, workers=None, timeout=engine.DEFAULT_TIMEOUT,
              seed=engine.INSTRUCTOR_SEED, force=False, progress=True, stream=None) -> BatchSummary:
    """Grades every student in `submissions_dir` into `out_dir`; see the module docstring.

    workers: students graded in parallel (default: the CPUs this process may use). force: grade
    everyone again, ignoring results already there. progress: draw the progress line on
    `stream` (default stderr). Ctrl-C (or SIGTERM) stops grading cleanly: what was finished is
    kept, the gradebook and report are rebuilt, and the summary says so (summary.interrupted).
    """
    started = time.monotonic()
    submissions_dir, out_dir = Path(submissions_dir), Path(out_dir)
    _check_submissions(submissions_dir)
    workers, timeout = _check_workers(workers), _check_timeout(timeout)
    if out_dir.resolve() == submissions_dir.resolve():
        raise BatchError("--out must not be the SUBMISSIONS folder itself")
    _make_out_dir(out_dir)
    try:
        submissions, ignored = discover(submissions_dir, exclude=[out_dir])
    except OSError as exc:
        raise BatchError(f"{submissions_dir}: cannot read ({exc.strerror})") from None
    if not submissions:
        raise BatchError(f"{submissions_dir}: no submissions (expected one folder or .zip per student)")

    summary = BatchSummary(students=len(submissions), out_dir=out_dir, ignored=ignored,
                           gradebook=out_dir / GRADEBOOK, report=out_dir / REPORT, max_score=records.full_marks())
    stream = sys.stderr if stream is None else stream
    warning = runner.weak_isolation_warning()
    if warning:
        stream.write(f"warning: {warning}\n")
        stream.flush()
    kept = {}     # out_name -> the bytes of the results.json this run wrote or found valid
    _remove_stale_staging()
    try:
        staging = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{os.getpid()}-"))
    except OSError as exc:
        raise BatchError(f"{tempfile.gettempdir()}: cannot write the staging folder ({exc.strerror})") from None
    restore_sigterm = _sigterm_interrupts()
    try:
        try:
            tasks = _prepare(submissions, staging, out_dir, seed, timeout, force, kept, summary)
            if tasks:
                try:
                    _grade(tasks, out_dir, seed, timeout, workers, progress, stream, kept, summary)
                except GraderError as exc:
                    student = exc.task.staged.submission.student
                    raise BatchError(
                        f"grader error while grading {student}, exercise {exc.number}: {exc.detail}. "
                        f"This is a bug in the grader, not the student's doing: nothing was saved for "
                        f"{student}, the results written so far are kept") from exc
                except PoolError as exc:
                    raise BatchError(f"{exc}; the results written so far are kept") from exc
        except KeyboardInterrupt:
            summary.interrupted = True
    finally:
        restore_sigterm()
        shutil.rmtree(staging, ignore_errors=True)

    summary.restored = _restore(submissions, out_dir, kept)
    summary.stale = _stale(out_dir, submissions)
    rows = [records.record(s, _parse(kept.get(s.out_name))) for s in submissions]
    summary.records = rows
    _write(summary.gradebook, gradebook.render(rows).encode("utf-8"))
    _write(summary.report, report.render(rows, seed=seed, timeout=timeout).encode("utf-8"))

    counts = records.class_counts(rows)
    summary.graded, summary.failed_to_load = counts.graded, counts.failed
    summary.not_graded, summary.timed_out, summary.mean_score = counts.not_graded, counts.timed_out, counts.mean
    summary.wall_time = time.monotonic() - started
    return summary


# ------------------------------------------------------------------------------ the steps

def _prepare(submissions, staging, out_dir, seed, timeout, force, kept, summary):
    """Stages every submission and decides: keep its results, write its failure, or grade it."""
    tasks = []
    for index, sub in enumerate(submissions):
        try:
            staged = stage(sub, staging / f"{index:05d}")
        except OSError as exc:   # the grader's temp folder, not the submission (that is staged.reason)
            raise BatchError(f"{staging}: cannot write ({exc.strerror})") from None
        fp = store.fingerprint(staged.digest if staged.ok else "failed: " + staged.reason, seed, timeout)
        folder = out_dir / sub.out_name
        store.remove_temp_files(folder)
        data, raw = store.read_results(folder / store.RESULTS)
        if not force and data is not None and data["extra_data"]["fingerprint"] == fp:
            kept[sub.out_name] = raw
            summary.reused += 1
            if staged.folder:
                shutil.rmtree(staged.folder, ignore_errors=True)
            continue
        if not staged.ok:
            exercises = [not_run(e.number, seed, staged.reason, status="not started") for e in load_catalog()]
            _save(out_dir, staged, exercises, fp, seed, timeout, kept, 0.0)
            summary.failed_now += 1
            continue
        task = Task(index, str(staged.folder), staged.display, [e.number for e in load_catalog()])
        task.staged, task.fingerprint = staged, fp
        tasks.append(task)
    return tasks


def _grade(tasks, out_dir, seed, timeout, workers, progress, stream, kept, summary):
    _warm(seed)
    size = min(workers or default_workers(), len(tasks))
    summary.workers = size
    bar = Progress(len(tasks), stream=stream, enabled=progress)
    if progress:
        stream.write(f"Grading {_plural(len(tasks), 'student')} with {_plural(size, 'worker')} "
                     f"({summary.reused} unchanged since the last run, kept).\n")
        stream.flush()

    def done(task, exercises):
        seconds = time.monotonic() - task.started
        _save(out_dir, task.staged, exercises, task.fingerprint, seed, timeout, kept, seconds)
        shutil.rmtree(task.folder, ignore_errors=True)
        summary.graded_now += 1
        bar.update(summary.graded_now)

    pool = WarmPool(size, seed, timeout)   # forked here: after the warm-up, before any thread
    try:
        pool.run(tasks, done, tick=bar.update)
    finally:
        summary.worker_deaths = pool.deaths
        pool.close()
        bar.finish()


def _warm(seed):
    """What every worker needs, done once here so the forked workers start warm."""
    for e in load_catalog():
        engine.hidden_tests(e.number, seed)
        engine.black_boxes_for(e.number)
    store.grader_version()
    report.environment()


def _save(out_dir, staged, exercises, fp, seed, timeout, kept, seconds):
    sub = staged.submission
    files = {e.number: e.file for e in load_catalog()}
    if staged.ok:
        status, reason = records.GRADED, ""
        head = f"Graded the {len(staged.files)} exercise files in {staged.display}."
        for remark in staged.remarks:
            head += f"\nNote: {remark}."
        text = head + "\n\n" + all_text(exercises, files)   # what grade all shows the student
    else:
        status, reason = records.FAILED, staged.reason
        text = f"Your submission ({sub.entry}) could not be graded: {reason}."
    data = to_gradescope(exercises, seconds, text)
    data["extra_data"]["student"] = sub.student
    data["extra_data"]["fingerprint"] = fp
    data["extra_data"]["batch"] = {
        "status": status, "reason": reason, "entry": sub.entry, "found_in": staged.found_in,
        "files": staged.files, "remarks": staged.remarks, "note": sub.note,
        "seed": seed, "timeout": timeout, "grader_version": store.grader_version(),
    }
    raw = store.encode_results(data)
    folder = out_dir / sub.out_name
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
    except OSError as exc:
        raise BatchError(f"{folder}: cannot write ({exc.strerror})") from None
    _write(folder / store.RESULTS, raw)
    kept[sub.out_name] = raw


def _parse(raw):
    return None if raw is None else json.loads(raw)


def _restore(submissions, out_dir, kept):
    """Rewrites any results.json that is no longer what this run wrote or found (returns who)."""
    restored = []
    for sub in submissions:
        raw = kept.get(sub.out_name)
        if raw is None:
            continue
        path = out_dir / sub.out_name / store.RESULTS
        try:
            current = path.read_bytes() if not path.is_symlink() else None
        except OSError:
            current = None
        if current != raw:
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            _write(path, raw)   # os.replace swaps a symlink itself, not its target
            restored.append(sub.student)
    return restored


def _stale(out_dir, submissions):
    current = {s.out_name for s in submissions}
    stale = []
    try:
        entries = sorted(os.scandir(out_dir), key=lambda e: e.name)
    except OSError:
        return []
    for entry in entries:
        if entry.is_dir(follow_symlinks=False) and entry.name not in current and not entry.name.startswith("."):
            if os.path.exists(os.path.join(entry.path, store.RESULTS)):
                stale.append(entry.name)
    return stale


def _remove_stale_staging():
    """Staging folders of batches that were killed (their pid is gone)."""
    root = Path(tempfile.gettempdir())
    try:
        entries = list(root.glob(STAGING_PREFIX + "*"))
    except OSError:
        return
    for path in entries:
        pid = path.name[len(STAGING_PREFIX):].split("-")[0]
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            if path.stat().st_uid != os.geteuid():
                continue
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(path, ignore_errors=True)
        except OSError:
            continue


def _sigterm_interrupts():
    """SIGTERM stops the batch like Ctrl-C (cleanly); returns how to undo that."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None

    def handler(signum, frame):
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, handler)
    except (ValueError, OSError):
        return lambda: None
    return lambda: signal.signal(signal.SIGTERM, previous)
