"""`grade release`: the student kit, built by allow-list from this checkout.

What goes in is listed here and nothing else: the stubs, the chosen quizzes, the grader modules a
student runs (CLI, grading, runner, clean room, the reference-free judges, quizzes) and the
public checks as data, generated now from the reference at the student seed. Never the
reference, the solutions, the generators of the hidden tests or the instructor's seed.
"""
import ast
import json
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .catalog import COURSE_ROOT, compiled_catalog, load_catalog

# The grader's modules a kit carries (paths under grader/): each imports only numpy, click, yaml,
# the standard library and modules on this list or in clean_room/.
KIT_MODULES = (
    "__init__.py", "catalog.py", "catalog.yaml", "cli.py", "cli_errors.py", "compare.py", "feedback.py", "grading.py",
    "handed_in.py", "locate.py", "mistakes.py", "notebook.py", "notebook_check.py", "progress.py", "public.py",
    "results.py", "spreadsheet.py", "start.py", "watch.py",
    "judge/__init__.py", "judge/calls.py", "judge/kinds.py",
)
KIT_PACKAGES = ("runner", "quiz")   # every .py file of these grader packages (no answers by design)
# What `pip install KIT` installs (read by the kit's own build backend, grader/kit_backend.py).
KIT = {
    "name": "day7-nn-kit", "version": "1.0", "summary": "Day 7 exercises with offline feedback: grade and quiz",
    "requires_python": ">=3.10", "dependencies": ["numpy>=1.23", "click>=8.0", "pyyaml>=6.0"],
    "scripts": {"grade": "grader.start:run", "quiz": "grader.quiz.cli:main"},
    "packages": ["clean_room", "grader", "grader.judge", "grader.runner", "grader.quiz"],
    "package_data": {"grader": ["catalog.yaml", "catalog.json", "public_checks/*.json"]},
}


class ReleaseError(Exception):
    """A refusal: the out folder is not empty, an unknown quiz, a test judged by code."""


@dataclass
class Release:
    out: Path
    files: list
    quizzes: list
    notebook: bool = False

    def text(self):
        text = (f"Wrote the student kit to {self.out}: {len(self.files)} files, exercises 1 to {len(load_catalog())}, "
                f"quizzes {', '.join(self.quizzes) or 'none'}.\n"
                f"Students install it with `pip install .` inside it, then `cd exercises` and `grade list`.")
        if self.notebook:
            text += ("\nOr they open day7.ipynb in Jupyter, on the Python they installed the kit into, and run its "
                     "check(N) cells.")
        return text


def available_quizzes(root=COURSE_ROOT):
    return sorted(p.stem for p in (root / "quizzes").glob("*.yaml"))


def check_out_folder(out):
    out = Path(out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ReleaseError(f"{out}: exists and is not an empty folder; the kit goes into a new or empty folder")
    return out


def build_kit(out, quizzes=None, root=COURSE_ROOT, notebook=False):
    """Writes the kit into `out` (new, or an empty folder) and returns a Release; with `notebook`,
    day7.ipynb too (grader/release_notebook.py)."""
    out = check_out_folder(out)
    known = available_quizzes(root)
    chosen = known if not quizzes else list(dict.fromkeys(quizzes))
    unknown = [q for q in chosen if q not in known]
    if unknown:
        raise ReleaseError(f"no quiz named {', '.join(map(repr, unknown))} in quizzes/ (quizzes: {', '.join(known)})")
    staging = Path(tempfile.mkdtemp(prefix=".kit-", dir=out.parent if out.parent.is_dir() else None))
    try:
        files = _fill(staging, chosen, root, notebook)
        if out.exists():
            out.rmdir()
        shutil.move(str(staging), str(out))
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return Release(out, files, chosen, notebook)


def _fill(kit, quizzes, root, notebook=False):
    from . import public
    from .engine import STUDENT_SEED, hidden_tests

    files = []

    def copy(source, target):
        (kit / target).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, kit / target)
        files.append(target)

    for e in load_catalog():
        copy(root / "exercises" / e.file, f"exercises/{e.file}")
    for name in KIT_MODULES:
        copy(root / "grader" / name, f"grader/{name}")
    # compiled: `grade` reads it without importing PyYAML (20 ms of every command's start)
    _write(kit / "grader" / "catalog.json", compiled_catalog(root / "grader" / "catalog.yaml"))
    files.append("grader/catalog.json")
    for package in KIT_PACKAGES:
        for source in sorted((root / "grader" / package).glob("*.py")):
            copy(source, f"grader/{package}/{source.name}")
    for source in sorted((root / "clean_room").glob("*.py")):
        copy(source, f"clean_room/{source.name}")
    for name in quizzes:
        text = (root / "quizzes" / f"{name}.yaml").read_text(encoding="utf-8")
        _write(kit / "quizzes" / f"{name}.yaml", PRACTICE_NOTE + text)
        files.append(f"quizzes/{name}.yaml")
    try:
        public.write_checks(kit / "grader" / "public_checks",
                            {e.number: hidden_tests(e.number, STUDENT_SEED) for e in load_catalog()}, STUDENT_SEED)
    except public.KitDataError as exc:
        raise ReleaseError(str(exc)) from None
    files += [f"grader/public_checks/{p.name}" for p in sorted((kit / "grader" / "public_checks").iterdir())]
    copy(root / "grader" / "kit_backend.py", "_build/kit_backend.py")
    _write(kit / "kit.json", json.dumps(dict(KIT, format=public.FORMAT), indent=1) + "\n")
    _write(kit / "pyproject.toml", PYPROJECT)
    _write(kit / "README.md", student_readme(quizzes, notebook))
    files += ["kit.json", "pyproject.toml", "README.md"]
    if notebook:
        from .release_notebook import NOTEBOOK_NAME, notebook_text
        _write(kit / NOTEBOOK_NAME, notebook_text(root))
        files.append(NOTEBOOK_NAME)
    missing = missing_imports(kit)
    if missing:
        raise ReleaseError("the kit's modules import modules it does not carry: " + "; ".join(missing)
                           + " (add them to KIT_MODULES in grader/release.py if they hold no answers)")
    return sorted(files)


