"""Reading styrmodell.xlsx: the master data file through the same bounded reader as every returned workbook."""
from __future__ import annotations

from pathlib import Path

from rodtrad.consolidator.reading import grid as gridmod
from rodtrad.consolidator.model.masterdata import MasterData, from_grid


def load(path: Path) -> tuple[MasterData | None, list]:
    """Read styrmodell.xlsx; a broken file gives findings with sheet and cell, never a traceback."""
    path = Path(path)
    grid, findings = gridmod.open_grid(path)
    for f in findings:
        f.file = path.name
    if grid is None:
        return None, findings
    return from_grid(grid, path.name, findings)
