"""`grade all --path SUBMISSION`: a handed-in submission graded exactly as `grade batch` grades it.

A student's own folder (exercise files at its top) is graded where it is, and `grade` records its
progress there. A submission is another matter: it may keep its files under `exercises/` or one
folder deeper, it may be a .zip, and the instructor reproducing a batch score must not write into
it. So `--path` is a submission when `--submission` says so, when it is a .zip, or when its top
holds no exercise file but the places `grade batch` looks at do. A submission's exercise files
are found and copied by the batch's own code (grader/batch/submissions.py) into a temporary
folder, graded there, and nothing is written into the submission.
"""
import contextlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .catalog import load_catalog


class NotGradable(ValueError):
    """A submission that cannot be graded: the batch's reason (a corrupt zip, no exercise files, ...)."""


@dataclass
class Place:
    folder: Path              # where the exercise files to grade are
    head: str = ""            # for a submission: "Graded the 11 exercise files in carol/exercises."
    own: bool = True          # the student's own folder: progress is recorded there
    staged_as: str = ""       # the temporary folder's path, which messages must not show
    display: str = ""         # what to show instead


def _names():
    return {e.file for e in load_catalog()}


def _holds_exercises(folder):
    try:
        return any(entry.name in _names() for entry in os.scandir(folder))
    except OSError:
        return False


def looks_handed_in(path):
    """A .zip, or a folder whose top holds no exercise file while exercises/ or a folder below
    it does (where `grade batch` would find them)."""
    path = Path(path)
    if path.is_file():
        return path.suffix.lower() == ".zip"
    if not path.is_dir() or _holds_exercises(path):
        return False
    try:
        below = [Path(e.path) for e in os.scandir(path) if e.is_dir(follow_symlinks=False)]
    except OSError:
        return False
    return any(_holds_exercises(d) or _holds_exercises(d / "exercises") for d in below)


@contextlib.contextmanager
def grading_place(path, submission=False):
    """The Place to grade `path` from; for a submission, a temporary copy of its exercise files."""
    path = Path(path)
    if not (submission or looks_handed_in(path)):
        yield Place(path)
        return
    from .batch.submissions import Submission, stage

    kind = "zip" if path.is_file() else "folder"
    name = path.name[:-4] if kind == "zip" else path.name
    with tempfile.TemporaryDirectory(prefix="grade-submission-") as temp:
        os.chmod(temp, 0o700)
        staged = stage(Submission(name, path, kind), Path(temp) / "files")
        if not staged.ok:
            raise NotGradable(f"{path}: {staged.reason}")
        shown = f"{path}/{staged.found_in}" if staged.found_in else str(path)
        head = f"Graded the {len(staged.files)} exercise files in {shown}, as grade batch finds them"
        head += " (a copy: nothing is written into the submission)."
        head += "".join(f"\nNote: {remark}." for remark in staged.remarks)
        yield Place(staged.folder, head, own=False, staged_as=str(staged.folder), display=shown)


def as_shown(text, folder, display):
    """text with the staging folder's path (either spelling) written as the place the files came
    from (alice.zip/exercises); from a notebook, a missing exercise file said as what it means."""
    for path in sorted({str(folder), os.path.realpath(folder)}, key=len, reverse=True):
        text = text.replace(path, display)
    if display.lower().endswith(".ipynb") and "file not found: " in text:
        for e in load_catalog():
            text = text.replace(f"file not found: {display}/{e.file}",
                                f"{display} defines none of exercise {e.number}'s functions ({', '.join(e.functions)})")
    return text


def relabel(results, place):
    """Messages name the submission, not the temporary copy graded."""
    if place.own:
        return results
    for ex in results:
        ex.reason = as_shown(ex.reason, place.staged_as, place.display)
        for t in ex.tests:
            t.output = as_shown(t.output, place.staged_as, place.display)
    return results
