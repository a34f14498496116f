"""The sample filler for follow-ups: answers a month, tertial, delår or helår as a unit would.

Forecasts follow the outcome to date (the year's budget plus the deviation so far, scaled to the
year); deviations beyond the master data's thresholds are explained, and a deficit beyond the
delegation gets an åtgärdsplan that covers it. Planted mistakes are recorded as in filler.py.
"""
from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from openpyxl import load_workbook

from rodtrad.consolidator.model import document, terms
from rodtrad.samples.filler import ACTIVITIES, Sheet, _list, _where, own_part, own_parts
from rodtrad.consolidator.model.masterdata import MasterData
from rodtrad.consolidator.rules.followup import action_plan_limit

ANALYSES = {
    "Uppfyllt": "Målet nås: aktiviteterna är genomförda och nyckeltalen ligger på målvärdet.",
    "Delvis uppfyllt": "Arbetet går framåt men effekterna syns ännu inte fullt ut i nyckeltalen.",
    "Ej uppfyllt": "Målet nås inte i år: bemanningsläget har gjort att aktiviteterna skjutits upp. "
                   "Enheten prioriterar om under hösten.",
}
EXPLAIN = {1: "Högre kostnader än budgeterat: vikarier vid sjukfrånvaro och ökade priser.",
           -1: "Lägre kostnader än budgeterat: vakanta tjänster under våren."}
MEASURES = ["Vakanta tjänster tillsätts inte under resten av året.", "Minskade inköp av förbrukningsmaterial.",
            "Översyn av scheman för att minska övertid och vikarier.", "Senarelagd upphandling av tjänster."]


def _meta(wb) -> dict:
    return {r[0].value: r[1].value for r in wb["_meta"].iter_rows(max_col=2)}


def fill(src: Path, dst: Path, rng: random.Random, master: MasterData, mistakes=()) -> list[tuple]:
    wb = load_workbook(src)
    meta = _meta(wb)
    kind, period = meta["Periodtyp"], master.period(str(meta["Period"]))
    level = meta.get("Nivå") or document.UNIT_LEVEL
    s = {sh["key"]: Sheet(wb[sh["name"]], sh)
         for sh in document.tables(document.spec(document.FOLLOW, kind, level, words=terms.of(master)))
         if sh["name"] in wb.sheetnames}  # an optional sheet (Investeringar) only where it has rows
    if "investments" in s:  # its own random draws: the other answers stay as they were before projects
        _investments(s["investments"], random.Random(f"investeringar:{src.name}"), master,
                     keep=level != document.UNIT_LEVEL)
    if level != document.UNIT_LEVEL:
        _level(wb, s, rng, master, "Förvaltningen" if level == "förvaltning" else "Nämnden")
        dst.parent.mkdir(parents=True, exist_ok=True)
        wb.save(dst)
        return []
    people = _list(wb, "personal") or ["Okänd"]
    for row in wb["Översikt"].iter_rows(min_row=1, max_col=2):
        if row[0].value == "Enhetens sammanfattande analys":
            row[1].value = "Verksamheten följer planen. Ekonomin följs upp månadsvis med verksamhetschefen."
    _economy(s, rng, master, int(period.date[5:7]))
    if "assessments" in s:
        _goals(s, rng, period.date, people, _list(wb, "kopplingar"), _list(wb, "perspektiv"),
               last=dt.date(master.years[-1], 12, 31), parts=own_parts(master))
    planted = [PLANT[m](s, rng) for m in mistakes if PLANT_KINDS.get(m, "all") == "all" or kind != "månad"]
    dst.parent.mkdir(parents=True, exist_ok=True)
    wb.save(dst)
    return [(dst.name, *p) for p in planted]


