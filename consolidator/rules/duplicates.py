"""Ids are unique within each table; links are by id, so a duplicate is ambiguous."""
from rodtrad.consolidator.model.findings import ERROR, define

DUPLICATE = define("id.duplicate", ERROR, "Id {value} förekommer mer än en gång.",
                   "The id {value} occurs more than once.", "Ge raden ett eget id.", "Give the row its own id.")


def check(ctx):
    for key in ("goals", "activities", "swot", "development", "risks", "uppdrag", "indicators", "actions"):
        seen = set()
        for i, row in ctx.rows(key):
            if row.get("id") in seen:
                yield ctx.at(DUPLICATE, f"/{key}/{i}/id", value=row["id"])
            seen.add(row.get("id"))
