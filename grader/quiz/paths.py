"""How a path is shown in messages, and reading a text file with one-line errors."""
from __future__ import annotations

import os
from pathlib import Path

from .errors import QuizError


def display_path(path: Path) -> str:
    """The path as the user would type it: relative to the current folder when inside it."""
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    return str(path) if rel.startswith("..") else rel


def read_text(path: Path, where: str, what: str, encoding: str = "utf-8", utf8_hint: str = "") -> str:
    """The file's text, or a QuizError naming it: missing, a folder, not UTF-8, unreadable.

    what: the kind of file expected ("quiz file", "responses CSV"), for the messages.
    """
    try:
        return path.read_text(encoding=encoding)
    except FileNotFoundError:
        raise QuizError(f"{where}: no such {what}") from None
    except IsADirectoryError:
        raise QuizError(f"{where}: is a folder, not a {what}") from None
    except UnicodeDecodeError:
        raise QuizError(f"{where}: not UTF-8 text{utf8_hint}") from None
    except OSError as e:
        raise QuizError(f"{where}: cannot read the file ({e.strerror})") from None
