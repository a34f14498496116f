"""The document: one canonical JSON object per unit workbook, the model everything after `read` uses."""
from __future__ import annotations

import hashlib
import json
from functools import lru_cache

from rodtrad.consolidator.model import contract, values
from rodtrad.consolidator.model.masterdata import MasterData
from rodtrad.consolidator.model import layouts, terms, wording

PLAN, FOLLOW = "plan", "follow"  # the layouts in templates/: the plan, and every follow-up period
TEMPLATES = {"rodtrad.plan": PLAN, "rodtrad.uppfoljning": FOLLOW}  # _meta's template id -> layout
TEMPLATE = PLAN
MONTHS = [f"m{i:02d}" for i in range(1, 13)]
DIRECTIONS = {"högre": "Högre är bättre", "lägre": "Lägre är bättre"}
LEVEL_NAMES = {"kf": "KF-mål", "nämnd": "Nämndmål", "förvaltning": "Förvaltningsmål", "åtagande": "Åtagande"}


@lru_cache(maxsize=None)
def spec(name: str = PLAN, kind: str | None = None, level: str | None = None, version: str | None = None,
         words: terms.Terms | None = None) -> dict:
    """A template's layout; for a follow-up, only the sheets its period kind asks for (a month asks
    for the economy, a tertial, delår or helår for everything), and the sheets, columns and fields
    of its level (a unit's own workbook, or a förvaltning's or board's assessment of its units).
    Without kind and level: the whole layout. With an earlier `version` the reader still reads
    (layouts.py): the layout as that version wrote it. `words`: the model's terms (model/wording.py
    names the sheets and headers they change); None is Exempelkommun's. Shared: do not modify."""
    if version is not None:
        return layouts.as_of(spec(name, kind, level, words=words), name, version)
    if words is not None and words != terms.Terms():
        return wording.worded(name, spec(name, kind, level), words)
    layout = contract.layout(name)
    if kind is None and level is None:
        return layout
    level = level or UNIT_LEVEL

    def mine(item: dict) -> bool:
        return level in item.get("levels", [level]) and (kind is None or kind in item.get("kinds", [kind]))

    sheets = []
    for sheet in filter(mine, layout["sheets"]):
        sheet = {**sheet, "title": sheet.get("title_levels", {}).get(level, sheet.get("title"))}
        for part in ("columns", "fields"):
            if part in sheet:
                sheet[part] = [c for c in sheet[part] if mine(c)]
        sheets.append(sheet)
    return {**layout, "sheets": sheets}


def spec_of(doc: dict, words: terms.Terms | None = None) -> dict:
    """The layout a document follows (its _meta), in the model's words."""
    meta = doc.get("meta") or {}
    name = TEMPLATES.get(meta.get("template"), PLAN)
    return spec(name, *_kind(name, meta.get("kind"), meta.get("level")), meta.get("version") or None, words)


def _kind(name: str, kind, level=None) -> tuple[str | None, str | None]:
    if name != FOLLOW:
        return None, None
    return (kind if kind in KINDS else None), (level if level in LEVELS else UNIT_LEVEL)


KINDS = ("månad", "tertial", "delår", "helår")
UNIT_LEVEL = "enhet"
LEVELS = (UNIT_LEVEL, "förvaltning", "nämnd")  # who answers a follow-up: a unit, or a level above that assesses its units


def version() -> str:
    return spec()["version"]


def tables(layout: dict | None = None) -> list[dict]:
    return [s for s in (layout or spec())["sheets"] if s["kind"] == "table"]


def sheet_names(words: terms.Terms | None = None) -> set[str]:
    """Every sheet any template has, in the model's words: what a reader opens of an untrusted file."""
    return {s["name"] for name in TEMPLATES.values() for s in spec(name, words=words)["sheets"]}


def template_of(sheets: dict) -> tuple[str, str | None, str | None]:
    """Which layout a grid follows, from its _meta sheet (label -> value): (template, period kind,
    level); a plan when unsure."""
    meta = {contract.norm(row[0]): row[1] for row in sheets.get("_meta") or [] if len(row) > 1}
    name = TEMPLATES.get(meta.get("mall"), PLAN)
    return (name, *_kind(name, meta.get("periodtyp"), meta.get("nivå")))


def choice(item_id: str, text: str, width: int = 80) -> str:
    """A dropdown entry: the id first (what we read back), then enough text to recognise it."""
    text = " ".join(text.split())
    return f"{item_id} – {text if len(text) <= width else text[: width - 1] + '…'}"


