"""Master data a unit can answer: findings for what makes a valid return impossible.

The integrity check (mastercheck) asks whether the master data holds together; this asks whether every
unit's plan workbook, generated from it, can be filled so that the validator accepts it:

- a locked activity is fixed from above, so every field the plan's schema requires of an activity and
  the unit cannot fill (layout `"input": "unless_locked"`) must come from the master data;
- the own goals and activities the rules ask for (`min_goals`, `min_activities`) must fit the rows the
  workbook has, and must be writable at all: an own goal needs a board goal to link to, an activity a
  board goal, commitment or uppdrag, both a perspective;
- activities must fall within the budget year and the plan years (rules/dates.py), so the plan years
  must come after the budget year, and a locked activity's dates must lie within them, start before end;
- a locked activity's link must be in the chain of every unit it is set for: a goal of the council or
  of the unit's own board, a commitment of the unit or an organisation above it, an uppdrag to its board.
"""
from __future__ import annotations

from rodtrad.consolidator.model import contract
from rodtrad.consolidator.model.findings import ERROR, define

LOCKED_INCOMPLETE = define(
    "master.locked_incomplete", ERROR, "Den låsta aktiviteten {value} saknar {field}, som varje enhets plan kräver.",
    "The locked activity {value} has no {field_en}, which every unit's plan requires.",
    "Fyll i fältet: enheterna kan inte ändra en låst rad.", "Fill in the field: units cannot change a locked row.",
    example={"value": "LÅ1 (Följa upp åtagandena)", "field": "fältet Kopplad till", "field_en": "field Kopplad till",
             "sheet": "Låsta aktiviteter", "cell": "C2"})
LOCKED_DATES = define(
    "master.locked_dates", ERROR, "Den låsta aktiviteten {value}: {field} {date} {problem}.",
    "The locked activity {value}: {field} {date} {problem_en}.",
    "Aktiviteter ska ligga inom budgetåret och planåren och sluta efter att de börjat.",
    "Activities must fall within the budget and plan years and end after they start.",
    example={"value": "LÅ1 (Följa upp åtagandena)", "field": "Slut", "date": "2031-03-31",
             "problem": "ligger utanför planperioden 2027–2029", "problem_en": "is outside the plan period 2027–2029",
             "sheet": "Låsta aktiviteter", "cell": "G2"})
LOCKED_LINK = define(
    "master.locked_link_outside", ERROR,
    "Den låsta aktiviteten {value} är kopplad till {link}, som inte finns i målkedjan för {unit}.",
    "The locked activity {value} is linked to {link}, which is not in the goal chain of {unit}.",
    "Koppla till ett mål som alla enheterna har ovanför sig (på nivån {kf_goal}), eller begränsa Enheter.",
    "Link to a goal every unit has above it (a council goal), or narrow Units.",
    example={"value": "LÅ1 (Följa upp åtagandena)", "link": "VON-N1", "unit": "111 Ekonomi",
             "sheet": "Låsta aktiviteter", "cell": "C2"})
MINIMUM_TOO_HIGH = define(
    "master.minimum_too_high", ERROR, "{field} är {value}, men arbetsboken har bara {rows} rader för {what}.",
    "{field} is {value}, but the workbook has only {rows} rows for {what}.",
    "Sänk minimikravet.", "Lower the minimum.",
    example={"field": "Minsta antal egna mål per enhet", "value": 16, "rows": 15, "what": "egna mål",
             "sheet": "Regler", "cell": "B6"})
NOTHING_TO_LINK = define(
    "master.nothing_to_link", ERROR,
    "{unit} ska skriva minst {minimum} {what} men har {missing} att koppla dem till.",
    "{unit} must write at least {minimum} {what_en} but has {missing_en} to link them to.",
    "Lägg till mål på nivån {board_goal} för enhetens nämnd och värden i listan {perspective}, eller sänk minimikravet.",
    "Add goals for the unit's board and perspectives, or lower the minimum.",
    example={"value": "301", "unit": "301 Hemtjänst Ramsele", "minimum": 2, "what": "egna mål", "what_en": "own goals",
             "missing": "inga nämndmål", "missing_en": "no board goals", "sheet": "Regler", "cell": "B6"})
PLAN_YEARS = define(
    "master.plan_years", ERROR, "Planåret {value} ligger inte efter budgetåret {year}.",
    "The plan year {value} is not after the budget year {year}.",
    "Planåren ska vara åren efter budgetåret (t.ex. {next}, {after}); aktiviteter ska ligga mellan budgetårets "
    "början och sista planårets slut.",
    "The plan years must be the years after the budget year (e.g. {next}, {after}); activities must lie between the "
    "start of the budget year and the end of the last plan year.",
    example={"value": 2026, "year": 2027, "next": 2028, "after": 2029, "sheet": "Kommun", "cell": "B4"})

PLAN = "plan"


