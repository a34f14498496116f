"""A follow-up that answers for a goal, indicator or uppdrag the master data no longer has.

The workbook went out when the goal existed; if the economy department has since removed it from
styrmodell.xlsx, the roll-up has nowhere to put the unit's answer. That is not the unit's mistake
(a warning, the file still counts), but it must never be a silent drop: the finding names what was
removed and, in a consolidation, how many units' answers are left out (`count_removed`).
"""
from rodtrad.consolidator.model.findings import WARNING, define

TEMPLATES = ("follow",)

REMOVED = define(
    "link.removed_from_master", WARNING,
    "{what} {value} finns inte längre i styrmodellen; {answers} räknas inte.",
    "{what_en} {value} is no longer in the master data; {answers_en} not counted.",
    "Ekonomiavdelningen: lägg tillbaka {value} i styrmodell.xlsx om svaren ska räknas, eller skicka ut nya arbetsböcker.",
    "Economy department: put {value} back in styrmodell.xlsx for the answers to count, or send out new workbooks.")

# sheet key -> (what it is, in Swedish and English; the answer, one unit's and many units')
KINDS = {"assessments": ("Mål", "Goal", "enhetens bedömning", "{n} enheters bedömningar", "the unit's assessment is",
                         "{n} units' assessments are"),
         "indicators": ("Nyckeltalet", "Indicator", "enhetens utfall", "{n} enheters utfall", "the unit's outcome is",
                        "{n} units' outcomes are"),
         "uppdrag": ("Uppdraget", "Assignment", "enhetens status", "{n} enheters status", "the unit's status is",
                     "{n} units' statuses are")}
OWN_GOAL = "Enhetens mål"  # followup.OWN_GOAL: a unit's own goals are its own, not the master data's


def known(master, key: str) -> set[str]:
    if key == "assessments":
        return set(master.goal_by_id) | {c.id for c in master.commitments}
    if key == "indicators":
        return {i.id for i in master.indicators}
    return {u.id for u in master.uppdrag}


def check(ctx):
    for key, (what, what_en, one, _, one_en, _) in KINDS.items():
        if key in ctx.missing:
            continue
        ids = known(ctx.master, key)
        for i, row in ctx.rows(key):
            rid = row.get("id")
            if not rid or rid in ids or (key == "assessments" and row.get("level") == OWN_GOAL):
                continue
            yield ctx.at(REMOVED, f"/{key}/{i}/id", value=rid,
                         params={"what": what, "what_en": what_en, "answers": one, "answers_en": one_en, "key": key})


def count_removed(tasks) -> dict[tuple[str, str], int]:
    """In a batch: each finding of a removed item says how many units' answers are left out.
    Returns (sheet key, id) -> number of files."""
    found = [f for t in tasks for f in t.findings if f.code == REMOVED.code]
    counts: dict[tuple[str, str], int] = {}
    for f in found:
        key = (f.params.get("key", ""), str(f.value))
        counts[key] = counts.get(key, 0) + 1
    for f in found:
        key = f.params.get("key", "")
        n = counts[(key, str(f.value))]
        _, _, _, many, _, many_en = KINDS.get(key, KINDS["assessments"])
        f.params = {**f.params, "answers": many.format(n=n), "answers_en": many_en.format(n=n)}
    return counts
