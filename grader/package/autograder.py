"""Builds the Gradescope autograder zip: `grade autograder --out FILE.zip`.

The zip is made from this checkout by allow-list (INCLUDE): the packages grader (with its catalog
and hidden tests, not its quiz), clean_room and reference, and the exercises' stubs (the engine
reads their imports; each must still be a stub). Never solutions/, tests/, docs/,
quizzes/ or anything else of the instructor's. At its root sit setup.sh and run_autograder (LF line ends, a
shebang, mode 755), requirements.txt (exact pins) and autograder.json (the options chosen
here, read by run_autograder), and grader/catalog.json, the catalog compiled (grader.catalog).
Gradescope unpacks it into /autograder/source.

The bytes depend only on the files and the options: entries are sorted and dated 1980-01-01,
so building twice from the same checkout gives the same zip.
"""
from __future__ import annotations

import hashlib
import json
import os
import stat
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from .. import engine
from ..catalog import CATALOG_FILE, COURSE_ROOT, compiled_catalog, load_catalog

FILES = Path(__file__).with_name("files")       # setup.sh, run_autograder, requirements.txt
SCRIPTS = ("setup.sh", "run_autograder")
CONFIG = "autograder.json"
VISIBILITIES = ("after_due_date", "after_published", "hidden", "visible")   # Gradescope's words
DEFAULT_VISIBILITY = "after_due_date"
INCLUDE = ("clean_room/**/*.py", "grader/**/*.py", "grader/**/*.yaml", "reference/**/*.py", "reference/data/*.csv")
LEAVE_OUT = ("grader/quiz/",)    # in an allowed package, but not needed to grade
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


class BuildError(Exception):
    """Why the zip cannot be built: one line for the instructor."""


@dataclass
class Built:
    path: Path
    files: int
    size: int
    visibility: str
    timeout: float

    def text(self):
        return (f"Wrote {self.path} ({self.files} files, {self.size / 1024:.0f} KB): hidden tests "
                f"{self.visibility}, {self.timeout:g} s per exercise.\n"
                "Upload it on Gradescope under Configure Autograder (docs/gradescope.md).")


def check_visibility(visibility):
    if visibility not in VISIBILITIES:
        raise BuildError(f"--visibility must be one of {', '.join(VISIBILITIES)}, not {visibility!r}")
    return visibility


def course_files():
    """The checkout's files the zip holds, as names relative to COURSE_ROOT, sorted."""
    names = set()
    for pattern in INCLUDE:
        names |= {p.relative_to(COURSE_ROOT).as_posix() for p in COURSE_ROOT.glob(pattern)
                  if p.is_file() and "__pycache__" not in p.parts}
    names = {n for n in names if not n.startswith(LEAVE_OUT)}
    names |= {f"exercises/{e.file}" for e in load_catalog()}
    return sorted(names)


def entries(visibility=DEFAULT_VISIBILITY, timeout=engine.DEFAULT_TIMEOUT):
    """{name in the zip: (bytes, mode)}: everything the zip holds."""
    visibility, timeout = check_visibility(visibility), _check_timeout(timeout)
    found = {}
    for name in course_files():
        found[name] = ((COURSE_ROOT / name).read_bytes(), 0o644)
    for name in SCRIPTS + ("requirements.txt",):
        data = (FILES / name).read_bytes().replace(b"\r\n", b"\n")   # whatever the checkout did
        found[name] = (data, 0o755 if name in SCRIPTS else 0o644)
    compiled = CATALOG_FILE.with_suffix(".json").relative_to(COURSE_ROOT).as_posix()
    found[compiled] = (compiled_catalog().encode(), 0o644)   # read without PyYAML's import (20 ms a run)
    config = {"format": 1, "visibility": visibility, "timeout": timeout, "public_seed": engine.STUDENT_SEED}
    found[CONFIG] = ((json.dumps(config, indent=2) + "\n").encode(), 0o644)
    _refuse_answers(found)
    return found


def build_autograder(out, visibility=DEFAULT_VISIBILITY, timeout=engine.DEFAULT_TIMEOUT) -> Built:
    """Writes the zip to `out` (atomically: a temporary file beside it, then a rename)."""
    out = Path(out)
    files = entries(visibility, timeout)
    if out.is_dir():
        raise BuildError(f"{out}: is a folder (--out names the zip file to write)")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=out.parent, prefix=".autograder-", suffix=".zip")
    except OSError as exc:
        raise BuildError(f"{out}: cannot write ({exc.strerror})") from None
    try:
        with os.fdopen(fd, "wb") as raw, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
            for name in sorted(files):
                data, mode = files[name]
                info = zipfile.ZipInfo(name, ZIP_DATE)
                info.create_system = 3          # Unix: unzip restores the modes below
                info.external_attr = (stat.S_IFREG | mode) << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, data)
        os.chmod(temp, 0o644)
        os.replace(temp, out)
    except OSError as exc:
        _unlink(temp)
        raise BuildError(f"{out}: cannot write ({exc.strerror})") from None
    except BaseException:
        _unlink(temp)
        raise
    return Built(out, len(files), out.stat().st_size, visibility, float(timeout))


def _check_timeout(timeout):
    try:
        return engine.check_timeout(timeout)
    except ValueError as exc:
        raise BuildError(str(exc)) from None


def _refuse_answers(files):
    """No solution travels in the zip, and the stubs it ships are still stubs."""
    solutions = COURSE_ROOT / "solutions"
    known = {}
    if solutions.is_dir():
        known = {hashlib.sha256(p.read_bytes()).digest(): p.name for p in solutions.glob("*.py")}
    for name, (data, _) in files.items():
        twin = known.get(hashlib.sha256(data).digest())
        if twin:
            raise BuildError(f"{name} is the same file as solutions/{twin}: a solution never goes into the zip")
        if name.startswith("exercises/") and b"NotImplementedError" not in data:
            raise BuildError(f"{name} is not a stub any more (no NotImplementedError); the zip ships the "
                             "stub to read its imports, so restore it from git first")


def _unlink(path):
    try:
        os.unlink(path)
    except OSError:
        pass
