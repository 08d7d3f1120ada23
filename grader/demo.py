"""`grade demo`: trains the student's own network on the lecture's table and draws what it learned.

The student's exercises 1 to 10 do all the work, in the sandbox (never in this process): their
standardize, then their train (which runs their forward, bce, backward and sgd_step through their
own imports), then their forward and predict on the table, on a grid of weights and heights and on
new people, standardized with the training mean and std. The answers come back as plain data; this
module only checks their form and draws them: one HTML page with inline SVG (no script), written
next to the student's files.
"""
from __future__ import annotations

import math
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import jinja2
import numpy as np

import reference
from .catalog import load_catalog
from .compare import as_number_array, describe
from .hidden.base import params_problem

PAGE = "demo.html"
TRAINING = {"n_hidden": 2, "lr": 0.5, "epochs": 2000, "seed": 0}   # train's defaults in the SPEC
NEW_PEOPLE = [("Emily", 128.0, 63.0), ("Frank", 155.0, 68.0)]      # not in the table
WEIGHTS, HEIGHTS = (100.0, 180.0), (56.0, 76.0)                   # the boundary plot's range
GRID = 41                                                          # points a side
TIMEOUT = 20.0                                                     # seconds for one sandbox run
DRIVER = "grade_demo_driver"
TEMPLATES = Path(__file__).resolve().parent / "templates"


class DemoError(Exception):
    """The student's code failed or gave an unusable answer: one line, saying what to fix."""


class DemoInputError(Exception):
    """The folder cannot be demonstrated (no exercise 10) or the page cannot be written."""


@dataclass
class Demo:
    page: Path
    summary: list   # lines for the terminal


# ------------------------------------------------------------------ the student's code, sandboxed

def _sandbox_run(folder, calls):
    """Runs calls = [(function, args, kwargs)] on the student's own exercises in one sandbox run,
    with nothing standing in for their earlier exercises, and returns one answer per call (or
    DemoError). What runs is a small driver, staged in `folder` with a copy of the student's
    files, that imports their functions. The only place that knows the sandbox's API.
    """
    from .runner import Call, run_student

    outcome = run_student(folder / f"{DRIVER}.py", DRIVER, [Call(f, a, k) for f, a, k in calls],
                          student_imports=True, timeout=TIMEOUT)
    if outcome.status == "import-error" and outcome.import_error is not None:
        raise DemoError(_blame(outcome.import_error, "loading your files"))
    if outcome.status != "ok":
        raise DemoError(f"your code {outcome.reason}; run grade all to find the exercise that fails")
    answers = []
    for (function, _, _), result in zip(calls, outcome.results):
        if result.error is not None:
            raise DemoError(_blame(result.error, function))
        answers.append(result.value)
    return answers


FRAME = re.compile(r'File "[^"]*?(?P<file>ex(?P<number>\d+)_\w+\.py)", line (?P<line>\d+)')


def _blame(error, running):
    """One line naming the exercise to fix: the innermost frame of the traceback in an exercise file."""
    frames = list(FRAME.finditer(error.traceback or ""))
    message = " ".join(str(error.message).split())
    missing = re.fullmatch(r"No module named '(ex(\d+)_\w+)'", message)
    if error.type == "ModuleNotFoundError" and missing:
        return (f"exercise {int(missing[2])}: {missing[1]}.py is missing from your folder; the demo needs "
                "exercises 1 to 10")
    if not frames:
        return f"{running} raised {error.type}: {message}; run grade all to find the exercise that fails"
    last = frames[-1]
    number, where = int(last["number"]), f"{last['file']}, line {last['line']}"
    if error.not_implemented:
        return (f"exercise {number} is not finished ({where}: {message}); the demo needs exercises 1 to 10: "
                f"grade exercise {number}")
    return (f"exercise {number} ({where}) raised {error.type}: {message}; fix it with grade exercise {number}, "
            "then run grade demo again")


