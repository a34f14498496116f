"""Every level assesses: the follow-up of a förvaltning or board, written after its units are consolidated.

A level's workbook is a follow-up workbook (the same layout, reader, validator and add-in) whose
`_meta` says "Nivå: nämnd" or "förvaltning". It is prefilled with what the period's consolidation
took in from the units under the node: the economy per account summed (budget, outcome, the units'
forecasts), the units' assessments and analyses under each goal, the uppdrag statuses and the
indicators' outcomes. The administration writes the level's own assessment and analysis of each
goal, its own forecast (prefilled with the units' sum) and explanations, and its åtgärdsplan.
Returned, it goes into the period's inbox (any subfolder), and consolidation then reports each
level's judgement beside the sum of its units.
"""
from __future__ import annotations

from pathlib import Path

from rodtrad.consolidator.model import grading
from rodtrad.consolidator.model import document
from rodtrad.consolidator.workbooks import followdocs, investbook
from rodtrad.consolidator.model.files import MANIFEST
from rodtrad.consolidator.model.document import DIRECTIONS, nodes_at
from rodtrad.consolidator.rollup.facts import UnitFacts, extract
from rodtrad.consolidator.model.masterdata import MasterData, Period
from rodtrad.consolidator.model.grading import distribution
from rodtrad.consolidator.rollup.rollup import Rollup
from rodtrad.consolidator.model import terms
from rodtrad.consolidator.model.words import count

WORDS = {v: k for k, v in grading.GRADES.items()}  # traffic-light word -> the assessment as units chose it


class NotConsolidated(Exception):
    """The period's units have not been consolidated yet: there is nothing to assess."""


def unit_facts(root: Path, master: MasterData, period: Period) -> tuple[dict[str, UnitFacts], list[str]]:
    """The full facts of the units the period's consolidation took in, read again from the files its
    manifest lists (each SHA-256 checked first), so a level sees exactly what was consolidated."""
    if not (Path(root) / "rapporter" / period.id / MANIFEST).exists():
        raise NotConsolidated(f"{period.id} är inte sammanställd ännu: kör först rodtrad consolidate "
                              f"{root} --period {period.id}.")
    facts, notes = {}, []
    for entry, task in followdocs.consolidated(root, master, period.id, master.is_unit, notes):
        facts[entry["unit"]] = extract(task.document, task.cells, entry["path"], entry["sha256"],
                                       entry.get("verdict") == "godkänd")
    return facts, notes


def prefill(master: MasterData, node_id: str, period: Period, rollup: Rollup, level: str,
            basis: followdocs.Basis | None = None, data: followdocs.Sources | None = None) -> dict:
    """The follow-up document of one förvaltning or board as it is sent out."""
    basis, data = basis or followdocs.Basis(), data or followdocs.Sources()
    node, board = master.by_id[node_id], master.board_of(node_id)
    last, full = basis.last or {}, basis.last_full or {}
    included, all_units = rollup.included(node_id), rollup.units_under[node_id]
    label = f"sammanställningen av {period.id}: {len(included)} av {count(len(all_units), 'enhet', 'enheter')}"
    if basis.last or basis.last_full:
        label += "; " + basis.label().split("; ", 1)[-1]
    layout = document.spec(document.FOLLOW)
    doc = {
        "meta": {"template": layout["template"], "version": layout["version"], "municipality": master.name,
                 "unit": node_id, "period": period.id, "kind": period.kind, "level": level, "basis": label,
                 "generated": None, "hash": None},
        "header": {"unit_name": node.name, "unit": node_id, "manager": node.manager,
                   "board": board.name if board else None, "period_name": period.name, "period_end": period.date,
                   "deadline": period.deadline, "basis": followdocs.readable(label), "summary": None},
        "assessments": _assessments(master, node_id, rollup, full),
        "underlying": _underlying(master, node_id, rollup),
        "uppdrag": _uppdrag(master, node_id, rollup),
        "indicators": _indicators(master, node_id, rollup, full, data),
        "economy": _economy(master, node_id, rollup, last, int(period.date[5:7]), data),
        "actions": [],
    }
    projects = investbook.rows(master, node_id, level, data.invested, investbook.units_forecast(included))
    if projects:  # a board with investment projects (or a förvaltning whose units run some)
        doc["investments"] = projects
    keep = {s["key"] for s in document.spec(document.FOLLOW, period.kind, level)["sheets"]}
    return {k: v for k, v in doc.items() if k in keep}


def _assessments(master, node_id, rollup: Rollup, last) -> list[dict]:
    before = followdocs._previous(last, "assessments", "assessment")
    return [{"level": terms.of(master).board_goal, "id": g.id, "text": g.text, "parent": (g.parents or [None])[0],
             "previous": before.get(g.id), "units": distribution(rollup.assessments(node_id, g.id)),
             "assessment": None, "analysis": None} for g in master.board_goals(node_id)]


