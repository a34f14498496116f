"""Activities carried into next year's plans (`rodtrad nytt-år`, rollover.py).

The roll-over keeps every unit's activities still open at the year's last follow-up in the new
workspace (`FILE`, JSON), and each time the plan period is generated there (workbooks/generate.py:
at the roll-over itself, or later, when next year's master data first had to be completed, or when
the plans are generated again) they are written into each unit's own plan rows: the unit keeps,
changes or clears them. A link is kept only when next year's master data still has it.
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from openpyxl import load_workbook

from rodtrad.consolidator.model import contract, document, terms
from rodtrad.consolidator.workbooks import workbook as wbk

FILE = "pågående-aktiviteter-{year}.json"  # in the new workspace's root
MAX_BYTES = 20 << 20  # the file is ours, but a shared drive's file is read bounded all the same


def save(root: Path, year: int, activities: dict[str, list[dict]]) -> Path:
    """Keep `activities` (unit -> rows as rollover.open_activities gives them) for `year`'s plans."""
    path = Path(root) / FILE.format(year=year)
    path.write_text(json.dumps({"year": year, "units": activities}, ensure_ascii=False, indent=1, sort_keys=True),
                    encoding="utf-8")
    return path


def load(root: Path, year: int) -> dict[str, list[dict]]:
    """The activities kept for `year` (unit -> rows); {} when there are none or the file cannot be read."""
    path = Path(root) / FILE.format(year=year)
    try:
        if path.stat().st_size > MAX_BYTES:
            return {}
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    units = data.get("units") if isinstance(data, dict) else None
    return {str(u): [r for r in rows if isinstance(r, dict) and r.get("id") and r.get("text")]
            for u, rows in (units or {}).items() if isinstance(rows, list)}


def for_plan(master, activities: dict[str, list[dict]]) -> dict[str, list[dict]]:
    """The rows of `master`'s units, each link kept only when `master` has it (a goal, commitment or uppdrag)."""
    links = {g.id for g in master.goals} | {c.id for c in master.commitments} | {u.id for u in master.uppdrag}
    return {u: [dict(r, link=r.get("link") if r.get("link") in links else None) for r in rows]
            for u, rows in activities.items() if master.is_unit(u) and rows}


def apply(root: Path, master, paths: list[Path], when: str | None) -> int:
    """Write the activities kept in workspace `root` for `master`'s budget year into the generated
    plan workbooks `paths` (named "<unit> ..."); returns how many rows were written."""
    rows = for_plan(master, load(root, int(master.municipality["budget_year"])))
    if not rows:
        return 0
    written = 0
    for path in paths:
        unit = Path(path).name.split(" ", 1)[0]
        if rows.get(unit):
            written += prefill_activities(path, rows[unit], when, terms.of(master))
    return written


def _list(wb, name: str) -> list[str]:
    """The entries of a workbook's dropdown list (defined name lista_<name>)."""
    if f"lista_{name}" not in wb.defined_names:
        return []
    (sheet, ref), = wb.defined_names[f"lista_{name}"].destinations
    return [c.value for row in wb[sheet][ref.replace("$", "")] for c in row if c.value is not None]


def prefill_activities(path: Path, rows: list[dict], when: str | None = None, words=None) -> int:
    """Write carried activities into a generated plan workbook's own rows of the same id (input cells,
    so the unit keeps, changes or clears them); a link or perspective is written as its list entry.
    `when` is the workbook's generation time, which its package keeps (reproducible); `words`: the
    model's terms (its headers), None for Exempelkommun's."""
    wb = load_workbook(path)
    spec = next(s for s in document.tables(document.spec(words=words)) if s["key"] == "activities")
    ws = wb[spec["name"]]
    head = [[c.value for c in r] for r in ws.iter_rows(max_row=min(ws.max_row, 30))]
    header_row, found = contract.find_header(head, [c["header"] for c in spec["columns"]])
    col = {c["key"]: found[contract.norm(c["header"])] + 1 for c in spec["columns"] if contract.norm(c["header"]) in found}
    own = {}  # id -> row number of the unit's own, still blank rows
    for r in range(header_row + 2, ws.max_row + 1):
        row_id = ws.cell(row=r, column=col["id"]).value
        if row_id and ws.cell(row=r, column=col["locked"]).value != "Ja" and not ws.cell(row=r, column=col["text"]).value:
            own[str(row_id)] = r
    entries = {str(e).split(" – ")[0]: e for name in ("kopplingar", "perspektiv") for e in _list(wb, name)}
    written = 0
    for row in rows:
        target = row["id"] if row["id"] in own else next(iter(own), None)
        if target is None:
            break
        r = own.pop(target)
        for key in ("text", "link", "perspective", "start", "end", "responsible", "comment"):
            value = row.get(key)
            if key in ("link", "perspective"):
                value = entries.get(value) if value else None
            elif key in ("start", "end") and value:
                value = dt.date.fromisoformat(value)
            wbk.put(ws.cell(row=r, column=col[key]), value)  # unit text: stored as text, never a formula
        written += 1
    wbk.save_atomic(wb, Path(path), when=when)
    return written


