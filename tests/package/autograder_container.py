"""The `container` fixture: a Gradescope container on this machine, shared by the session.

The zip is built and unpacked into a temporary AUTOGRADER_ROOT, setup.sh runs as Gradescope
runs it (a fresh virtual environment with the zip's pinned requirements), and run_autograder
runs on submissions made from the solutions.

The Python that setup.sh uses is AUTOGRADER_TEST_PYTHON if set, else the first of
/usr/bin/python3 and this interpreter that any user may run: where namespaces are refused the
grading runs as nobody, who must be able to start it."""
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pytest

from grader.catalog import COURSE_ROOT, load_catalog
from grader.package.autograder import build_autograder
from gradescope_schema import check_results

TIMEOUT = 3.0          # seconds per exercise in the test zip: an endless loop costs two of them
FILES = [e.file for e in load_catalog()]
FULL = sum(e.points for e in load_catalog())
POINTS = {e.number: e.points for e in load_catalog()}


def solved():
    """{file name: text} of every solution: full marks."""
    return {name: (COURSE_ROOT / "solutions" / name).read_text() for name in FILES}


def edited(file, old, new, files=None):
    """The solutions with one snippet of one file replaced (fails loudly if it is not there)."""
    files = dict(files or solved())
    assert old in files[file], f"{file}: {old!r} not found"
    files[file] = files[file].replace(old, new, 1)
    return files


def runnable_by_anyone(path):
    real = os.path.realpath(path)
    parts = real.split(os.sep)
    folders = [os.sep.join(parts[:i]) or os.sep for i in range(1, len(parts))]
    return os.access(real, os.X_OK) and all(os.stat(f).st_mode & stat.S_IXOTH for f in folders) \
        and os.stat(real).st_mode & stat.S_IXOTH


def setup_python():
    chosen = os.environ.get("AUTOGRADER_TEST_PYTHON")
    if chosen:
        return chosen
    candidates = [p for p in ("/usr/bin/python3", sys.executable) if os.path.exists(p)]
    for python in candidates:
        version = subprocess.run([python, "-c", "import sys, venv, ensurepip; print(sys.version_info >= (3, 10))"],
                                 capture_output=True, text=True)
        if version.stdout.strip() == "True" and (os.geteuid() != 0 or runnable_by_anyone(python)):
            return python
    pytest.skip("no Python (3.10+, with venv) that the user nobody can run; set AUTOGRADER_TEST_PYTHON")


class Container:
    """AUTOGRADER_ROOT with source/ (the zip) and venv/ (setup.sh's); submissions come and go."""

    def __init__(self, root, zip_path):
        self.root = Path(root)
        self.zip = zip_path

    def grade(self, files, users=(4242,), env=None, wrapper=""):
        """Runs run_autograder on a submission ({relative path: text}) and returns results.json,
        checked against Gradescope's schema."""
        submission = self.root / "submission"
        shutil.rmtree(submission, ignore_errors=True)
        shutil.rmtree(self.root / "results", ignore_errors=True)
        (self.root / "results").mkdir(mode=0o755)   # Gradescope's harness makes it first
        submission.mkdir()
        for name, text in files.items():
            path = submission / wrapper / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        metadata = self.root / "submission_metadata.json"
        metadata.unlink(missing_ok=True)
        if users is not None:
            metadata.write_text(json.dumps({"id": 1, "submission_method": "upload", "assignment": {"id": 7},
                                            "users": [{"id": u, "name": f"Student {u}", "email": f"{u}@example.com"}
                                                      for u in users]}))
        self.last, data = run_autograder(self.root, env)
        return data


def run_autograder(root, env=None):
    """(the finished process, results.json checked against Gradescope's schema) of the zip's
    run_autograder in `root`, started through its shebang as Gradescope starts it."""
    environment = {k: v for k, v in os.environ.items() if k != "GRADER_RUNNER"}
    # PYTHONDONTWRITEBYTECODE: as in a fresh container, nothing a run compiles outlives it
    environment.update(AUTOGRADER_ROOT=str(root), PYTHONDONTWRITEBYTECODE="1", **(env or {}))
    result = subprocess.run([str(Path(root) / "source" / "run_autograder")], env=environment,
                            capture_output=True, text=True, cwd=root)
    assert result.returncode == 0, result.stderr
    data = json.loads((Path(root) / "results" / "results.json").read_text())
    check_results(data)
    return result, data


def unpack(zip_path, root):
    with zipfile.ZipFile(zip_path) as archive:
        for info in archive.infolist():
            archive.extract(info, root / "source")
            os.chmod(root / "source" / info.filename, (info.external_attr >> 16) & 0o777)


@pytest.fixture(scope="session")
def container():
    root = Path(tempfile.mkdtemp(prefix="autograder-test-"))
    os.chmod(root, 0o755)   # the user nobody reaches the virtual environment through it
    try:
        zip_path = root / "autograder.zip"
        build_autograder(zip_path, timeout=TIMEOUT)
        unpack(zip_path, root)
        env = dict(os.environ, AUTOGRADER_ROOT=str(root), AUTOGRADER_PYTHON=setup_python())
        result = subprocess.run([str(root / "source" / "setup.sh")], env=env, capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr
        yield Container(root, zip_path)
    finally:
        shutil.rmtree(root, ignore_errors=True)