def _locked_fields() -> list[tuple[str, str]]:
    """(key, header) of the activity fields a locked row takes from the master data and the plan requires."""
    columns = next(s for s in contract.layout(PLAN)["sheets"] if s["key"] == "activities")["columns"]
    required = set(contract.load_json(f"{PLAN}.schema.json")["properties"]["activities"]["items"]["required"])
    return [(c["key"], c["header"]) for c in columns if c.get("input") == "unless_locked" and c["key"] in required]


def _rows(key: str) -> int:
    return next(s for s in contract.layout(PLAN)["sheets"] if s["key"] == key).get("rows", 0)


def check(master, got: contract.Read, file: str) -> list:
    """Findings (sheet and cell) for master data that no unit's return could satisfy; `master` is the
    typed MasterData of data that passed the integrity check."""
    out = []

    def at(pointer, kind, **kw):
        sheet, cell = got.where(pointer)
        out.append(kind(file=file, sheet=sheet, cell=cell, **kw))

    years = _years(master, at)
    for i, a in enumerate(master.locked_activities):
        name = f"{a.id} ({a.text})" if a.text else a.id
        for key, header in _locked_fields():
            if getattr(a, key, None) in (None, ""):
                at(f"/locked_activities/{i}/{key}", LOCKED_INCOMPLETE, value=name, field=f"fältet {header}",
                   params={"field_en": f"field {header}"})
        _dates(a, i, name, years, at)
        _chain(master, a, i, name, at)
    _minimums(master, at)
    return out


def _years(master, at) -> list[int] | None:
    """The budget and plan years, or None (with a finding) when a plan year is not after the budget year:
    rules/dates.py then has no room, or less than the plan says, for the activities."""
    years = master.years
    wrong = [y for y in years[1:] if y <= years[0]]
    for y in wrong:
        at("/municipality/plan_years", PLAN_YEARS, field="Planår", value=y,
           params={"year": years[0], "next": years[0] + 1, "after": years[0] + 2})
    return None if wrong else years


def _dates(a, i, name, years, at) -> None:
    start, end = (str(v)[:10] if v else None for v in (a.start, a.end))
    if start and end and end < start:
        at(f"/locked_activities/{i}/end", LOCKED_DATES, value=name, field="Slut",
           params={"date": end, "problem": f"ligger före start {start}", "problem_en": f"is before the start {start}"})
    if years is None:
        return
    first, last = f"{years[0]}-01-01", f"{years[-1]}-12-31"
    for key, label, value in (("start", "Start", start), ("end", "Slut", end)):
        if value and not first <= value <= last:
            at(f"/locked_activities/{i}/{key}", LOCKED_DATES, value=name, field=label,
               params={"date": value, "problem": f"ligger utanför planperioden {years[0]}–{years[-1]}",
                       "problem_en": f"is outside the plan period {years[0]}–{years[-1]}"})


def _chain(master, a, i, name, at) -> None:
    """The locked activity's link must be in the chain of every unit it is set for."""
    if not a.link:
        return
    kf = {g.id for g in master.goals_at("kf")}
    for unit in master.units():
        if a not in master.locked_for(unit.id):
            continue
        chain = kf | {g.id for g in master.board_goals(unit.id)} | {c.id for c in master.commitments_for(unit.id)} \
            | {u.id for u in master.uppdrag_for(unit.id)}
        if a.link not in chain:
            at(f"/locked_activities/{i}/link", LOCKED_LINK, value=name, field="Kopplad till",
               params={"link": a.link, "unit": f"{unit.id} {unit.name}"})
            return  # one unit is enough to say it


def _minimums(master, at) -> None:
    rules, perspectives = master.rules, bool(master.perspectives)
    wanted = {}
    for key, rule, label, what in (("goals", "min_goals", "Minsta antal egna mål per enhet", "egna mål"),
                                   ("activities", "min_activities", "Minsta antal aktiviteter per enhet", "aktiviteter")):
        minimum = rules.get(rule) or 0
        if minimum > _rows(key):
            at(f"/rules/{rule}", MINIMUM_TOO_HIGH, field=label, value=minimum, params={"rows": _rows(key), "what": what})
        wanted[key] = minimum
    for unit in master.units():
        goals = bool(master.board_goals(unit.id))
        links = goals or bool(master.commitments_for(unit.id) or master.uppdrag_for(unit.id))
        for key, can, what, what_en, missing in (
                ("goals", goals, "egna mål", "own goals", ("inga nämndmål", "no board goals")),
                ("activities", links, "aktiviteter", "activities",
                 ("inga nämndmål, åtaganden eller uppdrag", "no board goals, commitments or uppdrag"))):
            if wanted[key] and not (can and perspectives):
                gap = missing if not can else ("inga perspektiv", "no perspectives")
                at(f"/rules/min_{key}", NOTHING_TO_LINK, value=unit.id,
                   params={"unit": f"{unit.id} {unit.name}", "minimum": wanted[key], "what": what,
                           "what_en": what_en, "missing": gap[0], "missing_en": gap[1]})
