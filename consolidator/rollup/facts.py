"""What one unit's returned document contributes to the roll-up, each figure with its source cells."""
from __future__ import annotations

import pickle
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from rodtrad.consolidator.model.document import MONTHS


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
    risks: list = field(default_factory=list)  # plan: risks; follow-up: the controls' results
    summary: tuple = (None, "")  # (text, cell)
    follow: bool = False  # a follow-up: budget carries outcome and forecast, indicators outcomes
    actions: list = field(default_factory=list)  # åtgärdsplan rows with "cell"
    uppdrag_status: dict = field(default_factory=dict)  # uppdrag id -> status (follow-ups)
    explanations: dict = field(default_factory=dict)  # account -> (the unit's explanation of its deviation, cell)
    projects: dict = field(default_factory=dict)  # investment project id -> {"forecast", "comment", "cell"} (follow-ups)
    level: str = "enhet"  # who answered: a unit, or a förvaltning or board assessing its units (levels.py)

    @property
    def economy_sheet(self) -> str:
        return "Ekonomi" if self.follow else "Budget"

    def source(self, sheet: str, cell: str, value) -> Source:
        return Source(self.unit, self.file, self.sha256, sheet, cell, value)


def _cell(cells: dict, pointer: str) -> str:
    return cells.get(pointer, ("", ""))[1]


def _span(cells: dict, first: str, last: str) -> str:
    a, b = _cell(cells, first), _cell(cells, last)
    return f"{a}:{b}" if a and b and a != b else a or b


def extract(doc: dict, cells: dict, file: str, sha256: str, valid: bool) -> UnitFacts:
    """The facts of one document; `cells` is the reader's source map (JSON pointer -> (sheet, A1))."""
    if "economy" in doc:
        return _follow(doc, cells, file, sha256, valid)
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


def _follow(doc: dict, cells: dict, file: str, sha256: str, valid: bool) -> UnitFacts:
    """A follow-up's facts: the figures a report sums are the forecasts (budget, outcome beside)."""
    from rodtrad.consolidator.model.grading import OWN_GOAL, grade  # noqa: PLC0415

    facts = UnitFacts(unit=doc["meta"]["unit"], file=file, sha256=sha256, valid=valid, follow=True,
                      level=doc["meta"].get("level") or "enhet")
    rows = doc.get("economy") or []
    for i, row in enumerate(rows):
        months = [row.get(f"o{m:02d}") or 0 for m in range(1, 13)]
        budget = row.get("budget") or 0
        facts.budget[row["account"]] = {"frame": budget, "total": budget, "months": months,
                                        "outcome": row.get("outcome") or 0, "forecast": row.get("forecast"),
                                        "budget_to_date": row.get("budget_to_date") or 0}
        if row.get("explanation"):
            facts.explanations[row["account"]] = (row["explanation"], _cell(cells, f"/economy/{i}/explanation"))
        facts.budget_src[row["account"]] = (_cell(cells, f"/economy/{i}/budget"), _cell(cells, f"/economy/{i}/forecast"))
    if rows:
        facts.budget_range = _span(cells, "/economy/0/forecast", f"/economy/{len(rows) - 1}/forecast")
    for i, row in enumerate(doc.get("investments") or []):
        if row.get("id"):
            facts.projects[str(row["id"])] = {"forecast": row.get("forecast"), "comment": row.get("comment"),
                                             "cell": _cell(cells, f"/investments/{i}/forecast")}
    for i, row in enumerate(doc.get("indicators") or []):
        if row.get("outcome") is not None:
            facts.indicators[row["id"]] = (row["outcome"], _cell(cells, f"/indicators/{i}/outcome"))
    for i, row in enumerate(doc.get("assessments") or []):
        own = row.get("level") == OWN_GOAL
        facts.goals.append({"id": row["id"], "parent": row.get("parent") if own else row["id"], "board_row": not own,
                            "assessment": grade(row.get("assessment")), "previous": row.get("previous"),
                            "text": row.get("text"), "comment": row.get("analysis"),
                            "cell": _cell(cells, f"/assessments/{i}/assessment")})
    for i, row in enumerate(doc.get("activities") or []):
        facts.activities.append({**row, "cell": _cell(cells, f"/activities/{i}/status")})
    for i, row in enumerate(doc.get("uppdrag") or []):
        facts.uppdrag[row["id"]] = (row.get("comment"), _cell(cells, f"/uppdrag/{i}/status"))
        facts.uppdrag_status[row["id"]] = row.get("status")
    for i, row in enumerate(doc.get("controls") or []):
        facts.risks.append({**row, "cell": _cell(cells, f"/controls/{i}/performed")})
    for i, row in enumerate(doc.get("actions") or []):
        facts.actions.append({**row, "cell": _cell(cells, f"/actions/{i}/effect")})
    header = doc.get("header") or {}
    facts.summary = (header.get("summary"), _cell(cells, "/header/summary"))
    return facts


