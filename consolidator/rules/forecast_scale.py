"""A forecast in kronor, not in thousands: one about a thousand times smaller than both the budget
and the outcome to date was most likely typed in tkr (as many ledgers and reports show money)."""
from rodtrad.consolidator.model.findings import WARNING, define
from rodtrad.consolidator.rules.followup import kr, named

TEMPLATES = ("follow",)

LOW, HIGH = 300, 3000  # budget ÷ forecast around 1000; outcome to date is at least a month of the year
FLOOR = 100_000  # kr: below this budget a small forecast is plausible

IN_TKR = define(
    "plausible.forecast_tkr", WARNING,
    "Konto {value}: prognosen {forecast} kr är ungefär en tusendel av budgeten ({budget} kr). Skrevs den i tkr?",
    "Account {value}: the forecast {forecast} kr is about a thousandth of the budget ({budget} kr). Was it typed in tkr?",
    "Skriv prognosen i hela kronor, till exempel {example} i stället för {forecast}.",
    "Write the forecast in kronor, for example {example} instead of {forecast}.")


def check(ctx):
    for i, row in ctx.rows("economy"):
        forecast, budget, outcome = row.get("forecast"), row.get("budget"), row.get("outcome")
        if not isinstance(forecast, (int, float)) or not forecast or not isinstance(budget, (int, float)):
            continue
        if abs(budget) < FLOOR or not LOW <= abs(budget / forecast) <= HIGH:
            continue
        if isinstance(outcome, (int, float)) and outcome and abs(outcome / forecast) < LOW / 12:
            continue  # the outcome to date is of the forecast's size: kronor after all
        yield ctx.at(IN_TKR, f"/economy/{i}/forecast", field="Helårsprognos", value=named(row, "name"),
                     params={"forecast": kr(forecast), "budget": kr(budget), "example": kr(forecast * 1000)})
