"""`grade release --notebook`: the kit's day7.ipynb, written from the stubs in exercises/.

One section per exercise: a markdown cell with the exercise's introduction and, for each
function, its docstring (the formula and the shapes); a code cell with the stub, each docstring
cut to its first line (the rest is in the markdown above) and without the `from exNN_... import`
lines (in a notebook the earlier exercises' functions are defined by their own cells); a check
cell, `check(N)` (grader/notebook_check.py). Built from the stubs only: the notebook holds no answer.
"""
import ast
import re

from .catalog import COURSE_ROOT, load_catalog

NOTEBOOK_NAME = "day7.ipynb"
_EARLIER = re.compile(r"ex\d\d_\w+")

INTRO = """# Day 7: train a neural network from scratch

One section per exercise. Read the formula and the shapes, write the functions in the code cell
under them, run that cell, then run its check cell, `check(N)`. The check grades the functions
this notebook has run, with the checks and the feedback of `grade exercise N`: a line per test,
what was expected against what your code returned, and the classic mistake your answer looks
like. Your functions run in a separate process with a time limit, so an endless loop costs the
check, not your notebook.

Run the first code cell below first, and again after restarting the kernel. Later exercises call
your earlier functions (exercise 8 calls your `dz2`): run the earlier exercises' cells first, and
when one of those functions fails its own exercise, the check says which one to fix.
"""

SETUP = """import numpy as np

try:
    from grader.notebook_check import check
except ImportError as exc:
    raise ImportError("check is not installed for this notebook's Python: run  %pip install .  in a cell "
                      "(this notebook is in the kit's folder), then restart the kernel") from exc
"""

HAND_IN = """## Handing in

Save the notebook and hand in `day7.ipynb` as your instructor asks. `grade all --path day7.ipynb`
grades the whole notebook from a terminal, the way it is graded (your instructor's checks draw
other inputs, so code that fits only these checks earns nothing there).

When a notebook is graded, only its definitions count: functions, imports and constants. The rest
of a cell's top level (prints, plots, a training run, `%magics`, `!shell` lines) is not run, and
costs no points; when a function is defined twice, the later definition counts.
"""


def build_notebook(root=COURSE_ROOT):
    """The kit's notebook, as an nbformat 4 NotebookNode (validated)."""
    import nbformat
    from nbformat import v4

    cells = [v4.new_markdown_cell(INTRO, id="intro"), v4.new_code_cell(SETUP, id="setup")]
    for e in load_catalog():
        text = (root / "exercises" / e.file).read_text(encoding="utf-8")
        tag = f"ex{e.number:02d}"
        cells += [v4.new_markdown_cell(_explanation(e, text), id=f"{tag}-text"),
                  v4.new_code_cell(_stub(text), id=f"{tag}-code"),
                  v4.new_code_cell(f"check({e.number})", id=f"{tag}-check")]
    cells.append(v4.new_markdown_cell(HAND_IN, id="hand-in"))
    notebook = v4.new_notebook(cells=cells, metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"},
    })
    nbformat.validate(notebook)
    return notebook


def notebook_text(root=COURSE_ROOT):
    import nbformat
    return nbformat.writes(build_notebook(root), version=4)


def _markdown(text):
    """Prose for a markdown cell: the characters markdown would read as markup escaped."""
    text = re.sub(r"([\\*_\[\]<>|])", r"\\\1", text)
    return re.sub(r"^(\s*)([#+])", r"\1\\\2", text, flags=re.M)


def _explanation(exercise, text):
    """The exercise's introduction (its module docstring past the title line), then each
    function's signature and docstring: the formula and the shapes."""
    tree = ast.parse(text)
    intro = (ast.get_docstring(tree) or "").split("\n", 1)
    parts = [f"## Exercise {exercise.number}: {exercise.title} ({exercise.points:g} points)"]
    if len(intro) > 1 and intro[1].strip():
        parts.append(_markdown(intro[1].strip()))
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            parts.append(f"### `{node.name}({ast.unparse(node.args)})`")
            parts.append("```text\n" + (ast.get_docstring(node) or "").strip() + "\n```")
    return "\n\n".join(parts) + "\n"


def _stub(text):
    """The stub's code: no module docstring, no imports of earlier exercises (a comment names
    them), each function's docstring cut to its first line."""
    tree = ast.parse(text)
    lines = text.splitlines()
    replace = {}    # first line index -> (last line index, new lines)
    for node in tree.body:
        if isinstance(node, ast.Expr) and node is tree.body[0] and isinstance(node.value, ast.Constant):
            replace[node.lineno - 1] = (node.end_lineno - 1, [])
        elif isinstance(node, ast.ImportFrom) and node.module and _EARLIER.fullmatch(node.module):
            number = int(node.module[2:4])
            names = ", ".join(a.name for a in node.names)
            plural = "s" if len(node.names) > 1 else ""
            replace[node.lineno - 1] = (node.end_lineno - 1, [
                f"# {names}: your function{plural} from exercise {number} (run its cell above first)"])
        elif isinstance(node, ast.FunctionDef) and ast.get_docstring(node) is not None:
            doc = node.body[0]
            indent = lines[doc.lineno - 1][:len(lines[doc.lineno - 1]) - len(lines[doc.lineno - 1].lstrip())]
            first = ast.get_docstring(node).split("\n", 1)[0].strip()
            replace[doc.lineno - 1] = (doc.end_lineno - 1, [f'{indent}"""{first}"""'])
    out, k = [], 0
    while k < len(lines):
        if k in replace:
            last, new = replace[k]
            out += new
            k = last + 1
        else:
            out.append(lines[k])
            k += 1
    code = "\n".join(out).strip("\n")
    return re.sub(r"\n{4,}", "\n\n\n", code) + "\n"
