"""The data export: every document as JSON lines, and one CSV per concept with ids as keys.

A plan's export and a follow-up's have different tables (what a follow-up is about: statuses,
outcomes, forecasts, assessments, control results); `TABLES[layout]` declares both, each column
with its type, which `analysis.load` gives it back."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import NamedTuple

from rodtrad.consolidator.model import values
from rodtrad.consolidator.model.document import FOLLOW, MONTHS, PLAN, TEMPLATES, UNIT_LEVEL

OUTCOME_MONTHS = [f"o{i:02d}" for i in range(1, 13)]  # a follow-up's outcome per month (the ledger's)


class Table(NamedTuple):
    """One CSV file: its name, the document key its rows come from ("header": the one row of the
    Översikt sheet), the columns after `unit`, and the columns that are not text (column -> "number"
    (kr, or the indicator's own unit), "integer", "date" or "bool")."""

    file: str
    key: str
    columns: list
    types: dict


def _typed(kind: str, *columns) -> dict:
    return dict.fromkeys(columns, kind)


PLAN_TABLES = {
    "goals": Table("mal.csv", "goals", ["id", "text", "parent", "perspective", "comment"], {}),
    "activities": Table("aktiviteter.csv", "activities",
                        ["id", "locked", "text", "link", "perspective", "start", "end", "responsible", "comment"],
                        {**_typed("bool", "locked"), **_typed("date", "start", "end")}),
    "uppdrag": Table("uppdrag.csv", "uppdrag", ["id", "contribution"], {}),
    "indicators": Table("nyckeltal.csv", "indicators", ["id", "unit_target", "comment"], _typed("number", "unit_target")),
    "swot": Table("swot.csv", "swot", ["id", "kind", "text"], {}),
    "development": Table("utveckling.csv", "development", ["id", "text", "link"], {}),
    "budget": Table("budget.csv", "budget", ["account", "frame", *MONTHS], _typed("number", "frame", *MONTHS)),
    "risks": Table("risker.csv", "risks", ["id", "risk", "probability", "consequence", "control", "responsible"],
                   _typed("integer", "probability", "consequence")),
}

# A follow-up is answered by units and by the levels above that assess them (a förvaltning, a
# board): `level` says which (enhet, förvaltning, nämnd). A month asks for the economy only.
FOLLOW_TABLES = {
    "summaries": Table("sammanfattning.csv", "header", ["level", "manager", "summary"], {}),
    "assessments": Table("bedomningar.csv", "assessments",
                         ["level", "id", "goal_level", "parent", "previous", "assessment", "analysis"], {}),
    "activities": Table("aktiviteter.csv", "activities",
                        ["level", "id", "carried", "text", "link", "perspective", "start", "end", "responsible",
                         "previous", "status", "comment"],
                        {**_typed("bool", "carried"), **_typed("date", "start", "end")}),
    "uppdrag": Table("uppdrag.csv", "uppdrag", ["level", "id", "deadline", "contribution", "status", "comment"],
                     _typed("date", "deadline")),
    "indicators": Table("nyckeltal.csv", "indicators",
                        ["level", "id", "target", "unit_target", "green", "red", "source", "from_source", "previous",
                         "outcome", "comment"],
                        {**_typed("number", "target", "unit_target", "green", "red", "previous", "outcome"),
                         **_typed("bool", "from_source")}),
    "economy": Table("ekonomi.csv", "economy",
                     ["level", "account", "budget", "budget_to_date", "outcome", "forecast", "deviation", "previous",
                      "units_forecast", "last_year", "explanation", *OUTCOME_MONTHS],
                     _typed("number", "budget", "budget_to_date", "outcome", "forecast", "deviation", "previous",
                            "units_forecast", "last_year", *OUTCOME_MONTHS)),
    "actions": Table("atgarder.csv", "actions", ["level", "id", "measure", "account", "effect", "responsible", "date"],
                     {**_typed("number", "effect"), **_typed("date", "date")}),
    "controls": Table("kontroller.csv", "controls",
                      ["level", "id", "risk", "control", "responsible", "performed", "result", "deviation", "action"], {}),
    # the Investeringar sheet (workbooks/investbook.py): deviation = budget − forecast, as the sheet and
    # rollup/investments.py have it (positive when a project spends less than this year's budget)
    "investments": Table("investeringar.csv", "investments",
                         ["level", "id", "name", "total", "budget", "outcome", "units_forecast", "forecast", "deviation",
                          "comment", "end"],
                         {**_typed("number", "total", "budget", "outcome", "units_forecast", "forecast", "deviation"),
                          **_typed("date", "end")}),
}

TABLES = {PLAN: PLAN_TABLES, FOLLOW: FOLLOW_TABLES}  # layout (document.PLAN, FOLLOW) -> concept -> Table


class Export:
    """Streams documents to disk as they arrive, so memory does not grow with the number of units.

    `layout` is the period's (document.PLAN or FOLLOW): a document of the other layout (a plan
    returned into a follow-up's inbox) is in dokument.jsonl but not in the CSV tables.
    CSV files use semicolons and UTF-8 with a byte-order mark, which Swedish Excel opens as is."""

    def __init__(self, folder: Path, layout: str = PLAN):
        self.folder, self.layout = Path(folder), layout
        self.folder.mkdir(parents=True, exist_ok=True)
        self._jsonl = (self.folder / "dokument.jsonl").open("w", encoding="utf-8", newline="\n")
        self._csv = {}
        for key, table in TABLES[layout].items():
            handle = (self.folder / table.file).open("w", encoding="utf-8-sig", newline="")
            handle.write(_csv_text([["unit", *table.columns, "file"]]))
            self._csv[key] = handle

    def write(self, lines: tuple[str, str, dict]) -> None:
        """Append what `lines` made of one document (text already: the workers format it)."""
        jsonl, layout, tables = lines
        self._jsonl.write(jsonl)
        if layout != self.layout:
            return
        for key, text in tables.items():
            if text:
                self._csv[key].write(text)

    def close(self) -> None:
        self._jsonl.close()
        for handle in self._csv.values():
            handle.close()


def lines(doc: dict, file: str, sha256: str, valid: bool) -> tuple[str, str, dict]:
    """One document as its JSON line, its layout, and its CSV rows per concept (pure: runs in a worker)."""
    meta = doc["meta"]
    unit = meta["unit"]
    jsonl = json.dumps({"unit": unit, "file": file, "sha256": sha256, "valid": valid, "document": doc},
                       ensure_ascii=False, sort_keys=True) + "\n"
    layout = TEMPLATES.get(meta.get("template"), PLAN)
    level = meta.get("level") or UNIT_LEVEL
    tables = {}
    for key, table in TABLES[layout].items():
        rows = doc.get(table.key) or []
        if isinstance(rows, dict):  # the header: one row, and only where the unit wrote something
            rows = [rows] if rows.get("summary") else []
        tables[key] = _csv_text([[unit, *(_csv_value(_field(row, c, level, key)) for c in table.columns), file]
                                 for row in rows])
    return jsonl, layout, tables


def _field(row: dict, column: str, level: str, concept: str = ""):
    """A column's value: the row's own, or what the export adds (who answered; the deviation, which
    the workbook computes with a formula: forecast − budget, as the Ekonomi sheet's column does; for
    an investment project budget − forecast, as its Investeringar sheet does)."""
    if column == "level":
        return level
    if column == "goal_level":
        return row.get("level")
    if column == "deviation" and "forecast" in row:
        forecast, budget = row.get("forecast"), row.get("budget")
        if isinstance(forecast, (int, float)) and isinstance(budget, (int, float)):
            return values.tidy(round(budget - forecast if concept == "investments" else forecast - budget, 2))
        return None
    return row.get(column)


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
        return repr(values.tidy(value)).replace(".", ",")
    return values.inert(value)  # a spreadsheet opening the CSV must not run unit text as a formula
