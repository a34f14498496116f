"""Each account's months add up to its frame, where the municipality's rules require it."""
from rodtrad.consolidator.model.document import MONTHS
from rodtrad.consolidator.model.findings import ERROR, define

TEMPLATES = ("plan",)  # the follow-up checks carried rows and its economy in rules/followup.py

MISMATCH = define("budget.frame_mismatch", ERROR,
                  "Konto {account}: månaderna summerar till {total} kr men ramen är {frame} kr (skillnad {diff} kr).",
                  "Account {account}: the months add up to {total} SEK but the frame is {frame} SEK (difference {diff}).",
                  "Fördela om beloppen mellan månaderna så att summan blir lika med ramen.",
                  "Move amounts between months so that the total equals the frame.")


def kr(amount) -> str:
    return f"{amount:,.0f}".replace(",", " ")


def check(ctx):
    if not ctx.master.rules.get("budget_must_match_frame"):
        return
    for i, row in ctx.rows("budget"):
        if row.get("frame") is None:
            continue
        total = sum(row.get(m) or 0 for m in MONTHS)
        if round(total - row["frame"]) != 0:
            yield ctx.at(MISMATCH, f"/budget/{i}/total", field="Summa", value=total,
                         params={"account": row.get("account"), "total": kr(total), "frame": kr(row["frame"]),
                                 "diff": kr(total - row["frame"])})
