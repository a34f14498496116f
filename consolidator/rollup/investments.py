"""Investeringsredovisning: budget, outcome to date and forecast per investment project, and the
self-financing degree of the year's net investments (a usual financial goal, e.g. "at least 60 %").

Outcome comes from the ledger import (`investments` table: kr per project and month, from the
vouchers' project objects or the CSV's projekt column). The forecast for the year is the outcome
at helår; before that, until the boards' follow-ups ask for one per project, it is the project's
budget for the year (said so in the report). Self-financing degree, as SKR and RKR define it:

    självfinansieringsgrad (%) = 100 × (årets resultat + avskrivningar) / nettoinvesteringar

with nettoinvesteringar = the projects' year forecast (helår: outcome) less investment income
(master data, Balanskrav sheet). Amounts in kr.
"""
from __future__ import annotations

from dataclasses import dataclass

from rodtrad.consolidator.rollup import closing


@dataclass(frozen=True)
class ProjectFigures:
    id: str
    name: str
    board: str
    total: float | None  # the whole project's budget
    budget: float | None  # this year's budget
    outcome: float  # this year up to the period's month
    forecast: float | None  # the year's forecast (helår: the outcome)
    start: str | None
    end: str | None

    @property
    def deviation(self) -> float | None:
        """Budget − forecast: positive when the project spends less than its budget this year."""
        return None if self.budget is None or self.forecast is None else self.budget - self.forecast


def outcome(con, year: int, month: int) -> dict[str, float]:
    """Investment outcome per project for `year`, months 1..`month` (kr), from the history store's
    open connection (`History.con`); {} when nothing is imported."""
    if not con.execute("SELECT 1 FROM sqlite_master WHERE name = 'investments'").fetchone():
        return {}
    return {p: round(v, 2) for p, v in con.execute(
        "SELECT project, sum(outcome) FROM investments WHERE year = ? AND month <= ? GROUP BY project", (year, month))}


def figures(master, spent: dict[str, float], final: bool) -> list[ProjectFigures]:
    """Every project of the master data with its figures; `spent` from `outcome`."""
    out = []
    for p in master.projects:
        done = spent.get(p.id, 0.0)
        forecast = done if final else (p.year_sek if p.year_sek is not None else None)
        if forecast is not None and not final:
            forecast = max(forecast, done)  # never below what is already spent
        out.append(ProjectFigures(p.id, p.name, p.board, p.total_sek, p.year_sek, done, forecast, p.start, p.end))
    return out


def net_investments(master, projects: list[ProjectFigures]) -> float | None:
    """The year's net investments: the projects' forecasts less investment income (kr)."""
    known = [p.forecast for p in projects if p.forecast is not None]
    if not known:
        return None
    return sum(known) - master.closing.get("investment_income_sek", 0)


def self_financing(master, units_net_cost: float, net: float | None) -> float | None:
    """Självfinansieringsgrad in per cent; None without taxes (no årets resultat) or net investments."""
    result = closing.result(master.closing, units_net_cost)
    if result is None or not net:
        return None
    return 100 * (result + master.closing.get("depreciation_sek", 0)) / net
