"""Trace a reported figure down to the unit files and cells it is made of (from spårbarhet.jsonl)."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from rodtrad.consolidator.model.words import explain

LINEAGE = "spårbarhet.jsonl"


class TraceError(Exception):
    """The figure could not be found; the message says so in Swedish."""


@dataclass
class Trace:
    report: str
    sheet: str
    cell: str
    what: str
    value: float | None
    sources: list[dict]  # leaf sources: cells in unit files, each with the file's SHA-256
    steps: int

    @property
    def total(self) -> float:
        return sum(s["value"] for s in self.sources if isinstance(s["value"], (int, float)))

    @property
    def aggregation(self) -> str:
        """How the sources make the figure, as its description says: "summa" (the default), "medel",
        "viktat" (weights from the master data) or "ingen"."""
        match = re.search(r"\((summa|medel|viktat|ingen)\)$", self.what)
        return match.group(1) if match else "summa"

    @property
    def combined(self) -> float | None:
        """The sources combined as the figure is: their sum, or their mean (None when weighted)."""
        numbers = [s["value"] for s in self.sources if isinstance(s["value"], (int, float))]
        if self.aggregation == "medel":
            return sum(numbers) / len(numbers) if numbers else None
        return None if self.aggregation in ("viktat", "ingen") else self.total

    def to_dict(self) -> dict:
        return {"report": self.report, "sheet": self.sheet, "cell": self.cell, "what": self.what, "value": self.value,
                "total": self.total, "aggregation": self.aggregation, "combined": self.combined, "steps": self.steps,
                "sources": self.sources}


def show_number(value) -> str:
    """A number as a report shows it to a Swedish reader: 221 248 384, 75,9 (never 75.89999999999999)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return "(tom)" if value in (None, "") else str(value)
    value = round(float(value), 6)
    if value.is_integer():
        return f"{value:,.0f}".replace(",", " ")
    return f"{value:,.6f}".rstrip("0").replace(",", " ").replace(".", ",")


def load(folder: Path) -> list[dict]:
    path = Path(folder) / LINEAGE
    if not path.exists():
        raise TraceError(f"Hittar ingen {LINEAGE} i {folder}: är perioden sammanställd?")
    try:
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    except (ValueError, OSError) as exc:
        raise TraceError(f"{LINEAGE} i {folder} går inte att läsa ({explain(exc)}); sammanställ perioden igen.") from None


def _is_kf(record: dict) -> bool:
    """Whether a lineage record is the KF report's: recorded as "kf" (any model's name for the
    report); lineage written before that was recorded is told by Exempelkommun's file name."""
    return record.get("kf", str(record["report"]).startswith("KF-rapport"))


def find(records: list[dict], figure: str, report: str | None = None) -> dict:
    """A figure by 'Blad!Cell' (in `report`, the KF report by default) or by key ('budget/2000')."""
    if "!" in figure:
        sheet, cell = figure.rsplit("!", 1)
        sheet = sheet.strip("'")
        for r in records:
            in_report = r["report"] == report if report else _is_kf(r)
            if in_report and r["sheet"] == sheet and r["cell"] == cell.upper():
                return r
        raise TraceError(f"Ingen spårbar siffra i {report or 'KF-rapporten'} på {sheet}!{cell}.")
    matches = [r for r in records if r.get("key") == figure and (not report or r["report"] == report)]
    if not matches:
        raise TraceError(f"Ingen siffra heter {figure}. Exempel: budget/2000 (i en plan), prognos/2000 (i en uppföljning), konto/5010/0000, nyckeltal/N3/2000, "
                         "eller Blad!Cell som Ekonomi!E6.")
    return min(matches, key=lambda r: (not _is_kf(r), r["report"]))


def trace(folder: Path, figure: str, report: str | None = None) -> Trace:
    records = load(folder)
    index = {(r["report"], r["sheet"], r["cell"]): r for r in records}
    start = find(records, figure, report)
    leaves, depth = [], [0]

    def walk(record, level):
        depth[0] = max(depth[0], level)
        for s in record["sources"]:
            key = (s["file"], s["sheet"], s["cell"])
            if not s["sha256"] and key in index:  # a figure in a report: follow it
                walk(index[key], level + 1)
            else:  # a cell in a unit's file (or in the master data)
                leaves.append(s)

    walk(start, 1)
    return Trace(start["report"], start["sheet"], start["cell"], start["what"],
                 cell_value(Path(folder) / start["report"], start["sheet"], start["cell"]), leaves, depth[0])


def cell_value(path: Path, sheet: str, cell: str):
    """A value as the report file holds it, read with the bounds of a returned workbook (a report
    file on a shared drive may have been replaced by anything); TraceError (Swedish) when the file
    or the sheet cannot be read."""
    from openpyxl.utils.cell import coordinate_to_tuple

    from rodtrad.consolidator.reading.grid import open_grid

    row, col = coordinate_to_tuple(cell)
    grid, findings = open_grid(Path(path), wanted={sheet})
    rows = grid.sheets.get(sheet) if grid is not None else None
    if rows is None:
        said = "; ".join(f.message() for f in findings) or f"bladet {sheet} finns inte"
        raise TraceError(f"{Path(path).name} går inte att läsa: {said}")
    value = rows[row - 1][col - 1] if row <= len(rows) and col <= len(rows[row - 1]) else None
    return None if value == "" else value
