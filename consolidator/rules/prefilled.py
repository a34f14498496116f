"""Prefilled, read-only content is unchanged: the hash in _meta, then cell by cell against the master data."""
from ..document import content_hash, prefill, prefilled_part, spec
from ..findings import ERROR, WARNING, define

CHANGED = define("prefilled.changed", ERROR, "{field} är förifyllt och får inte ändras (var: {expected}).",
                 "{field} is prefilled and must not be changed (was: {expected}).",
                 "Återställ värdet eller utgå från den utskickade arbetsboken.",
                 "Restore the value or start from the workbook that was sent out.")
ROW_MISSING = define("prefilled.row_missing", ERROR, "Den förifyllda raden {value} saknas på bladet {sheet}.",
                     "The prefilled row {value} is missing on sheet {sheet}.",
                     "Utgå från den utskickade arbetsboken.", "Start from the workbook that was sent out.")
UNEXPLAINED = define("prefilled.hash", WARNING,
                     "Förifyllt innehåll skiljer sig från det som skickades ut, men ingen enskild cell kunde pekas ut.",
                     "Prefilled content differs from what was sent out, but no single cell could be pointed out.",
                     "Styrmodellen kan ha ändrats efter utskicket. Kontrollera med ekonomiavdelningen.",
                     "The master data may have changed after the workbooks were sent out.")


def _key(row):
    return str(row.get("id") or row.get("account") or "")


def check(ctx):
    meta = ctx.doc.get("meta") or {}
    if not meta.get("hash") or content_hash(ctx.doc) == meta["hash"]:
        return  # nothing the unit was sent has been changed
    if ctx.unit not in ctx.master.by_id or ctx.master.period(meta.get("period")) is None:
        return  # the identity rule reports this
    expected = prefilled_part(prefill(ctx.master, ctx.unit, meta.get("period")))
    actual = prefilled_part(ctx.doc)
    labels = {s["key"]: ({c["key"]: c.get("header") or c.get("label") for c in s.get("columns", s.get("fields", []))}, s["name"])
              for s in spec()["sheets"]}
    found = 0
    header_fields, _ = labels["header"]
    for field, value in expected.get("header", {}).items():
        if actual.get("header", {}).get(field) != value:
            found += 1
            yield ctx.at(CHANGED, f"/header/{field}", field=header_fields.get(field, field), value=actual["header"].get(field),
                         params={"expected": value})
    for key, rows in expected.items():
        if key == "header" or key in ctx.missing:
            continue
        fields, sheet = labels[key]
        index = {_key(r): i for i, r in ctx.rows(key)}
        got = {_key(r): r for r in actual.get(key, [])}
        for row in rows:
            rid = _key(row)
            if rid not in index:
                found += 1
                if key != "activities":  # a missing locked activity is the locked rule's finding
                    yield ctx.at(ROW_MISSING, f"/{key}", value=rid)
                continue
            current = ctx.doc[key][index[rid]]
            for field, value in row.items():
                now = got.get(rid, {}).get(field) if rid in got else current.get(field)
                if now != value:
                    found += 1
                    yield ctx.at(CHANGED, f"/{key}/{index[rid]}/{field}", field=fields.get(field, field), value=current.get(field),
                                 params={"expected": _show(value)})
    if not found and not ctx.missing:
        yield ctx.at(UNEXPLAINED, "/meta/hash")


def _show(value):
    if value is None:
        return "(tomt)"
    if isinstance(value, list):
        return ", ".join(map(str, value))
    if value is True:
        return "Ja"
    return str(value)