def prefill(master: MasterData, unit_id: str, period_id: str | None = None) -> dict:
    """The document for one unit as it is sent out: everything known from the master data."""
    unit = master.by_id[unit_id]
    period = master.period(period_id)
    board = master.board_of(unit_id)
    perspectives = {p.id: p.name for p in master.perspectives}
    board_goals = master.board_goals(unit_id)
    kf_ids = {p for g in board_goals for p in g.parents}
    chain, names = [], terms.level_names(master)  # the model's own words for its levels
    for goal in [g for g in master.goals_at("kf") if g.id in kf_ids or not kf_ids] + board_goals:
        chain.append({"level": names[goal.level], "id": goal.id, "text": goal.text, "parents": list(goal.parents),
                      "perspective": perspectives.get(goal.perspective), "agenda2030": list(goal.agenda2030),
                      "child_rights": bool(goal.child_rights)})
    for c in master.commitments_for(unit_id):
        chain.append({"level": names["åtagande"], "id": c.id, "text": c.text, "parents": list(c.goals),
                      "perspective": None, "agenda2030": [], "child_rights": False})
    activities = [{"id": a.id, "locked": True, "text": a.text, "link": a.link, "perspective": a.perspective,
                   "start": a.start, "end": a.end, "responsible": None, "comment": None}
                  for a in master.locked_for(unit_id)]
    budget = []
    accounts = {a.id: a for a in master.accounts}
    for frame in master.budget_for(unit_id):
        row = {"account": frame.account, "name": accounts[frame.account].name, "frame": frame.amount}
        row.update(zip(MONTHS, spread(frame.amount)))
        budget.append(row)
    return {
        "meta": {"template": spec()["template"], "version": version(), "municipality": master.name,
                 "unit": unit_id, "period": period.id, "generated": None, "hash": None},
        "header": {"unit_name": unit.name, "unit": unit_id, "manager": unit.manager,
                   "board": board.name if board else None, "period_name": period.name,
                   "deadline": period.deadline, "vision": master.municipality.get("vision"), "summary": None},
        "chain": chain,
        "goals": [],
        "activities": activities,
        "uppdrag": [{"id": u.id, "text": u.text, "start": u.start, "deadline": u.deadline,
                     "resources": u.resources, "contribution": None} for u in master.uppdrag_for(unit_id)],
        "indicators": [{"id": i.id, "name": i.name, "unit": i.unit, "direction": DIRECTIONS[i.direction],
                        "baseline": i.baseline, "target": i.target, "unit_target": None, "comment": None}
                       for i in master.indicators_for(unit_id)],
        "swot": [],
        "development": [],
        "budget": budget,
        "risks": [],
    }


def spread(amount) -> list[int]:
    """A yearly amount over twelve months in whole kronor; December takes the rounding."""
    month = int(round(amount / 12))
    return [month] * 11 + [int(round(amount)) - 11 * month]


def lists(master: MasterData, unit_id: str) -> dict[str, list[str]]:
    """The dropdown lists of one unit's workbook."""
    board_goals = master.board_goals(unit_id)
    links = [choice(g.id, g.text) for g in board_goals]
    links += [choice(c.id, c.text) for c in master.commitments_for(unit_id)]
    links += [choice(u.id, u.text) for u in master.uppdrag_for(unit_id)]
    return {
        "perspektiv": [choice(p.id, p.name) for p in master.perspectives],
        "namndmal": [choice(g.id, g.text) for g in board_goals],
        "kopplingar": links,
        "personal": master.people_for(unit_id),
        "swot": spec()["swot_kinds"],
        "skala": [1, 2, 3, 4],
    }


# -- the prefilled part, and its hash ---------------------------------------------------------

def prefilled_part(doc: dict) -> dict:
    """What the unit must not change: read-only rows and fields, rows sorted by id. A row flagged by
    the sheet's `fixed_by` column (locked, carried from the plan, outcome from a source) also keeps
    its "unless_locked" columns."""
    part = {}
    for sheet in spec_of(doc)["sheets"]:
        key = sheet["key"]
        if sheet.get("optional") and not doc.get(key):
            continue  # a sheet a workbook has only where it has rows: without one, the hash is as before it existed
        if sheet["kind"] == "keyvalue" and key == "header":
            part[key] = {f["key"]: _canon((doc.get(key) or {}).get(f["key"])) for f in sheet["fields"] if not f.get("input")}
        elif sheet.get("prefilled"):
            flag = sheet.get("fixed_by", "locked")
            rows = doc.get(key) or []
            if sheet["prefilled"] == "locked":
                rows = [r for r in rows if r.get(flag)]
            always = [c["key"] for c in sheet["columns"] if not c.get("input") and not c.get("formula")]
            flagged = [c["key"] for c in sheet["columns"] if c.get("input") == "unless_locked"]
            part[key] = sorted(({k: _canon(r.get(k)) for k in always + (flagged if r.get(flag) else [])} for r in rows),
                               key=_row_key)
    return part


def _row_key(row: dict) -> str:
    return str(row.get("id") or row.get("account") or "")


def _canon(value):
    if isinstance(value, float):
        return values.normalise_number(round(value, 2))
    if isinstance(value, str):
        return values.clean_text(value) or None
    if isinstance(value, list):
        return [_canon(v) for v in value]
    return value


def content_hash(doc: dict) -> str:
    blob = json.dumps(prefilled_part(doc), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


# -- reading ----------------------------------------------------------------------------------

def from_grid(sheets: dict, file: str = "", words: terms.Terms | None = None) -> contract.Read:
    """Map a grid (sheet -> rows) onto a document by the layout its _meta names, in the words of the
    model (`words`: terms.of(master); None is Exempelkommun's); the source map keeps every value's
    cell, and `read.template`/`read.layout` say which layout was used."""
    name, kind, level = template_of(sheets)
    version, _ = layouts.version_cell(sheets)
    layout = spec(name, kind, level, version, words)  # an earlier version's workbook by its own layout
    got = contract.read(sheets, layout, file)
    layouts.complete(got.data, name, version)
    wording.canonical(name, got.data, words)  # "Delmål" in a Nivå cell is the document's own-goal marker
    got.template, got.layout = name, layout
    return got


BOARD_LEVELS = ("nämnd", "styrelse", "koncern")  # the org levels that `--level nämnd` writes to


def nodes_at(master: MasterData, level: str) -> list:
    """The organisation nodes that answer at a level: boards (nämnd, styrelse, koncern) or förvaltningar."""
    wanted = BOARD_LEVELS if level == "nämnd" else (level,)
    return [n for n in master.org if n.level in wanted]


def answers(master: MasterData, node_id: str, level: str | None) -> bool:
    """Whether a workbook for `node_id` may be answered at `level` (a unit answers as a unit)."""
    if level in (None, UNIT_LEVEL):
        return master.is_unit(node_id)
    return level in LEVELS and any(n.id == node_id for n in nodes_at(master, level))
