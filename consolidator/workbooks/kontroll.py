"""The Kontroll sheet's checks: each one a validator rule stated a second time, in plain Excel.

A check names the finding codes it counts (`code`, or `code@table.column` for a contract finding on
one column), so a differential test (tests/test_kontroll.py) can recalculate mutated workbooks in
LibreOffice and prove that every row counts exactly what the validator finds. A rule plain Excel
cannot state is listed without a formula and says "kontrolleras när du lämnar in" instead of OK.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from rodtrad.consolidator.model import contract, terms, wording

AT_SUBMISSION = "kontrolleras när du lämnar in"


@dataclass(frozen=True)
class Check:
    """One row of the Kontroll sheet: what is checked, the formula counting what is wrong (None when
    plain Excel cannot state it) and the validator's finding codes it counts."""

    label: str
    formula: str | None
    codes: tuple[str, ...]


def formulas(bounds: dict, template: str):
    """Three helpers for formulas: a column's absolute range on its sheet; an array that is 1 on the
    rows the reader takes in (any of the columns it counts is filled: contract._read_table); and a
    count of those rows where one column is empty (the contract's required fields)."""
    def rng(key, col):
        b = bounds[key]
        return f"'{b['sheet']}'!${b['at'][col]}${b['first']}:${b['at'][col]}${b['last']}"

    def started(key):
        sheet = next(s for s in contract.layout(template)["sheets"] if s["key"] == key)
        cols = [c["key"] for c in sheet["columns"]
                if c["key"] in bounds[key]["at"] and not c.get("formula") and c.get("counts", True)]
        return "((" + "+".join(f'({rng(key, c)}<>"")' for c in cols) + ")>0)"

    def missing(key, *empty):
        return "+".join(f'SUMPRODUCT({started(key)}*({rng(key, c)}=""))' for c in empty)
    return rng, started, missing


def _date(iso: str) -> str:
    d = dt.date.fromisoformat(str(iso)[:10])
    return f"DATE({d.year},{d.month},{d.day})"


def _outside_years(rng, years, locked: str | None) -> Check:
    """rules/dates.py: a start or end date outside the budget and plan years (locked rows exempt)."""
    first, last = f"DATE({years[0]},1,1)", f"DATE({years[-1]},12,31)"
    parts = []
    for col in ("start", "end"):
        for op, bound in (("<", first), (">", last)):
            cond = f'{rng("activities", col)},"{op}"&{bound}'
            parts.append(f'COUNTIFS({rng("activities", locked)},"<>Ja",{cond})' if locked else f"COUNTIFS({cond})")
    return Check(f"Aktiviteter med datum utanför {years[0]}–{years[-1]}", "=" + "+".join(parts),
                 ("activity.outside_years",))


def _end_before_start(rng) -> Check:
    start, end = rng("activities", "start"), rng("activities", "end")
    return Check("Aktiviteter som slutar före start",
                 f'=SUMPRODUCT(ISNUMBER({start})*ISNUMBER({end})*(N(+{end})<N(+{start})))',
                 ("activity.end_before_start",))


SUBMISSION = [  # what only the validator can check: listed, so that no finding comes as a surprise
    Check("Förifyllda och låsta uppgifter är oförändrade", None,
          ("prefilled.changed", "prefilled.row_missing", "prefilled.hash", "prefilled.changed_unseen",
           "followup.carried_deleted", "followup.relinked", "followup.outcome_changed", "locked.missing",
           "link.removed_from_master")),
    Check("Värden går att läsa och finns i listorna", None,
          ("value.unreadable", "value.not_allowed", "value.format", "schema.invalid", "link.unknown",
           "responsible.unknown", "followup.account_unknown", "id.duplicate")),
    Check("Rimligt: prognosens tecken och storlek (kr, inte tkr), procent som procent", None,
          ("plausible.forecast_sign", "plausible.forecast_tkr", "plausible.percent_as_share")),
    Check("Inga celler visar Excels felvärden (#SAKNAS!, #DIVISION/0! …)", None, ("value.excel_error",)),
    Check("Arbetsboken har bladen och kolumnerna som skickades ut", None,
          ("sheet.missing", "column.missing", "sheet.hidden", "sheet.merged_cells", "meta.template", "meta.version",
           "meta.unit_unknown", "meta.level_unknown", "meta.unit_mismatch", "meta.period_unknown",
           "meta.period_unexpected", "file.macros")),
]


