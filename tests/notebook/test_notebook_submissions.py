"""Notebooks wherever .py files go: `grade --path FILE.ipynb`, the batch, zips. Built with
nbformat as Jupyter, Colab or an old nbformat would write them, and graded like .py files."""
import json
import subprocess
import sys
import zipfile

import nbformat
import pytest

from grader.batch import run_batch
from grader.catalog import COURSE_ROOT, load_catalog
from grader.engine import grade_folder
from grader.notebook import NotebookError, NotebookFolder, read_cells, read_notebook

FILES = {e.number: e.file for e in load_catalog()}
POINTS = {e.number: e.points for e in load_catalog()}
FULL = sum(POINTS.values())
SOLUTIONS = COURSE_ROOT / "solutions"


def solution(number):
    return (SOLUTIONS / FILES[number]).read_text()


def notebook(cells, minor=5):
    """A notebook of code cells (str) and markdown cells (("md", text)), written as `minor`."""
    nb = nbformat.v4.new_notebook()
    for cell in cells:
        if isinstance(cell, tuple):
            nb.cells.append(nbformat.v4.new_markdown_cell(cell[1]))
        else:
            nb.cells.append(nbformat.v4.new_code_cell(cell))
    nb.nbformat_minor = minor
    if minor < 5:
        for c in nb.cells:
            c.pop("id", None)
    return nbformat.writes(nb, version=4).encode()


def write(folder, name, data):
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(data)
    return path


def grade_notebook(path, numbers=None):
    found = NotebookFolder(path)
    try:
        return {ex.number: ex for ex in grade_folder(found.folder, seed=3, timeout=20, numbers=numbers)}
    finally:
        found.close()


ALL = [solution(n) for n in FILES]


def test_a_notebook_of_the_solutions_earns_what_the_py_files_earn(tmp_path):
    path = write(tmp_path, "day7.ipynb", notebook(ALL))
    by_notebook = grade_notebook(path)
    by_files = {ex.number: ex for ex in grade_folder(SOLUTIONS, seed=3, timeout=20)}
    assert {n: ex.score for n, ex in by_notebook.items()} == {n: ex.score for n, ex in by_files.items()}
    assert sum(ex.score for ex in by_notebook.values()) == FULL


@pytest.mark.parametrize("minor", [0, 2, 4, 5])
def test_cell_order_ids_outputs_and_minor_version_do_not_matter(tmp_path, minor):
    nb = nbformat.reads(notebook(list(reversed(ALL)) + [("md", "# Day 7")], minor=minor).decode(), as_version=4)
    nb.cells[0].outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="hello\n"),
        nbformat.v4.new_output("error", ename="ValueError", evalue="x", traceback=["\x1b[31mTraceback"]),
        nbformat.v4.new_output("display_data", data={"image/png": "iVBORw0KGgo=", "text/plain": "<Figure>"}),
    ]
    nb.cells[0].execution_count = 7
    nb.cells[0].metadata["collapsed"] = True
    nb.metadata["kernelspec"] = {"name": "weird", "display_name": "Python (weird)", "language": "python"}
    path = write(tmp_path, "day7.ipynb", nbformat.writes(nb).encode())
    assert sum(ex.score for ex in grade_notebook(path).values()) == FULL


def test_magics_shell_escapes_and_top_level_code_never_run(tmp_path):
    marker = tmp_path / "ran"
    top = (f"%matplotlib inline\n!touch {marker}\nfiles = !ls\nimport numpy as np\nnp.sum?\n"
           f"open({str(marker)!r}, 'w').write('x')\nprint('training...')\nwhile True:\n    pass\n")
    path = write(tmp_path, "day7.ipynb", notebook([top, "%%bash\ntouch /tmp/never\n"] + ALL))
    results = grade_notebook(path)
    assert sum(ex.score for ex in results.values()) == FULL
    assert not marker.exists()


