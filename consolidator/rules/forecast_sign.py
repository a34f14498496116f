"""A forecast has its account's sign: costs positive, revenues negative (the ledger's convention,
as the budget and the outcome to date show them). A revenue forecast typed as a positive amount
turns a surplus into a deficit of twice the amount, so the unit is asked to look again."""
from rodtrad.consolidator.model.findings import WARNING, define
from rodtrad.consolidator.rules.followup import kr, named

TEMPLATES = ("follow",)

SIGNS = {"kostnad": 1, "intäkt": -1}  # the master data's account kinds

OPPOSITE = define(
    "plausible.forecast_sign", WARNING,
    "Konto {value}: prognosen {forecast} kr har motsatt tecken mot kontots ({rule}).",
    "Account {value}: the forecast {forecast} kr has the opposite sign to its account's ({rule_en}).",
    "Skriv intäkter med minus och kostnader utan, som budgeten och utfallet på samma rad.",
    "Write revenues with a minus and costs without, as the budget and outcome on the same row.")


def expected_sign(kind: str | None, budget) -> int:
    """+1 or -1 from the account's kind; from the budget's sign for a kind the rule does not know;
    0 when neither says."""
    if kind in SIGNS:
        return SIGNS[kind]
    return (budget > 0) - (budget < 0) if isinstance(budget, (int, float)) else 0


def check(ctx):
    kinds = {a.id: a.kind for a in ctx.master.accounts}
    for i, row in ctx.rows("economy"):
        forecast = row.get("forecast")
        if not isinstance(forecast, (int, float)) or not forecast:
            continue
        sign = expected_sign(kinds.get(row.get("account")), row.get("budget"))
        if sign and (forecast > 0) != (sign > 0):
            rule, rule_en = ("intäkter skrivs med minus", "revenues are negative") if sign < 0 else \
                ("kostnader skrivs utan minus", "costs are positive")
            yield ctx.at(OPPOSITE, f"/economy/{i}/forecast", field="Helårsprognos", value=named(row, "name"),
                         params={"forecast": kr(forecast), "rule": rule, "rule_en": rule_en})
