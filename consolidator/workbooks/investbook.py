"""The follow-up's Investeringar sheet: a full-year forecast and a comment per investment project.

Who answers for a project (master data, sheet Investeringar): the unit named as running it, in its
own follow-up; the board it belongs to, in the board's own follow-up (levels.py), for all its
projects; a förvaltning, in its own follow-up, for the projects its units run. Each row is
prefilled with the project's budget (total and this year's, kr) and its outcome up to the period
from the ledger import (the project dimension); the forecast and the comment are the answers.
A level's forecast is prefilled with its units' forecasts where they gave one.
"""
from __future__ import annotations

from rodtrad.consolidator.model.document import UNIT_LEVEL
from rodtrad.consolidator.model.masterdata import MasterData, Project


def answered_by(master: MasterData, node_id: str, level: str) -> list[Project]:
    """The projects a node's follow-up asks a forecast for, in master-data order."""
    if level == UNIT_LEVEL:
        return [p for p in master.projects if p.unit == node_id]
    if level == "nämnd":
        return [p for p in master.projects if p.board == node_id]
    under = lambda unit: unit in master.by_id and node_id in {n.id for n in master.ancestors(unit)}  # noqa: E731
    return [p for p in master.projects if p.unit and under(p.unit)]


def rows(master: MasterData, node_id: str, level: str, invested: dict[str, float],
         units: dict[str, float] | None = None) -> list[dict]:
    """The sheet's rows for one node. `invested`: project id -> outcome up to the period (kr, from
    `rollup.investments.outcome`); `units` (levels only): project id -> the units' forecast (kr)."""
    out = []
    for p in answered_by(master, node_id, level):
        row = {"id": p.id, "name": p.name, "total": p.total_sek, "budget": p.year_sek,
               "outcome": round(invested.get(p.id, 0.0), 2) if invested else None, "forecast": None, "comment": None, "end": p.end}
        if level != UNIT_LEVEL:
            row["units_forecast"] = (units or {}).get(p.id)
            row["forecast"] = row["units_forecast"]
        out.append(row)
    return out


def units_forecast(facts) -> dict[str, float]:
    """Project id -> the sum of the forecasts the units' follow-ups (`UnitFacts`) gave for it (kr)."""
    out: dict[str, float] = {}
    for f in facts:
        for pid, answer in f.projects.items():
            if answer.get("forecast") is not None:
                out[pid] = round(out.get(pid, 0) + answer["forecast"], 2)
    return out
