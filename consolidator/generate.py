"""Generate one prefilled workbook per unit into the outbox, using every core."""
from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from . import document, planbook
from .masterdata import MasterData
from .workspace import workbook_name

_master: MasterData | None = None


def _init(data: dict) -> None:
    global _master
    _master = MasterData(data)


def _one(args) -> str:
    unit_id, period_id, folder, now = args
    doc = document.prefill(_master, unit_id, period_id)
    path = Path(folder) / workbook_name(unit_id, _master.by_id[unit_id].name, doc["meta"]["period"])
    planbook.write(doc, document.lists(_master, unit_id), _master, path, now)
    return str(path)


def generate(master: MasterData, period_id: str, folder: Path, units: list[str] | None = None,
             jobs: int | None = None, now: str | None = None, progress=None) -> list[Path]:
    """Write the workbooks; `jobs` processes (default: one per core)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    units = units or [u.id for u in master.units()]
    tasks = [(u, period_id, str(folder), now) for u in units]
    jobs = jobs or os.cpu_count() or 1
    if jobs == 1 or len(tasks) < 4:
        _init(master.data)
        results = []
        for task in tasks:
            results.append(_one(task))
            if progress:
                progress(1)
        return [Path(p) for p in results]
    results = []
    with ProcessPoolExecutor(max_workers=jobs, initializer=_init, initargs=(master.data,)) as pool:
        for path in pool.map(_one, tasks, chunksize=max(1, len(tasks) // (jobs * 8))):
            results.append(Path(path))
            if progress:
                progress(1)
    return results
