"""What `grade release` puts in the kit, and what it must never hold: the reference's or a
solution's code (as code or as text), the generators of the hidden tests, the instructor seed."""
import ast
import json
import re

from click.testing import CliRunner

from grader.catalog import COURSE_ROOT, load_catalog
from grader.cli import main
from grader.engine import INSTRUCTOR_SEED

SOURCES = sorted((COURSE_ROOT / "reference").glob("*.py")) + sorted((COURSE_ROOT / "solutions").glob("*.py"))


def squeeze(text):
    """Text with every whitespace (and the escapes JSON would write for it) taken out."""
    return re.sub(r"\s+", "", text.replace("\\n", "").replace("\\t", "").replace('\\"', '"'))


def bodies():
    """(where, body) of every function in reference/ and solutions/: its statements after the
    docstring, whitespace squeezed out."""
    found = []
    for path in SOURCES:
        text = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                statements = node.body[1:] if ast.get_docstring(node) is not None else node.body
                if statements:
                    body = "\n".join(ast.get_source_segment(text, s) for s in statements)
                    found.append((f"{path.parent.name}/{path.name}:{node.name}", squeeze(body)))
    return found


def kit_files(*folders):
    return [p for folder in folders for p in sorted(folder.rglob("*")) if p.is_file()]


def test_no_function_of_the_reference_or_the_solutions_is_in_the_kit(kit):
    known = bodies()
    assert len(known) > 40
    installed = [kit.site / "grader", kit.site / "clean_room"]
    leaks = []
    for path in kit_files(kit.root, *installed):
        text = squeeze(path.read_bytes().decode("utf-8", errors="ignore"))
        leaks += [f"{where} in {path}" for where, body in known if body in text]
    assert not leaks, leaks


def test_the_leak_search_finds_a_leak(tmp_path):
    """The search above would see a solution pasted into a kit file, even re-indented."""
    body = dict(bodies())["solutions/ex08_backward.py:backward"]
    source = (COURSE_ROOT / "solutions" / "ex08_backward.py").read_text(encoding="utf-8")
    pasted = "\n".join("        " + line for line in source.splitlines())
    assert body in squeeze(json.dumps({"text": pasted}))


def test_the_kit_is_an_allow_list(kit):
    names = {p.relative_to(kit.root).as_posix() for p in kit_files(kit.root)}
    assert {f"exercises/{e.file}" for e in load_catalog()} <= names
    assert {"README.md", "pyproject.toml", "kit.json", "quizzes/day7.yaml", "grader/public_checks/format.json",
            "day7.ipynb", "grader/notebook_check.py"} <= names   # the session's kit is built with --notebook
    forbidden = re.compile(r"(^|/)(reference|solutions|hidden|tests|batch|package|__pycache__)/|engine\.py$|release\.py$|"
                           r"selfcheck\.py$|demo\.py$|numeric\.py$|source_text\.py$|\.pyc$")
    assert not [n for n in names if forbidden.search(n)]
    assert json.loads((kit.root / "kit.json").read_text())["format"] == 1


def test_no_instructor_seed_and_only_the_student_seed(kit):
    for path in kit_files(kit.root):
        if "public_checks" in path.parts:
            assert json.loads(path.read_text(encoding="utf-8"))["seed"] == 1
        else:
            text = path.read_text(encoding="utf-8")   # no seed the grader could draw graded inputs from
            assert not re.search(rf"(INSTRUCTOR_SEED\s*=|=\s*{INSTRUCTOR_SEED}\b)", text), path


def test_the_stubs_are_the_courses_and_quizzes_say_they_are_for_practice(kit):
    for e in load_catalog():
        assert (kit.root / "exercises" / e.file).read_bytes() == (COURSE_ROOT / "exercises" / e.file).read_bytes()
    assert (kit.root / "quizzes" / "day7.yaml").read_text(encoding="utf-8").startswith("# For practice")
    readme = (kit.root / "README.md").read_text(encoding="utf-8")
    for words in ("pip install", "grade exercise", "grade watch", "grade hint", "quiz day7", "for practice"):
        assert words in readme


def test_release_refuses_a_folder_that_is_not_empty_and_an_unknown_quiz(tmp_path):
    runner = CliRunner()
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x.txt").write_text("mine")
    result = runner.invoke(main, ["release", "--out", str(tmp_path / "full")])
    assert result.exit_code == 2 and result.output.count("error:") == 1 and "not an empty folder" in result.output
    assert (tmp_path / "full" / "x.txt").read_text() == "mine"
    result = runner.invoke(main, ["release", "--out", str(tmp_path / "new"), "--quiz", "nope"])
    assert result.exit_code == 2 and "no quiz named 'nope'" in result.output and not (tmp_path / "new").exists()
    result = runner.invoke(main, ["release"])
    assert result.exit_code == 2 and result.output.startswith("error:")


def test_release_into_an_empty_folder_with_one_quiz(tmp_path):
    (tmp_path / "empty").mkdir()
    result = CliRunner().invoke(main, ["release", "--out", str(tmp_path / "empty"), "--quiz", "day7"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "empty" / "quizzes").iterdir()) == ["day7.yaml"]
    assert "quiz day7_training" not in (tmp_path / "empty" / "README.md").read_text(encoding="utf-8")
    # without --notebook, no notebook (the session's kit is built with it: see conftest.py)
    assert not list((tmp_path / "empty").rglob("*.ipynb"))
    assert "day7.ipynb" not in (tmp_path / "empty" / "README.md").read_text(encoding="utf-8")


def test_reference_and_the_generators_cannot_be_imported_in_the_kit(kit):
    for module in ("reference", "solutions", "grader.hidden", "grader.engine", "grader.numeric"):
        done = kit.python_run("-c", f"import {module}")
        assert done.returncode != 0 and "ModuleNotFoundError" in done.stderr, module
    done = kit.python_run("-c", "import grader.cli, grader.public, grader.judge, sys; "
                                "print(sorted(m for m in sys.modules if m.startswith(('reference', 'grader.hidden'))))")
    assert done.returncode == 0 and done.stdout.strip() == "[]", done.stderr


def test_the_kit_offers_the_student_commands_only(kit):
    shown = kit.run("--help").stdout
    for command in ("list", "hint", "exercise", "all", "watch"):
        assert f"  {command} " in shown
    for command in ("batch", "selfcheck", "release", "autograder"):
        assert f"  {command} " not in shown
        assert kit.run(command).returncode == 2
    assert "Exercise 6" in kit.run("hint", 6).stdout
    assert kit.run("exercise", 6, "--seed", 20261, "--path", kit.root / "exercises").returncode == 2


def test_the_installed_kit_reads_its_catalog_compiled_without_importing_pyyaml(kit):
    found = kit.python_run("-c", "import sys; from grader.catalog import load_catalog, CATALOG_FILE; "
                                 "print(len(load_catalog()), CATALOG_FILE.with_suffix('.json').is_file(), "
                                 "'yaml' in sys.modules)")
    assert found.stdout.split() == [str(len(load_catalog())), "True", "False"], found.stderr
