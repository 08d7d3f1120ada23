"""Where quizzes live and which file a NAME on the command line means."""
from __future__ import annotations

from pathlib import Path

from .errors import QuizError
from .paths import display_path

SUFFIXES = (".yaml", ".yml")


def default_quizzes_dir() -> Path:
    """The nearest `quizzes/` in the current folder or a folder above it (a course checkout, a
    student kit, from any folder inside either), else the `quizzes/` folder next to the
    installed `grader` package."""
    here = Path.cwd()
    for folder in (here, *here.parents):
        if (folder / "quizzes").is_dir():
            return folder / "quizzes"
    return Path(__file__).resolve().parents[2] / "quizzes"


def quiz_files(quizzes_dir: Path) -> list[Path]:
    """The quiz files of a folder, sorted by name."""
    if not quizzes_dir.is_dir():
        raise QuizError(f"{display_path(quizzes_dir)}: no such quizzes folder (use --quizzes DIR)")
    return sorted(p for p in quizzes_dir.iterdir() if p.suffix in SUFFIXES and p.is_file())


def looks_like_path(name: str) -> bool:
    return name.endswith(SUFFIXES) or "/" in name or "\\" in name


def find_quiz(name: str, quizzes_dir: Path) -> Path:
    """The file for NAME: a path when it looks like one, else `<quizzes_dir>/<NAME>.yaml`."""
    if looks_like_path(name):
        return Path(name)
    for suffix in SUFFIXES:
        candidate = quizzes_dir / f"{name}{suffix}"
        if candidate.is_file():
            return candidate
    known = ", ".join(p.stem for p in quiz_files(quizzes_dir)) or "none"
    raise QuizError(f"no quiz named '{name}' in {display_path(quizzes_dir)} (quizzes: {known})")