def plan(bounds: dict, master) -> list[Check]:
    """The unit plan's checks (the contract's required fields; rules/: dates, minimums, budget)."""
    rng, started, missing = formulas(bounds, "plan")
    w = wording.words(terms.of(master))  # the model's words: "Delmål utan område"

    def required(label, key, *cols):
        return Check(label, f"={missing(key, *cols)}", tuple(f"field.required@{key}.{c}" for c in cols))

    checks = [
        required(f"{w['unit_goal']} utan text", "goals", "text"),
        required(f"{w['unit_goal']} utan koppling till {w['board_goal_lc']}", "goals", "parent"),
        required(f"{w['unit_goal']} utan {w['perspective_lc']}", "goals", "perspective"),
        required("Aktiviteter utan beskrivning", "activities", "text"),
        required(f"Aktiviteter utan koppling till mål, {w['commitment_lc']} eller uppdrag", "activities", "link"),
        required(f"Aktiviteter utan {w['perspective_lc']}", "activities", "perspective"),
        required("Aktiviteter utan startdatum eller slutdatum", "activities", "start", "end"),
        _end_before_start(rng),
        _outside_years(rng, master.years, "locked"),
        required("Aktiviteter utan ansvarig", "activities", "responsible"),
        required("Uppdrag utan beskrivning av enhetens bidrag", "uppdrag", "contribution"),
        required("SWOT-rader utan typ eller text", "swot", "kind", "text"),
        required("Utvecklingsområden utan beskrivning", "development", "text"),
        required("Risker utan beskrivning", "risks", "risk"),
        required("Risker utan sannolikhet eller konsekvens", "risks", "probability", "consequence"),
        required("Risker utan kontrollmoment", "risks", "control"),
        Check("Risker med sannolikhet eller konsekvens utanför 1–4",
              "=" + "+".join(f'COUNTIFS({rng("risks", k)},"{op}")' for k in ("probability", "consequence")
                             for op in (">4", "<1")),
              ("value.range@risks.probability", "value.range@risks.consequence")),
    ]
    if master.rules.get("min_goals"):
        n = master.rules["min_goals"]
        checks.append(Check(f"Färre egna mål än {n}", f"=IF(SUMPRODUCT(--{started('goals')})<{n},1,0)",
                            ("plan.too_few@goals",)))
    if master.rules.get("min_activities"):
        n = master.rules["min_activities"]
        own = f'SUMPRODUCT({started("activities")}*({rng("activities", "locked")}<>"Ja"))'
        checks.append(Check(f"Färre egna aktiviteter än {n}", f"=IF({own}<{n},1,0)", ("plan.too_few@activities",)))
    if master.rules.get("budget_must_match_frame") and bounds["budget"]["last"] >= bounds["budget"]["first"]:
        checks.append(Check("Konton där budgeten inte stämmer med ramen",
                            f"=SUMPRODUCT(--(ROUND({rng('budget', 'diff')},0)<>0))", ("budget.frame_mismatch",)))
    return checks + SUBMISSION


NEW = ("text", "link", "perspective", "start", "end")  # what a new activity in a follow-up must have


