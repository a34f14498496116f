"""Prefilled, read-only content is unchanged: the hash in _meta, then cell by cell against what was
sent (the outbox's copy; for a plan, the master data gives the same)."""
from rodtrad.consolidator.model.document import PLAN, content_hash, prefill, prefilled_part
from rodtrad.consolidator.model.findings import ERROR, WARNING, define, show

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
CHANGED_UNSEEN = define("prefilled.changed_unseen", ERROR,
                        "Förifyllt innehåll skiljer sig från det som skickades ut.",
                        "Prefilled content differs from what was sent out.",
                        "Utgå från den utskickade arbetsboken. Ekonomiavdelningen kan peka ut cellen med arbetsytans kopia.",
                        "Start from the workbook that was sent out; the economy department can point out the cell.")
CARRIED_DELETED = define("followup.carried_deleted", ERROR, "Raden {value} från planen saknas på bladet {sheet}.",
                         "The row {value} carried from the plan is missing on sheet {sheet}.",
                         "Rader från planen tas inte bort; ange status Avbruten i stället.",
                         "Rows from the plan are not deleted; set the status Avbruten instead.")
RELINKED = define("followup.relinked", ERROR, "Aktiviteten kopplades om från {expected} till {value}.",
                  "The activity was re-linked from {expected} to {value}.",
                  "Planens kopplingar ändras inte i uppföljningen; lägg till en ny aktivitet i stället.",
                  "The plan's links are not changed in a follow-up; add a new activity instead.")
OUTCOME_CHANGED = define("followup.outcome_changed", ERROR, "{field} kommer ur huvudboken och får inte ändras (var: {expected}).",
                         "{field} comes from the ledger and must not be changed (was: {expected}).",
                         "Återställ värdet; fel i bokföringen rättas i ekonomisystemet.",
                         "Restore the value; errors in the books are corrected in the ledger.")
SPECIFIC = {("activities", "link"): RELINKED}  # (sheet key, field) -> a more telling code than CHANGED


def _key(row):
    return str(row.get("id") or row.get("account") or "")


def _sent(ctx, meta) -> dict | None:
    """What this workbook was sent with: the outbox's copy when it is the one this file came from."""
    copy = ctx.sent.get(meta.get("period"), ctx.unit) if ctx.sent is not None else None
    if copy is not None and copy.get("_hash") == meta["hash"]:
        return {k: v for k, v in copy.items() if not k.startswith("_")}
    if ctx.template == PLAN:
        return prefilled_part(prefill(ctx.master, ctx.unit, meta.get("period")))
    return None


def _kind(key: str, field: str):
    if key in ("economy", "investments") and (field == "outcome" or (field[:1] == "o" and field[1:].isdigit())):
        return OUTCOME_CHANGED
    return SPECIFIC.get((key, field), CHANGED)


def check(ctx):
    meta = ctx.doc.get("meta") or {}
    if not meta.get("hash") or content_hash(ctx.doc) == meta["hash"]:
        return  # nothing the unit was sent has been changed
    if ctx.unit not in ctx.master.by_id or ctx.master.period(meta.get("period")) is None:
        return  # the identity rule reports this
    expected = _sent(ctx, meta)
    if expected is None:
        yield ctx.at(CHANGED_UNSEEN, "/meta/hash")
        return
    actual = prefilled_part(ctx.doc)
    labels = {s["key"]: ({c["key"]: c.get("header") or c.get("label") for c in s.get("columns", s.get("fields", []))}, s["name"])
              for s in ctx.read.layout["sheets"]}
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
                if ctx.template != PLAN and key == "activities":
                    yield ctx.at(CARRIED_DELETED, f"/{key}", value=rid)
                elif key != "activities":  # a missing locked activity is the locked rule's finding
                    yield ctx.at(ROW_MISSING, f"/{key}", value=rid)
                continue
            current = ctx.doc[key][index[rid]]
            for field, value in row.items():
                now = got.get(rid, {}).get(field) if rid in got else current.get(field)
                if now != value:
                    found += 1
                    yield ctx.at(_kind(key, field), f"/{key}/{index[rid]}/{field}", field=fields.get(field, field),
                                 value=current.get(field), params={"expected": _show(value)})
    if not found and not ctx.missing:
        yield ctx.at(UNEXPLAINED, "/meta/hash")


def _show(value):
    if isinstance(value, list):
        return ", ".join(map(show, value))
    return show(value)
