"""A live workbook as the grid the validator reads: sheet -> rows of values, row 0 = Excel row 1."""
from __future__ import annotations

SKIP = {"Fel"}  # our own findings sheet is never read as input


def grid(book) -> dict[str, list[list]]:
    sheets = {}
    for sheet in book.sheets:
        if sheet.name in SKIP:
            continue
        used = sheet.used_range
        values = used.options(err_to_str=True).value  # "#DIV/0!" as it shows, not blank
        if values is None:
            sheets[sheet.name] = []
            continue
        if not isinstance(values, list):
            values = [[values]]
        elif values and not isinstance(values[0], list):
            values = [values] if used.shape[0] == 1 else [[v] for v in values]
        top, left = used.row - 1, used.column - 1  # pad to A1 so that cell addresses hold
        rows = [[None] * (left + len(values[0]))] * top if values else []
        rows = [list(r) for r in rows] + [[None] * left + list(row) for row in values]
        sheets[sheet.name] = rows
    return sheets

