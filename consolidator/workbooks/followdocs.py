"""The follow-up document: a unit's validated plan carried into a month, tertial, delår or helår,
with what the ledger and Kolada already know filled in.

Where the content comes from, per unit:
- the plan: the unit's file that the plan period's consolidation took in (its manifest says which
  one, and its SHA-256 is checked before the file is read again), else the master data alone;
- the last follow-up: the same, for the latest earlier follow-up period, for the previous
  assessments, statuses and forecast;
- the ledger (`rodtrad import ledger`): outcome per account and month up to the period's end;
- Kolada (`rodtrad import kolada`): the municipality's latest value of each Kolada indicator.
The sent document is kept in the outbox (`underlag.jsonl`), so validation can point at every
prefilled cell a unit changed, carried rows it deleted or re-linked, and ledger figures it edited.
"""
from __future__ import annotations

import re

import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from rodtrad.consolidator.model import document
from rodtrad.consolidator.model.files import MANIFEST
from rodtrad.consolidator.model.grading import OWN_GOAL
from rodtrad.consolidator.model.document import DIRECTIONS, MONTHS, choice
from rodtrad.consolidator.model.masterdata import MasterData, Period
from rodtrad.consolidator.model import terms
from rodtrad.consolidator.rollup import investments
from rodtrad.consolidator.workbooks import investbook



@dataclass
class Basis:
    """What a unit's follow-up is prefilled from."""

    plan: dict | None = None  # the validated plan document
    plan_file: str = ""
    last: dict | None = None  # the latest validated follow-up document before this period (its forecast)
    last_file: str = ""
    last_full: dict | None = None  # the latest tertial, delår or helår (assessments and statuses)
    last_full_file: str = ""

    def label(self) -> str:
        parts = [f"plan: {self.plan_file}" if self.plan else "plan: saknas (styrmodellens ramar och låsta aktiviteter)"]
        for file in dict.fromkeys(f for f, d in ((self.last_full_file, self.last_full), (self.last_file, self.last)) if d):
            parts.append(f"föregående uppföljning: {file}")
        return "; ".join(parts)


def readable(label: str) -> str:
    """A basis as a unit reads it: the files without their SHA-256 (those stay in _meta)."""
    return re.sub(r" \(sha256 [0-9a-f]+…\)", "", label)


@dataclass
class Sources:
    """The data sources' figures for one period: ledger outcome and Kolada values."""

    outcome: dict = field(default_factory=dict)  # (unit, account) -> [12 months, None after the period]
    kolada: dict = field(default_factory=dict)  # indicator id -> (value, year)
    kolada_before: dict = field(default_factory=dict)  # indicator id -> the year before's value
    last_year: dict = field(default_factory=dict)  # (unit, account) -> the previous year's outcome, same months (kr)
    kolada_from: dict = field(default_factory=dict)  # indicator id -> (file, sha256, KPI, municipality, year)
    invested: dict = field(default_factory=dict)  # investment project id -> outcome up to the period's month (kr)


def sources(db: Path, master: MasterData, period: Period) -> Sources:
    """Read the imported ledger and Kolada values for a period (nothing imported: empty)."""
    out = Sources()
    if not Path(db).exists():
        return out
    year, month = int(period.date[:4]), int(period.date[5:7])
    con = sqlite3.connect(f"{Path(db).resolve().as_uri()}?mode=ro", uri=True)
    try:
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "ledger" in tables:
            for unit, account, m, amount in con.execute(
                    "SELECT unit, account, month, sum(outcome) FROM ledger WHERE year = ? AND month <= ? "
                    "GROUP BY unit, account, month", (year, month)):
                row = out.outcome.setdefault((unit, account), [None] * 12)
                row[m - 1] = round(amount, 2)
            for unit, account, amount in con.execute(
                    "SELECT unit, account, sum(outcome) FROM ledger WHERE year = ? AND month <= ? "
                    "GROUP BY unit, account", (year - 1, month)):
                out.last_year[(unit, account)] = round(amount, 2)
        if "investments" in tables:
            out.invested = investments.outcome(con, year, month)
        if "kolada" in tables:
            out.kolada, out.kolada_from, out.kolada_before = kolada_values(con, master, year, tables)
    finally:
        con.close()
    return out


def kolada_values(con: sqlite3.Connection, master: MasterData, year: int, tables: set | None = None
                  ) -> tuple[dict, dict, dict]:
    """The imported Kolada values of the master data's Kolada indicators for the municipality, from
    an open connection to the history store: (indicator id -> (value, year) of the latest year up to
    `year`; indicator id -> (file, sha256, kpi, municipality, year) it came from; indicator id ->
    the value of the year before that). Only the total (gender 'T'), as Kolada's API gives it. All
    empty when nothing was imported; `tables` the store's tables when already known."""
    values: dict = {}
    origin: dict = {}
    before: dict = {}
    if tables is None:
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "kolada" not in tables:
        return values, origin, before
    code = str(master.municipality.get("code") or "").zfill(4)
    for ind in master.indicators:
        if ind.source != "kolada" or not ind.kolada:
            continue
        rows = con.execute("SELECT period, value FROM kolada WHERE kpi = ? AND municipality = ? AND gender = 'T' "
                           "AND period <= ? AND value IS NOT NULL ORDER BY period DESC LIMIT 2",
                           (ind.kolada, code, year)).fetchall()
        if rows:
            values[ind.id] = (rows[0][1], rows[0][0])
            if "kolada_source" in tables:  # where the value came from (imports/kolada.store)
                found = con.execute("SELECT file, sha256 FROM kolada_source WHERE kpi = ? AND municipality = ? "
                                    "AND period = ? AND gender = 'T'", (ind.kolada, code, rows[0][0])).fetchone()
                if found:
                    origin[ind.id] = (found[0], found[1], ind.kolada, code, rows[0][0])
        if len(rows) > 1:
            before[ind.id] = rows[1][1]
    return values, origin, before


