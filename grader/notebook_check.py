"""`check(N)` in the kit's notebook (day7.ipynb): grades exercise N and shows the feedback there.

    from grader.notebook_check import check
    check(5)        # a line per test, expected against got, the named mistake highlighted

It grades what `grade exercise N --path day7.ipynb` would grade, the way that command grades it:
the source of every cell the kernel has run (IPython's history of inputs, in the order they ran,
so a later definition wins as it does in the kernel) is turned into exercise files by
grader/notebook.py (definitions only: nothing at a cell's top level runs), written to a temporary
folder, and graded by this installation's own path (`grading.course()`: the public checks in a
kit), with the student's code in the clean room, a fresh process with a time limit. Nothing of
the kernel's live namespace is used, and no student code runs in the kernel's process on our
behalf.

The result displays as HTML in Jupyter and as the text of `grade exercise N` wherever HTML is not
shown (a terminal IPython, `print(check(5))`, a notebook converted to text).
"""
import html
import re
import tempfile
from pathlib import Path

from .catalog import get_exercise
from .feedback import MARKS, OUTPUT_LINES, WIDTH, exercise_text, failure_key, points, unwritten_function
from .results import exercise_status

__all__ = ["check", "check_sources", "Feedback"]


def check(number, timeout=None):
    """Grades exercise `number` on the code this Jupyter kernel has run; returns a Feedback,
    which the notebook shows as HTML (or as the text `grade exercise` prints)."""
    return check_sources(number, kernel_history(), timeout)


def kernel_history():
    """{"In [k]": source} of every cell this IPython kernel has run, in the order they ran."""
    try:
        from IPython import get_ipython
    except ImportError:
        shell = None
    else:
        shell = get_ipython()
    if shell is None:
        raise RuntimeError("check(N) grades the cells a Jupyter kernel has run: call it in the notebook "
                           "(in a terminal, grade exercise N grades your exercise files)")
    raw = shell.history_manager.input_hist_raw
    return {f"In [{k}]": source for k, source in enumerate(raw) if k and isinstance(source, str) and source.strip()}


def check_sources(number, sources, timeout=None):
    """The Feedback of exercise `number` on cell sources (see notebook.read_cells)."""
    from . import runner
    from .grading import DEFAULT_TIMEOUT, STUDENT_SEED, check_timeout, course
    from .notebook import read_cells

    exercise = get_exercise(number)
    seconds = DEFAULT_TIMEOUT if timeout is None else check_timeout(timeout)
    runner.warm()
    found = read_cells(sources)
    with tempfile.TemporaryDirectory(prefix="grade-notebook-") as temp:
        folder = Path(temp)
        for name, text in found.files.items():
            (folder / name).write_text(text, encoding="utf-8")
        result = course().grade_folder(folder, STUDENT_SEED, seconds, {number})[0]
    if exercise.file not in found.files:
        # the message of a missing file would name the temporary folder: say what to do instead
        one = len(exercise.functions) == 1
        missing = f"{exercise.functions[0]} is not" if one else f"none of {_listed(exercise.functions)} is"
        result.reason = (f"{missing} defined in this kernel yet: run the cell that defines "
                         f"{'it' if one else 'them'} (a cell with a syntax error defines nothing), then "
                         f"check({number}) again")
        for test in result.tests:
            if test.output.startswith("not run: "):
                test.output = f"not run: {result.reason}"
    return Feedback(result, exercise.file)


def _listed(names):
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


class Feedback:
    """One exercise's grade, shown as HTML in a notebook and as `grade exercise N`'s text elsewhere."""

    def __init__(self, result, file):
        self.result = result
        self.file = file
        self.text = exercise_text(result, file, width=WIDTH)

    @property
    def score(self):
        return self.result.score

    @property
    def max_score(self):
        return self.result.max_score

    @property
    def status(self):
        return exercise_status(self.result)

    def __str__(self):
        return self.text

    def __repr__(self):
        return self.text

    def _repr_pretty_(self, printer, cycle):
        printer.text(self.text)

    def _repr_html_(self):
        return feedback_html(self.result, self.file)


