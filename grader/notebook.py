"""A student's notebook as exercise files: what `grade` grades when --path names a .ipynb, and
what a batch or the autograder stages for a student who handed one in.

The notebook is read with nbformat, the format's own library, and never run here. From its code
cells (in any order, whatever their ids, outputs, metadata or nbformat 4.x minor version) only
definitions are kept: imports, functions, classes, and assignments to names (`EPS = 1e-12`,
`f = lambda z: ...`; one that a graded function does not use goes into no file, so it never runs).
Everything else at the top level (plots, prints, a training run, `%matplotlib inline`,
`!pip install ...`, `check(5)`, an assignment computed from its own name such as `X =
standardize(X)` or `dz2 = dz2(y_hat, y)`, imports of the course's own `grader`, and cells under
a cell magic other than `%%time` and `%%capture`) is dropped, so it neither runs nor costs points;
the functions are graded in the clean room like any file. A file holds every definition of the
names it needs, in the notebook's order: the last one wins, and each sees what it saw, as when
the notebook is run from top to bottom. `read_cells` does the same for a list of cell sources: `check(N)` in the
kit's notebook (grader/notebook_check.py) reads the kernel's history of executed cells with it.

Each exercise file gets the student's functions of that exercise, the helper functions, classes,
constants and imports they use, and `from exNN_... import name` for the functions of earlier
exercises they use: so, as with .py files, exercise 8 calls the course's dz2, and one mistake costs
points once. An import no function uses (IPython's display, matplotlib) goes into no file.
"""
from __future__ import annotations

import ast
import re
import symtable
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from .catalog import load_catalog

MAX_NOTEBOOK_BYTES = 8 << 20
MAX_CODE_CHARS = 2 << 20  # its code cells together (outputs, images, take the rest of the 8 MB)
MAX_FILE_CHARS = 1 << 20  # one exercise file made of it, as the batch takes a .py file
MAX_DEFINITIONS = 5000   # names a notebook may define (the course's defines about 60): bounds staging's work
MAX_PROBLEMS = 20        # notes on one notebook: they go into the feedback, the gradebook and the report
KEEPS_DEFINITIONS = {"time", "capture"}   # cell magics that run the cell in the notebook's namespace
_MAGIC = re.compile(r"^\s*(%|!|\w+\s*=\s*[!%])")
_HELP = re.compile(r"^\s*[\w.]+\?\??\s*$")


class NotebookError(ValueError):
    """Not a notebook that can be graded: the message is one line saying why."""


@dataclass
class NotebookFiles:
    files: dict                                   # {exercise file name: source text}
    problems: list = field(default_factory=list)  # cells left out, and why


def read_notebook(data: bytes, shown: str) -> NotebookFiles:
    """The exercise files a notebook's code defines. Raises NotebookError naming `shown`."""
    import nbformat
    from nbformat.reader import NotJSONError
    if len(data) > MAX_NOTEBOOK_BYTES:
        raise NotebookError(f"{shown}: larger than {MAX_NOTEBOOK_BYTES >> 20} MB, not a course notebook")
    try:
        text = data.decode("utf-8-sig")   # a byte-order mark is how some editors save UTF-8
        with warnings.catch_warnings():   # nbformat warns on stderr of what it fixes (cell ids): noise to a student
            warnings.simplefilter("ignore")
            notebook = nbformat.reads(text, as_version=4)
    except UnicodeDecodeError:
        raise NotebookError(f"{shown}: not a notebook (not UTF-8 text)") from None
    except NotJSONError:
        raise NotebookError(f"{shown}: not a notebook (not JSON)") from None
    except Exception as exc:  # noqa: BLE001 - nbformat raises many kinds for malformed files
        raise NotebookError(f"{shown}: not a valid notebook ({_first_line(exc)})") from None
    cells = notebook.get("cells")
    if not isinstance(cells, list):
        raise NotebookError(f"{shown}: not a valid notebook (no list of cells)")
    sources = {}
    for number, cell in enumerate(cells, start=1):
        if isinstance(cell, dict) and cell.get("cell_type") == "code":
            source = cell.get("source", "")
            sources[f"code cell {number}"] = "".join(source) if isinstance(source, list) else str(source)
    if sum(len(text) for text in sources.values()) > MAX_CODE_CHARS:   # parsing it all would take seconds
        raise NotebookError(f"{shown}: more than {MAX_CODE_CHARS >> 20} MB of code, not a course notebook")
    return read_cells(sources)


