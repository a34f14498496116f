"""The master data's calendar and plan-year figures: findings for periods no unit can answer and for
Budget planår rows no year of the model has.

A follow-up period's date (Avser datum) is the last day it covers: the economy counts its months from
it (budget to date, outcome to date, forecast scaled to the year), the validator takes it as "today"
for overdue activities, and the ledger is read up to it. So:

- a follow-up period lies within the budget year; the plan period (sent out before or at the start of
  the year it plans) lies in the budget year or the year before;
- its deadline (Sista dag) is not before its date: the unit cannot report on a period before it ends;
- periods of one kind follow each other down the sheet, one per month (a month, tertial or delår is
  named by its last month: two in one month cover the same months), one plan and one helår per year;
- the calendar has a helår: the year-end the årsredovisning and the roll-over into next year read.

Budget planår (`budget_plan`) holds frames for the plan years: a row for a year the model has no plan
year for is never used (the roll-over takes the new year's rows). Rows for unknown units or accounts
are the integrity check's (mastercheck.py).

Missing dates and values that are not dates are the contract's findings (field.required,
value.unreadable); this module looks only at readable ISO dates ("YYYY-MM-DD").
"""
from __future__ import annotations

import re

from rodtrad.consolidator.model import contract
from rodtrad.consolidator.model.findings import ERROR, define

ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ONCE_A_YEAR = ("plan", "helår")

PERIOD_OUTSIDE = define(
    "master.period_outside_year", ERROR, "Perioden {value}: {field} {date} ligger utanför {allowed}.",
    "The period {value}: {field} {date} is outside {allowed_en}.",
    "En uppföljning avser en dag i budgetåret; planen skickas ut under budgetåret eller året före.",
    "A follow-up covers a day in the budget year; the plan is sent out in the budget year or the year before.",
    example={"value": "2027-T1 (Tertial 1 2027)", "field": "Avser datum", "date": "2028-04-30",
             "allowed": "budgetåret 2027", "allowed_en": "the budget year 2027", "sheet": "Perioder", "cell": "C3"})
PERIOD_DEADLINE = define(
    "master.period_deadline", ERROR, "Perioden {value}: sista dag {date} ligger före periodens slut {end}.",
    "The period {value}: the deadline {date} is before the period's end {end}.",
    "Sista dag ska vara på eller efter dagen perioden avser: enheten kan inte rapportera innan perioden är slut.",
    "The deadline must be on or after the day the period covers: a unit cannot report before the period ends.",
    example={"value": "2027-T1 (Tertial 1 2027)", "date": "2027-04-15", "end": "2027-04-30",
             "sheet": "Perioder", "cell": "D3"})
PERIOD_ORDER = define(
    "master.period_order", ERROR, "Perioden {value} av typen {kind} {problem}.", "The period {value} of kind {kind} {problem_en}.",
    "Perioder av samma typ ska stå i datumordning, en per månad, och det ska finnas en plan och ett helår per år.",
    "Periods of one kind must be in date order, one per month, with one plan and one helår per year.",
    example={"value": "2027-T2 (Tertial 2 2027)", "kind": "tertial",
             "problem": "avser 2027-04-30, samma månad som 2027-T1 ovanför",
             "problem_en": "covers 2027-04-30, the same month as 2027-T1 above", "sheet": "Perioder", "cell": "C4"})
NO_YEAR_END = define(
    "master.no_year_end_period", ERROR, "Det finns ingen period av typen helår.", "There is no period of kind helår.",
    "Lägg till helåret (årsredovisningen) på bladet Perioder: årets sista uppföljning och det nästa år utgår från.",
    "Add the helår (annual report) on the sheet Perioder: the year's last follow-up, and what next year starts from.")
BUDGET_PLAN_YEAR = define(
    "master.budget_plan_year", ERROR, "Budget planår: året {value} är inte ett av styrmodellens planår ({years}).",
    "Budget planår: the year {value} is not one of the model's plan years ({years}).",
    "Ange ett av planåren på bladet Kommun, eller lägg till året där.",
    "Give one of the plan years on the sheet Kommun, or add the year there.",
    example={"value": 2031, "years": "2028, 2029", "sheet": "Budget planår", "cell": "C2"})


def check(data: dict, got: contract.Read, file: str) -> list:
    """Findings (sheet and cell) for the periods (`data["periods"]`, dates "YYYY-MM-DD") and the plan-year
    frames (`data["budget_plan"]`, years as integers) of master data read by the contract; `data` is the
    contract's dict, checked after the schema so that the budget year is an integer."""
    out = []

    def at(pointer, kind, **kw):
        sheet, cell = got.where(pointer)
        out.append(kind(file=file, sheet=sheet, cell=cell, **kw))

    municipality = data.get("municipality") or {}
    year = municipality.get("budget_year")
    if not isinstance(year, int):
        return out
    periods = data.get("periods") or []
    last: dict[str, tuple[str, str]] = {}  # kind -> (id, date) of the row above
    for i, p in enumerate(periods):
        date, kind, deadline = p.get("date"), p.get("kind"), p.get("deadline")
        if not isinstance(date, str) or not ISO.match(date) or not kind:
            continue
        name = f"{p.get('id')} ({p['name']})" if p.get("name") else str(p.get("id"))
        first = year - 1 if kind == "plan" else year
        inside = f"{first}-01-01" <= date <= f"{year}-12-31"
        if not inside:
            allowed = (f"budgetåret {year} och året före", f"the budget year {year} and the year before") \
                if kind == "plan" else (f"budgetåret {year}", f"the budget year {year}")
            at(f"/periods/{i}/date", PERIOD_OUTSIDE, value=name, field="Avser datum",
               params={"date": date, "allowed": allowed[0], "allowed_en": allowed[1]})
        if isinstance(deadline, str) and ISO.match(deadline) and deadline < date:
            at(f"/periods/{i}/deadline", PERIOD_DEADLINE, value=name, field="Sista dag",
               params={"date": deadline, "end": date})
        above = last.get(kind)
        if above and inside:
            if kind in ONCE_A_YEAR:
                problem = (f"finns redan: {above[0]} ovanför är årets {kind}", f"exists already: {above[0]} above is the year's {kind}")
            elif date < above[1]:
                problem = (f"avser {date}, före {above[0]} ovanför ({above[1]})", f"covers {date}, before {above[0]} above ({above[1]})")
            elif date[:7] == above[1][:7]:
                problem = (f"avser {date}, samma månad som {above[0]} ovanför", f"covers {date}, the same month as {above[0]} above")
            else:
                problem = None
            if problem:
                at(f"/periods/{i}/date", PERIOD_ORDER, value=name, field="Avser datum",
                   params={"kind": kind, "problem": problem[0], "problem_en": problem[1]})
        if inside:  # a date outside the year has its finding; the next row is compared with the one before it
            last[kind] = (str(p.get("id")), date)
    if periods and not any(p.get("kind") == "helår" for p in periods):
        out.append(NO_YEAR_END(file=file, sheet=got.where("/periods")[0] or "Perioder"))
    plan_years = [int(y) for y in municipality.get("plan_years") or [] if str(y).isdigit()]
    for i, row in enumerate(data.get("budget_plan") or []):
        if isinstance(row.get("year"), int) and row["year"] not in plan_years:
            at(f"/budget_plan/{i}/year", BUDGET_PLAN_YEAR, value=row["year"], field="År",
               params={"years": ", ".join(map(str, plan_years)) or "inga"})
    return out