def _stage(student):
    """A copy of the student's exercise files with the driver beside them, so that nothing is
    written into the student's folder."""
    folder = Path(tempfile.mkdtemp(prefix="grade-demo-"))
    for e in load_catalog():
        if (student / e.file).is_file():
            shutil.copyfile(student / e.file, folder / e.file)
    (folder / f"{DRIVER}.py").write_text(
        '"""Written by grade demo: the student\'s own functions, from their own files."""\n'
        "from ex10_training import standardize, train, predict\n"
        "from ex03_forward import forward\n")
    return folder


# --------------------------------------------------------------------- checking the answers' form

def _array(value, shape, what, exercise):
    """value as a finite float array of `shape` (one value per column may also come as a row or a
    column), or DemoError naming the exercise."""
    arr = as_number_array(value) if isinstance(value, np.ndarray) else None
    if arr is None or (arr.shape != shape and not (len(shape) == 1 and arr.size == shape[0] and arr.ndim == 2)):
        raise DemoError(f"exercise {exercise}: {what} should be an array of shape {shape}, got {describe(value)}; "
                        f"grade exercise {exercise}")
    if not np.all(np.isfinite(arr)):
        raise DemoError(f"exercise {exercise}: {what} has NaN or inf; grade exercise {exercise}")
    return arr.reshape(shape)


def _tuple(value, size, what, exercise):
    if not isinstance(value, (tuple, list)) or len(value) != size:
        raise DemoError(f"exercise {exercise}: {what} should return a tuple of {size}, got {describe(value)}; "
                        f"grade exercise {exercise}")
    return value


def _standardized(answer, n, d):
    X_std, mean, std = _tuple(answer, 3, "standardize", 10)
    X_std = _array(X_std, (n, d), "standardize's X_std", 10)
    mean, std = _array(mean, (d,), "standardize's mean", 10), _array(std, (d,), "standardize's std", 10)
    if np.any(std <= 0):
        raise DemoError(f"exercise 10: standardize's std {std.tolist()} is not positive; grade exercise 10")
    return X_std, mean, std


def _trained(answer, d):
    params, losses = _tuple(answer, 2, "train", 10)
    problem = params_problem(params, d, TRAINING["n_hidden"])
    if problem:
        raise DemoError(f"exercise 10: the params train returned: {problem[0]}; grade exercise 10")
    values = as_number_array(losses) if isinstance(losses, (list, tuple, np.ndarray)) else None
    if values is None or values.ndim != 1 or values.size == 0:
        raise DemoError(f"exercise 10: train's losses should be a list of floats, got {describe(losses)}; "
                        "grade exercise 10")
    if not np.all(np.isfinite(values)):
        raise DemoError("exercise 10: the loss became NaN or inf during training; grade all shows which of "
                        "exercises 5 to 10 is wrong")
    return params, values


def _probabilities(answer, n):
    y_hat = _array(_tuple(answer, 2, "forward", 3)[0], (n, 1), "forward's y_hat", 3)
    if np.any((y_hat < 0) | (y_hat > 1)):
        raise DemoError("exercise 3: forward's y_hat is outside [0, 1]: is the output sigmoid missing? grade exercise 3")
    return y_hat[:, 0]


def _classes(answer, n):
    classes = _array(answer, (n, 1), "predict's answer", 10)[:, 0]
    if not np.all((classes == 0) | (classes == 1)):
        raise DemoError("exercise 10: predict should give 0 or 1 for every sample; grade exercise 10")
    return classes


# ------------------------------------------------------------------------------------- the demo

