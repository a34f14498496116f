"""Every link points to an id that exists, at the right level for the unit."""
from rodtrad.consolidator.model.findings import ERROR, define

UNKNOWN = define("link.unknown", ERROR, "{field}: {value} finns inte i listan {target}.",
                 "{field}: {value} is not in the list {target}.",
                 "Välj ett värde i listan i cellen.", "Choose a value from the cell's dropdown list.")


def check(ctx):
    m, unit = ctx.master, ctx.unit
    if unit not in m.by_id:
        return
    board_goals = {g.id for g in m.board_goals(unit)}
    links = board_goals | {c.id for c in m.commitments_for(unit)} | {u.id for u in m.uppdrag_for(unit)}
    perspectives = {p.id for p in m.perspectives}
    locked = {a.id: a for a in m.locked_for(unit)}
    checks = [("goals", "parent", lambda r: board_goals),
              ("goals", "perspective", lambda r: perspectives),
              ("activities", "link",
               lambda r: links | ({locked[r["id"]].link} if r.get("locked") and r["id"] in locked else set())),
              ("activities", "perspective", lambda r: perspectives),
              ("development", "link", lambda r: links)]
    layout = ctx.read.layout  # in the model's words (model/wording.py): its headers and list titles
    sheets = {s["key"]: s for s in layout["sheets"]}
    for key, field, known in checks:
        if key not in sheets:
            continue
        column = next(c for c in sheets[key]["columns"] if c["key"] == field)
        label, target = column["header"], layout["lists"].get(column.get("list"), column["header"])
        for i, row in ctx.rows(key):
            value = row.get(field)
            if value and not row.get("carried") and value not in known(row):  # carried rows: rules/prefilled
                yield ctx.at(UNKNOWN, f"/{key}/{i}/{field}", field=label, value=value, params={"target": target})
