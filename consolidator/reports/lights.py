"""Lights people can read: a goal's light in words with its basis, and the legend every report carries.

A goal's traffic light is computed from its indicators only (rollup.goal_light); the levels' own
assessments stand beside it and are never turned into a light. Where a goal has no indicator, or
none of its indicators has an outcome, the cell says so in words instead of "ej bedömt", and
colour never carries a light alone: every light is also its word (grön, gul, röd).
"""
from __future__ import annotations

from rodtrad.consolidator.model.grading import NONE, RISK_CLASSES
from rodtrad.consolidator.model.masterdata import Indicator, MasterData
from rodtrad.consolidator.model.values import tidy
from rodtrad.consolidator.reports.book import ReportBook, col
from rodtrad.consolidator.rollup.rollup import Rollup

NO_INDICATOR = "inget nyckeltal"
NO_OUTCOME = "inget utfall"
NO_TARGET = "inget målvärde"
INDICATOR_FORMAT = "#,##0.0#"  # 75.9 shows as 75,9 and 2.31 as 2,31: the decimals the value has, up to two


def number(value) -> str:
    """A figure in Swedish text: a space between thousands, a decimal comma, at most two decimals and
    no trailing zeros (4 200; 75,9; 2,31); "-" for none."""
    if value is None:
        return "-"
    text = f"{tidy(round(value, 2)):,.2f}".rstrip("0").rstrip(".")
    return text.replace(",", " ").replace(".", ",")


def indicators_of(master: MasterData, goal_id: str) -> list[Indicator]:
    return [i for i in master.indicators if goal_id in i.goals]


def indicator_light(rollup: Rollup, indicator: Indicator) -> str:
    """An indicator's light, or in words why it has none."""
    light = rollup.indicator_light(indicator)
    if light != NONE:
        return light
    return NO_OUTCOME if rollup.outcomes.get(indicator.id) is None else NO_TARGET


def goal_light(rollup: Rollup, goal_id: str) -> str:
    """A goal's light from its indicators, or in words why it has none."""
    light = rollup.goal_light(goal_id)
    if light != NONE:
        return light
    indicators = indicators_of(rollup.master, goal_id)
    if not indicators:
        return NO_INDICATOR
    if all(rollup.outcomes.get(i.id) is None for i in indicators):
        return NO_OUTCOME
    return NO_TARGET


def basis(rollup: Rollup, goal_id: str) -> str:
    """What a goal's light is made of: each indicator's outcome against its target, and its light."""
    parts = []
    for ind in indicators_of(rollup.master, goal_id):
        outcome = rollup.outcomes.get(ind.id)
        if outcome is None:
            parts.append(f"{ind.id}: {NO_OUTCOME}")
        else:
            parts.append(f"{ind.id}: {number(outcome)} mot målvärdet {number(ind.target)} → {indicator_light(rollup, ind)}")
    return "; ".join(parts) or "Inget nyckeltal är kopplat till målet."


def legend(book: ReportBook, master: MasterData, follow: bool) -> None:
    """The sheet Teckenförklaring: how lights, assessments and deviations are made, with the thresholds."""
    rules = master.rules
    sheet = book.sheet("Teckenförklaring", "Teckenförklaring: så görs trafikljus och bedömningar",
                       "Varje trafikljus står också i ord; färgen är aldrig ensam bärare av ett besked.")
    red, yellow = (floor for floor, _ in RISK_CLASSES[:2])
    limits = [f"{number(rules['action_plan_sek'])} kr" if rules.get("action_plan_sek") else "",
              f"{number(rules['action_plan_pct'])} %" if rules.get("action_plan_pct") else ""]
    lines = [
        ("Nyckeltalets trafikljus", "grön när utfallet når gränsen för grönt (målvärdet om ingen annan gräns är satt), "
                                    "röd när det når gränsen för rött åt fel håll, annars gul. Gränserna står i tabellen nedan."),
        ("Målets trafikljus", "räknas enbart ur målets nyckeltal: röd om något nyckeltal är rött, grön om alla är gröna, "
                              "annars gul. Kolumnen Underlag visar vilka nyckeltal och deras utfall mot målvärdet."),
        (NO_INDICATOR, "målet har inget nyckeltal: dess trafikljus kan inte räknas; se nivåernas bedömningar."),
        (NO_OUTCOME, "inget av målets nyckeltal har ett utfall ännu."),
        (NO_TARGET, "nyckeltalet har utfall men varken målvärde eller gräns för grönt."),
        ("Bedömning", "uppfyllt, delvis, ej uppfyllt eller ej bedömt: enheternas, förvaltningarnas och nämndernas egna "
                      "bedömningar. De står bredvid trafikljuset och räknas aldrig om till ett trafikljus."),
        ("Intern kontroll", f"riskvärde = sannolikhet × konsekvens (1–4): röd från {red}, gul från {yellow}, annars grön."),
        ("Avvikelse", "uppföljning: prognos − budget, ett positivt tal är ett sämre resultat; plan: budget − ram."
         if follow else "budget − ram; i uppföljningar prognos − budget (positivt är ett sämre resultat)."),
        ("Åtgärdsplan krävs", "när avvikelsen överstiger styrmodellens gräns: " + (" eller ".join(x for x in limits if x) or
                                                                                    "ingen gräns satt") + "."),
    ]
    book.table(sheet, [col("Begrepp", 26), col("Förklaring", 110, wrap=True)], [list(x) for x in lines],
               name="Teckenforklaring", freeze=False)
    sheet.gap()
    rows = [[i.id, i.name, i.unit, i.direction, tidy(i.baseline), tidy(i.target),
             tidy(i.green if i.green is not None else i.target), tidy(i.red), ", ".join(i.goals)] for i in master.indicators]
    book.table(sheet, [col("Id", 7), col("Nyckeltal", 44, wrap=True), col("Enhet", 8), col("Riktning", 9),
                       col("Utgångsvärde", 12, INDICATOR_FORMAT), col("Målvärde", 11, INDICATOR_FORMAT),
                       col("Grönt från", 11, INDICATOR_FORMAT), col("Rött från", 11, INDICATOR_FORMAT), col("Mål", 16)],
               rows, name="Granser", freeze=False)
