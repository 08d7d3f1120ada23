"""The out dir's files: written atomically, read back defensively, and fingerprinted for resuming.

Every file the batch writes goes through `write_atomic`: a temporary file in the same folder,
then os.replace, so a reader (or a rerun after kill -9) sees the old file or the new one, never
half of one. Each results.json carries `extra_data.fingerprint`: a sha256 over the exercise
files graded, the seed, the timeout and the grader's version. A rerun skips a student whose
stored fingerprint equals the one computed now; anything unreadable counts as "no results".
"""
from __future__ import annotations

import hashlib
import json
import os
import platform
import tempfile
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..catalog import COURSE_ROOT
from ..results import ExerciseResult, TestResult

RESULTS = "results.json"
TEMP_PREFIX = ".batch-"
# The grader's modules that shape nothing a results.json records (front doors, and what the
# batch rebuilds from the results on every run): editing them must not re-grade a class.
FRONT_DOORS = {
    "grader/cli.py", "grader/progress.py", "grader/watch.py", "grader/selfcheck.py", "grader/__main__.py",
    "grader/spreadsheet.py", "grader/cli_errors.py", "grader/handed_in.py",
    "grader/batch/__init__.py", "grader/batch/progress_bar.py", "grader/batch/records.py",
    "grader/batch/gradebook.py", "grader/batch/report.py",
}


def write_atomic(path, data: bytes, mode=0o600):
    """Writes `data` to `path` through a temporary file in the same folder and os.replace."""
    path = Path(path)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=TEMP_PREFIX, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(temp, mode)
        os.replace(temp, path)
    except BaseException:
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise


def remove_temp_files(folder):
    """Temporary files a killed run left behind in `folder`."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        if entry.name.startswith(TEMP_PREFIX) and entry.name.endswith(".tmp"):
            try:
                os.unlink(entry.path)
            except OSError:
                pass


def encode_results(data) -> bytes:
    """Compact JSON (json's C encoder; `python -m json.tool` pretty-prints it)."""
    return (json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def read_results(path):
    """(the results dict, its bytes), or (None, None) when missing, unreadable or not ours."""
    try:
        raw = Path(path).read_bytes()
        data = json.loads(raw)
    except (OSError, ValueError, RecursionError):
        return None, None
    if not valid(data):
        return None, None
    return data, raw


def valid(data):
    """Whether `data` is a results.json the batch wrote (so its fingerprint can be trusted to resume)."""
    try:
        extra = data["extra_data"]
        batch = extra["batch"]
        if not (isinstance(extra["fingerprint"], str) and isinstance(extra["exercises"], list)
                and isinstance(data["tests"], list) and isinstance(batch, dict)
                and isinstance(batch["status"], str) and isinstance(batch.get("reason", ""), str)
                and all(isinstance(e["number"], int) for e in extra["exercises"])
                and isinstance(data["score"], (int, float)) and isinstance(data["max_score"], (int, float))):
            return False
        exercises_from_results(data)   # and it reads back (a file edited by hand may not)
        return True
    except Exception:   # noqa: BLE001 - whatever is wrong with it, it is re-graded
        return False


# ------------------------------------------------------------------------------ fingerprints

@lru_cache(maxsize=None)
def grader_version():
    """A hash of everything that shapes what a results.json records: the grader's modules and the
    batch's (scores, and the feedback text and fields stored), the hidden tests, the catalog, the
    reference, and the numpy and Python versions; not FRONT_DOORS. About 40 small files, read
    once per process."""
    digest = hashlib.sha256()
    grader = COURSE_ROOT / "grader"
    files = list(grader.glob("*.py")) + list((grader / "batch").glob("*.py"))
    files += [grader / "catalog.yaml"]
    files += list((grader / "hidden").rglob("*.py"))
    files += list((COURSE_ROOT / "reference").rglob("*.py"))
    for path in sorted(files):
        name = path.relative_to(COURSE_ROOT).as_posix()
        if name in FRONT_DOORS:
            continue
        try:
            data = path.read_bytes()
        except OSError:
            continue
        digest.update(f"{name}\0{len(data)}\0".encode())
        digest.update(data)
    digest.update(f"numpy {np.__version__} python {platform.python_version()}".encode())
    return digest.hexdigest()[:16]


def fingerprint(staged_digest_or_reason, seed, timeout):
    """What a student's results depend on: their files (or why they have none), seed, timeout, grader."""
    text = json.dumps([grader_version(), int(seed), float(timeout), staged_digest_or_reason])
    return hashlib.sha256(text.encode()).hexdigest()


# ------------------------------------------------------------------------------ results back

def exercises_from_results(data):
    """The ExerciseResults of a results.json, for the gradebook and the report: scores, statuses,
    reasons, and each test's diagnosis, read from its own field (`extra_data.diagnosis`). A test's
    `output` is the text results.json shows for it, "Looks like: ..." line included: nothing is
    un-formatted, and nothing renders feedback from these again (results.json's `output` is the
    student's feedback, written once)."""
    by_number = {}
    for e in data["extra_data"]["exercises"]:
        by_number[e["number"]] = ExerciseResult(
            e["number"], e.get("title", ""), status=e.get("status", "failing"),
            reason=e.get("reason", ""), output=e.get("output", ""))
    for t in data["tests"]:
        extra = t.get("extra_data") or {}
        ex = by_number.get(extra.get("exercise"))
        if ex is None:
            continue
        if isinstance(extra.get("not_started"), list):   # one entry for the tests of an exercise not started
            ex.tests.extend(TestResult(str(s.get("name", "")), str(s.get("number", "")), float(s.get("max_score", 0)),
                                       False, t.get("output", "") or "")
                            for s in extra["not_started"] if isinstance(s, dict))
            continue
        ex.tests.append(TestResult(t.get("name", ""), t.get("number", ""), float(t.get("max_score", 0)),
                                   t.get("status") == "passed", t.get("output", "") or "",
                                   extra.get("diagnosis", "") or ""))
    return [by_number[n] for n in sorted(by_number)]