def _underlying(master, node_id, rollup: Rollup) -> list[dict]:
    rows = []
    by_goal = rollup.unit_goals_under(node_id)
    for goal in master.board_goals(node_id):
        for facts, own in by_goal.get(goal.id, []):
            rows.append({"id": f"R{len(rows) + 1}", "goal": goal.id, "unit": facts.unit,
                         "unit_name": master.by_id[facts.unit].name,
                         "text": "(nämndmålet)" if own.get("board_row") else own.get("text"),
                         "previous": own.get("previous"), "assessment": WORDS.get(own.get("assessment"), "Ej bedömt"),
                         "analysis": own.get("comment")})
    return rows


def _uppdrag(master, node_id, rollup: Rollup) -> list[dict]:
    statuses = {u["uppdrag"].id: u["statuses"] for u in rollup.uppdrag(node_id)}
    rows = []
    for u in master.uppdrag_for(node_id):
        said = statuses.get(u.id) or {}
        text = ", ".join(f"{word} {n}" for word, n in sorted(said.items(), key=lambda kv: (-kv[1], kv[0])))
        rows.append({"id": u.id, "text": u.text, "deadline": u.deadline, "units": text or "inga svar",
                     "status": None, "comment": None})
    return rows


def _indicators(master, node_id, rollup: Rollup, last, data: followdocs.Sources) -> list[dict]:
    before = followdocs._previous(last, "indicators", "outcome")
    rows = []
    for ind in master.indicators_for(node_id):
        known = data.kolada.get(ind.id)
        value, sources = rollup.indicator_targets(node_id, ind)
        if ind.aggregation == "ingen":
            value = None
        if known:
            source, outcome = f"Kolada {ind.kolada} ({known[1]})", known[0]
        else:
            source, outcome = f"Enheterna ({ind.aggregation}, {len(sources)} st)", value
        rows.append({"id": ind.id, "name": ind.name, "unit": ind.unit, "direction": DIRECTIONS[ind.direction],
                     "target": ind.target, "unit_target": None,
                     "green": ind.green if ind.green is not None else ind.target, "red": ind.red, "source": source,
                     "previous": before.get(ind.id), "from_source": outcome is not None,
                     "outcome": None if outcome is None else round(outcome, 2), "comment": None})
    return rows


def _last_year(data, units, account: str):
    """The units' outcome of the previous year for the same months (kr); None without that year."""
    known = [data.last_year[(u, account)] for u in units if data is not None and (u, account) in data.last_year]
    return _round(sum(known)) if known else None


def _economy(master, node_id, rollup: Rollup, last, month: int, data=None) -> list[dict]:
    """Per account, the included units' figures summed exactly as the consolidation took them in;
    the previous year's outcome for the same months summed over every unit under the node (ledger)."""
    names = {a.id: a.name for a in master.accounts}
    previous = followdocs._previous(last, "economy", "forecast")
    sums: dict[str, dict] = {}
    for facts in rollup.included(node_id):
        for account, b in facts.budget.items():
            row = sums.setdefault(account, {"budget": 0, "budget_to_date": 0, "outcome": 0, "forecast": 0,
                                            "months": [0] * 12})
            row["budget"] += b["total"]
            row["budget_to_date"] += b.get("budget_to_date") or 0
            row["outcome"] += b.get("outcome") or 0
            row["forecast"] += b["total"] if b.get("forecast") is None else b["forecast"]
            row["months"] = [x + y for x, y in zip(row["months"], b["months"])]
    rows = []
    for account in sorted(sums):
        s = sums[account]
        row = {"account": account, "name": names.get(account, ""), "budget": _round(s["budget"]),
               "budget_to_date": _round(s["budget_to_date"]), "outcome": _round(s["outcome"]),
               "previous": previous.get(account), "units_forecast": _round(s["forecast"]),
               "forecast": _round(s["forecast"]), "explanation": None,
               "last_year": _last_year(data, rollup.units_under[node_id], account)}
        row.update({f"o{i:02d}": (_round(s["months"][i - 1]) if i <= month else None) for i in range(1, 13)})
        rows.append(row)
    return rows


def _round(x):
    x = round(x, 2)
    return int(x) if x == int(x) else x


def documents(master: MasterData, period: Period, level: str, root: Path, notes: list) -> dict[str, dict]:
    """Each node's document at a level, prefilled from the period's consolidation in `root`."""
    from rodtrad.consolidator.rollup.store import FILE_NAME  # noqa: PLC0415

    facts, found = unit_facts(root, master, period)
    notes += found
    rollup = Rollup(master, facts, follow=True)
    nodes = [n.id for n in nodes_at(master, level)]
    bases, found = followdocs.bases(root, master, period, nodes)
    notes += found
    data = followdocs.sources(Path(root) / FILE_NAME, master, period)
    return {n: prefill(master, n, period, rollup, level, bases.get(n), data) for n in nodes}
