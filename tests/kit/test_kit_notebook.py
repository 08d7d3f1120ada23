"""The kit's day7.ipynb in a real Jupyter kernel (nbclient + ipykernel), running on the installed
kit's Python: the stubs filled in with the solutions, a few exercises' cells executed, and
`check(N)` shows full marks, or a wrong answer's named mistake, as HTML and as the same text that
`grade exercise N --path day7.ipynb` prints for the executed notebook.

Only a few sections are executed (the setup cell, then exercises 1, 5, 6, 7 and 8: exercise 8
runs on the student's own exercises 6 and 7), to keep the test to seconds. Timeouts are generous
(a loaded 2-core CI machine), and nothing asserts a duration.
"""
import ast
import json
import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest

from grader.catalog import COURSE_ROOT, load_catalog

from .test_kit_contents import bodies, squeeze

pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

E = {e.number: e for e in load_catalog()}
RUN = (1, 5, 6, 7, 8)
CHECK_SECONDS = 60          # the check's time limit, and grade's --timeout, in this test
WRONG_MSE = ("np.mean((y - y_hat) ** 2)", "np.sum((y - y_hat) ** 2)")
MISTAKE = "a sum where a mean belongs"


def solution_cell(number, wrong=None):
    """The solution file as a notebook cell: without its `from exNN_... import` lines, which in a
    notebook are the earlier exercises' cells."""
    text = (COURSE_ROOT / "solutions" / E[number].file).read_text(encoding="utf-8")
    if wrong:
        assert wrong[0] in text
        text = text.replace(*wrong)
    return re.sub(r"^from ex\d\d_\w+ import .*$", "", text, flags=re.M)


def kernel_env(kit):
    """The kit venv's environment; ipykernel comes from the folder the test's own Python has it in
    (as numpy does, see conftest.py), unless the venv finds it already."""
    found = subprocess.run([str(kit.python), "-c", "import ipykernel"], env=kit.env(), capture_output=True)
    if found.returncode != 0:
        import ipykernel
        (kit.site / "_kit_test_kernel.pth").write_text(str(Path(ipykernel.__file__).resolve().parent.parent) + "\n")
    return kit.env()


def execute(kit, nb, folder, tmp_path):
    """Runs every code cell of nb in a kernel on the kit venv's Python, in `folder`."""
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager
    from jupyter_core.utils import run_sync
    from nbclient import NotebookClient

    spec = tmp_path / "kernels" / "kit"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [str(kit.python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "the kit's Python", "language": "python"}))
    km = AsyncKernelManager(kernel_name="kit", kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(spec.parent)]))
    client = NotebookClient(nb, km=km, timeout=600, startup_timeout=300, allow_errors=False,
                            resources={"metadata": {"path": str(folder)}})
    try:
        client.execute(env=kernel_env(kit))
    finally:   # a kernel manager passed in is the caller's to stop: politely, so the kernel's own
        # grader closes its clean template at exit (a kill would leave that to the template)
        if km.has_kernel:
            run_sync(km.shutdown_kernel)(now=False)
    return nb


def outputs(cell):
    """(text/plain, text/html) of a check cell's result."""
    results = [o for o in cell.outputs if o.output_type == "execute_result"]
    assert len(results) == 1, cell.outputs
    return results[0].data["text/plain"], results[0].data.get("text/html", "")


def test_check_cells_grade_in_a_real_kernel_as_grade_exercise_does(kit, tmp_path):
    folder = tmp_path / "student-kit"                  # the student's copy of the kit, notebook inside
    shutil.copytree(kit.root, folder)
    released = nbformat.read(folder / "day7.ipynb", as_version=4)
    keep = {"setup"} | {f"ex{n:02d}-{part}" for n in RUN for part in ("text", "code", "check")}
    nb = released.copy()
    nb.cells = [c for c in released.cells if c.get("id") in keep]
    for cell in nb.cells:
        number = int(cell.id[2:4]) if cell.id.startswith("ex") else 0
        if cell.id.endswith("-code"):
            cell.source = solution_cell(number, WRONG_MSE if number == 5 else None)
        elif cell.id.endswith("-check"):
            assert cell.source == f"check({number})"
            cell.source = f"check({number}, timeout={CHECK_SECONDS})"
    where = nbformat.v4.new_code_cell("import importlib.util, sys, grader\n"
                                      "print(sys.executable, grader.__file__, importlib.util.find_spec('reference'))")
    nb.cells.insert(1, where)
    execute(kit, nb, folder, tmp_path)
    python, grader_file, reference = where.outputs[0].text.split()
    assert (python, reference) == (str(kit.python), "None")     # the kit's Python, which has no answers
    assert Path(grader_file).is_relative_to(folder) or Path(grader_file).is_relative_to(kit.site)
    nbformat.validate(nb)
    saved = folder / "executed.ipynb"
    nbformat.write(nb, saved)

    checks = {int(c.id[2:4]): outputs(c) for c in nb.cells if c.id.endswith("-check")}
    assert sorted(checks) == list(RUN)
    for number, (text, page) in checks.items():
        points = f"{E[number].points:g}"
        if number == 5:
            assert "Score: 4/6" in text and f"Looks like: {MISTAKE}" in text, text
            assert "FAIL" in page and "expected" in page and "got" in page
            highlighted = re.search(r"<div [^>]*border-left[^>]*><b>Looks like:</b> ([^<]*)</div>", page)
            assert highlighted and MISTAKE in highlighted.group(1), page
        else:
            assert f"[done]" in text and f"Score: {points}/{points}" in text, text
            assert f"Score: {points}/{points}" in page and "FAIL" not in page
        # the text a notebook shows where HTML is not is what grade exercise prints
        done = kit.run("exercise", number, "--path", saved, "--timeout", CHECK_SECONDS, cwd=folder)
        assert done.returncode == (1 if number == 5 else 0), done.stderr
        assert done.stdout.strip() == text.strip()


def test_the_released_notebook_is_valid_and_holds_stubs_only(kit):
    path = kit.root / "day7.ipynb"
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert nb.nbformat == 4 and nb.metadata.kernelspec.language == "python"
    cells = {c.id: c for c in nb.cells}
    for e in load_catalog():
        tag = f"ex{e.number:02d}"
        text, code, check = cells[f"{tag}-text"], cells[f"{tag}-code"], cells[f"{tag}-check"]
        assert (text.cell_type, code.cell_type, check.cell_type) == ("markdown", "code", "code")
        assert check.source == f"check({e.number})"
        stub = ast.parse((COURSE_ROOT / "exercises" / e.file).read_text(encoding="utf-8"))
        defined = [n for n in ast.parse(code.source).body if isinstance(n, ast.FunctionDef)]
        assert [f.name for f in defined] == list(e.functions)
        for function in defined:                   # a stub: it raises NotImplementedError
            assert isinstance(function.body[-1], ast.Raise) and "NotImplementedError" in ast.unparse(function.body[-1])
        for node in stub.body:                     # each function's docstring (formula, shapes) is in the markdown
            if isinstance(node, ast.FunctionDef):
                for line in ast.get_docstring(node).splitlines():
                    assert line.strip() in text.source, (e.file, line)
    readme = (kit.root / "README.md").read_text(encoding="utf-8")
    assert "day7.ipynb" in readme and "check(N)" in readme
    # no function body of the reference or the solutions, in the cells' text as a person reads it
    joined = squeeze("\n".join(c.source for c in nb.cells))
    assert not [where for where, body in bodies() if body in joined]