def _economy(s, rng, master, month, keep=False):
    """Forecasts from the outcome so far (or, `keep`, the prefilled ones), explanations, and an
    åtgärdsplan that covers a deficit beyond the delegation."""
    eco, explain = s["economy"], master.rules.get("explain_sek")
    total_budget = total_forecast = 0
    for acc in eco.ids():
        budget = eco.get(acc, "budget") or 0
        so_far, planned = eco.get(acc, "outcome"), eco.get(acc, "budget_to_date") or 0
        if keep:
            forecast = eco.get(acc, "forecast") or budget
        else:
            forecast = budget if so_far is None else budget + (so_far - planned) * 12 / month
            forecast = int(round(forecast / 1000) * 1000)
        eco.set(acc, "forecast", forecast)
        deviation = forecast - budget
        if explain is not None and abs(deviation) >= explain:
            eco.set(acc, "explanation", EXPLAIN[1 if deviation > 0 else -1])
        total_budget += budget
        total_forecast += forecast
    limit, _ = action_plan_limit(master, total_budget)
    deficit = total_forecast - total_budget
    if limit is not None and deficit > limit:
        actions = s["actions"]
        for i, row_id in enumerate(actions.ids()[:2]):
            actions.set(row_id, "measure", MEASURES[(i + rng.randrange(len(MEASURES))) % len(MEASURES)])
            actions.set(row_id, "effect", int(round(deficit / 2 / 1000 + 1) * 1000))


INVESTMENT_COMMENTS = {1: "Lägre utgifter i år: upphandlingen blev klar senare än planerat och delar av arbetet "
                           "flyttas till nästa år.",
                       -1: "Högre utgifter än budgeterat: fördyringar i entreprenaden och tillkommande markarbeten."}


