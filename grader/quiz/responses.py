"""Reading a class's responses CSV: a header row, then one row per student."""
from __future__ import annotations

import csv
import io
from pathlib import Path

from .errors import QuizError
from .paths import display_path


def read_responses(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """(header, [(row number, cells), ...]) from a CSV; blank lines are not students and are skipped.

    The delimiter is a comma, unless the header line plainly uses semicolons or tabs (as some
    spreadsheets export).
    """
    where = display_path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise QuizError(f"{where}: no such responses file") from None
    except IsADirectoryError:
        raise QuizError(f"{where}: is a folder, not a responses CSV") from None
    except UnicodeDecodeError:
        raise QuizError(f"{where}: not UTF-8 text (save the responses as UTF-8 CSV)") from None
    except OSError as e:
        raise QuizError(f"{where}: cannot read the file ({e.strerror})") from None
    first_line = text.split("\n", 1)[0]
    delimiter = ","
    if "," not in first_line:
        delimiter = next((d for d in ";\t" if d in first_line), ",")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader, None)
        if header is None:
            raise QuizError(f"{where}: the responses file is empty "
                            "(expected a header row, then one row per student)")
        rows = []
        for cells in reader:
            if any(cell.strip() for cell in cells):
                rows.append((reader.line_num, cells))
    except csv.Error as e:
        raise QuizError(f"{where}: line {reader.line_num}: not valid CSV ({e})") from None
    return header, rows
