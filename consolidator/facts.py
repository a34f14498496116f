"""What one unit's returned document contributes to the roll-up, each figure with its source cells."""
from __future__ import annotations

from dataclasses import dataclass, field

from .document import MONTHS


@dataclass(frozen=True)
class Source:
    """Where a figure came from: the unit's file, its hash, a sheet and a cell or range."""

    unit: str
    file: str
    sha256: str
    sheet: str
    cell: str
    value: object


@dataclass
class UnitFacts:
    unit: str
    file: str
    sha256: str
    valid: bool
    budget: dict = field(default_factory=dict)  # account -> {"frame", "total", "months": [12]}
    budget_src: dict = field(default_factory=dict)  # account -> (frame cell, months range)
    budget_range: str = ""  # every account's months: the cells the unit's budget total is made of
    indicators: dict = field(default_factory=dict)  # indicator id -> (unit target, cell)
    goals: list = field(default_factory=list)  # own goals with "cell"
    activities: list = field(default_factory=list)
    uppdrag: dict = field(default_factory=dict)  # uppdrag id -> (contribution, cell)
    risks: list = field(default_factory=list)
    summary: tuple = (None, "")  # (text, cell)

    def source(self, sheet: str, cell: str, value) -> Source:
        return Source(self.unit, self.file, self.sha256, sheet, cell, value)


def _cell(cells: dict, pointer: str) -> str:
    return cells.get(pointer, ("", ""))[1]


def _span(cells: dict, first: str, last: str) -> str:
    a, b = _cell(cells, first), _cell(cells, last)
    return f"{a}:{b}" if a and b and a != b else a or b


def extract(doc: dict, cells: dict, file: str, sha256: str, valid: bool) -> UnitFacts:
    """The facts of one document; `cells` is the reader's source map (JSON pointer -> (sheet, A1))."""
    facts = UnitFacts(unit=doc["meta"]["unit"], file=file, sha256=sha256, valid=valid)
    for i, row in enumerate(doc.get("budget") or []):
        months = [row.get(m) or 0 for m in MONTHS]
        facts.budget[row["account"]] = {"frame": row.get("frame") or 0, "total": sum(months), "months": months}
        facts.budget_src[row["account"]] = (_cell(cells, f"/budget/{i}/frame"),
                                            _span(cells, f"/budget/{i}/m01", f"/budget/{i}/m12"))
    rows = doc.get("budget") or []
    if rows:
        facts.budget_range = _span(cells, "/budget/0/m01", f"/budget/{len(rows) - 1}/m12")
    for i, row in enumerate(doc.get("indicators") or []):
        if row.get("unit_target") is not None:
            facts.indicators[row["id"]] = (row["unit_target"], _cell(cells, f"/indicators/{i}/unit_target"))
    for key, target in (("goals", facts.goals), ("activities", facts.activities), ("risks", facts.risks)):
        for i, row in enumerate(doc.get(key) or []):
            target.append({**row, "cell": _cell(cells, f"/{key}/{i}/" + ("risk" if key == "risks" else "text"))})
    for i, row in enumerate(doc.get("uppdrag") or []):
        facts.uppdrag[row["id"]] = (row.get("contribution"), _cell(cells, f"/uppdrag/{i}/contribution"))
    header = doc.get("header") or {}
    facts.summary = (header.get("summary"), _cell(cells, "/header/summary"))
    return facts


KEEP = {"activities": ("id", "status", "locked", "link", "perspective"), "goals": ("id", "parent", "assessment"),
        "risks": ("probability", "consequence")}


def slim(facts: UnitFacts) -> UnitFacts:
    """The facts a report above the units needs: figures, links and statuses, no texts. The KF
    report counts and sums unit detail but lists none of it, so it need not hold it."""
    return UnitFacts(unit=facts.unit, file=facts.file, sha256=facts.sha256, valid=facts.valid, budget=facts.budget,
                     budget_src=facts.budget_src, budget_range=facts.budget_range, indicators=facts.indicators,
                     goals=[{k: g.get(k) for k in KEEP["goals"]} for g in facts.goals],
                     activities=[{k: a.get(k) for k in KEEP["activities"]} for a in facts.activities],
                     uppdrag={u: ("ja" if text else None, cell) for u, (text, cell) in facts.uppdrag.items()},
                     risks=[{k: r.get(k) for k in KEEP["risks"]} for r in facts.risks])
