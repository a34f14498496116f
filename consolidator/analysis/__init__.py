"""The consolidated periods as pandas DataFrames, for the economy department's analysts.

    from rodtrad.consolidator import analysis
    frames = analysis.load("exempelkommun", "2027-plan")      # the period's CSV export, typed
    frames["budget"].groupby("unit")[["m01", "m12"]].sum()

`load` reads the data export a consolidation writes (`rapporter/<period>/export/*.csv`, one table
per concept, the same rows and columns: a plan's, or a follow-up's statuses, outcomes, forecasts
and assessments) and gives each column the type the export declares (rollup/export.py): ids and
texts as strings (leading zeros kept: "0121"), amounts and scores as numbers, dates as dates,
yes/no as booleans.
`history` reads the history store (`historik.sqlite`): every consolidated period over time.

This is the top layer, beside the CLI: nothing in validation or consolidation imports it, so
pandas stays off their path.
"""
from __future__ import annotations

import csv
import sqlite3
from pathlib import Path

import pandas as pd

from rodtrad.consolidator.model.document import FOLLOW, PLAN
from rodtrad.consolidator.rollup.export import TABLES, Table
from rodtrad.consolidator.rollup.store import FILE_NAME as HISTORY_FILE


class NotConsolidated(LookupError):
    """The period has no data export in the workspace (it has not been consolidated)."""


def load(workspace, period: str) -> dict[str, pd.DataFrame]:
    """The consolidated period as named DataFrames, the tables of its CSV export (docs/data-api.md).

    A plan: goals, activities, uppdrag, indicators, swot, development, budget, risks. A follow-up
    (a month, tertial, delår, helår): summaries, assessments, activities, uppdrag, indicators,
    economy, actions, controls, each with `level` (who answered: enhet, förvaltning, nämnd).
    Every table starts with `unit` and ends with `file`. Amounts (frame, m01..m12, budget, outcome,
    forecast, deviation, o01..o12, effect) are floats in kr, indicator values floats in the
    indicator's unit; probability and consequence nullable integers; dates datetime64; yes/no
    nullable booleans; everything else strings. Raises NotConsolidated when the period has no export."""
    folder = Path(workspace) / "rapporter" / period / "export"
    if not folder.is_dir():
        raise NotConsolidated(f"{period} är inte sammanställd i {workspace}: kör rodtrad consolidate först.")
    layout = FOLLOW if (folder / TABLES[FOLLOW]["economy"].file).exists() else PLAN
    return {key: _table(folder / table.file, table) for key, table in TABLES[layout].items()}


def _table(path: Path, table: Table) -> pd.DataFrame:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    body = [row for row in rows[1:] if row]
    frame = pd.DataFrame(body, columns=rows[0] if rows else ["unit", *table.columns, "file"], dtype=object)
    out = {}
    for column in frame.columns:
        values = frame[column].map(_text)
        kind = table.types.get(column)
        if kind == "number":
            out[column] = pd.to_numeric(values.str.replace(",", ".", regex=False), errors="coerce").astype("float64")
        elif kind == "integer":
            out[column] = pd.to_numeric(values, errors="coerce").astype("Int64")
        elif kind == "date":
            out[column] = pd.to_datetime(values, format="%Y-%m-%d", errors="coerce")
        elif kind == "bool":
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
