"""Reading a class's responses CSV: a header row, then one row per student."""
from __future__ import annotations

import csv
import io
from pathlib import Path

from .errors import QuizError
from .paths import display_path, read_text


def read_responses(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """(header, [(row number, cells), ...]) from a CSV; blank lines (before the header too) are
    skipped. A row number is the row's line in the file, as a spreadsheet numbers it.

    The delimiter is a comma, unless the header line plainly uses semicolons or tabs (as some
    spreadsheets export).
    """
    where = display_path(path)
    text = read_text(path, where, "responses file", "utf-8-sig", " (save the responses as UTF-8 CSV)")
    delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    header, rows = None, []
    while True:
        start = reader.line_num + 1   # a quoted cell may span lines: name the row where it starts
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as e:
            raise QuizError(f"{where}: row {start}: not valid CSV ({e})") from None
        if _blank(cells):
            continue
        if header is None:
            header = cells
        else:
            rows.append((start, cells))
    if header is None:
        raise QuizError(f"{where}: the responses file is empty "
                        "(expected a header row, then one row per student)")
    return header, rows


def _blank(cells: list[str]) -> bool:
    return not any(cell.strip() for cell in cells)


def _delimiter(text: str) -> str:
    """A comma, unless the header line (the first that is not blank) has none but semicolons or tabs."""
    header = next((line for line in text.splitlines() if line.strip(" ,;\t")), "")
    if "," in header:
        return ","
    return next((d for d in ";\t" if d in header), ",")
