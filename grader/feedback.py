"""Renders graded exercises as the text a student reads in the terminal.

Each thing is said once: a reason that stopped every test (a syntax error, a missing file) is
written above the tests, not under each; a function not written yet is named on its test's line;
a failure that repeats one shown above (the same mistake, the same exception) points to it
instead of being written again. Lines are wrapped at the terminal's width (WIDTH when unknown,
and always in results.json, which must not depend on who ran the grader).
"""
import re
import textwrap

from .results import exercise_status, not_started_reason

MARKS = {True: "PASS", False: "FAIL"}
OUTPUT_LINES = 15   # lines of the student's own prints shown under a graded exercise
WIDTH = 100         # columns, when the terminal's width is unknown (and in results.json)
MIN_WIDTH = 40

_UNWRITTEN = re.compile(r"^(\w+) is not started: it still raises NotImplementedError$", re.M)
_RAISED = re.compile(r"^\w+ raised ", re.M)
_N_TIMES = re.compile(r"\bn = \d+ times\b")
_SHAPE = re.compile(r"\((\d+(?:, \d+)*,?)\)")


def points(value):
    return f"{value:g}"


def mistake_kind(diagnosis):
    """A diagnosis without the sizes of the inputs it was seen on, so one mistake made on several
    hidden tests reads the same: "the gradient is n = 4 times too large" and "... n = 6 times ..."
    are both "the gradient is n times too large"; a shape's sizes above 1 become "…"."""
    text = _N_TIMES.sub("n times", diagnosis)
    return _SHAPE.sub(lambda m: "(" + ", ".join(p if p in ("0", "1") else "…"
                                                for p in m.group(1).rstrip(",").split(", "))
                      + ("," if m.group(1).endswith(",") else "") + ")", text)


def failure_key(test):
    """What makes two failures the same for a reader: the mistake named, else the exception
    raised (whatever the inputs), else the whole text."""
    if test.diagnosis:
        return "mistake", mistake_kind(test.diagnosis)
    raised = _RAISED.search(test.output)
    if raised:
        return "raised", test.output[raised.start():]
    return "text", test.output


def unwritten_function(test):
    """The name of the function whose NotImplementedError failed this test, or ''."""
    found = _UNWRITTEN.search(test.output)
    return found.group(1) if found else ""


def wrap(text, width=WIDTH):
    """Every line of text cut to `width` columns at spaces: a PASS/FAIL line continued under the
    test's name, a line the student's code printed after its bar, any other line after `… ` under
    its own indent. A detail line can hold the student's text (a message, a repr); marked, its
    continuation cannot pass for a line of ours, such as a PASS line."""
    width = max(MIN_WIDTH, int(width))
    out = []
    for line in text.split("\n"):
        if len(line) <= width:
            out.append(line)
            continue
        body = line.lstrip(" ")
        indent = line[:len(line) - len(body)]
        if body.startswith("| "):
            indent, body, more = indent + "| ", body[2:], ""
        elif body.startswith(tuple(MARKS.values())):
            more = " " * 11
        else:
            more = "… "
        out.extend(textwrap.wrap(body, width, initial_indent=indent, subsequent_indent=indent + more,
                                 break_long_words=True, break_on_hyphens=False) or [line[:width]])
    return "\n".join(out)


def exercise_text(ex, file="", verbose=True, brief_if_not_started=False, width=WIDTH, brief_if_done=False):
    """One exercise: a line per test, and for each failure what was checked, expected and got.

    brief_if_not_started: one line for an exercise not started yet (for `grade all`, where a
    list of its failing tests would only hide the exercises being worked on); brief_if_done: for
    an exercise with full marks, its line and what its code printed, without a line per test.
    """
    status = exercise_status(ex)
    head = f"Exercise {ex.number}: {ex.title}" + (f" ({file})" if file else "")
    if brief_if_not_started and status == "not started":
        return wrap(f"{head}  [not started]  0/{points(ex.max_score)}: {not_started_reason(ex)}", width)
    if brief_if_done and status == "done":
        return wrap("\n".join([f"{head}  [done]  {points(ex.score)}/{points(ex.max_score)}"]
                              + (printed(ex.output) if verbose else [])), width)
    lines = [f"{head}  [{status}]"]
    if ex.reason:
        lines.append(f"  {ex.reason}")
    lines.extend(f"  {note}" for note in ex.notes)
    first = {}   # failure_key -> the number of the test that showed it
    for t in ex.tests:
        mark = f"  {MARKS[t.passed]} {t.number:>5} {t.name}  {points(t.score)}/{points(t.max_score)}"
        if t.passed or not verbose or status == "not started":
            lines.append(mark)
        elif ex.reason and t.output == f"not run: {ex.reason}":
            lines.append(f"{mark}  (not run)")        # the reason is said once, above
        elif unwritten_function(t):
            lines.append(f"{mark}: {unwritten_function(t)} is not written yet (it raises NotImplementedError)")
        elif failure_key(t) in first:
            lines.append(f"{mark}: the same failure as {first[failure_key(t)]}")
        else:
            first[failure_key(t)] = t.number
            lines.append(mark)
            if t.output:
                lines.append(textwrap.indent(t.output, " " * 8))
            if t.diagnosis:
                lines.append(textwrap.indent(f"Looks like: {t.diagnosis}", " " * 8))
    if status == "not started" and not ex.reason:
        lines.append("  not started: the functions still raise NotImplementedError")
    if verbose:
        lines.extend(printed(ex.output))
    lines.append(f"  Score: {points(ex.score)}/{points(ex.max_score)}")
    return wrap("\n".join(lines), width)


def printed(output):
    """The lines showing what the student's code printed (at most OUTPUT_LINES of it)."""
    if not output.strip():
        return []
    shown = output.rstrip("\n").split("\n")
    lines = ["  Your code printed:"] + ["    | " + line for line in shown[:OUTPUT_LINES]]
    if len(shown) > OUTPUT_LINES:
        lines.append(f"    | ... {len(shown) - OUTPUT_LINES} more lines")
    return lines


def all_text(results, files, width=WIDTH):
    """What `grade all` shows (and each results.json of a batch holds): the exercises that need
    work in full, one line for each not started, none for those done unless their code printed
    something (the summary lists them), then the summary. On full marks, quietly, that is the
    summary alone."""
    blocks = [exercise_text(ex, files[ex.number], brief_if_not_started=True, brief_if_done=True, width=width)
              for ex in results if exercise_status(ex) != "done" or ex.output.strip()]
    return "\n\n".join(blocks + [summary_text(results)])


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
    elif results:
        lines.append("  Every exercise is done: full marks.")
    return "\n".join(lines)
