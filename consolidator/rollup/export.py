"""The data export: every document as JSON lines, and one CSV per concept with ids as keys."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from rodtrad.consolidator.model import values
from rodtrad.consolidator.model.document import MONTHS

# concept -> (file name, the document key, columns after `unit`)
TABLES = {
    "goals": ("mal.csv", ["id", "text", "parent", "perspective", "comment"]),
    "activities": ("aktiviteter.csv", ["id", "locked", "text", "link", "perspective", "start", "end", "responsible", "comment"]),
    "uppdrag": ("uppdrag.csv", ["id", "contribution"]),
    "indicators": ("nyckeltal.csv", ["id", "unit_target", "comment"]),
    "swot": ("swot.csv", ["id", "kind", "text"]),
    "development": ("utveckling.csv", ["id", "text", "link"]),
    "budget": ("budget.csv", ["account", "frame", *MONTHS]),
    "risks": ("risker.csv", ["id", "risk", "probability", "consequence", "control", "responsible"]),
}


class Export:
    """Streams documents to disk as they arrive, so memory does not grow with the number of units.

    CSV files use semicolons and UTF-8 with a byte-order mark, which Swedish Excel opens as is."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self._jsonl = (self.folder / "dokument.jsonl").open("w", encoding="utf-8", newline="\n")
        self._csv = {}
        for key, (name, columns) in TABLES.items():
            handle = (self.folder / name).open("w", encoding="utf-8-sig", newline="")
            handle.write(_csv_text([["unit", *columns, "file"]]))
            self._csv[key] = handle

    def write(self, lines: tuple[str, dict]) -> None:
        """Append what `lines` made of one document (text already: the workers format it)."""
        jsonl, tables = lines
        self._jsonl.write(jsonl)
        for key, text in tables.items():
            if text:
                self._csv[key].write(text)

    def close(self) -> None:
        self._jsonl.close()
        for handle in self._csv.values():
            handle.close()


def lines(doc: dict, file: str, sha256: str, valid: bool) -> tuple[str, dict]:
    """One document as its JSON line and its CSV rows per concept (pure: runs in a worker)."""
    unit = doc["meta"]["unit"]
    jsonl = json.dumps({"unit": unit, "file": file, "sha256": sha256, "valid": valid, "document": doc},
                       ensure_ascii=False, sort_keys=True) + "\n"
    tables = {key: _csv_text([[unit, *(_csv_value(row.get(c)) for c in columns), file] for row in doc.get(key) or []])
              for key, (_, columns) in TABLES.items()}
    return jsonl, tables


def _csv_text(rows: list[list]) -> str:
    """Rows as CSV text: semicolons, CRLF, quoted where needed."""
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, float):
        return repr(value).replace(".", ",")
    return values.inert(value)  # a spreadsheet opening the CSV must not run unit text as a formula