# Colours readable on a light and a dark theme; inline styles only (no <style>, no script), which
# every notebook front end shows.
_GREEN, _RED, _AMBER, _GREY = "#1a7f37", "#cf222e", "#9a6700", "#6e7781"
_STATUS = {"done": _GREEN, "failing": _AMBER, "error": _RED, "not started": _GREY}
_EXPECTED = re.compile(r"\b(expected)\b")
_GOT = re.compile(r"\b(got)\b")


def _e(text):
    return html.escape(str(text), quote=True)


def _pre(text):
    body = _EXPECTED.sub(rf'<b style="color:{_GREEN}">\1</b>', _e(text))
    body = _GOT.sub(rf'<b style="color:{_RED}">\1</b>', body)
    return (f'<pre style="margin:2px 0 4px 4.5em;white-space:pre-wrap;font-size:90%;background:none;'
            f'padding:0">{body}</pre>')


def _mistake(diagnosis):
    return (f'<div style="margin:2px 0 6px 4.5em;padding:3px 8px;border-left:4px solid {_AMBER};'
            f'background:rgba(255,200,0,0.18)"><b>Looks like:</b> {_e(diagnosis)}</div>')


def feedback_html(ex, file=""):
    """The HTML of one graded exercise: what exercise_text says, line for line, with PASS and FAIL
    coloured, expected and got marked, and each named mistake highlighted."""
    status = exercise_status(ex)
    colour = _STATUS.get(status, _GREY)
    head = f"Exercise {ex.number}: {ex.title}" + (f" ({file})" if file else "")
    parts = [f'<div class="grade-check" style="font-family:monospace;line-height:1.4">',
             f'<div><b>{_e(head)}</b> <span style="color:{colour};font-weight:bold">[{_e(status)}]</span> '
             f'<span style="float:right"><b>Score: {points(ex.score)}/{points(ex.max_score)}</b></span></div>']
    if ex.reason:
        parts.append(f'<div style="margin-left:1em;color:{_RED}">{_e(ex.reason)}</div>')
    parts += [f'<div style="margin-left:1em;color:{_AMBER}">{_e(note)}</div>' for note in ex.notes]
    first = {}
    for t in ex.tests:
        mark = (f'<span style="color:{_GREEN if t.passed else _RED};font-weight:bold">{MARKS[t.passed]}</span> '
                f'{_e(t.number)} {_e(t.name)} <b>{points(t.score)}/{points(t.max_score)}</b>')
        line, detail = mark, []
        if t.passed or status == "not started":
            pass
        elif ex.reason and t.output == f"not run: {ex.reason}":
            line += " (not run)"
        elif unwritten_function(t):
            line += f": {_e(unwritten_function(t))} is not written yet (it raises NotImplementedError)"
        elif failure_key(t) in first:
            line += f": the same failure as {_e(first[failure_key(t)])}"
        else:
            first[failure_key(t)] = t.number
            if t.output:
                detail.append(_pre(t.output))
            if t.diagnosis:
                detail.append(_mistake(t.diagnosis))
        parts.append(f'<div style="margin-left:1em">{line}</div>' + "".join(detail))
    if status == "not started" and not ex.reason:
        parts.append('<div style="margin-left:1em">not started: the functions still raise NotImplementedError</div>')
    if ex.output.strip():
        shown = ex.output.rstrip("\n").split("\n")
        more = len(shown) - OUTPUT_LINES
        printed = "\n".join(shown[:OUTPUT_LINES]) + (f"\n... {more} more lines" if more > 0 else "")
        parts.append('<div style="margin-left:1em">Your code printed:</div>'
                     f'<pre style="margin:2px 0 4px 2em;padding:0 6px;border-left:2px solid {_GREY};'
                     f'white-space:pre-wrap;background:none">{_e(printed)}</pre>')
    parts.append("</div>")
    return "\n".join(parts)
