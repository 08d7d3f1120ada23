"""`grade autograder`: the zip's layout, line ends and modes, what it holds and never holds,
and the command's refusals (one `error:` line, exit status 2)."""
import hashlib
import json
import stat
import zipfile

import pytest
from click.testing import CliRunner

from grader.catalog import COURSE_ROOT, load_catalog
from grader.cli import main
from grader.package import autograder
from grader.package.autograder import BuildError, build_autograder


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    path = tmp_path_factory.mktemp("zip") / "autograder.zip"
    build_autograder(path, visibility="after_published", timeout=7)
    with zipfile.ZipFile(path) as archive:
        yield path, {info.filename: (info, archive.read(info)) for info in archive.infolist()}


def test_setup_and_run_autograder_sit_at_the_root_with_a_shebang_lf_ends_and_the_execute_bit(built):
    _, members = built
    for name in ("setup.sh", "run_autograder"):
        info, data = members[name]
        assert data.startswith(b"#!/usr/bin/env bash\n")
        assert b"\r" not in data
        assert info.create_system == 3   # Unix: unzip restores the mode
        mode = info.external_attr >> 16
        assert stat.S_ISREG(mode) and mode & 0o777 == 0o755, oct(mode)
    for name, (info, _) in members.items():
        if name not in ("setup.sh", "run_autograder"):
            assert (info.external_attr >> 16) & 0o777 == 0o644, name


def test_the_requirements_are_pinned_exactly(built):
    _, members = built
    lines = [line for line in members["requirements.txt"][1].decode().splitlines()
             if line.strip() and not line.startswith("#")]
    assert lines and all("==" in line for line in lines), lines
    assert {line.split("==")[0].lower() for line in lines} == {"numpy", "pyyaml", "nbformat"}


def test_the_zip_holds_the_grader_reference_hidden_tests_and_catalog_and_records_the_options(built):
    _, members = built
    names = set(members)
    for needed in ("grader/engine.py", "grader/catalog.yaml", "grader/package/run_autograder.py",
                   "grader/batch/submissions.py", "grader/runner/__init__.py", "clean_room/child.py",
                   "reference/__init__.py", "reference/data/lecture_table.csv"):
        assert needed in names, needed
    for e in load_catalog():
        assert f"grader/hidden/ex{e.number:02d}.py" in names
        assert f"exercises/{e.file}" in names
    config = json.loads(members["autograder.json"][1])
    assert config["visibility"] == "after_published" and config["timeout"] == 7.0


def test_the_compiled_catalog_gives_the_yamls_exercises_and_is_ignored_once_the_yaml_changes(built, tmp_path):
    _, members = built
    yaml_text, compiled = members["grader/catalog.yaml"][1], members["grader/catalog.json"][1]
    (tmp_path / "catalog.yaml").write_bytes(yaml_text)
    (tmp_path / "catalog.json").write_bytes(compiled)
    assert load_catalog(tmp_path / "catalog.yaml") == load_catalog()
    # a YAML edited after the build: its own entries count, not the stale compiled ones
    edited = yaml_text.replace(b"title: Activation functions", b"title: Activations, edited")
    assert edited != yaml_text
    (tmp_path / "edited.yaml").write_bytes(edited)
    (tmp_path / "edited.json").write_bytes(compiled)
    assert load_catalog(tmp_path / "edited.yaml")[0].title == "Activations, edited"


def test_no_solution_and_nothing_else_of_the_instructors_goes_into_the_zip(built):
    _, members = built
    tops = {name.split("/")[0] for name in members}
    assert tops == {"clean_room", "exercises", "grader", "reference", "setup.sh", "run_autograder",
                    "requirements.txt", "autograder.json"}
    assert not any(name.startswith("grader/quiz/") or "__pycache__" in name for name in members)
    solutions = {hashlib.sha256(p.read_bytes()).digest() for p in (COURSE_ROOT / "solutions").glob("*.py")}
    assert not any(hashlib.sha256(data).digest() in solutions for _, data in members.values())
    for name, (_, data) in members.items():
        if name.startswith("exercises/"):
            assert b"NotImplementedError" in data, name


def test_building_twice_gives_the_same_bytes(built, tmp_path):
    path, _ = built
    again = tmp_path / "again.zip"
    build_autograder(again, visibility="after_published", timeout=7)
    assert again.read_bytes() == path.read_bytes()


def test_a_solved_stub_or_a_solution_is_refused():
    solution = (COURSE_ROOT / "solutions" / "ex03_forward.py").read_bytes()
    with pytest.raises(BuildError, match="same file as solutions/ex03_forward.py"):
        autograder._refuse_answers({"grader/extra.py": (solution, 0o644)})
    with pytest.raises(BuildError, match="not a stub any more"):
        autograder._refuse_answers({"exercises/ex03_forward.py": (b"def forward(X, p):\n    return 1\n", 0o644)})


def test_grade_autograder_writes_the_zip_and_says_where(tmp_path):
    result = CliRunner().invoke(main, ["autograder", "--out", str(tmp_path / "deep" / "ag.zip")])
    assert result.exit_code == 0, result.output
    assert "Wrote" in result.output and "after_due_date" in result.output and "5 s per exercise" in result.output
    with zipfile.ZipFile(tmp_path / "deep" / "ag.zip") as archive:
        assert json.loads(archive.read("autograder.json"))["visibility"] == "after_due_date"


@pytest.mark.parametrize("args, says", [
    ([], "Missing option '--out'"),
    (["--visibility", "sometimes"], "--visibility must be one of after_due_date, after_published, hidden, visible"),
    (["--timeout", "0"], "--timeout must be a number of seconds above 0"),
    (["--timeout", "nan"], "--timeout must be a number of seconds above 0"),
    (["--timeout", "soon"], "is not a valid float"),
    (["--bogus"], "No such option"),
    (["--out"], "requires an argument"),
])
def test_bad_options_get_one_error_line_and_status_2(tmp_path, args, says):
    if args[:1] != ["--out"] and args:
        args = ["--out", str(tmp_path / "ag.zip")] + args
    result = CliRunner().invoke(main, ["autograder"] + args)
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and says in lines[0], result.output
    assert not (tmp_path / "ag.zip").exists()


def test_out_naming_a_folder_is_refused(tmp_path):
    result = CliRunner().invoke(main, ["autograder", "--out", str(tmp_path)])
    assert result.exit_code == 2 and result.output.startswith("error: ") and "is a folder" in result.output