def read_cells(sources) -> NotebookFiles:
    """The exercise files that cell sources define, read in the order given (a later definition
    wins). sources: {label: source} (the label names a cell in a problem, e.g. "In [3]") or a
    list of sources, labelled "cell 1", "cell 2", ...: what `check(N)` reads from a kernel's
    history. Nothing here runs the code."""
    if not isinstance(sources, dict):
        sources = {f"cell {number}": source for number, source in enumerate(sources, start=1)}
    versions, nodes, problems = {}, [], []   # versions: {name: the nodes defining it, in order}
    read, trees = {}, []   # read: {id(node): (its text, the names it uses, those it defines)}; trees keep the ids theirs
    order = 0
    for label, source in sources.items():
        tree, problem = _parsed(source, MAX_DEFINITIONS - order, read)
        if problem:
            problems.append(f"{label} was left out: {problem}")
            continue
        trees.append(tree)
        for node in tree.body:
            if id(node) in read:
                nodes.append(node)
                for name in read[id(node)][2]:
                    order += 1
                    versions.setdefault(name, []).append(node)
    files = _exercise_files(versions, nodes, read, problems)
    for name, text in list(files.items()):
        if len(text) > MAX_FILE_CHARS:   # as a handed-in .py file may not be
            del files[name]
            problems.append(f"{name} was left out: its code, with the helpers it uses, is over "
                            f"{MAX_FILE_CHARS >> 20} MB")
    if len(problems) > MAX_PROBLEMS:
        problems[MAX_PROBLEMS - 1:] = [f"and {len(problems) - MAX_PROBLEMS + 1} more notes like these"]
    return NotebookFiles(files, problems)


def _parsed(source, room, read):
    """(the cell's tree, None), or (None, why it cannot be kept). Beyond the parser: what the
    compiler refuses (`global x` after an assignment to x, an unbound nonlocal), code nested
    too deeply to compile or to write back out (unparse and symtable recurse), and more
    definitions than the `room` left. Each definition kept is written out and read by symtable
    here, once (into `read`), however many exercise files it goes into."""
    texts = {}
    try:
        tree = ast.parse(_without_magics(source))
        kept = [(node, names) for node in tree.body if (names := _kept(node))] if len(tree.body) <= room else None
        if kept is None or len(kept) > room:
            return None, (f"the notebook would define more than {MAX_DEFINITIONS} names with it (a course "
                          "notebook defines about 60)")
        compile(tree, "<cell>", "exec", dont_inherit=True)
        for node, names in kept:
            text = ast.unparse(node)
            used, top = _names_in(text)
            if isinstance(node, (ast.Assign, ast.AnnAssign)) and top & set(names):
                continue   # `X = standardize(X)` changes a name, it does not define it: the first X stays
            texts[id(node)] = (text, used, names)
    except SyntaxError as exc:
        return None, f"a syntax error{f' at its line {exc.lineno}' if exc.lineno else ''}: {exc.msg}"
    except (RecursionError, MemoryError):
        return None, "its code is nested too deeply to read"
    except ValueError as exc:   # a null byte in the source
        return None, f"it cannot be read as Python ({_first_line(exc)})"
    read.update(texts)
    return tree, None


class NotebookFolder:
    """The exercise files of a notebook written to a temporary folder (never the student's),
    removed by close(): what `grade exercise N --path day7.ipynb` grades."""

    def __init__(self, path):
        import tempfile
        try:
            with open(path, "rb") as f:
                data = f.read(MAX_NOTEBOOK_BYTES + 1)
        except OSError as exc:
            raise NotebookError(f"{path}: cannot read ({exc.strerror})") from None
        notebook = read_notebook(data, str(path))
        self.problems = notebook.problems
        self._tmp = tempfile.TemporaryDirectory(prefix="grade-notebook-")
        self.folder = Path(self._tmp.name)
        for name, text in notebook.files.items():
            (self.folder / name).write_text(text, encoding="utf-8")

    def close(self):
        self._tmp.cleanup()


def _first_line(exc):
    return " ".join(str(exc).split())[:200] or type(exc).__name__


def _without_magics(source):
    """The cell without IPython's own syntax: magics, shell escapes, `x?` help (never run). A
    cell magic's cell is left out, unless the magic runs it as Python in the notebook's
    namespace (`%%time`): then its first line goes."""
    if source.lstrip().startswith("%%"):
        first, _, body = source.lstrip().partition("\n")
        if first[2:].split()[:1] and first[2:].split()[0] in KEEPS_DEFINITIONS:
            return "\n" * (source.count("\n") - body.count("\n")) + _without_magics(body)
        return ""
    return "\n".join("" if _MAGIC.match(line) or _HELP.match(line) else line for line in source.splitlines())