def test_one_giant_cell_and_a_broken_cell(tmp_path):
    giant = "\n\n".join(ALL)
    broken = "def bce(y, y_hat:\n    return 0\n"
    path = write(tmp_path, "day7.ipynb", notebook([giant, broken]))
    read = read_notebook(path.read_bytes(), "day7.ipynb")
    assert read.problems and "code cell 2" in read.problems[0] and "syntax error" in read.problems[0]
    assert sum(ex.score for ex in grade_notebook(path).values()) == FULL


REFUSED_BY_THE_COMPILER = {   # ast.parse takes them; compile, symtable or unparse do not
    "global after an assignment": ("count = 0\ndef sigmoid(z):\n    count = 1\n    global count\n    return z\n",
                                   "syntax error at its line 4"),
    "unbound nonlocal": ("def relu(z):\n    nonlocal q\n    return z\n", "syntax error at its line 2"),
    "nested too deeply": ("def relu(z):\n    return " + "+".join(["z"] * 30000) + "\n", "nested too deeply"),
}


@pytest.mark.parametrize("label", REFUSED_BY_THE_COMPILER)
def test_a_cell_the_compiler_refuses_is_left_out_with_one_line(label):
    source, words = REFUSED_BY_THE_COMPILER[label]
    read = read_cells({"In [1]": solution(1), "In [2]": source, "In [3]": solution(2)})
    assert len(read.problems) == 1 and read.problems[0].startswith("In [2] was left out") and words in read.problems[0]
    assert sorted(read.files) == [FILES[1], FILES[2]] and "return z\n" not in read.files[FILES[1]]


def test_a_future_import_anywhere_is_put_first_in_each_file(tmp_path):
    cells = ["import math\nimport numpy as np"] + ALL[:4] + ["from __future__ import annotations\n" + solution(5)]
    results = grade_notebook(write(tmp_path, "day7.ipynb", notebook(cells)), numbers={1, 5})
    assert results[1].score == POINTS[1] and results[5].score == POINTS[5], results[5].reason


def test_a_notebook_defining_thousands_of_names_is_cut_short_with_one_line():
    constants = "\n".join(f"c{i} = {i}" for i in range(6000))
    read = read_cells({"In [1]": solution(1), "In [2]": constants, "In [3]": solution(2)})
    assert sorted(read.files) == [FILES[1], FILES[2]]
    assert len(read.problems) == 1 and read.problems[0].startswith("In [2] was left out") and "5000" in read.problems[0]
    huge = notebook([constants * 40])   # 2.9 MB of code: refused before it is parsed
    with pytest.raises(NotebookError, match="more than 2 MB of code"):
        read_notebook(huge, "day7.ipynb")


def test_each_definition_is_read_once_and_no_exercise_file_outgrows_a_py_file(monkeypatch):
    import grader.notebook as nb
    calls = []
    real = nb._names_in
    monkeypatch.setattr(nb, "_names_in", lambda text: calls.append(1) or real(text))
    helper = "def helper():\n    return " + repr("x" * 1_100_000) + "\n"
    uses = "import numpy as np\n\n" + "\n\n".join(f"def {f}(*a):\n    return helper()" for f in
                                               ("sigmoid", "sigmoid_prime", "relu", "relu_prime", "mse", "bce"))
    read = read_cells([helper, uses])
    assert len(calls) == 8   # the helper, the import and six functions: once each, for two files
    assert read.files == {} and len(read.problems) == 2
    assert all("over 1 MB" in p for p in read.problems)


