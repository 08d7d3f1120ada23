"""One student's row as the gradebook and the report see it, read back from their results.json."""
from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field

from ..catalog import load_catalog
from . import store

GRADED = "graded"
FAILED = "failed to load"
NOT_GRADED = "not graded"     # no results yet: the batch was interrupted before this student

# The sandbox's words for a run it stopped for taking too long (grader/sandbox.py, "timeout"),
# after the file name the engine may put first.
_TIMEOUT = re.compile(r"^(?:\S+\.py )?(stopped after [0-9.]+ s|used more than [0-9.]+ s of CPU time)")


def is_timeout(reason):
    return bool(_TIMEOUT.match(reason or ""))


@dataclass
class StudentRecord:
    student: str
    entry: str                                   # the entry in SUBMISSIONS: alice/ or alice.zip
    out_name: str
    status: str = NOT_GRADED
    reason: str = ""                             # why it failed to load
    note: str = ""                               # duplicate ids, files left out, ...
    found_in: str = ""
    exercises: list = field(default_factory=list)   # ExerciseResult, in catalog order
    score: float = 0.0
    max_score: float = 0.0
    output: str = ""                             # the feedback results.json holds for the student

    @property
    def timed_out(self):
        return [ex.number for ex in self.exercises if is_timeout(ex.reason)]

    def exercise_score(self, number):
        for ex in self.exercises:
            if ex.number == number:
                return ex.score
        return 0.0

    def problems(self):
        """The exercises that could not be graded normally, with why: "ex03: has a syntax error ..."."""
        if self.status != GRADED:
            return []   # their reason is the submission's, said once
        return [f"ex{ex.number:02d}: {ex.reason}" for ex in self.exercises if ex.reason]


def full_marks():
    return sum(e.points for e in load_catalog())


def record(submission, data=None):
    """The row of `submission` from its results.json data (None: not graded yet)."""
    rec = StudentRecord(submission.student, submission.entry, submission.out_name, note=submission.note,
                        max_score=full_marks())
    if data is None:
        rec.reason = "not graded yet: the batch was interrupted before this student"
        return rec
    batch = data["extra_data"]["batch"]
    rec.status = batch.get("status", GRADED)
    rec.reason = batch.get("reason", "")
    rec.found_in = batch.get("found_in", "")
    remarks = batch.get("remarks") or []
    if remarks:
        rec.note = "; ".join([rec.note] + remarks if rec.note else remarks)
    rec.exercises = store.exercises_from_results(data)
    rec.score = float(data.get("score", 0.0))
    rec.max_score = float(data.get("max_score", rec.max_score))
    output = data.get("output", "")
    rec.output = output if isinstance(output, str) else ""
    return rec


@dataclass
class ClassCounts:
    """The class at a glance, the same for the summary on stdout and the report."""
    students: int = 0
    graded: int = 0          # students with grades
    failed: int = 0          # submissions that could not be used: zero points and a reason
    not_graded: int = 0      # no results yet (the batch was interrupted)
    timed_out: int = 0       # graded students with at least one exercise stopped for time
    mean: float = 0.0        # over the graded students only (see MEAN_RULE)
    median: float = 0.0
    full_marks: int = 0      # students with full marks
    scores: list = field(default_factory=list)   # the totals the mean is over: the graded students'


# One rule for every figure of the class, in the summary and in the report: a submission that failed
# to load has no grade to average (its zero says nothing about what the class learned), so the
# mean, the median, the histogram and the per-exercise figures are over the graded students.
MEAN_RULE = "over the graded students; those whose submission failed to load, at 0 points, are left out"


def figure(value):
    """A number for people to read: at most two decimals, no float noise (40.22, 2.5, 62)."""
    text = f"{round(float(value), 2):.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def class_counts(records):
    counted = [r for r in records if r.status == GRADED]
    scores = [r.score for r in counted]
    top = full_marks()
    return ClassCounts(
        students=len(records),
        graded=sum(1 for r in records if r.status == GRADED),
        failed=sum(1 for r in records if r.status == FAILED),
        not_graded=sum(1 for r in records if r.status not in (GRADED, FAILED)),
        timed_out=sum(1 for r in records if r.status == GRADED and r.timed_out),
        mean=statistics.fmean(scores) if scores else 0.0,
        median=statistics.median(scores) if scores else 0.0,
        full_marks=sum(1 for r in counted if top and r.score >= top - 1e-9),
        scores=scores,
    )
