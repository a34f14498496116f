"""Follow-ups: what a month, tertial, delår or helår must say, beyond what the contract checks.

Thresholds come from the master data's rules: `explain_sek` (a deviation to explain),
`action_plan_sek` and `action_plan_pct` (a deficit beyond the unit's delegation, which needs an
åtgärdsplan). Deviation = forecast − budget, so a positive deviation is a worse result.
"""
from rodtrad.consolidator.model.findings import ERROR, WARNING, define
from rodtrad.consolidator.model.masterdata import MasterData
from rodtrad.consolidator.model.grading import RED, light

TEMPLATES = ("follow",)

ASSESSMENT_MISSING = define(
    "followup.assessment_missing", ERROR, "Målet {value} saknar bedömning.", "The goal {value} has no assessment.",
    "Välj uppfyllt, delvis uppfyllt, ej uppfyllt eller ej bedömt.", "Choose an assessment from the list.")
ANALYSIS_MISSING = define(
    "followup.analysis_missing", ERROR, "Målet {value} bedöms som ej uppfyllt men saknar analys.",
    "The goal {value} is assessed as not met but has no analysis.",
    "Beskriv varför målet inte nås och vad enheten gör.", "Describe why the goal is not met and what the unit does.")
RED_INDICATOR = define(
    "followup.red_indicator", ERROR, "Nyckeltalet {value} har röd signal ({outcome}) men ingen kommentar.",
    "The indicator {value} is red ({outcome}) but has no comment.",
    "Kommentera utfallet.", "Comment on the outcome.")
STATUS_MISSING = define(
    "followup.status_missing", ERROR, "{field}: {value} saknar status.", "{field}: {value} has no status.",
    "Välj status i listan.", "Choose a status from the list.")
LATE_COMMENT = define(
    "followup.late_comment", ERROR, "Aktiviteten {value} har status Försenad men ingen kommentar.",
    "The activity {value} has the status Försenad (late) but no comment.",
    "Skriv i Kommentar vad som har hänt och när aktiviteten blir klar.", "Say in Kommentar what happened and when it will be done.")
OVERDUE = define(
    "followup.overdue", ERROR,
    "Aktiviteten {value} skulle vara klar {end}, men statusen är fortfarande {status} och kommentar saknas.",
    "The activity {value} was due {end}, but its status is still {status} and there is no comment.",
    "Är den klar: välj Klar. Annars: skriv i Kommentar vad som har hänt och när den blir klar{or_date}.",
    "If it is done, choose Klar. Otherwise say in Kommentar what happened and when it will be done{or_date_en}.")
FORECAST_MISSING = define(
    "followup.forecast_missing", ERROR, "Konto {value} saknar helårsprognos.", "Account {value} has no full-year forecast.",
    "Skriv prognosen för hela året i kronor (samma tecken som budgeten).", "Write the full-year forecast in kronor.")
EXPLANATION_MISSING = define(
    "followup.explanation_missing", ERROR,
    "Konto {value}: avvikelsen {deviation} kr (prognos − budget) ska förklaras (från {limit} kr).",
    "Account {value}: the deviation {deviation} kr (forecast − budget) must be explained (from {limit} kr).",
    "Förklara avvikelsen, även när den är positiv.", "Explain the deviation, also when it is favourable.")
ACTION_PLAN_MISSING = define(
    "followup.action_plan_missing", ERROR,
    "Prognosen visar ett underskott på {value} kr, över enhetens delegation ({limit}); en åtgärdsplan krävs.",
    "The forecast shows a deficit of {value} kr, beyond the unit's delegation ({limit}); an action plan is required.",
    "Fyll i minst en åtgärd med effekt i kronor på bladet Åtgärdsplan.",
    "Fill in at least one measure with its effect in kronor on the sheet Åtgärdsplan.")
ACTION_EFFECT = define(
    "followup.action_effect", ERROR, "Åtgärden {value} saknar effekt i kronor.", "The measure {value} has no effect in kronor.",
    "Skriv åtgärdens beräknade effekt på helåret i kronor.", "Write the measure's estimated full-year effect in kronor.")
ACTION_SHORT = define(
    "followup.action_short", WARNING, "Åtgärdernas effekt ({value} kr) täcker inte underskottet ({deficit} kr).",
    "The measures' effect ({value} kr) does not cover the deficit ({deficit} kr).",
    "Komplettera åtgärdsplanen eller förklara varför underskottet kvarstår.",
    "Add measures or explain why the deficit remains.")
ACCOUNT_UNKNOWN = define(
    "followup.account_unknown", WARNING, "Konto {value} finns inte i styrmodellens kontoplan.",
    "Account {value} is not in the master data's chart of accounts.", "Välj konto i listan.", "Choose an account from the list.")
CONTROL_MISSING = define(
    "followup.control_missing", ERROR, "Kontrollmomentet {value}: svara om det är utfört.",
    "Control {value}: say whether it was performed.", "Välj Ja eller Nej.", "Choose Ja or Nej.")
CONTROL_ACTION = define(
    "followup.control_action", ERROR, "Kontrollmomentet {value} visar en avvikelse men saknar åtgärd.",
    "Control {value} shows a deviation but has no action.", "Beskriv åtgärden.", "Describe the action.")

DONE = {"Klar", "Avbruten"}


def kr(amount: float) -> str:
    return f"{amount:,.0f}".replace(",", " ").replace("-", "−")


