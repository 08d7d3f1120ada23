"""Renders graded exercises as the text a student reads in the terminal."""
import textwrap

from .results import exercise_status

MARKS = {True: "PASS", False: "FAIL"}
OUTPUT_LINES = 15   # lines of the student's own prints shown under a graded exercise


def points(value):
    return f"{value:g}"


def exercise_text(ex, file="", verbose=True, brief_if_not_started=False):
    """One exercise: a line per test, and for each failure what was checked, expected and got.

    brief_if_not_started: one line for an exercise not started yet (for `grade all`, where a
    list of its failing tests would only hide the exercises being worked on).
    """
    status = exercise_status(ex)
    head = f"Exercise {ex.number}: {ex.title}" + (f" ({file})" if file else "")
    if brief_if_not_started and status == "not started":
        why = ex.reason or "its functions still raise NotImplementedError"
        return f"{head}  [not started]  0/{points(ex.max_score)}: {why}"
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
    """The total over several exercises, one line each, and what to do next."""
    lines = []
    for ex in results:
        lines.append(f"  {ex.number:2d}. {ex.title:42s} {points(ex.score):>4}/{points(ex.max_score):<4} {exercise_status(ex)}")
    total = sum(ex.score for ex in results)
    top = sum(ex.max_score for ex in results)
    lines.append(f"  Total: {points(total)}/{points(top)}")
    todo = [ex for ex in results if exercise_status(ex) != "done"]
    if todo:
        lines.append(f"  Next: exercise {todo[0].number} (grade exercise {todo[0].number}, "
                     f"grade hint {todo[0].number}, or grade watch)")
    return "\n".join(lines)
