"""Investeringsredovisning: budget, outcome to date and forecast per investment project, and the
self-financing degree of the year's net investments (a usual financial goal, e.g. "at least 60 %").

Outcome comes from the ledger import (`investments` table: kr per project and month, from the
vouchers' project objects or the CSV's projekt column). The forecast for the year is the one the
follow-ups gave (`answers`: the board's own follow-up first, then a förvaltning's, then the unit
that runs the project; workbooks/investbook.py asks it); without one, the outcome at helår and
before that the project's budget for the year, never below the outcome so far (the report says
which). Self-financing degree, as SKR and RKR define it:

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
    comment: str | None = None  # the answer's comment (workbooks/investbook.py)
    source: "Answer | None" = None  # who gave the forecast; None: the budget (helår: the outcome) stands in

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


@dataclass(frozen=True)
class Answer:
    """A follow-up's forecast (kr) and comment for one project, and where it was given."""

    forecast: float | None
    comment: str | None
    node: str  # the unit, förvaltning or board that answered
    level: str  # "enhet", "förvaltning" or "nämnd"
    file: str
    sha256: str
    cell: str  # the forecast's cell on the sheet Investeringar


LEVEL_ORDER = {"nämnd": 0, "förvaltning": 1, "enhet": 2}  # whose forecast counts: the board's judgement first


def answers(facts: dict, own: dict | None = None) -> dict[str, Answer]:
    """Project id -> the answer the reports use, from the units' follow-ups (`facts`: unit ->
    UnitFacts) and the levels' own (`own`: node -> UnitFacts): the board's forecast when it gave
    one, else a förvaltning's, else the unit's; its comment, or the next answer's when it has none."""
    given: dict[str, list[Answer]] = {}
    for node, f in sorted([*(own or {}).items(), *facts.items()]):
        for pid, a in (f.projects or {}).items():
            given.setdefault(pid, []).append(Answer(a.get("forecast"), a.get("comment"), node, f.level or "enhet",
                                                    f.file, f.sha256, a.get("cell") or ""))
    out = {}
    for pid, all_given in given.items():
        ranked = sorted(all_given, key=lambda a: (LEVEL_ORDER.get(a.level, 3), a.forecast is None, a.node))
        chosen = next((a for a in ranked if a.forecast is not None), ranked[0])
        comment = chosen.comment or next((a.comment for a in ranked if a.comment), None)
        out[pid] = Answer(chosen.forecast, comment, chosen.node, chosen.level, chosen.file, chosen.sha256, chosen.cell)
    return out


def figures(master, spent: dict[str, float], final: bool, given: dict[str, Answer] | None = None) -> list[ProjectFigures]:
    """Every project of the master data with its figures; `spent` from `outcome`, `given` from `answers`."""
    out = []
    for p in master.projects:
        done = spent.get(p.id, 0.0)
        answer = (given or {}).get(p.id)
        if answer is not None and answer.forecast is not None:
            forecast, source = answer.forecast, answer
        else:
            forecast, source = done if final else (p.year_sek if p.year_sek is not None else None), None
            if forecast is not None and not final:
                forecast = max(forecast, done)  # never below what is already spent
        out.append(ProjectFigures(p.id, p.name, p.board, p.total_sek, p.year_sek, done, forecast, p.start, p.end,
                                  answer.comment if answer else None, source))
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
