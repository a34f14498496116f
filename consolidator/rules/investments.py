"""Investment projects in a follow-up (sheet Investeringar, workbooks/investbook.py): a full-year
forecast for every project at delår and helår, and a comment where it deviates from the year's budget.

Why these two: municipalities' delårsrapport and årsredovisning carry an investeringsredovisning,
written per project with budget, outcome, forecast and the reasons for deviations (as
Exempelkommun's and the presets' reports do), so the answers are needed at those periods;
in a month or tertial a missing forecast is allowed (the reports then use the budget and say so).
A deviation is commented from the master data's threshold for explaining deviations
(Regler: *Avvikelse som ska förklaras (kr)*), as the economy's accounts are (rules/followup.py); in
both directions, since an investment that spends less than budgeted (a delayed project) is as
much a question for the council as an overrun. Deviation = year's budget − forecast (kr).
"""
from rodtrad.consolidator.model.findings import ERROR, define

TEMPLATES = ("follow",)
ASKED_AT = ("delår", "helår")  # the period kinds whose report has an investeringsredovisning

FORECAST_MISSING = define(
    "investment.forecast_missing", ERROR, "Investeringsprojektet {value} saknar helårsprognos.",
    "The investment project {value} has no full-year forecast.",
    "Skriv vad projektet beräknas kosta i år, i kronor (delårsrapporten och årsredovisningen redovisar det).",
    "Write what the project is expected to cost this year, in kronor.",
    example={"sheet": "Investeringar", "cell": "F5", "field": "Prognos helår", "value": "P101 (Ny förskola Solrosen)"})
COMMENT_MISSING = define(
    "investment.comment_missing", ERROR,
    "Investeringsprojektet {value}: avvikelsen {deviation} kr mot årets budget ska kommenteras (från {limit} kr).",
    "The investment project {value}: the deviation {deviation} kr from this year's budget must be commented "
    "(from {limit} kr).",
    "Förklara i Kommentar varför prognosen avviker: förseningar, fördyringar, ändrad omfattning.",
    "Say in Kommentar why the forecast deviates: delays, higher costs, a changed scope.",
    example={"sheet": "Investeringar", "cell": "H5", "field": "Kommentar", "value": "P101 (Ny förskola Solrosen)",
             "deviation": "3 500 000", "limit": "50 000"})


def _kr(amount: float) -> str:
    return f"{amount:,.0f}".replace(",", " ").replace("-", "−")


def _named(row: dict) -> str:
    name = str(row.get("name") or "").strip()
    return f"{row.get('id')} ({name})" if name else str(row.get("id") or "")


def check(ctx):
    kind = (ctx.doc.get("meta") or {}).get("kind")
    explain = ctx.master.rules.get("explain_sek")
    for i, row in ctx.rows("investments"):
        if not row.get("id"):
            continue
        forecast = row.get("forecast")
        if forecast is None:
            if kind in ASKED_AT:
                yield ctx.at(FORECAST_MISSING, f"/investments/{i}/forecast", field="Prognos helår", value=_named(row))
            continue
        deviation = (row.get("budget") or 0) - forecast
        if explain is not None and abs(deviation) >= explain and not row.get("comment"):
            yield ctx.at(COMMENT_MISSING, f"/investments/{i}/comment", field="Kommentar", value=_named(row),
                         params={"deviation": _kr(deviation), "limit": _kr(explain)})
