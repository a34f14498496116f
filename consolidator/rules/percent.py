"""A %-indicator's value typed as "69,3 %": Excel stores 0.693 (and formats the cell as percent),
while the indicator's target and history are in percent (69.3). The value is not changed; the unit
is told what was read and what was probably meant."""
from rodtrad.consolidator.model.findings import WARNING, define
from rodtrad.consolidator.rules.followup import named

FIELDS = (("outcome", "Utfall"), ("unit_target", "Enhetens målvärde"))
SCALE = 5.0  # the indicator's references (target, baseline, …) all at least this: a share below 1 is out of scale

AS_SHARE = define(
    "plausible.percent_as_share", WARNING,
    "{field} för nyckeltalet {value} är {share}, men nyckeltalet mäts i procent (målvärde {target}). Menade du {percent}?",
    "{field} of the indicator {value} is {share}, but the indicator is in percent (target {target}). Did you mean {percent}?",
    "Skriv talet utan procenttecken, till exempel {percent} (Excel gör ”69,3 %” till 0,693).",
    "Write the number without a percent sign, for example {percent} (Excel turns \"69.3 %\" into 0.693).")


def _swedish(x: float) -> str:
    return f"{x:.4f}".rstrip("0").rstrip(".").replace(".", ",")


def check(ctx):
    indicators = {i.id: i for i in ctx.master.indicators}
    for i, row in ctx.rows("indicators"):
        ind = indicators.get(row.get("id"))
        if ind is None or (ind.unit or "").strip() != "%":
            continue
        references = [v for v in (ind.target, ind.baseline, ind.green, ind.red, row.get("previous"), row.get("target"))
                      if isinstance(v, (int, float))]
        if not references or min(abs(v) for v in references) < SCALE:
            continue
        for key, label in FIELDS:
            value = row.get(key)
            if isinstance(value, (int, float)) and 0 < abs(value) < 1:
                yield ctx.at(AS_SHARE, f"/indicators/{i}/{key}", field=label, value=named(row, "name"),
                             params={"share": _swedish(value), "percent": _swedish(value * 100),
                                     "target": _swedish(ind.target) if ind.target is not None else "?"})