def prefill(master: MasterData, unit_id: str, period_id: str, basis: Basis | None = None,
            data: Sources | None = None) -> dict:
    """The follow-up document for one unit as it is sent out."""
    basis, data = basis or Basis(), data or Sources()
    unit, period = master.by_id[unit_id], master.period(period_id)
    plan = basis.plan or document.prefill(master, unit_id, master.period(None).id)
    last, full = basis.last or {}, basis.last_full or {}
    board = master.board_of(unit_id)
    month = int(period.date[5:7])
    doc = {
        "meta": {"template": document.spec(document.FOLLOW)["template"], "version": document.spec(document.FOLLOW)["version"],
                 "municipality": master.name, "unit": unit_id, "period": period.id, "kind": period.kind,
                 "level": document.UNIT_LEVEL,
                 "basis": basis.label(), "generated": None, "hash": None},
        "header": {"unit_name": unit.name, "unit": unit_id, "manager": unit.manager, "board": board.name if board else None,
                   "period_name": period.name, "period_end": period.date, "deadline": period.deadline,
                   "basis": readable(basis.label()), "summary": None},
        "assessments": _assessments(master, unit_id, plan, full),
        "activities": _activities(plan, full),
        "uppdrag": _uppdrag(master, unit_id, plan),
        "indicators": _indicators(master, unit_id, plan, full, data),
        "economy": _economy(master, unit_id, plan, last, data, month),
        "actions": [],
        "controls": _controls(plan),
    }
    projects = investbook.rows(master, unit_id, document.UNIT_LEVEL, data.invested)
    if projects:  # only a unit that runs an investment project gets the sheet
        doc["investments"] = projects
    keep = {s["key"] for s in document.spec(document.FOLLOW, period.kind)["sheets"]}
    return {k: v for k, v in doc.items() if k in keep}


def _previous(last: dict, key: str, field_name: str) -> dict:
    return {r.get("id") or r.get("account"): r.get(field_name) for r in last.get(key) or []}


def _assessments(master, unit_id, plan, last) -> list[dict]:
    before = _previous(last, "assessments", "assessment")
    board_goal = terms.of(master).board_goal  # the model's word; own rows keep OWN_GOAL (facts.py tells them by it)
    rows = [{"level": board_goal, "id": g.id, "text": g.text, "parent": (g.parents or [None])[0],
             "previous": before.get(g.id), "assessment": None, "analysis": None} for g in master.board_goals(unit_id)]
    rows += [{"level": OWN_GOAL, "id": g["id"], "text": g.get("text"), "parent": g.get("parent"),
              "previous": before.get(g["id"]), "assessment": None, "analysis": None} for g in plan.get("goals") or []]
    return rows


def _activities(plan, last) -> list[dict]:
    """The plan's activities, and the ones added in the last follow-up, with their last status."""
    before = {a["id"]: a for a in last.get("activities") or []}
    rows = []
    for a in list(plan.get("activities") or []) + [a for a in before.values()
                                                    if a["id"] not in {p["id"] for p in plan.get("activities") or []}]:
        rows.append({"id": a["id"], "carried": True, "text": a.get("text"), "link": a.get("link"),
                     "perspective": a.get("perspective"), "start": a.get("start"), "end": a.get("end"),
                     "responsible": before.get(a["id"], a).get("responsible"),
                     "previous": before.get(a["id"], {}).get("status"), "status": None, "comment": None})
    return rows


def _uppdrag(master, unit_id, plan) -> list[dict]:
    said = {u["id"]: u.get("contribution") for u in plan.get("uppdrag") or []}
    return [{"id": u.id, "text": u.text, "deadline": u.deadline, "contribution": said.get(u.id), "status": None,
             "comment": None} for u in master.uppdrag_for(unit_id)]


def _indicators(master, unit_id, plan, last, data: Sources) -> list[dict]:
    targets = {i["id"]: i.get("unit_target") for i in plan.get("indicators") or []}
    before = _previous(last, "indicators", "outcome")
    rows = []
    for ind in master.indicators_for(unit_id):
        known = data.kolada.get(ind.id)
        source = f"Kolada {ind.kolada}" + (f" ({known[1]})" if known else "") if ind.source == "kolada" else \
            {"ekonomi": "Ekonomi"}.get(ind.source, "Enheten")
        previous = before.get(ind.id)
        if previous is None and ind.aggregation != "summa":  # a sum's baseline is the whole organisation's
            previous = data.kolada_before.get(ind.id) if known else ind.baseline
        rows.append({"id": ind.id, "name": ind.name, "unit": ind.unit, "direction": DIRECTIONS[ind.direction],
                     "target": ind.target, "unit_target": targets.get(ind.id),
                     "green": ind.green if ind.green is not None else ind.target, "red": ind.red, "source": source,
                     "previous": previous, "from_source": bool(known), "outcome": known[0] if known else None,
                     "comment": None})
    return rows


