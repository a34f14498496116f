"""Master data (styrmodell): a municipality's governance model, read from styrmodell.xlsx."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from rodtrad.consolidator.model import contract, mastercheck, periodcheck
from rodtrad.consolidator.model.mastercheck import BOARD_LEVELS
from rodtrad.consolidator.model.findings import has_errors
from rodtrad.consolidator.model import answerable, terms, termscheck, wording

NAME = "styrmodell"
FILE_NAME = "styrmodell.xlsx"

def _typed(cls, record: dict):
    names = _field_names(cls)
    return cls(**{k: v for k, v in record.items() if k in names})


@lru_cache(maxsize=None)
def _field_names(cls) -> frozenset:
    return frozenset(f.name for f in dataclasses.fields(cls))


@dataclass
class OrgNode:
    id: str
    name: str
    level: str
    parent: str | None = None
    board: str | None = None
    manager: str | None = None
    email: str | None = None


@dataclass
class Person:
    unit: str
    name: str
    role: str | None = None


@dataclass
class Perspective:
    id: str
    name: str


@dataclass
class Period:
    id: str
    name: str
    date: str
    kind: str
    deadline: str | None = None
    asks: str | None = None


@dataclass
class Goal:
    id: str
    level: str
    text: str
    kind: str | None = None
    owner: str | None = None
    parents: list = field(default_factory=list)
    perspective: str | None = None
    from_year: int | None = None
    to_year: int | None = None
    agenda2030: list = field(default_factory=list)
    child_rights: bool | None = None


@dataclass
class Indicator:
    id: str
    name: str
    direction: str
    source: str
    aggregation: str
    unit: str | None = None
    baseline: float | None = None
    target: float | None = None
    green: float | None = None
    red: float | None = None
    kolada: str | None = None
    weight: str | None = None
    goals: list = field(default_factory=list)


@dataclass
class Commitment:
    id: str
    owner: str
    text: str
    goals: list = field(default_factory=list)


@dataclass
class Uppdrag:
    id: str
    text: str
    boards: list
    deadline: str
    resources: float | None = None
    start: str | None = None
    status: str | None = None


@dataclass
class LockedActivity:
    id: str
    text: str
    units: list
    link: str | None = None
    perspective: str | None = None
    start: str | None = None
    end: str | None = None


@dataclass
class Account:
    id: str
    name: str
    kind: str


@dataclass
class Frame:
    unit: str
    account: str
    amount: float


@dataclass
class Project:
    """An investment project (investeringsredovisning): amounts in kr, dates 'YYYY-MM-DD'."""

    id: str
    name: str
    board: str
    unit: str | None = None  # the unit that runs it, when one does
    total_sek: float | None = None
    year_sek: float | None = None  # this budget year's budget
    start: str | None = None
    end: str | None = None


ENTITIES = {  # data key -> type
    "org": OrgNode, "people": Person, "perspectives": Perspective, "periods": Period, "goals": Goal,
    "indicators": Indicator, "commitments": Commitment, "uppdrag": Uppdrag,
    "locked_activities": LockedActivity, "accounts": Account, "budget": Frame, "projects": Project,
}


class MasterData:
    """Typed, indexed view of one municipality's styrmodell."""

    def __init__(self, data: dict):
        self.data = data
        self.cells: dict[str, tuple[str, str]] = {}  # JSON pointer -> (sheet, A1) when read from a file
        self.municipality = dict(data.get("municipality") or {})
        self.rules = {k: v for k, v in (data.get("rules") or {}).items() if v is not None}
        self.closing = {k: v for k, v in (data.get("closing") or {}).items() if v is not None}  # balanskrav figures
        for key, cls in ENTITIES.items():
            setattr(self, key, [_typed(cls, r) for r in data.get(key) or []])
        self.by_id = {n.id: n for n in self.org}
        self.goal_by_id = {g.id: g for g in self.goals}

    @property
    def name(self) -> str:
        return self.municipality.get("name", "")

    @property
    def peers(self) -> list[str]:
        """The peer group for Kolada comparisons: kommunkoder ('2380') and Kolada group ids ('G33900')."""
        return [str(p).strip() for p in self.municipality.get("peers") or [] if str(p).strip()]

    @property
    def peer_group(self) -> str:
        """The peer group's name as the reports show it ('' when none is declared)."""
        return str(self.municipality.get("peer_group") or "").strip()

    @property
    def years(self) -> list[int]:
        first = int(self.municipality["budget_year"])
        return [first] + [int(y) for y in self.municipality.get("plan_years") or []]

    @cached_property
    def children(self) -> dict[str, list[OrgNode]]:
        kids: dict[str, list[OrgNode]] = {}
        for node in self.org:
            kids.setdefault(node.parent or "", []).append(node)
        return kids

    def units(self) -> list[OrgNode]:
        """The nodes that receive a workbook: every leaf of the organisation tree."""
        return [self.by_id[i] for i in self.unit_ids]

    @cached_property
    def unit_ids(self) -> list[str]:
        return [n.id for n in self.org if n.parent and not self.children.get(n.id)]

    def is_unit(self, unit_id: str) -> bool:
        return unit_id in self._unit_set

    @cached_property
    def _unit_set(self) -> frozenset[str]:
        return frozenset(self.unit_ids)

    def ancestors(self, unit_id: str) -> list[OrgNode]:
        chain, seen = [], set()
        node = self.by_id.get(unit_id)
        while node and node.parent and node.parent not in seen:
            seen.add(node.parent)
            node = self.by_id.get(node.parent)
            if node:
                chain.append(node)
        return chain

    def board_of(self, unit_id: str) -> OrgNode | None:
        node = self.by_id.get(unit_id)
        if node and node.board and node.board in self.by_id:
            return self.by_id[node.board]
        for above in [node] + self.ancestors(unit_id) if node else []:
            if above.level in BOARD_LEVELS or above.level == "koncern":
                return above
        return None

    def period(self, period_id: str | None) -> Period | None:
        if period_id is None:
            return next((p for p in self.periods if p.kind == "plan"), None)
        return next((p for p in self.periods if p.id == period_id), None)

    def cell(self, key: str, item_id: str, field: str) -> tuple[str, str]:
        """(sheet, A1) of an item's field in styrmodell.xlsx, e.g. ("Indikatorer", "F7") for
        cell("indicators", "N3", "target"); ("", "") when unknown (master data not read from a file)."""
        for i, row in enumerate(self.data.get(key) or []):
            if row.get("id") == item_id:
                return self.cells.get(f"/{key}/{i}/{field}", ("", ""))
        return ("", "")

    def goals_at(self, level: str, owner: str | None = None) -> list[Goal]:
        return [g for g in self.goals if g.level == level and (owner is None or g.owner == owner)]

    def board_goals(self, unit_id: str) -> list[Goal]:
        board = self.board_of(unit_id)
        return self.goals_at("nämnd", board.id) if board else []

    def commitments_for(self, unit_id: str) -> list[Commitment]:
        owners = {unit_id} | {n.id for n in self.ancestors(unit_id)}
        return [c for c in self.commitments if c.owner in owners]

    def uppdrag_for(self, unit_id: str) -> list[Uppdrag]:
        board = self.board_of(unit_id)
        return [u for u in self.uppdrag if board and board.id in u.boards]

    def locked_for(self, unit_id: str) -> list[LockedActivity]:
        scope = {unit_id, "alla"} | {n.id for n in self.ancestors(unit_id)}
        return [a for a in self.locked_activities if scope & set(a.units)]

    def indicators_for(self, unit_id: str) -> list[Indicator]:
        goals = {g.id for g in self.board_goals(unit_id)} | {g.id for g in self.goals_at("kf")}
        return [i for i in self.indicators if goals & set(i.goals)]

    def own_parts(self, unit_id: str) -> list[Indicator]:
        """The unit's indicators that are summed over the units (aggregation "summa") and answered by
        the unit itself (not Kolada or the ledger): the unit's outcome and target are its own part, the
        indicator's target the whole municipality's."""
        return [i for i in self.indicators_for(unit_id) if i.aggregation == "summa" and i.source not in ("kolada", "ekonomi")]

    @cached_property
    def _by_unit(self) -> dict[str, dict[str, list]]:
        index: dict[str, dict[str, list]] = {"budget": {}, "people": {}}
        for frame in self.budget:
            index["budget"].setdefault(frame.unit, []).append(frame)
        for person in self.people:
            index["people"].setdefault(person.unit, []).append(person)
        return index

    def budget_for(self, unit_id: str) -> list[Frame]:
        return self._by_unit["budget"].get(unit_id, [])

    def people_for(self, unit_id: str) -> list[str]:
        names = [p.name for p in self._by_unit["people"].get(unit_id, [])]
        manager = self.by_id[unit_id].manager
        return ([manager] if manager and manager not in names else []) + names