def run_demo(student):
    """Trains the network of the student's folder, writes student/demo.html, returns a Demo.

    Raises DemoError (one line) when the student's code fails, DemoInputError when the folder has
    no exercise 10 or the page cannot be written.
    """
    student = Path(student)
    ex10 = load_catalog()[9]
    if not (student / ex10.file).is_file():
        raise DemoInputError(f"{student} has no {ex10.file}: --path names the folder holding your exercise files")
    X, y, names = reference.load_lecture_table()
    n, d = X.shape
    folder = _stage(student)
    try:
        X_std, mean, std = _standardized(_sandbox_run(folder, [("standardize", (X,), {})])[0], n, d)
        params, losses = _trained(_sandbox_run(folder, [("train", (X_std, y), TRAINING)])[0], d)
        weights, heights = np.meshgrid(np.linspace(*WEIGHTS, GRID), np.linspace(*HEIGHTS, GRID), indexing="ij")
        grid = np.column_stack([weights.ravel(), heights.ravel()])
        new = np.array([[w, h] for _, w, h in NEW_PEOPLE])
        new_std = (new - mean) / std          # the training data's mean and std, never the new people's own
        answers = _sandbox_run(folder, [("forward", (X_std, params), {}), ("predict", (X_std, params), {}),
                                        ("forward", ((grid - mean) / std, params), {}),
                                        ("forward", (new_std, params), {}), ("predict", (new_std, params), {})])
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    y_hat, classes = _probabilities(answers[0], n), _classes(answers[1], n)
    surface = _probabilities(answers[2], len(grid)).reshape(GRID, GRID)
    new_hat, new_classes = _probabilities(answers[3], len(new)), _classes(answers[4], len(new))

    people = [{"name": name, "weight": X[i, 0], "height": X[i, 1], "gender": "F" if y[i, 0] == 1 else "M",
               "y_hat": y_hat[i], "predicted": int(classes[i]), "right": classes[i] == y[i, 0]}
              for i, name in enumerate(names)]
    newcomers = [{"name": name, "weight": w, "height": h, "std": new_std[i].tolist(), "y_hat": new_hat[i],
                  "predicted": int(new_classes[i])} for i, (name, w, h) in enumerate(NEW_PEOPLE)]
    page = student / PAGE
    try:
        page.write_text(_render(people, newcomers, losses, surface, mean, std, student))
    except OSError as e:
        raise DemoInputError(f"cannot write {page}: {e.strerror or e}")
    right = sum(p["right"] for p in people)
    summary = [f"Your network (exercises 1 to 10 in {student}) trained for {len(losses)} epochs: "
               f"loss {losses[0]:.4f} -> {losses[-1]:.4f}, {right} of {n} people right."]
    summary += [f"  {p['name']:8s} {p['weight']:5.0f} lb {p['height']:4.0f} in  {p['gender']}  "
                f"ŷ = {p['y_hat']:.3f}  predicted {p['predicted']} ({'F' if p['predicted'] else 'M'})"
                f"{'' if p['right'] else '  wrong'}" for p in people]
    summary += [f"  new: {p['name']} ({p['weight']:.0f} lb, {p['height']:.0f} in): ŷ = {p['y_hat']:.3f}, "
                f"predicted {p['predicted']} ({'F' if p['predicted'] else 'M'})" for p in newcomers]
    summary.append(f"The page: {page.resolve()}")
    return Demo(page, summary)


# ------------------------------------------------------------------------------------ the page

F_COLOR, M_COLOR = (214, 96, 77), (67, 147, 195)


def _color(p, pale=0.0):
    """The colour of probability p of F (1): blue for M (0) to red for F (1), mixed with white by `pale`."""
    rgb = [(1 - pale) * (m + p * (f - m)) + pale * 255 for f, m in zip(F_COLOR, M_COLOR)]
    return "#" + "".join(f"{round(c):02x}" for c in rgb)


def _scale(low, high, start, length):
    return lambda v: start + (v - low) / (high - low) * length


def _ticks(low, high, most=6):
    """Round values from low to high, at most `most` of them, a step of 1, 2 or 5 times a power of 10."""
    span = max(high - low, 1e-12)
    step = next(s * 10 ** e for e in range(math.floor(math.log10(span)) - 1, math.floor(math.log10(span)) + 2)
                for s in (1, 2, 5) if span / (s * 10 ** e) <= most - 1)
    first = math.ceil(low / step - 1e-9)
    return [round(k * step, 12) for k in range(first, math.floor(high / step + 1e-9) + 1)]