def _economy(master, unit_id, plan, last, data: Sources, month: int) -> list[dict]:
    names = {a.id: a.name for a in master.accounts}
    forecast = _previous(last, "economy", "forecast")
    rows = []
    planned = {r["account"]: r for r in plan.get("budget") or []}
    accounts = list(planned) + sorted(a for (u, a) in data.outcome if u == unit_id and a not in planned)
    for account in accounts:
        months = [planned.get(account, {}).get(m) or 0 for m in MONTHS]
        outcome = data.outcome.get((unit_id, account), [None] * 12)
        to_date = [v for v in outcome[:month] if v is not None]
        row = {"account": account, "name": names.get(account, ""), "budget": sum(months),
               "budget_to_date": sum(months[:month]), "outcome": round(sum(to_date), 2) if to_date else None,
               "previous": forecast.get(account), "forecast": None, "explanation": None,
               "last_year": data.last_year.get((unit_id, account))}
        row.update({f"o{i:02d}": (outcome[i - 1] if i <= month else None) for i in range(1, 13)})
        rows.append(row)
    return rows


def _controls(plan) -> list[dict]:
    return [{"id": r["id"], "risk": r.get("risk"), "control": r.get("control"), "responsible": r.get("responsible"),
             "performed": None, "result": None, "deviation": None, "action": None} for r in plan.get("risks") or []]


def lists(master: MasterData, unit_id: str) -> dict[str, list]:
    """The dropdown lists of one unit's follow-up workbook."""
    layout = document.spec(document.FOLLOW)
    plan_lists = document.lists(master, unit_id)
    return {
        "bedomning": layout["assessments"], "status": layout["statuses"], "uppdragsstatus": layout["uppdrag_statuses"],
        "kopplingar": plan_lists["kopplingar"], "perspektiv": plan_lists["perspektiv"], "personal": plan_lists["personal"],
        "janej": ["Ja", "Nej"], "konton": [choice(a.id, a.name) for a in master.accounts],
    }


# -- what a follow-up carries forward: the files earlier consolidations took in ----------------

def bases(root: Path, master: MasterData, period: Period, units: list[str]) -> tuple[dict[str, Basis], list[str]]:
    """Per unit, the validated documents this period carries forward; and notes for the user (a file
    that changed since it was consolidated is not used)."""
    earlier = sorted((p for p in master.periods if p.date < period.date or (p.kind == "plan" and p.id != period.id)),
                     key=lambda p: p.date, reverse=True)
    plan_period = next((p for p in earlier if p.kind == "plan"), None)
    follow = [p for p in earlier if p.kind != "plan"]
    out = {u: Basis() for u in units}
    notes = []
    wanted = set(units)

    def take(p: Period, attr: str):
        chosen = lambda unit: unit in wanted and getattr(out[unit], attr) is None  # noqa: E731
        for entry, task in consolidated(root, master, p.id, chosen, notes):
            setattr(out[entry["unit"]], attr, task.document)
            setattr(out[entry["unit"]], f"{attr}_file", f"{entry['path']} (sha256 {entry['sha256'][:12]}…)")

    if plan_period:
        take(plan_period, "plan")
    for p in follow:  # newest first: a month's forecast, a tertial's assessments
        take(p, "last")
        if p.kind != "månad":
            take(p, "last_full")
    return out, notes


def consolidated(root: Path, master: MasterData, period_id: str, chosen, notes: list):
    """(manifest entry, validation task with its document) for each file a period's consolidation took
    in whose unit `chosen` accepts, read again (in parallel, as validation reads) and used only when
    the SHA-256 of what was read is the one consolidated (a changed or moved file gets a note
    instead). Nothing when the period has not been consolidated."""
    from rodtrad.consolidator.reading.validate import iter_tasks  # noqa: PLC0415 - validate imports the rules, which import this

    path = Path(root) / "rapporter" / period_id / MANIFEST
    if not path.exists():
        return
    def gone(entry):
        notes.append(f"{entry['path']} har ändrats eller flyttats sedan {period_id} sammanställdes och används inte.")

    entries = []
    for entry in json.loads(path.read_text("utf-8"))["inputs"]:
        if entry.get("consolidated") and chosen(entry.get("unit") or ""):
            if (Path(root) / entry["path"]).is_file():
                entries.append(entry)
            else:
                gone(entry)
    tasks = iter_tasks([Path(root) / e["path"] for e in entries], master, keep_documents=True)
    for entry, task in zip(entries, tasks):
        if task.sha256 != entry["sha256"]:
            gone(entry)
        elif task.document is not None:
            yield entry, task
