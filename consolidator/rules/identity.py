"""The workbook says which template, unit and period it is; those must match the master data."""
from rodtrad.consolidator.model.document import TEMPLATES as KNOWN
from rodtrad.consolidator.model.findings import ERROR, define
from rodtrad.consolidator.model.document import answers

TEMPLATE = define("meta.template", ERROR, "Arbetsboken är inte en enhetsplan eller uppföljning från Röd tråd (mall {value}).",
                  "The workbook is not a Röd tråd unit plan or follow-up (template {value}).",
                  "Utgå från den arbetsbok som skickades ut.", "Start from the workbook that was sent out.")
UNIT_UNKNOWN = define("meta.unit_unknown", ERROR, "Ansvarskoden {value} finns inte bland styrmodellens enheter.",
                      "The unit code {value} is not one of the master data's units.",
                      "Kontrollera att arbetsboken kommer från rätt kommun och år.", "Check the workbook's municipality and year.")
LEVEL_UNKNOWN = define("meta.level_unknown", ERROR, "Ansvarskoden {value} är ingen {level} i styrmodellen.",
                       "The code {value} is not a {level} in the master data.",
                       "Utgå från den arbetsbok som skickades ut.", "Start from the workbook that was sent out.")
UNIT_MISMATCH = define("meta.unit_mismatch", ERROR, "Ansvarskoden på Översikt ({value}) skiljer sig från arbetsbokens ({expected}).",
                       "The unit code on Översikt ({value}) differs from the workbook's ({expected}).",
                       "Ändra inte ansvarskoden.", "Do not change the unit code.")
PERIOD_UNKNOWN = define("meta.period_unknown", ERROR, "Perioden {value} finns inte i styrmodellen.",
                        "The period {value} does not exist in the master data.")
PERIOD_UNEXPECTED = define("meta.period_unexpected", ERROR, "Arbetsboken gäller perioden {value}, men {expected} valideras.",
                           "The workbook is for period {value}, but {expected} is being validated.",
                           "Lämna in arbetsboken för rätt period.", "Hand in the workbook for the right period.")

# A template version the reader cannot read is refused before any rule runs (model/layouts.py).


def check(ctx):
    meta = ctx.doc.get("meta") or {}
    if meta.get("template") and meta["template"] not in KNOWN:
        yield ctx.at(TEMPLATE, "/meta/template", value=meta["template"])
    unit, level = meta.get("unit"), meta.get("level")
    if unit and not answers(ctx.master, unit, level):
        yield ctx.at(UNIT_UNKNOWN if level in (None, "enhet") else LEVEL_UNKNOWN, "/meta/unit", value=unit,
                     params={"level": level})
    shown = (ctx.doc.get("header") or {}).get("unit")
    if unit and shown and shown != unit:
        yield ctx.at(UNIT_MISMATCH, "/header/unit", value=shown, params={"expected": unit})
    period = meta.get("period")
    if period and ctx.master.period(period) is None:
        yield ctx.at(PERIOD_UNKNOWN, "/meta/period", value=period)
    elif period and ctx.expected_period and period != ctx.expected_period:
        yield ctx.at(PERIOD_UNEXPECTED, "/meta/period", value=period, params={"expected": ctx.expected_period})
