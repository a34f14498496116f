"""Every locked activity set from above is present in the unit's plan."""
from rodtrad.consolidator.model.findings import ERROR, define

TEMPLATES = ("plan",)  # the follow-up checks carried rows and its economy in rules/followup.py

MISSING = define("locked.missing", ERROR, "Den låsta aktiviteten {value} saknas.",
                 "The locked activity {value} is missing.",
                 "Låsta aktiviteter ska alltid finnas med. Utgå från den utskickade arbetsboken.",
                 "Locked activities must always be present. Start from the workbook that was sent out.")


def check(ctx):
    if ctx.unit not in ctx.master.by_id or "activities" in ctx.missing:
        return
    present = {row.get("id") for _, row in ctx.rows("activities")}
    for activity in ctx.master.locked_for(ctx.unit):
        if activity.id not in present:
            yield ctx.at(MISSING, "/activities", value=f"{activity.id} ({activity.text})")