def loss_chart(losses, width=640, height=240, left=64, bottom=40, top=12, right=16):
    """The polyline of the loss per epoch (at most ~500 points), with its axes' ticks."""
    top_loss = max(float(np.max(losses)), 1e-12)
    x = _scale(1, max(len(losses), 2), left, width - left - right)
    y = _scale(0, top_loss, height - bottom, -(height - bottom - top))
    step = max(1, len(losses) // 500)
    picked = list(range(0, len(losses), step)) + [len(losses) - 1]
    return {"width": width, "height": height, "left": left, "bottom": height - bottom, "top": top,
            "right": width - right,
            "points": " ".join(f"{x(i + 1):.1f},{y(losses[i]):.1f}" for i in picked),
            "xticks": [(x(e), f"{e:g}") for e in _ticks(1, len(losses)) if e >= 1],
            "yticks": [(y(v), f"{v:g}") for v in _ticks(0, top_loss)]}


def boundary_chart(surface, people, newcomers, size=520, left=56, bottom=44, top=12, right=16):
    """The probability of F over the grid as coloured cells, the line ŷ = 0.5, and the people."""
    x = _scale(*WEIGHTS, left, size - left - right)
    y = _scale(*HEIGHTS, size - bottom, -(size - bottom - top))
    ws, hs = np.linspace(*WEIGHTS, GRID), np.linspace(*HEIGHTS, GRID)
    cells = []
    for i in range(GRID - 1):
        for j in range(GRID - 1):
            p = float(surface[i:i + 2, j:j + 2].mean())
            cells.append((x(ws[i]), y(hs[j + 1]), x(ws[i + 1]) - x(ws[i]), y(hs[j]) - y(hs[j + 1]), _color(p, 0.6)))
    segments = [(x(a), y(b), x(c), y(e)) for (a, b), (c, e) in contour(surface, ws, hs, 0.5)]
    return {"size": size, "left": left, "bottom": size - bottom, "top": top, "right": size - right,
            "cells": cells, "segments": segments,
            "xticks": [(x(w), f"{w:.0f}") for w in _ticks(*WEIGHTS)],
            "yticks": [(y(h), f"{h:.0f}") for h in _ticks(*HEIGHTS)],
            "people": [dict(p, x=x(p["weight"]), y=y(p["height"]), color=_color(1.0 if p["gender"] == "F" else 0.0))
                       for p in people],
            "newcomers": [dict(p, x=x(p["weight"]), y=y(p["height"]), color=_color(float(p["predicted"])))
                          for p in newcomers]}


def contour(values, xs, ys, level):
    """Marching squares: the segments ((x, y), (x, y)) where the grid values[i, j] (at xs[i], ys[j])
    cross `level`, linearly interpolated along each cell's edges."""
    segments = []
    for i in range(len(xs) - 1):
        for j in range(len(ys) - 1):
            corners = [(i, j), (i + 1, j), (i + 1, j + 1), (i, j + 1)]
            points = []
            for (a, b), (c, e) in zip(corners, corners[1:] + corners[:1]):
                va, vb = values[a, b], values[c, e]
                if (va >= level) != (vb >= level):
                    t = (level - va) / (vb - va)
                    points.append((xs[a] + t * (xs[c] - xs[a]), ys[b] + t * (ys[e] - ys[b])))
            if len(points) == 4 and values[i:i + 2, j:j + 2].mean() < level:   # a saddle: pair the other way
                points = points[1:] + points[:1]
            segments += [(points[k], points[k + 1]) for k in range(0, len(points) - 1, 2)]
    return segments


def _render(people, newcomers, losses, surface, mean, std, student):
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                             trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)
    return env.get_template("demo.html.j2").render(
        people=people, newcomers=newcomers, losses=losses, folder=str(student.resolve()),
        mean=mean.tolist(), std=std.tolist(), training=TRAINING, right=sum(p["right"] for p in people),
        loss=loss_chart(losses), boundary=boundary_chart(surface, people, newcomers),
        f_color=_color(1.0), m_color=_color(0.0))