KEEP = {"activities": ("id", "status", "locked", "link", "perspective"), "goals": ("id", "parent", "assessment", "board_row"),
        "risks": ("probability", "consequence", "performed", "deviation"), "actions": ("effect",)}


def slim(facts: UnitFacts) -> UnitFacts:
    """The facts a report above the units needs: figures, links and statuses, no texts. The KF
    report counts and sums unit detail but lists none of it, so it need not hold it."""
    return UnitFacts(unit=facts.unit, file=facts.file, sha256=facts.sha256, valid=facts.valid, budget=facts.budget,
                     budget_src=facts.budget_src, budget_range=facts.budget_range, indicators=facts.indicators,
                     goals=[{k: g.get(k) for k in KEEP["goals"]} for g in facts.goals],
                     activities=[{k: a.get(k) for k in KEEP["activities"]} for a in facts.activities],
                     uppdrag={u: ("ja" if text else None, cell) for u, (text, cell) in facts.uppdrag.items()},
                     risks=[{k: r.get(k) for k in KEEP["risks"]} for r in facts.risks], follow=facts.follow,
                     actions=[{k: a.get(k) for k in KEEP["actions"]} for a in facts.actions],
                     uppdrag_status=facts.uppdrag_status, level=facts.level,
                     projects=facts.projects)  # a few rows: the KF report's Investeringar lists every project's comment


# -- keeping full facts out of memory ----------------------------------------------------------

class FactFile:
    """The full facts of the documents consolidation keeps, pickled one after another in one file,
    found again by the file's SHA-256. One file rather than one per unit: on disks that are scanned or
    watched (antivirus on a municipal PC; this benchmark host), creating 2,000 small files cost
    more system time than everything else the workers did (1.9 s against 0.05 s for writing)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.where: dict[str, tuple[int, int]] = {}  # sha256 -> (offset, length) of the full facts
        self.where_slim: dict[str, tuple[int, int]] = {}  # sha256 -> the same, of the figures (`slim`)
        self._out = self.path.open("wb")

    def add(self, sha256: str, full: bytes, slim: bytes = b"") -> None:
        """A document's facts, pickled: in full and, when given, its figures only (`slim`)."""
        self.where[sha256] = (self._out.tell(), len(full))
        self._out.write(full)
        if slim:
            self.where_slim[sha256] = (self._out.tell(), len(slim))
            self._out.write(slim)

    def close(self) -> None:
        self._out.close()

    def load(self, sha256: str) -> UnitFacts:
        return FactsAt(str(self.path), [("", *self.where[sha256])]).read()[""]

    def locate(self, units: dict[str, UnitFacts], slim: bool = False) -> "FactsAt":
        where = self.where_slim if slim else self.where
        return FactsAt(str(self.path), [(u, *where[f.sha256]) for u, f in units.items()])


class FactsAt(NamedTuple):
    """Where a report's units' facts are: (unit, offset, length) in the fact file."""

    path: str
    units: list

    def read(self) -> dict[str, UnitFacts]:
        with open(self.path, "rb") as handle:
            out = {}
            for unit, offset, length in self.units:
                handle.seek(offset)
                out[unit] = pickle.loads(handle.read(length))
            return out
