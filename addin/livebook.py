"""A live workbook as the grid the validator reads: sheet -> rows of values, row 0 = Excel row 1.

Only the part of a sheet's used range within the layouts' bounds (reading/bounds.py) is fetched
from Excel: one stray value in XFD1048576 makes the used range 17 billion cells, which Excel would
try to hand over whole."""
from __future__ import annotations

from rodtrad.consolidator.reading import bounds

SKIP = {"Fel"}  # our own findings sheet is never read as input


def grid(book, far: list | None = None) -> dict[str, list[list]]:
    """Every sheet's values; `far`, when given, receives a finding for each sheet whose used range
    reaches beyond the bounds (only the part within them is read)."""
    limits = bounds.layout_bounds()
    sheets = {}
    for sheet in book.sheets:
        if sheet.name in SKIP:
            continue
        used = sheet.used_range
        last = used.last_cell
        if not limits.within(last.row, last.column):
            if far is not None:
                extent = f"{bounds.a1(used.row, used.column)}:{bounds.a1(last.row, last.column)}"
                far.append(bounds.FAR_EXTENT(sheet=sheet.name, cell=bounds.a1(used.row, used.column), value=extent))
            used = sheet.range((used.row, used.column), (min(last.row, limits.rows), min(last.column, limits.columns)))
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