def test_a_byte_order_mark_and_cells_without_ids_are_read_quietly(tmp_path):
    nb = json.loads(notebook(ALL[:1], minor=5))
    for cell in nb["cells"]:
        cell.pop("id")   # nbformat 4.5 wants ids: it would warn on stderr, and fix it
    path = write(tmp_path, "day7.ipynb", b"\xef\xbb\xbf" + json.dumps(nb).encode())
    done = subprocess.run([sys.executable, "-m", "grader.cli", "exercise", "1", "--path", str(path)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and done.stderr == "", done.stderr


def test_a_wrong_function_costs_its_own_exercise_only(tmp_path):
    wrong = ALL + ["def dz2(y_hat, y):\n    return y_hat - y\n"]   # the last definition wins
    results = grade_notebook(write(tmp_path, "day7.ipynb", notebook(wrong)))
    assert results[6].score < POINTS[6]
    assert results[8].score == POINTS[8]   # backward imports the course's dz2, as from a .py file
    assert all(ex.score == POINTS[n] for n, ex in results.items() if n != 6)


def test_unwritten_exercises_are_not_started(tmp_path):
    results = grade_notebook(write(tmp_path, "day7.ipynb", notebook([solution(1), solution(5)])))
    assert results[1].score == POINTS[1] and results[5].score == POINTS[5]
    assert results[6].status == "not started" and results[6].score == 0


def test_an_exercise_the_notebook_lacks_is_said_as_such_not_as_a_temporary_file(tmp_path):
    path = write(tmp_path, "day7.ipynb", notebook([solution(5)]))
    done = subprocess.run([sys.executable, "-m", "grader.cli", "exercise", "1", "--path", str(path)],
                          capture_output=True, text=True, timeout=300)
    said = " ".join(done.stdout.replace("… ", "").split())
    assert f"{path} defines none of exercise 1's functions (sigmoid, sigmoid_prime, relu, relu_prime)" in said
    assert "grade-notebook-" not in done.stdout and "file not found" not in done.stdout
    subs = tmp_path / "subs"
    write(subs, "ann.ipynb", notebook([solution(5)]))
    run_batch(subs, tmp_path / "out", seed=3, timeout=20, workers=1, progress=False)
    tests = json.loads((tmp_path / "out" / "ann" / "results.json").read_text())["tests"]
    first = next(t for t in tests if t["number"] == "1.1")
    assert first["output"] == ("not started: ann.ipynb defines none of exercise 1's functions "
                               "(sigmoid, sigmoid_prime, relu, relu_prime)")


@pytest.mark.parametrize("data, words", [
    (b"{not json", "not JSON"),
    (b'{"cells": 3}', "not a valid notebook"),
    (b"\xff\xfe", "not UTF-8"),
])
def test_a_file_that_is_not_a_notebook_is_one_clear_line(tmp_path, data, words):
    path = write(tmp_path, "day7.ipynb", data)
    with pytest.raises(NotebookError) as caught:
        read_notebook(path.read_bytes(), "day7.ipynb")
    assert words in str(caught.value) and "day7.ipynb" in str(caught.value)
    done = subprocess.run([sys.executable, "-m", "grader.cli", "exercise", "5", "--path", str(path)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("error: ") and words in done.stderr


def test_grade_exercise_takes_a_notebook(tmp_path):
    path = write(tmp_path, "day7.ipynb", notebook(ALL))
    done = subprocess.run([sys.executable, "-m", "grader.cli", "exercise", "6", "--path", str(path), "--json"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["score"] == POINTS[6]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["day7.ipynb"]   # nothing written beside it


def test_a_class_mixing_notebooks_and_py_files(tmp_path):
    subs = tmp_path / "subs"
    write(subs, "ada.ipynb", notebook(ALL))                                 # a bare notebook
    write(subs / "bob" / "work", "day7.ipynb", notebook(ALL[:5]))           # a folder holding one
    with zipfile.ZipFile(subs / "cy.zip", "w") as z:                        # a zip holding one
        z.writestr("cy/day7.ipynb", notebook(ALL))
    (subs / "dee").mkdir()
    for n in FILES:                                                          # .py files
        (subs / "dee" / FILES[n]).write_text(solution(n))
    write(subs, "eve.ipynb", b"{not json")                                  # broken
    write(subs, "gus.ipynb", notebook(ALL + [source for source, _ in REFUSED_BY_THE_COMPILER.values()]))
    write(subs / "fay", "a.ipynb", notebook(ALL))
    write(subs / "fay", "b.ipynb", notebook(ALL))                           # two: which one?
    out = tmp_path / "out"
    run_batch(subs, out, seed=3, timeout=20, workers=2, progress=False)
    rows = {r.split(",")[0]: r for r in (out / "gradebook.csv").read_text().splitlines()[1:]}
    total = {name: json.loads((out / name / "results.json").read_text())["score"]
             for name in ("ada", "bob", "cy", "dee", "gus")}
    assert total == {"ada": FULL, "bob": sum(POINTS[n] for n in range(1, 6)), "cy": FULL, "dee": FULL, "gus": FULL}
    assert "not JSON" in rows["eve"]
    assert "2 notebooks" in rows["fay"]


def test_imports_no_function_uses_go_into_no_file(tmp_path):
    """A notebook that shows its plots imports IPython and matplotlib, which the clean room
    does not hold: they cost nothing unless a graded function uses them."""
    top = "from IPython.display import display\nimport matplotlib.pyplot as plt\nimport numpy as np\nimport math as m"
    helper = "def squash(z):\n    return 1 / (1 + m.exp(-z)) if np.ndim(z) == 0 else 1 / (1 + np.exp(-z))"
    cells = [top] + ALL + ["plt.plot([1, 2])\ndisplay(plt.gcf())", helper]
    read = read_cells(cells)
    assert all("IPython" not in text and "matplotlib" not in text for text in read.files.values())
    assert "import math as m" not in read.files[FILES[1]]   # only squash uses it, and no graded function uses squash
    results = grade_notebook(write(tmp_path, "day7.ipynb", notebook(cells)))
    assert sum(ex.score for ex in results.values()) == FULL


def test_a_function_that_uses_an_import_gets_it_and_its_helpers(tmp_path):
    cells = ["import numpy as np\nfrom IPython.display import display\nimport math as m",
             "def squash(z):\n    return 1 / (1 + np.exp(-z)) + 0 * m.pi",
             "def sigmoid(z):\n    return squash(z)",
             "def relu(z):\n    display(z)\n    return np.maximum(0, z)"]
    read = read_cells(cells)
    text = read.files[FILES[1]]
    assert "import math as m" in text and "def squash" in text and "from IPython.display import display" in text
    results = grade_notebook(write(tmp_path, "day7.ipynb", notebook(cells)), numbers={1})
    assert results[1].score < POINTS[1]   # relu needs IPython, which the clean room cannot import
    assert "IPython" in results[1].reason


def test_an_earlier_exercise_used_but_not_written_comes_from_the_course(tmp_path):
    forward = solution(3).replace("from ex01_activations import sigmoid\n", "")
    assert "sigmoid(" in forward
    read = read_cells(["import numpy as np", forward])
    assert "from ex01_activations import sigmoid" in read.files[FILES[3]]
    results = grade_notebook(write(tmp_path, "day7.ipynb", notebook(["import numpy as np", forward])), numbers={3})
    assert results[3].score == POINTS[3], results[3].reason


def test_assignments_a_function_uses_are_kept_and_others_never_run(tmp_path):
    bce = solution(5).split("def bce", 1)[1].split("\ndef ", 1)[0]
    cells = ["import numpy as np\nEPS = np.finfo(float).eps ** 0.5\nLO, HI = EPS, 1 - EPS",
             "def mse(y, y_hat):\n    return float(np.mean((y - y_hat) ** 2))",
             "def bce(y, y_hat):\n    p = np.clip(y_hat, LO, HI)\n    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))",
             "sigmoid = lambda z: np.exp(-np.logaddexp(0, -z))",
             "costly = open('/etc/hostname').read()\nmse = mse",   # used by nothing: never runs
             "loss = bce(np.array([[1.0]]), np.array([[0.9]]))\nbce_value = bce\nbce = bce(np.ones((1, 1)), np.ones((1, 1)))"]
    read = read_cells(cells)
    assert "LO, HI = (EPS, 1 - EPS)" in read.files[FILES[5]] and "costly" not in read.files[FILES[5]]
    assert "loss =" not in read.files[FILES[5]] and "bce = bce(" not in read.files[FILES[5]]   # a call is no definition of bce
    assert "sigmoid = lambda" in read.files[FILES[1]] and read.problems == []
    results = grade_notebook(write(tmp_path, "day7.ipynb", notebook(cells)), numbers={1, 5})
    assert results[5].score == POINTS[5], results[5].reason
    assert results[1].tests[0].passed   # sigmoid, written as a lambda, is graded


def test_a_name_defined_only_inside_an_if_or_a_try_gets_a_note():
    cells = ["import numpy as np\ntry:\n    EPS = 1e-12\nexcept Exception:\n    pass",
             "if True:\n    def squash(z):\n        return 1 / (1 + np.exp(-z))",
             "def sigmoid(z):\n    return squash(z)",
             "def bce(y, y_hat):\n    p = np.clip(y_hat, EPS, 1 - EPS)\n    return float(-np.mean(y * np.log(p)))"]
    read = read_cells(cells)
    assert sorted(read.problems) == [
        f"{FILES[1]}: its code uses squash, which no top-level definition of a cell defines (one inside an if, "
        "a try or a loop is not kept), so the code may fail with NameError",
        f"{FILES[5]}: its code uses EPS, which no top-level definition of a cell defines (one inside an if, "
        "a try or a loop is not kept), so the code may fail with NameError"]


def test_a_name_changed_from_itself_keeps_its_first_definition():
    cells = ["import numpy as np\nSCALE = 2.0", "SCALE = SCALE * 3",
             "def relu(z):\n    return np.maximum(0, z) * SCALE / 2.0"]
    text = read_cells(cells).files[FILES[1]]
    assert "SCALE = 2.0" in text and "SCALE * 3" not in text


def test_a_name_set_again_in_a_later_cell_leaves_what_earlier_definitions_saw(tmp_path):
    """Run from the top, `def train(..., lr=LR)` binds the LR of its time; a later experiment cell
    that sets LR again must neither break the file nor change train's default."""
    train = solution(10).replace("def train(X, y, n_hidden=2, lr=0.5, epochs=2000, seed=0)",
                                 "def train(X, y, n_hidden=2, lr=LR, epochs=EPOCHS, seed=0)")
    assert "lr=LR" in train
    cells = ["LR = 0.5\nEPOCHS = 2000"] + ALL[:9] + [train, ALL[10], "LR = 0.1\nparams, losses = train(X, y, lr=LR)"]
    text = read_cells(cells).files[FILES[10]]
    assert text.index("LR = 0.5") < text.index("def train") < text.index("LR = 0.1")
    results = grade_notebook(write(tmp_path, "day7.ipynb", notebook(cells)), numbers={10})
    assert results[10].score == POINTS[10], results[10].reason


def test_a_cell_run_under_time_or_capture_keeps_its_definitions_and_others_go():
    read = read_cells([f"%%time\n{solution(1)}", f"  %%capture out\n{solution(5)}",
                       "%%bash\necho hi", "%%timeit\ndef relu(z):\n    return z"])
    assert sorted(read.files) == [FILES[1], FILES[5]] and read.problems == []
    assert "return np.maximum(0.0, z)" in read.files[FILES[1]] and "return z\n" not in read.files[FILES[1]]   # %%timeit's cell keeps nothing


def test_a_function_bound_by_a_call_is_kept_and_one_computed_from_itself_is_not():
    read = read_cells(["import numpy as np\nfrom functools import partial", solution(1),
                       "relu = partial(np.maximum, 0.0)", "relu_prime = relu_prime(np.ones(3))"])
    text = read.files[FILES[1]]
    assert text.index("def relu(") < text.index("relu = partial(np.maximum, 0.0)")   # the last one wins
    assert "from functools import partial" in text and "relu_prime(np.ones" not in text


def test_notes_on_one_notebook_are_at_most_twenty():
    read = read_cells([solution(1)] + ["def broken(:"] * 500)
    assert len(read.problems) == 20 and read.problems[-1] == "and 481 more notes like these"
    assert list(read.files) == [FILES[1]]