# Modules that only the instructor's commands import (inside those commands): a kit lacks them
# on purpose, and its `grade` does not offer those commands.
INSTRUCTOR_ONLY = ("grader.engine", "grader.batch", "grader.selfcheck", "grader.demo", "grader.package",
                   "grader.release")


def missing_imports(kit):
    """'grader/cli.py imports grader.x', for each import of ours, anywhere in a kit module, that
    the kit does not carry (the instructor's modules aside)."""
    missing = []
    for path in sorted(kit.rglob("*.py")):
        package = path.relative_to(kit).parent.parts
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                base = list(package[:len(package) - node.level + 1]) if node.level else []
                module = base + (node.module.split(".") if node.module else [])
                targets = [module] + [module + [a.name] for a in node.names]
            elif isinstance(node, ast.Import):
                targets = [a.name.split(".") for a in node.names]
            else:
                continue
            name = ".".join(targets[0])
            if not targets[0] or targets[0][0] not in ("grader", "clean_room", "reference", "solutions") \
                    or name.startswith(INSTRUCTOR_ONLY):
                continue
            if not any((kit.joinpath(*t).with_suffix(".py")).is_file() or (kit.joinpath(*t) / "__init__.py").is_file()
                       for t in targets):
                missing.append(f"{path.relative_to(kit).as_posix()} imports {name}")
    return missing


def _write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")


PRACTICE_NOTE = ("# For practice: `quiz NAME` shows your score and the explanations at once. A quiz that counts\n"
                 "# is collected by your instructor (graded with `quiz grade`, or exported to your course site).\n")

PYPROJECT = """# pip install this folder: the kit builds itself (_build/kit_backend.py reads kit.json),
# so installing needs neither network nor setuptools.
[build-system]
requires = []
build-backend = "kit_backend"
backend-path = ["_build"]
"""


def student_readme(quizzes, notebook=False):
    rows = "\n".join(f"| {e.number} | {e.file} | {', '.join(e.functions)} | {e.points:g} |" for e in load_catalog())
    quiz_lines = "\n".join(f"quiz {q}" for q in quizzes)
    quiz_part = (f"""## Quizzes, for practice

```console
{quiz_lines}
```

These are for practice: you see your score and the explanations at once. A quiz that counts is
one your instructor collects (they grade it with `quiz grade` or through the course site).
""" if quizzes else "")
    return f"""# Day 7: train a neural network from scratch

You fill in the functions in `exercises/`, and `grade` tells you within a second what it checked,
what it expected, what your code returned, and which classic mistake it looks like.

## Install (once)

With Python 3.10 or newer (Windows, macOS or Linux), in a terminal opened in this folder:

```console
pip install .
```

It installs two commands, `grade` and `quiz`, and NumPy, click and PyYAML if you do not have
them yet. No network is needed beyond those three.

## The workflow

Open a terminal in `exercises/` (or anywhere inside this folder: `grade` finds `exercises/` the
way git finds its repository) and:

```console
grade list                  # the exercises, their points, and your progress so far
grade hint 1                # the idea behind exercise 1; grade hint 1 --more for code-level help
grade exercise 1            # check exercise 1 (exit 0 on full marks, 1 otherwise)
grade watch                 # re-check the exercise you are on every time you save it
grade all                   # every exercise and your total
```

Each file `exercises/exNN_*.py` has functions whose docstrings give the formula and the shapes in
and out; they raise `NotImplementedError` until you write them. `--path DIR` checks files
somewhere else, `--json` prints the result as JSON, `--timeout S` allows more seconds.

| # | file | functions | points |
|---|------|-----------|-------:|
{rows}

Later exercises call your earlier functions (exercise 8 imports your `dz2` from exercise 6). When
one of those is wrong, the later exercise tells you which one to fix first.

These checks run fixed inputs. Your instructor grades with other inputs, so code that works only
for these inputs earns nothing there: make your functions right for any input of the right shape.

{NOTEBOOK_PART if notebook else ""}{quiz_part}"""


NOTEBOOK_PART = """## In Jupyter: day7.ipynb

The same exercises as a notebook: one section per exercise, with the formula and the shapes, a
cell for your functions and a check cell, `check(N)`, which shows the feedback of `grade exercise
N` in the notebook. Install the kit (above) into the Python your notebooks run on, or run
`%pip install .` in a notebook cell, then open `day7.ipynb` from this folder (Jupyter, JupyterLab
or VS Code), run its first code cell, and work down. Everything runs on your computer, offline.

`check(N)` grades the cells you have run, in the order you ran them, as the files in `exercises/`
would be graded. Only definitions count (functions, imports, constants); prints, plots and other
code at a cell's top level are never run by the check. `grade all --path day7.ipynb` grades the
whole notebook from a terminal.

"""