def action_plan_limit(master: MasterData, budget: float) -> tuple[float | None, str]:
    """The deficit beyond which a unit needs an åtgärdsplan: the lower of the rules' kronor and
    percent of the net budget; None when the master data sets neither."""
    sek, pct = master.rules.get("action_plan_sek"), master.rules.get("action_plan_pct")
    limits = [(sek, f"{kr(sek)} kr")] if sek else []
    if pct and budget:
        limits.append((abs(budget) * pct / 100, f"{pct} % av nettobudgeten"))
    return min(limits) if limits else (None, "")


def check(ctx):
    yield from _goals(ctx)
    yield from _activities(ctx)
    yield from _economy(ctx)
    for i, row in ctx.rows("controls"):
        if not row.get("performed"):
            yield ctx.at(CONTROL_MISSING, f"/controls/{i}/performed", value=named(row, "control"))
        if row.get("deviation") == "Ja" and not row.get("action"):
            yield ctx.at(CONTROL_ACTION, f"/controls/{i}/action", value=named(row, "control"))


def _goals(ctx):
    for i, row in ctx.rows("assessments"):
        if not row.get("assessment"):
            yield ctx.at(ASSESSMENT_MISSING, f"/assessments/{i}/assessment", field="Bedömning", value=named(row))
        elif row["assessment"] == "Ej uppfyllt" and not row.get("analysis"):
            yield ctx.at(ANALYSIS_MISSING, f"/assessments/{i}/analysis", field="Analys", value=named(row))
    indicators = {i.id: i for i in ctx.master.indicators}
    for i, row in ctx.rows("indicators"):
        ind = indicators.get(row.get("id"))
        if ind and light(ind, row.get("outcome")) == RED and not row.get("comment"):
            yield ctx.at(RED_INDICATOR, f"/indicators/{i}/comment", field="Kommentar", value=named(row, "name"),
                         params={"outcome": row.get("outcome")})


def named(row: dict, text: str = "text", width: int = 50) -> str:
    """A row's id with its name, as a unit knows it: "BUN1 (Alla barn ska känna sig trygga …)"."""
    rid, name = row.get("id") or row.get("account") or "", str(row.get(text) or "").strip()
    if not name:
        return str(rid)
    return f"{rid} ({name if len(name) <= width else name[:width - 1].rstrip() + '…'})"


def _activities(ctx):
    period = ctx.master.period((ctx.doc.get("meta") or {}).get("period"))
    today = period.date if period else None
    for i, row in ctx.rows("activities"):
        status = row.get("status")
        if not status:
            yield ctx.at(STATUS_MISSING, f"/activities/{i}/status", field="Aktivitet", value=named(row))
        if row.get("comment"):
            continue
        if status == "Försenad":
            yield ctx.at(LATE_COMMENT, f"/activities/{i}/comment", field="Kommentar", value=named(row))
        elif status and status not in DONE and today and row.get("end") and row["end"] < today:
            # the plan's dates are locked in a follow-up: only a new activity's end date can be moved
            movable = not row.get("carried")
            yield ctx.at(OVERDUE, f"/activities/{i}/comment", field="Kommentar", value=named(row),
                         params={"end": row["end"], "status": f"”{status}”",
                                 "or_date": ", eller ändra slutdatumet" if movable else "",
                                 "or_date_en": ", or change the end date" if movable else ""})
    for i, row in ctx.rows("uppdrag"):
        if not row.get("status"):
            yield ctx.at(STATUS_MISSING, f"/uppdrag/{i}/status", field="Uppdrag", value=named(row))


def _economy(ctx):
    explain = ctx.master.rules.get("explain_sek")
    budget = forecast = 0.0
    complete = True
    for i, row in ctx.rows("economy"):
        if row.get("forecast") is None:
            complete = False
            yield ctx.at(FORECAST_MISSING, f"/economy/{i}/forecast", field="Helårsprognos", value=named(row, "name"))
            continue
        deviation = row["forecast"] - (row.get("budget") or 0)
        budget += row.get("budget") or 0
        forecast += row["forecast"]
        if explain is not None and abs(deviation) >= explain and not row.get("explanation"):
            yield ctx.at(EXPLANATION_MISSING, f"/economy/{i}/explanation", field="Förklaring", value=named(row, "name"),
                         params={"deviation": kr(deviation), "limit": kr(explain)})
    accounts = {a.id for a in ctx.master.accounts}
    effects = 0.0
    for i, row in ctx.rows("actions"):
        if row.get("effect") is None:
            yield ctx.at(ACTION_EFFECT, f"/actions/{i}/effect", field="Effekt helår (kr)", value=named(row, "measure"))
        else:
            effects += abs(row["effect"])
        if row.get("account") and row["account"] not in accounts:
            yield ctx.at(ACCOUNT_UNKNOWN, f"/actions/{i}/account", field="Konto", value=row["account"])
    deficit = forecast - budget
    limit, said = action_plan_limit(ctx.master, budget)
    if not complete or limit is None or deficit <= limit:
        return
    if not any(row.get("measure") and row.get("effect") is not None for _, row in ctx.rows("actions")):
        yield ctx.at(ACTION_PLAN_MISSING, "/actions", value=kr(deficit), params={"limit": said})
    elif effects < deficit:
        yield ctx.at(ACTION_SHORT, "/actions", value=kr(effects), params={"deficit": kr(deficit)})
