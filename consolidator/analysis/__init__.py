"""The consolidated periods as pandas DataFrames, for the economy department's analysts.

    from rodtrad.consolidator import analysis
    frames = analysis.load("exempelkommun", "2027-plan")      # the period's CSV export, typed
    frames["budget"].groupby("unit")[["m01", "m12"]].sum()

`load` reads the data export a consolidation writes (`rapporter/<period>/export/*.csv`, one table
per concept, the same rows and columns) and gives each column its type: ids and texts as strings
(leading zeros kept: "0121"), amounts and scores as numbers, dates as dates, yes/no as booleans.
`history` reads the history store (`historik.sqlite`): every consolidated period over time.

This is the top layer, beside the CLI: nothing in validation or consolidation imports it, so
pandas stays off their path.
"""
from __future__ import annotations

import csv
import sqlite3
from pathlib import Path

import pandas as pd

from rodtrad.consolidator.rollup.export import TABLES
from rodtrad.consolidator.rollup.store import FILE_NAME as HISTORY_FILE

NUMBERS = {"frame", "unit_target", *(f"m{i:02d}" for i in range(1, 13))}  # kr, or the indicator's own unit
INTEGERS = {"probability", "consequence"}  # risk scores 1-4
DATES = {"start", "end"}
BOOLEANS = {"locked"}


class NotConsolidated(LookupError):
    """The period has no data export in the workspace (it has not been consolidated)."""


def load(workspace, period: str) -> dict[str, pd.DataFrame]:
    """The consolidated period as named DataFrames, the tables of its CSV export: goals, activities,
    uppdrag, indicators, swot, development, budget, risks. Every table starts with `unit` and ends
    with `file`. Amounts (frame, m01..m12) are floats in kr; probability and consequence nullable
    integers; start and end datetime64; locked a nullable boolean; everything else strings.
    Raises NotConsolidated when the period has no export."""
    folder = Path(workspace) / "rapporter" / period / "export"
    if not folder.is_dir():
        raise NotConsolidated(f"{period} är inte sammanställd i {workspace}: kör rodtrad consolidate först.")
    return {key: _table(folder / name, ["unit", *columns, "file"]) for key, (name, columns) in TABLES.items()}


def _table(path: Path, columns: list[str]) -> pd.DataFrame:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    body = [row for row in rows[1:] if row]
    frame = pd.DataFrame(body, columns=rows[0] if rows else columns, dtype=object)
    out = {}
    for column in frame.columns:
        values = frame[column].map(_text)
        if column in NUMBERS:
            out[column] = pd.to_numeric(values.str.replace(",", ".", regex=False), errors="coerce").astype("float64")
        elif column in INTEGERS:
            out[column] = pd.to_numeric(values, errors="coerce").astype("Int64")
        elif column in DATES:
            out[column] = pd.to_datetime(values, format="%Y-%m-%d", errors="coerce")
        elif column in BOOLEANS:
            out[column] = values.map({"ja": True, "nej": False}).astype("boolean")
        else:
            out[column] = values.astype("string")
    return pd.DataFrame(out, columns=list(frame.columns), index=pd.RangeIndex(len(frame)))


def _text(value: str):
    """A CSV cell as it was: empty is missing, and a text the export guarded against formulas
    ("'=...", "'-...") loses its guard."""
    if value == "":
        return None
    if value[:1] == "'" and value[1:2] in ("=", "+", "-", "@"):
        return value[1:]
    return value


def history(workspace) -> dict[str, pd.DataFrame]:
    """Every stored period over time, from the history store: "runs" (period, period_date as a date,
    inputs, consolidated), "economy" (period, unit, account, frame, budget, outcome, forecast in kr),
    "indicators" (period, unit, indicator, kind: target or outcome, value) and "activities"
    (period, unit, id, link, status); each sorted by period date. Empty frames without a store."""
    path = Path(workspace) / HISTORY_FILE
    queries = {
        "runs": "SELECT period, period_date, inputs, consolidated FROM runs ORDER BY period_date, period",
        "economy": "SELECT e.period, e.unit, e.account, e.frame, e.budget, e.outcome, e.forecast FROM economy e "
                   "JOIN runs r USING (period) ORDER BY r.period_date, e.period, e.unit, e.account",
        "indicators": "SELECT i.period, i.unit, i.indicator, i.kind, i.value FROM indicators i "
                      "JOIN runs r USING (period) ORDER BY r.period_date, i.period, i.unit, i.indicator",
        "activities": "SELECT a.period, a.unit, a.id, a.link, a.status FROM activities a "
                      "JOIN runs r USING (period) ORDER BY r.period_date, a.period, a.unit, a.id",
    }
    if not path.exists():
        return {name: pd.DataFrame() for name in queries}
    con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        out = {name: pd.read_sql_query(sql, con) for name, sql in queries.items()}
    finally:
        con.close()
    out["runs"]["period_date"] = pd.to_datetime(out["runs"]["period_date"], format="%Y-%m-%d", errors="coerce")
    for frame in out.values():
        for column in ("period", "unit", "account", "indicator", "kind", "id", "link", "status"):
            if column in frame:
                frame[column] = frame[column].astype("string")
    return out