def _investments(sheet, rng, master, keep=False):
    """A forecast per investment project (kr; `keep`: a level keeps the units' forecast where they gave
    one): mostly the year's budget, sometimes a delay or an overrun, never below the outcome so far;
    a comment on every deviation from the master data's threshold for explaining deviations."""
    explain = master.rules.get("explain_sek")
    for pid in sheet.ids():
        budget, so_far = sheet.get(pid, "budget") or 0, sheet.get(pid, "outcome") or 0
        forecast = sheet.get(pid, "forecast") if keep else None
        if forecast is None:
            forecast = int(round(budget * rng.choice([1.0, 1.0, 0.85, 0.7, 1.1]) / 1000) * 1000)
        forecast = max(forecast, int(-(-so_far // 1000) * 1000))
        sheet.set(pid, "forecast", forecast)
        deviation = budget - forecast
        if deviation and (explain is None or abs(deviation) >= explain):
            sheet.set(pid, "comment", INVESTMENT_COMMENTS[1 if deviation > 0 else -1])


def _goals(s, rng, today, people, links, persp, last: dt.date, parts: dict):
    """Assessments, statuses and now and then a new activity (within the plan's last year, `last`);
    `parts`: the summed indicators and how many units share each (filler.own_parts)."""
    for goal in s["assessments"].ids():
        grade = rng.choices(["Uppfyllt", "Delvis uppfyllt", "Ej uppfyllt"], weights=[4, 5, 1])[0]
        s["assessments"].set(goal, "assessment", grade)
        s["assessments"].set(goal, "analysis", ANALYSES[grade])
    act = s["activities"]
    end_of_period = dt.date.fromisoformat(today)
    for row_id in [r for r in act.ids() if act.get(r, "carried") == "Ja"]:
        end = act.get(row_id, "end")
        end = end.date() if isinstance(end, dt.datetime) else end
        if end and end < end_of_period:
            status = rng.choice(["Klar", "Klar", "Försenad"])
        else:
            status = rng.choice(["Pågår", "Pågår", "Ej påbörjad", "Klar"])
        act.set(row_id, "status", status)
        act.set(row_id, "comment", "Blir klar under hösten; personalbrist under våren." if status == "Försenad"
                else "Enligt plan.")
    new = [r for r in act.ids() if act.get(r, "carried") != "Ja"]
    start = end_of_period + dt.timedelta(days=1)
    if new and rng.random() < 0.5 and end_of_period.month < 12 and start < last:  # at year end it belongs to next year's plan
        row_id = new[0]
        act.set(row_id, "text", rng.choice(ACTIVITIES))
        act.set(row_id, "link", rng.choice(links))
        act.set(row_id, "perspective", rng.choice(persp))
        act.set(row_id, "start", start)
        act.set(row_id, "end", min(start + dt.timedelta(days=60), last))
        act.set(row_id, "responsible", rng.choice(people))
        act.set(row_id, "status", "Ej påbörjad")
    for row_id in s["uppdrag"].ids():
        status = rng.choice(["Pågår", "Pågår", "Klart"])
        s["uppdrag"].set(row_id, "status", "Klart" if _due(s["uppdrag"], row_id, today) else status)
        s["uppdrag"].set(row_id, "comment", "Enheten bidrar enligt planen.")
    ind = s["indicators"]
    for row_id in ind.ids():
        if ind.get(row_id, "from_source") != "Ja":
            base = ind.get(row_id, "previous") or ind.get(row_id, "unit_target") or (ind.get(row_id, "target") or 0) / 6
            if row_id in parts:  # a summed indicator: the unit's own part of the total, as in its plan
                base = ind.get(row_id, "previous") or ind.get(row_id, "unit_target") or \
                    own_part(ind.get(row_id, "target") or 0, parts[row_id])
            if isinstance(base, (int, float)) and base:
                value = base * rng.uniform(0.95, 1.08)
                ind.set(row_id, "outcome", own_part(value, 1) if row_id in parts else round(value, 1))
        ind.set(row_id, "comment", "Utfallet följs upp på arbetsplatsträffar.")
    for row_id in s["controls"].ids():
        s["controls"].set(row_id, "performed", "Ja")
        s["controls"].set(row_id, "result", "Kontrollen är genomförd.")
        s["controls"].set(row_id, "deviation", "Nej")


def _due(sheet, row_id, today: str) -> bool:
    """An uppdrag whose deadline has passed by the period's date is done (the sample's assumption)."""
    deadline = sheet.get(row_id, "deadline") if "deadline" in sheet.col else None
    return bool(deadline) and str(deadline)[:10] <= today


LEVEL_ANALYSIS = {  # {who}: "Nämnden" or "Förvaltningen", after the level that writes it
    "Uppfyllt": "{who} bedömer att målet uppfylls: merparten av enheterna når målet och nyckeltalen är gröna.",
    "Delvis uppfyllt": "{who} bedömer att målet delvis uppfylls: enheterna har kommit olika långt och "
                       "förvaltningen följer upp de enheter som inte når målet under hösten.",
    "Ej uppfyllt": "{who} bedömer att målet inte uppfylls i år; förvaltningen återkommer med en handlingsplan.",
}


def _level(wb, s, rng, master, who):
    """A förvaltning or board: its own forecast (the units' sum, a little more cautious where the units
    are in deficit), assessments following most units', comments and an åtgärdsplan when needed."""
    for row in wb["Översikt"].iter_rows(min_row=1, max_col=2):
        if str(row[0].value or "").startswith("Sammanfattande analys"):
            row[1].value = ("Verksamheterna följer i huvudsak planen. Förvaltningen bedömer prognosen som något "
                            "osäkrare än enheternas och följer kostnaderna för vikarier och placeringar särskilt.")
    eco = s["economy"]
    for acc in eco.ids():
        units, budget = eco.get(acc, "units_forecast") or 0, eco.get(acc, "budget") or 0
        if units > budget > 0:  # the administration adds a margin to the units' deficits
            eco.set(acc, "forecast", int(round((units + (units - budget) * 0.1) / 1000) * 1000))
    _economy(s, rng, master, 12, keep=True)
    if "assessments" in s:
        goals = s["assessments"]
        for goal in goals.ids():
            counts = [int(part.split()[0]) for part in str(goals.get(goal, "units") or "").split("·") if part.strip()]
            grade = ["Uppfyllt", "Delvis uppfyllt", "Ej uppfyllt"][max(range(3), key=lambda i: (counts[i:i + 1] or [0])[0])] \
                if counts and sum(counts[:3]) else "Delvis uppfyllt"
            goals.set(goal, "assessment", grade)
            goals.set(goal, "analysis", LEVEL_ANALYSIS[grade].format(who=who))
        today = master.period(str(_meta(wb)["Period"])).date
        for row_id in s["uppdrag"].ids():
            s["uppdrag"].set(row_id, "status", "Klart" if _due(s["uppdrag"], row_id, today) else "Pågår")
            s["uppdrag"].set(row_id, "comment", "Förvaltningen samordnar enheternas arbete; redovisas till nämnden i höst.")
        for row_id in s["indicators"].ids():
            s["indicators"].set(row_id, "comment", f"{who} följer utvecklingen; se analysen under målen.")


# -- the mistakes units make in follow-ups -----------------------------------------------------

def _no_forecast(s, rng):
    eco = s["economy"]
    acc = eco.ids()[-1]
    eco.set(acc, "forecast", None)
    eco.set(acc, "explanation", None)
    return (*_where(eco, acc, "forecast"), "followup.forecast_missing")


def _edited_outcome(s, rng):
    eco = s["economy"]
    acc = next(a for a in eco.ids() if eco.get(a, "outcome") is not None)
    eco.set(acc, "outcome", round(eco.get(acc, "outcome") * 0.9))
    return (*_where(eco, acc, "outcome"), "followup.outcome_changed")


def _no_action_plan(s, rng):
    eco, actions = s["economy"], s["actions"]
    acc = max(eco.ids(), key=lambda a: eco.get(a, "budget") or 0)
    eco.set(acc, "forecast", eco.get(acc, "forecast") + 2_000_000)
    eco.set(acc, "explanation", EXPLAIN[1])
    for row_id in actions.ids():
        for key in ("measure", "effect", "responsible", "date"):
            actions.set(row_id, key, None)
    return (actions.spec["name"], "", "followup.action_plan_missing")


def _late_without_comment(s, rng):
    act = s["activities"]
    row_id = next(r for r in act.ids() if act.get(r, "carried") == "Ja")
    act.set(row_id, "status", "Försenad")
    act.set(row_id, "comment", None)
    return (*_where(act, row_id, "comment"), "followup.late_comment")


def _relinked(s, rng):
    act = s["activities"]
    carried = [r for r in act.ids() if act.get(r, "carried") == "Ja"]
    row_id = carried[0]
    other = next(act.get(r, "link") for r in carried if act.get(r, "link") != act.get(row_id, "link"))
    act.set(row_id, "link", other)
    return (*_where(act, row_id, "link"), "followup.relinked")


PLANT = {"no_forecast": _no_forecast, "edited_outcome": _edited_outcome, "no_action_plan": _no_action_plan,
         "late_without_comment": _late_without_comment, "relinked": _relinked}
PLANT_KINDS = {"late_without_comment": "full", "relinked": "full"}  # mistakes a month has no sheet for

DEMO_MISTAKES = {5: ["no_forecast"], 14: ["late_without_comment"], 22: ["edited_outcome"], 30: ["no_action_plan"],
                 38: ["relinked"]}


def fill_all(paths: list[Path], inbox: Path, master: MasterData, seed: int = 2027,
             mistakes: dict | None = None) -> list[tuple]:
    mistakes = DEMO_MISTAKES if mistakes is None else mistakes
    planted = []
    for i, path in enumerate(sorted(paths)):
        rng = random.Random(f"{seed}:{path.name}")
        planted += fill(path, Path(inbox) / path.name, rng, master, mistakes.get(i, []))
    return planted