def _worded(findings: list, said: dict) -> list:
    for f in findings:
        f.words = said
    return findings


def from_grid(grid, file: str, findings: list | None = None) -> tuple[MasterData | None, list]:
    spec = contract.layout(NAME)
    got = contract.read(grid.sheets, spec, file)
    findings = (findings or []) + got.findings
    findings += contract.schema_findings(NAME, got.data, got, spec, file)
    findings += mastercheck.integrity(got.data, got, file)
    findings += periodcheck.check(got.data, got, file)  # the calendar and plan years (readable values only)
    said = wording.words(terms.of(got.data))  # the model's own words in the messages' placeholders
    if has_errors(findings):
        return None, _worded(findings, said)
    master = MasterData(got.data)
    findings += answerable.check(master, got, file)  # can every unit's return be valid at all?
    findings += termscheck.check(got.data, got, file)  # Begrepp's words the workbooks cannot use as given
    _worded(findings, said)
    if has_errors(findings):
        return None, findings
    # where the figures reports use as sources sit in styrmodell.xlsx (indicators' baselines and targets)
    master.cells = {f"/indicators/{i}/{key}": got.where(f"/indicators/{i}/{key}")
                    for i in range(len(got.data.get("indicators") or [])) for key in CELL_FIELDS}
    return master, findings


CELL_FIELDS = ("baseline", "target")
