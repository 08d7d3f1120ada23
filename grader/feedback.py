"""Renders graded exercises as the text a student reads in the terminal."""
import textwrap

from .results import exercise_status

MARKS = {True: "PASS", False: "FAIL"}
OUTPUT_LINES = 15   # lines of the student's own prints shown under a graded exercise


def points(value):
    return f"{value:g}"


def exercise_text(ex, file="", verbose=True):
    """One exercise: a line per test, and for each failure what was checked, expected and got."""
    status = exercise_status(ex)
    head = f"Exercise {ex.number}: {ex.title}" + (f" ({file})" if file else "")
    lines = [f"{head}  [{status}]"]
    if ex.reason:
        lines.append(f"  {ex.reason}")
    for t in ex.tests:
        lines.append(f"  {MARKS[t.passed]} {t.number:>5} {t.name}  {points(t.score)}/{points(t.max_score)}")
        if not t.passed and verbose and status != "not started":
            if t.output:
                lines.append(textwrap.indent(t.output, " " * 8))
            if t.diagnosis:
                lines.append(textwrap.indent(f"Looks like: {t.diagnosis}", " " * 8))
    if status == "not started" and not ex.reason:
        lines.append("  not started: the functions still raise NotImplementedError")
    if ex.output.strip() and verbose:
        shown = ex.output.rstrip("\n").split("\n")
        lines.append("  Your code printed:")
        lines.extend("    | " + line for line in shown[:OUTPUT_LINES])
        if len(shown) > OUTPUT_LINES:
            lines.append(f"    | ... {len(shown) - OUTPUT_LINES} more lines")
    lines.append(f"  Score: {points(ex.score)}/{points(ex.max_score)}")
    return "\n".join(lines)


def summary_text(results):
    """The total over several exercises, one line each."""
    lines = []
    for ex in results:
        lines.append(f"  {ex.number:2d}. {ex.title:42s} {points(ex.score):>4}/{points(ex.max_score):<4} {exercise_status(ex)}")
    total = sum(ex.score for ex in results)
    top = sum(ex.max_score for ex in results)
    lines.append(f"  Total: {points(total)}/{points(top)}")
    return "\n".join(lines)
