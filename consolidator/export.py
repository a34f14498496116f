"""The data export: every document as JSON lines, and one CSV per concept with ids as keys."""
from __future__ import annotations

import csv
import json
from pathlib import Path

from .document import MONTHS

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
        self._files, self._csv = [], {}
        for key, (name, columns) in TABLES.items():
            handle = (self.folder / name).open("w", encoding="utf-8-sig", newline="")
            writer = csv.writer(handle, delimiter=";", lineterminator="\r\n")
            writer.writerow(["unit", *columns, "file"])
            self._files.append(handle)
            self._csv[key] = (writer, columns)

    def add(self, doc: dict, file: str, sha256: str, valid: bool) -> None:
        line = {"unit": doc["meta"]["unit"], "file": file, "sha256": sha256, "valid": valid, "document": doc}
        self._jsonl.write(json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n")
        for key, (writer, columns) in self._csv.items():
            for row in doc.get(key) or []:
                writer.writerow([doc["meta"]["unit"], *(_csv_value(row.get(c)) for c in columns), file])

    def close(self) -> None:
        self._jsonl.close()
        for handle in self._files:
            handle.close()


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, float):
        return repr(value).replace(".", ",")
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value  # a spreadsheet opening the CSV must not run unit text as a formula
    return value
