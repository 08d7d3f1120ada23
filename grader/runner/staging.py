"""The student's files as the child sees them: a private copy, readable by the sandbox user,
made before the run and removed after it, so a run never touches the submission itself."""
from __future__ import annotations

import os
import re
import shutil
import stat
import tempfile
from pathlib import Path

EXERCISE_FILE = re.compile(r"ex\d\d_\w+\.py")


PREFIX = "grade-stage-"
_swept = set()


def stage_files(source: Path, siblings=False) -> Path:
    """A new folder (mode 755) holding a copy (mode 644) of `source` and, with siblings, of the
    other exercise files beside it."""
    _sweep_once()
    folder = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-"))
    try:
        os.chmod(folder, 0o755)
        names = {source.name}
        if siblings:
            names |= {p.name for p in source.parent.iterdir() if EXERCISE_FILE.fullmatch(p.name) and p.is_file()}
        for name in sorted(names):
            copy_file(source.parent / name, folder / name)
    except BaseException:
        remove_tree(folder)
        raise
    return folder


def stage_folder(folder: Path) -> Path:
    """A new folder (mode 755) holding a copy of every exercise file in `folder`: one student's
    files, staged once for all their exercises."""
    _sweep_once()
    names = sorted(p.name for p in Path(folder).iterdir() if EXERCISE_FILE.fullmatch(p.name) and p.is_file())
    staged = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-"))
    try:
        os.chmod(staged, 0o755)
        for name in names:
            copy_file(Path(folder) / name, staged / name)
    except BaseException:
        remove_tree(staged)
        raise
    return staged


def _sweep_once():
    """Once per process: removes the staged copies of graders that were killed before their
    `finally` could (a SIGKILL, a machine's OOM killer): their folder names hold their pid."""
    base = tempfile.gettempdir()
    if (os.getpid(), base) in _swept:
        return
    _swept.add((os.getpid(), base))
    try:
        names = os.listdir(base)
    except OSError:
        return
    for name in names:
        pid = name[len(PREFIX):].split("-", 1)[0]
        if name.startswith(PREFIX) and pid.isdigit() and not _alive(int(pid)):
            remove_tree(os.path.join(base, name))


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True   # someone else's process: alive
    return True


def copy_file(source, target):
    """Copies the bytes only (no owner, no mode bits from the submission), as mode 644."""
    with open(source, "rb") as f:
        data = f.read()
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.chmod(target, 0o644)


def remove_tree(path):
    """rmtree that also gets through folders the student made unreadable. It changes modes only
    inside `path` (never its parent, e.g. /tmp) and does not mind the folder being gone already."""
    top = os.path.abspath(path)

    def inside(p):
        return p == top or p.startswith(top + os.sep)

    def fix(function, p, exc_info):
        if isinstance(exc_info[1], FileNotFoundError):
            return
        p = os.path.abspath(p)
        parent = os.path.dirname(p)
        try:
            if p != top and inside(parent) and not os.path.islink(parent):
                os.chmod(parent, stat.S_IRWXU)
            if inside(p) and os.path.isdir(p) and not os.path.islink(p):
                os.chmod(p, stat.S_IRWXU)
                shutil.rmtree(p, ignore_errors=True)
            elif inside(p):
                os.unlink(p)
        except OSError:
            pass

    try:
        shutil.rmtree(top, onerror=fix)
    except OSError:
        pass
