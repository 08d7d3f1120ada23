"""gradebook.csv: one row a student, ready for a spreadsheet or an LMS import.

    student,ex01,ex02,...,ex11,total,max,status,note

`exNN` is the points earned in exercise NN (docs/batch.md lists their titles and maxima), `total`
and `max` the student's sum and the most there is. `status` is "graded", "failed to load" (the
submission could not be used: zero points, `note` says why) or "not graded" (the batch was
interrupted before this student: its exNN and total cells are left empty, not zeros). `note`
also lists exercises that could not be graded normally (a syntax error, a timeout) and
duplicate submissions. Rows are sorted by student id.
"""
from __future__ import annotations

import csv
import io

from ..catalog import load_catalog
from ..spreadsheet import safe_cell
from .records import GRADED, NOT_GRADED

NOTE_LIMIT = 500


def number(value):
    """A score without float noise: 62, 2.5, 0.3333."""
    text = f"{round(float(value), 4):.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def columns():
    return ["student"] + [f"ex{e.number:02d}" for e in load_catalog()] + ["total", "max", "status", "note"]


def note(rec):
    parts = []
    if rec.status != GRADED and rec.reason:
        parts.append(rec.reason)
    parts += rec.problems()
    if rec.note:
        parts.append(rec.note)
    text = " ".join("; ".join(parts).split())
    return text if len(text) <= NOTE_LIMIT else text[:NOTE_LIMIT - 3] + "..."


def render(records) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns())
    for rec in records:
        if rec.status == NOT_GRADED:   # no score yet, which is not a zero: empty cells
            scores, total = [""] * len(load_catalog()), ""
        else:
            scores, total = [number(rec.exercise_score(e.number)) for e in load_catalog()], number(rec.score)
        writer.writerow([safe_cell(rec.student)] + scores
                        + [total, number(rec.max_score), rec.status, safe_cell(note(rec))])
    return out.getvalue()
