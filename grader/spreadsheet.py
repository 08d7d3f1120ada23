"""Cells for CSV files that instructors open in a spreadsheet (the batch gradebook, quiz grades).

A cell starting with `=`, `+`, `-` or `@` (or a tab or carriage return before one) is run as a
formula by Excel, LibreOffice and Google Sheets: a student named `=HYPERLINK("http://...")` would
put a live link, or worse, in the instructor's gradebook. Such a cell gets a leading `'`, which
spreadsheets show as text. Numbers the grader writes itself (scores) are never passed through
here, so `-1` stays a number where one is meant.
"""

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(text) -> str:
    """`text` as a cell a spreadsheet will not run as a formula."""
    text = str(text)
    return "'" + text if text.startswith(FORMULA_START) else text
