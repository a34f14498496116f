"""The municipality's minimums: at least so many own goals and own activities (locked ones not counted)."""
from rodtrad.consolidator.model import wording
from rodtrad.consolidator.model.findings import ERROR, define

TEMPLATES = ("plan",)  # the follow-up checks carried rows and its economy in rules/followup.py

TOO_FEW = define("plan.too_few", ERROR, "Planen har {count} {what}; minst {minimum} krävs.",
                 "The plan has {count} {what_en}; at least {minimum} are required.",
                 "Fyll i fler på de gula raderna på bladet {sheet}.", "Fill in more on the yellow rows of the sheet {sheet}.")


def check(ctx):
    for key, rule, what, what_en in (("goals", "min_goals", "egna mål", "own goals"),
                                     ("activities", "min_activities", "egna aktiviteter", "own activities")):
        sheet = wording.sheet_name(ctx.read.layout, key)  # the sheet as the model's workbook names it
        if key in ctx.missing or not sheet:
            continue
        minimum = ctx.master.rules.get(rule)
        count = sum(not row.get("locked") for row in ctx.doc.get(key) or [])
        if minimum and count < minimum:
            yield TOO_FEW(file=ctx.file, unit=ctx.unit, sheet=sheet, field=what, value=count,
                          params={"count": count, "minimum": minimum, "what": what, "what_en": what_en})
