"""Which folder `grade` works on when no --path is given: the exercises/ folder of the course or
kit the current folder is in, found by walking up the way git finds its repository."""
from pathlib import Path

from .catalog import load_catalog


def holds_exercises(folder):
    """True when `folder` holds at least one of the catalog's exercise files."""
    return any((folder / e.file).is_file() for e in load_catalog())


def find_exercises(start=None):
    """The nearest `exercises/` (holding exercise files) in `start` or a folder above it; else
    `start` itself when it holds exercise files; else None. start: the current folder by default."""
    here = Path.cwd() if start is None else Path(start)
    try:
        here = here.resolve()
    except OSError:
        return None
    for folder in (here, *here.parents):
        candidate = folder / "exercises"
        if candidate.is_dir() and holds_exercises(candidate):
            return candidate if start is not None else _relative(candidate)
    if holds_exercises(here):
        return here if start is not None else _relative(here)
    return None


def _relative(path):
    """The path as the student would type it (relative to the current folder when under it)."""
    try:
        return path.relative_to(Path.cwd().resolve()) if path != Path.cwd().resolve() else Path(".")
    except ValueError:
        return path