def _kept(node):
    """The names a top-level statement defines, if it is a definition to keep; else ()."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return (node.name,)
    if isinstance(node, ast.Import):
        if any(_tool(alias.name) for alias in node.names):
            return ()
        return ("import " + ast.unparse(node),)
    if isinstance(node, ast.ImportFrom):
        if node.module and re.fullmatch(r"ex\d\d_\w+", node.module):
            return ()   # an earlier exercise: the files below import what they need themselves
        if node.level == 0 and node.module and _tool(node.module):
            return ()
        return ("import " + ast.unparse(node),)
    if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
        return _assigned(node.targets if isinstance(node, ast.Assign) else [node.target])
    return ()


def _assigned(targets):
    """The names `a = ...`, `a = b = ...` or `a, *b = ...` bind; () for any other target."""
    names = []
    for target in targets:
        parts = target.elts if isinstance(target, (ast.Tuple, ast.List)) else [target]
        for part in parts:
            part = part.value if isinstance(part, ast.Starred) else part
            if not isinstance(part, ast.Name):
                return ()
            names.append(part.id)
    return tuple(names)



def _tool(module):
    """The course's own tools (`from grader.notebook_check import check`, the kit notebook's first
    cell): they check the functions and are no part of them, and the clean room does not hold them."""
    return module.split(".")[0] in ("grader", "clean_room")


def _names_in(text):
    """(the global names a definition uses, those its own top level uses): a parameter called
    dz2 is not the function dz2; `X = standardize(X)` uses X at its top level."""
    table = symtable.symtable(text, "<cell>", "exec")
    todo = list(table.get_children())
    top = {s.get_name() for s in table.get_symbols() if s.is_referenced()}
    found = set(top)
    while todo:
        scope = todo.pop()
        todo += scope.get_children()
        found |= {s.get_name() for s in scope.get_symbols() if s.is_global() and s.is_referenced()}
    return frozenset(found), top


def _exercise_files(versions, nodes, read, problems):
    """{exercise file: its source}; a note in `problems` for each global name a file's functions
    use that nothing kept defines (`EPS` assigned inside an `if` or a `try`, or in a loop).

    A file holds every definition of each name its functions reach, in the notebook's order: run
    from the top, it binds what running the notebook's definitions from the top binds, the last
    definition winning, and `def train(lr=LR)` still sees the LR it saw there, even when a later
    cell sets LR again."""
    catalog = load_catalog()
    owner = {name: e for e in catalog for name in e.functions}
    imports = [n for n in nodes if isinstance(n, (ast.Import, ast.ImportFrom))]
    future = [n for n in imports if isinstance(n, ast.ImportFrom) and n.module == "__future__"]
    others = [n for n in imports if n not in future]
    head = [read[id(n)][0] for n in future]     # first in a file, or it does not compile
    code = {name: [n for n in found if not isinstance(n, (ast.Import, ast.ImportFrom))]
            for name, found in versions.items()}
    bound = set().union(*(_bound(n) for n in others), code)
    files = {}
    for exercise in catalog:
        if not any(code.get(name) for name in exercise.functions):
            continue
        chosen, earlier, used = _reach(exercise, owner, code, read, lambda found: found)
        unbound = {name for name in _reach(exercise, owner, code, read, lambda found: found[-1:])[2]
                   - bound - _BUILTINS - set(owner) if not name.startswith("__")}
        star = bool(used - bound - _BUILTINS)   # a name only a `from m import *` could bind
        if unbound and not any("*" in _bound(n) for n in others):
            names = ", ".join(sorted(unbound)[:5]) + (", ..." if len(unbound) > 5 else "")
            problems.append(f"{exercise.file}: its code uses {names}, which no top-level definition of a cell "
                            "defines (one inside an if, a try or a loop is not kept), so the code may fail with NameError")
        parts = head + [read[id(n)][0] for n in others if _bound(n) & used or (star and "*" in _bound(n))]
        parts = list(dict.fromkeys(parts))
        parts += [f"from {module} import {', '.join(sorted(names))}" for module, names in sorted(earlier.items())]
        parts += [read[id(n)][0] for n in nodes if id(n) in chosen]
        files[exercise.file] = "\n\n".join(parts) + "\n"
    return files


def _reach(exercise, owner, code, read, pick):
    """(the ids of the definitions the exercise's functions reach, transitively: helpers,
    constants, later exercises' functions; {module: the earlier exercises' functions they use,
    which come from the course as from a .py file}; every name reached). pick: which of a name's
    definitions count (all of them, or the last)."""
    chosen, earlier, used = set(), {}, set()
    todo = [name for name in exercise.functions if code.get(name)]
    while todo:
        name = todo.pop()
        if name in used:
            continue
        used.add(name)
        other = owner.get(name)
        if other is not None and other.number < exercise.number:
            earlier.setdefault(other.module, set()).add(name)
            continue
        for node in pick(code.get(name, [])):
            if id(node) not in chosen:
                chosen.add(id(node))
                todo.extend(read[id(node)][1])
    return chosen, earlier, used


_BUILTINS = frozenset(dir(__import__("builtins")))


def _bound(node):
    """The names an import binds: only the imports a file's code uses go into it, so a notebook's
    `from IPython.display import display`, which the clean room cannot import, costs nothing."""
    return {alias.asname or (alias.name if isinstance(node, ast.ImportFrom) else alias.name.split(".")[0])
            for alias in node.names}
