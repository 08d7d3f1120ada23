"""report.html: the class at a glance, then a section per student with the feedback results.json gives them.

Rendered from grader/templates/report.html.j2 with autoescape on: student names, output and error
messages are untrusted and appear as text. The charts are inline SVG drawn by the template; the
page has no script and loads nothing, so it opens offline from a file.
"""
from __future__ import annotations

import math
import statistics
from collections import Counter
from functools import lru_cache
from pathlib import Path

import jinja2

from ..catalog import load_catalog
from ..feedback import mistake_kind
from ..results import exercise_status
from .gradebook import note, number
from .records import GRADED, MEAN_RULE, NOT_GRADED, class_counts, figure, full_marks, is_timeout

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
BINS = 10
TOP_MISTAKES = 5
NAMES_SHOWN = 12     # students named beside a mistake before "and N more"


@lru_cache(maxsize=1)
def environment():
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                              trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)


def histogram(scores, top):
    """About BINS bins of a whole number of points over [0, top] (62 -> 0-7, 7-14, ..., 56-62);
    a bin holds its low edge and not its high one, [0, 7), but the last one also full marks,
    [56, 62], so no score could belong to two bins: `label` says which."""
    width = math.ceil(top / BINS) if top >= BINS else (top / BINS if top > 0 else 1)
    count = max(1, math.ceil(top / width)) if top > 0 else 1
    counts = [0] * count
    for s in scores:
        counts[min(max(int(s // width), 0), count - 1)] += 1
    bins = []
    for i, c in enumerate(counts):
        low, high, last = number(i * width), number(min(top, (i + 1) * width)), i == count - 1
        bins.append({"low": low, "high": high, "count": c,
                     "label": f"[{low}, {high}]" if last else f"[{low}, {high})",
                     "means": f"{low} ≤ total ≤ {high}" if last else f"{low} ≤ total < {high}"})
    return bins


def named(students):
    """Sorted names, the first NAMES_SHOWN of them, then how many more."""
    names = sorted(students, key=lambda s: (s.casefold(), s))
    more = len(names) - NAMES_SHOWN
    return ", ".join(names[:NAMES_SHOWN]) + (f" and {more} more" if more > 0 else "")


def cell_kind(ex):
    """(css class, word) that tells an exercise's result apart in the student table."""
    if ex is None:
        return "missing", "missing"
    status = exercise_status(ex)
    if status == "done":
        return "full", ""
    if status == "not started":
        return ("missing", "missing") if ex.reason else ("stub", "not started")
    if is_timeout(ex.reason):
        return "timeout", "timeout"
    if "syntax error" in ex.reason:
        return "syntax", "syntax error"
    if status == "error":
        return "crash", "error"
    return ("some" if ex.score > 0 else "none"), "wrong"


def exercise_stats(records):
    """Per exercise over the graded students: mean, full-marks rate, statuses, the failure rate of
    each test, and the frequent mistakes grouped by the mistake (not by the sizes of the hidden
    inputs it was seen on) with the students who made each."""
    graded = [r for r in records if r.status == GRADED]
    stats = []
    for e in load_catalog():
        pairs = [(r.student, ex) for r in graded for ex in r.exercises if ex.number == e.number]
        results = [ex for _, ex in pairs]
        scores = [ex.score for ex in results]
        mistakes, tests = {}, {}
        for student, ex in pairs:
            for kind in {mistake_kind(t.diagnosis) for t in ex.tests if t.diagnosis and not t.passed}:
                mistakes.setdefault(kind, set()).add(student)
            for t in ex.tests:
                row = tests.setdefault(t.number, {"number": t.number, "name": t.name, "failed": 0, "students": 0})
                row["students"] += 1
                row["failed"] += not t.passed
        statuses = Counter(exercise_status(ex) for ex in results)
        full = sum(1 for ex in results if ex.max_score and ex.score >= ex.max_score - 1e-9)
        n = len(results)
        stats.append({
            "number": e.number, "title": e.title, "file": e.file, "points": number(e.points),
            "students": n,
            "mean": figure(statistics.fmean(scores)) if n else "0",
            "mean_rate": (statistics.fmean(scores) / e.points if n and e.points else 0.0),
            "full_rate": full / n if n else 0.0, "full": full,
            "statuses": [(s, statuses[s]) for s in ("done", "failing", "error", "not started") if statuses[s]],
            "mistakes": [{"text": kind, "count": len(who), "students": named(who)} for kind, who in
                         sorted(mistakes.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:TOP_MISTAKES]],
            "tests": [dict(row, rate=row["failed"] / row["students"] if row["students"] else 0.0)
                      for row in sorted(tests.values(), key=lambda r: _test_order(r["number"]))],
        })
    return stats


def _test_order(number):
    try:
        return tuple(int(p) for p in number.split("."))
    except ValueError:
        return (math.inf, number)


def student_view(index, rec):
    by_number = {ex.number: ex for ex in rec.exercises}
    return {
        "anchor": f"student-{index}", "student": rec.student, "entry": rec.entry, "status": rec.status,
        "reason": rec.reason, "note": note(rec), "max": number(rec.max_score),
        "score": "–" if rec.status == NOT_GRADED else number(rec.score),
        "found_in": rec.found_in,
        "full": rec.max_score > 0 and rec.score >= rec.max_score - 1e-9,
        "cells": [dict(zip(("kind", "word"), cell_kind(by_number.get(e.number))), number=e.number,
                       score=number(rec.exercise_score(e.number)),
                       why=by_number[e.number].reason if e.number in by_number else "")
                  for e in load_catalog()] if rec.status == GRADED else [],
        "feedback": rec.output if rec.status == GRADED else "",   # what results.json gives the student
    }


def render(records, *, seed, timeout, title="Batch grading report"):
    top = full_marks()
    counts = class_counts(records)
    bins = histogram(counts.scores, top)
    context = {
        "title": title, "seed": seed, "timeout": number(timeout), "top": number(top),
        "students": [student_view(i, r) for i, r in enumerate(records, start=1)],
        "count": counts.students, "graded": counts.graded, "failed": counts.failed,
        "not_graded": counts.not_graded, "timed_out": counts.timed_out,
        "mean": figure(counts.mean), "median": figure(counts.median), "full_marks": counts.full_marks,
        "mean_rule": MEAN_RULE,
        "bins": bins, "bin_max": max([b["count"] for b in bins] + [1]),
        "exercises": exercise_stats(records),
    }
    return environment().get_template("report.html.j2").render(**context)
