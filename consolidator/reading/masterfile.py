"""Reading styrmodell.xlsx: the master data file through the same bounded reader as every returned workbook."""
from __future__ import annotations

from pathlib import Path

from rodtrad.consolidator.reading import bounds, grid as gridmod
from rodtrad.consolidator.model.masterdata import MasterData, from_grid


def load(path: Path) -> tuple[MasterData | None, list]:
    """Read styrmodell.xlsx; a broken file gives findings with sheet and cell, never a traceback."""
    path = Path(path)
    grid, findings = gridmod.open_grid(path)
    for f in findings:
        f.file = path.name
    if grid is None:
        return None, findings
    if any(f.code == bounds.FAR_VALUE.code for f in findings):
        # A sheet not read for its far cell is that one finding: checked without it, the master data
        # would also say the sheet "saknas", each of its fields is empty and every reference into it
        # (420 for Organisation) unknown. The rest is checked once the value is gone.
        return None, findings
    return from_grid(grid, path.name, findings)
