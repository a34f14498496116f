"""Generate one prefilled workbook per unit into the outbox, using every core."""
from __future__ import annotations

import datetime as dt
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from rodtrad.consolidator.reading import sent
from rodtrad.consolidator.model import document
from rodtrad.consolidator.workbooks import carried, followdocs, levels, planbook
from rodtrad.consolidator.model.masterdata import MasterData
from rodtrad.consolidator.model.workspace import workbook_name
from rodtrad.consolidator.reading.workers import child_of
from rodtrad.consolidator.model.words import count

_master: MasterData | None = None


def _init(data: dict) -> None:
    global _master
    _master = MasterData(data)


def _one(args) -> str:
    unit_id, period_id, folder, now, doc = args
    if doc is None:
        doc = document.prefill(_master, unit_id, period_id)
        lists = document.lists(_master, unit_id)
    else:
        lists = followdocs.lists(_master, unit_id)
    path = Path(folder) / workbook_name(unit_id, _master.by_id[unit_id].name, doc["meta"]["period"])
    planbook.write(doc, lists, _master, path, now)
    return str(path)


def generate(master: MasterData, period_id: str, folder: Path, units: list[str] | None = None,
             jobs: int | None = None, now: str | None = None, progress=None, root: Path | None = None,
             notes: list | None = None, level: str | None = None) -> list[Path]:
    """Write the workbooks; `jobs` processes (default: one per core). A follow-up period is prefilled
    from what the workspace `root` holds (earlier consolidations, ledger, Kolada; see followdocs.py)
    and its sent documents are kept in the outbox; `notes` collects what the user should know.
    With a `level` (förvaltning, nämnd), each node at that level gets its own follow-up, prefilled
    from the period's consolidation of its units (levels.py), in `folder`; the sent documents are
    kept beside the units' in the period's outbox (the folder above)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    period = master.period(period_id)
    notes = notes if notes is not None else []
    if level is not None:
        docs = levels.documents(master, period, level, root, notes)
        units = list(docs)
    else:
        units = units or [u.id for u in master.units()]
        docs = {u: None for u in units}
        if period is not None and period.kind != "plan":
            docs = follow_documents(master, period, units, root, notes)
    if period is not None and period.kind != "plan":
        stamp = now or dt.datetime.now().isoformat(sep=" ", timespec="seconds")
        for doc in docs.values():
            doc["meta"]["generated"], doc["meta"]["hash"] = stamp, document.content_hash(doc)
        sent.write_sent(folder.parent if level else folder, list(docs.values()))
        now = stamp
    tasks = [(u, period_id, str(folder), now, docs[u]) for u in units]
    paths = _write(master, tasks, jobs, progress)
    if root is not None and period is not None and period.kind == "plan" and level is None:
        carried.apply(root, master, paths, now)  # activities still open at last year's end (nytt-år)
    return paths


def _write(master: MasterData, tasks: list, jobs: int | None, progress) -> list[Path]:
    """Each task's workbook (`_one`), in this process or `jobs` worker processes; their paths in task order."""
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
    with ProcessPoolExecutor(max_workers=jobs, initializer=child_of, initargs=(os.getpid(), _init, (master.data,))) as pool:
        for path in pool.map(_one, tasks, chunksize=max(1, len(tasks) // (jobs * 8))):
            results.append(Path(path))
            if progress:
                progress(1)
    return results


def follow_documents(master: MasterData, period, units: list[str], root: Path | None, notes: list) -> dict[str, dict]:
    """Each unit's follow-up document, prefilled from the workspace."""
    from rodtrad.consolidator.rollup.store import FILE_NAME  # noqa: PLC0415

    if root is None:
        bases, data = {}, followdocs.Sources()
    else:
        bases, found = followdocs.bases(root, master, period, units)
        notes += found
        data = followdocs.sources(Path(root) / FILE_NAME, master, period)
        without = [u for u in units if bases[u].plan is None]
        if without:
            notes.append(f"{count(len(without), 'enhet', 'enheter')} saknar en godkänd plan; "
                         "deras uppföljning utgår från styrmodellen.")
        if not data.outcome:
            notes.append("Inget utfall ur huvudboken är importerat för perioden (rodtrad import ledger).")
    return {u: followdocs.prefill(master, u, period.id, bases.pop(u, None), data) for u in units}  # each basis let go once used


MONTHS_SV = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober",
             "november", "december")


def ledger_gap(master: MasterData, period, root: Path | None) -> str | None:
    """A warning, in Swedish, when a follow-up period ends after the last month the workspace's
    ledger holds outcome for: its workbooks' budget to date and outcome to date would cover
    different months. None when the ledger reaches the period's month, or holds nothing for its year
    (generate notes that case itself)."""
    import sqlite3  # noqa: PLC0415

    from rodtrad.consolidator.rollup.store import FILE_NAME  # noqa: PLC0415

    db = Path(root) / FILE_NAME if root else None
    if period is None or period.kind == "plan" or db is None or not db.exists():
        return None
    year, month = int(period.date[:4]), int(period.date[5:7])
    con = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        if not con.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'ledger'").fetchone():
            return None
        (last,) = con.execute("SELECT max(month) FROM ledger WHERE year = ? AND outcome IS NOT NULL AND outcome != 0",
                              (year,)).fetchone()
    finally:
        con.close()
    if not last or last >= month:
        return None
    return (f"Huvudboken är importerad t.o.m. {MONTHS_SV[last - 1]} {year}, men {period.name} gäller t.o.m. "
            f"{MONTHS_SV[month - 1]}: arbetsböckernas utfall t.o.m. perioden täcker {count(month - last, 'månad', 'månader')} mindre "
            f"än budgeten t.o.m. perioden. Importera huvudboken t.o.m. {MONTHS_SV[month - 1]} först "
            f"(rodtrad import ledger).")
