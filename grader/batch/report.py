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
from ..results import exercise_status
from .gradebook import note, number
from .records import GRADED, NOT_GRADED, class_counts, full_marks

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
BINS = 10
TOP_MISTAKES = 5


@lru_cache(maxsize=1)
def environment():
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                              trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)


def histogram(scores, top):
    """About BINS bins of a whole number of points over [0, top] (62 -> 0-7, 7-14, ..., 56-62);
    a bin holds its low edge, the last one also full marks."""
    width = math.ceil(top / BINS) if top >= BINS else (top / BINS if top > 0 else 1)
    count = max(1, math.ceil(top / width)) if top > 0 else 1
    counts = [0] * count
    for s in scores:
        counts[min(max(int(s // width), 0), count - 1)] += 1
    return [{"low": number(i * width), "high": number(min(top, (i + 1) * width)), "count": c}
            for i, c in enumerate(counts)]


def exercise_stats(records):
    """Per exercise over the graded students: mean, full-marks rate, statuses, frequent mistakes."""
    graded = [r for r in records if r.status == GRADED]
    stats = []
    for e in load_catalog():
        results = [ex for r in graded for ex in r.exercises if ex.number == e.number]
        scores = [ex.score for ex in results]
        mistakes = Counter()
        for ex in results:
            mistakes.update({t.diagnosis for t in ex.tests if t.diagnosis and not t.passed})
        statuses = Counter(exercise_status(ex) for ex in results)
        full = sum(1 for ex in results if ex.max_score and ex.score >= ex.max_score - 1e-9)
        n = len(results)
        stats.append({
            "number": e.number, "title": e.title, "file": e.file, "points": number(e.points),
            "students": n,
            "mean": number(statistics.fmean(scores)) if n else "0",
            "mean_rate": (statistics.fmean(scores) / e.points if n and e.points else 0.0),
            "full_rate": full / n if n else 0.0, "full": full,
            "statuses": [(s, statuses[s]) for s in ("done", "failing", "error", "not started") if statuses[s]],
            "mistakes": sorted(mistakes.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_MISTAKES],
        })
    return stats


def student_view(index, rec):
    return {
        "anchor": f"student-{index}", "student": rec.student, "entry": rec.entry, "status": rec.status,
        "reason": rec.reason, "note": note(rec), "max": number(rec.max_score),
        "score": "–" if rec.status == NOT_GRADED else number(rec.score),
        "found_in": rec.found_in,
        "full": rec.max_score > 0 and rec.score >= rec.max_score - 1e-9,
        "cells": [{"number": e.number, "score": number(rec.exercise_score(e.number)),
                   "rate": (rec.exercise_score(e.number) / e.points) if e.points else 0.0}
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
        "mean": number(counts.mean), "median": number(counts.median), "full_marks": counts.full_marks,
        "bins": bins, "bin_max": max([b["count"] for b in bins] + [1]),
        "exercises": exercise_stats(records),
    }
    return environment().get_template("report.html.j2").render(**context)