def follow(bounds: dict, master, period_end: str, kind: str | None = None) -> list[Check]:
    """A follow-up's checks (rules/followup.py, rules/investments.py; the thresholds from the master
    data's rules); `kind` the period kind (investment forecasts are required at delår and helår)."""
    rng, _, missing = formulas(bounds, "follow")
    w = wording.words(terms.of(master))
    checks = []
    if "assessments" in bounds:
        checks += [Check("Mål utan bedömning", f"={missing('assessments', 'assessment')}",
                         ("followup.assessment_missing",)),
                   Check("Mål som inte uppfylls utan analys",
                         f'=COUNTIFS({rng("assessments", "assessment")},"Ej uppfyllt",{rng("assessments", "analysis")},"")',
                         ("followup.analysis_missing",))]
    if "activities" in bounds:
        status, end, comment = rng("activities", "status"), rng("activities", "end"), rng("activities", "comment")
        # Late: marked "Försenad", or its end date passed while its status is still another than
        # "Klar" or "Avbruten" (rules/followup.py: late_comment and overdue).
        late = (f'(({status}="Försenad")+({status}<>"")*({status}<>"Försenad")*({status}<>"Klar")'
                f'*({status}<>"Avbruten")*ISNUMBER({end})*(N(+{end})<{_date(period_end)}))')
        checks += [Check("Aktiviteter utan status", f"={missing('activities', 'status')}",
                         ("followup.status_missing@activities.status",)),
                   Check(f"Försenade aktiviteter utan kommentar (status Försenad, eller slutdatum före "
                         f"{str(period_end)[:10]} och inte Klar)", f'=SUMPRODUCT({late}*({comment}=""))',
                         ("followup.late_comment", "followup.overdue")),
                   Check(f"Nya aktiviteter utan beskrivning, koppling, {w['perspective_lc']} eller datum",
                         f"={missing('activities', *NEW)}", tuple(f"field.required@activities.{c}" for c in NEW)),
                   _end_before_start(rng),
                   _outside_years(rng, master.years, None)]
    if "uppdrag" in bounds:
        checks.append(Check("Uppdrag utan status", f"={missing('uppdrag', 'status')}",
                            ("followup.status_missing@uppdrag.status",)))
    if "indicators" in bounds:
        checks.append(Check("Nyckeltal med röd signal utan kommentar",
                            f'=SUMPRODUCT(({rng("indicators", "signal")}="röd")*({rng("indicators", "comment")}=""))',
                            ("followup.red_indicator",)))
    r = master.rules
    explain, plan_sek, plan_pct = r.get("explain_sek"), r.get("action_plan_sek"), r.get("action_plan_pct")
    e = "economy"
    checks.append(Check("Konton utan helårsprognos", f"={missing(e, 'forecast')}", ("followup.forecast_missing",)))
    if bounds[e]["last"] >= bounds[e]["first"]:
        if explain is not None:
            checks.append(Check(
                "Avvikelser utan förklaring",
                f'=SUMPRODUCT(ISNUMBER({rng(e, "forecast")})*(ABS(N(+{rng(e, "forecast")})-N(+{rng(e, "budget")}))'
                f'>={explain})*({rng(e, "explanation")}=""))', ("followup.explanation_missing",)))
        over = f"(SUM({rng(e, 'forecast')})-SUM({rng(e, 'budget')}))"
        tests = []
        if plan_sek:
            tests.append(f"{over}>{plan_sek}")
        if plan_pct:
            tests.append(f"{over}>ABS(SUM({rng(e, 'budget')}))*{plan_pct}/100")
        if tests:
            # Only when every account has a forecast (the validator judges a complete forecast), and
            # the lower of the two limits counts: a deficit over either one needs a plan.
            complete = f"COUNT({rng(e, 'forecast')})=COUNTA({rng(e, 'account')})"
            needed = f"AND({complete},OR({','.join(tests)}))"
            planned = f'COUNTIFS({rng("actions", "measure")},"<>",{rng("actions", "effect")},"<>")'
            checks.append(Check("Åtgärdsplan saknas (prognosen visar underskott över delegationen)",
                                f"=IF(AND({needed},{planned}=0),1,0)", ("followup.action_plan_missing",)))
    checks += [Check("Åtgärder utan beskrivning", f"={missing('actions', 'measure')}", ("field.required@actions.measure",)),
               Check("Åtgärder utan effekt i kronor", f"={missing('actions', 'effect')}", ("followup.action_effect",))]
    checks += _investments(bounds, master, kind, rng, missing)
    if "controls" in bounds:
        checks += [Check("Kontrollmoment utan svar om det är utfört", f"={missing('controls', 'performed')}",
                         ("followup.control_missing",)),
                   Check("Avvikelser i intern kontroll utan åtgärd",
                         f'=COUNTIFS({rng("controls", "deviation")},"Ja",{rng("controls", "action")},"")',
                         ("followup.control_action",))]
    checks.append(Check("Åtgärdernas effekt täcker underskottet", None, ("followup.action_short",)))
    return checks + SUBMISSION


def _investments(bounds, master, kind, rng, missing) -> list[Check]:
    """rules/investments.py: a forecast per project at delår and helår; a comment on a deviation."""
    from rodtrad.consolidator.rules.investments import ASKED_AT  # noqa: PLC0415 - the rule's own periods

    i = "investments"
    if i not in bounds:
        return []
    checks = []
    if kind in ASKED_AT:
        checks.append(Check("Investeringsprojekt utan helårsprognos", f"={missing(i, 'forecast')}",
                            ("investment.forecast_missing",)))
    explain = master.rules.get("explain_sek")
    if explain is not None:
        forecast, budget = rng(i, "forecast"), rng(i, "budget")
        checks.append(Check("Investeringsprojekt med avvikelse mot budget utan kommentar",
                            f'=SUMPRODUCT(ISNUMBER({forecast})*(ABS(N(+{budget})-N(+{forecast}))>={explain})'
                            f'*({rng(i, "comment")}=""))', ("investment.comment_missing",)))
    return checks
