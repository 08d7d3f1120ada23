"""report.html: the class at a glance, then a section per student with the feedback they would see.

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
from ..feedback import exercise_text
from ..results import exercise_status
from .gradebook import note, number
from .records import FAILED, GRADED

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


def student_view(index, rec, files):
    return {
        "anchor": f"student-{index}", "student": rec.student, "entry": rec.entry, "status": rec.status,
        "reason": rec.reason, "note": note(rec), "score": number(rec.score), "max": number(rec.max_score),
        "found_in": rec.found_in,
        "full": rec.max_score > 0 and rec.score >= rec.max_score - 1e-9,
        "cells": [{"number": e.number, "score": number(rec.exercise_score(e.number)),
                   "rate": (rec.exercise_score(e.number) / e.points) if e.points else 0.0}
                  for e in load_catalog()] if rec.status == GRADED else [],
        "exercises": [exercise_text(ex, files.get(ex.number, "")) for ex in rec.exercises]
        if rec.status == GRADED else [],
    }


def render(records, *, seed, timeout, title="Batch grading report"):
    catalog = load_catalog()
    files = {e.number: e.file for e in catalog}
    top = sum(e.points for e in catalog)
    counted = [r for r in records if r.status in (GRADED, FAILED)]
    totals = [r.score for r in counted]
    bins = histogram(totals, top)
    context = {
        "title": title, "seed": seed, "timeout": number(timeout), "top": number(top),
        "students": [student_view(i, r, files) for i, r in enumerate(records, start=1)],
        "count": len(records),
        "graded": sum(1 for r in records if r.status == GRADED),
        "failed": sum(1 for r in records if r.status == FAILED),
        "not_graded": sum(1 for r in records if r.status not in (GRADED, FAILED)),
        "timed_out": sum(1 for r in records if r.timed_out),
        "mean": number(statistics.fmean(totals)) if totals else "0",
        "median": number(statistics.median(totals)) if totals else "0",
        "full_marks": sum(1 for r in counted if top and r.score >= top - 1e-9),
        "bins": bins, "bin_max": max([b["count"] for b in bins] + [1]),
        "exercises": exercise_stats(records),
    }
    return environment().get_template("report.html.j2").render(**context)
