"""A responsible person should be one of the unit's people in the master data."""
from rodtrad.consolidator.model.findings import WARNING, define

UNKNOWN = define("responsible.unknown", WARNING, "Ansvarig {value} finns inte i enhetens personallista.",
                 "The responsible person {value} is not on the unit's staff list.",
                 "Välj i listan, eller be ekonomiavdelningen lägga till personen i styrmodellen.",
                 "Choose from the list, or ask the economy department to add the person to the master data.")


def check(ctx):
    if ctx.unit not in ctx.master.by_id:
        return
    people = set(ctx.master.people_for(ctx.unit))
    for key in ("activities", "risks"):
        for i, row in ctx.rows(key):
            if row.get("responsible") and row["responsible"] not in people:
                yield ctx.at(UNKNOWN, f"/{key}/{i}/responsible", field="Ansvarig", value=row["responsible"])
