"""The report's Föregående år sheet: each level's outcome to date beside the same months of the
previous year, when the imported ledger holds that year (kr; costs +, income −, as the ledger).
Both years are summed over the same units: those taken in this period (a unit that has not
handed in would otherwise be in last year's sum only: T1 of the demo showed −8 % for +4 %)."""
from __future__ import annotations

from rodtrad.consolidator.imports.ledger import MONTHS
from rodtrad.consolidator.reports.book import KR, PCT, col
from rodtrad.consolidator.rollup.snapshot import outcome_by_unit


def sheet(report, history=None, levels: dict | None = None) -> None:
    """Add the sheet to a NodeReport (follow-ups; nothing when the ledger lacks the previous year).
    `levels`: the report's words for the organisation's levels. Last year's outcome is the one the
    consolidation used (`Outcomes.used`, snapshot.py), else the History store's imported ledger."""
    if not report.follow:
        return
    year, month = int(report.period.date[:4]), int(report.period.date[5:7])
    used = getattr(report.r.outcomes, "used", None)
    if used is not None:
        before = used.last_year
    elif history is not None:
        before = outcome_by_unit(history.con, year - 1, month)
    else:
        return
    if not before:
        return
    months = MONTHS[0] if month == 1 else f"{MONTHS[0]}–{MONTHS[month - 1]}"
    ws = report.book.sheet("Föregående år", f"Utfall {months} {year} och samma period {year - 1}",
                           "Kronor, kostnader positiva. I år: enheternas utfall t.o.m. perioden (blad Ekonomi); "
                           f"föregående år: huvudbokens utfall för samma månader {year - 1}, för samma enheter "
                           "(de som lämnat in i år).")
    rows = []
    for depth, nid in report.shown:
        node = report.m.by_id[nid]
        now = report.r.economy(nid).outcome
        then = round(sum(before.get(f.unit, 0.0) for f in report.r.included(nid)), 2)  # the same units as `now`
        now = round(now, 2)  # öre: sums of floats must not carry noise like 10421236.10999995 into a cell
        change = round(now - then, 2)
        rows.append([(levels or {}).get(node.level, node.level), nid, "  " * depth + node.name, now, then, change,
                     change / abs(then) if then else None])
    report.book.table(ws, [col("Nivå", 12), col("Ansvarskod", 11), col("Namn", 40), col(f"Utfall {year} (kr)", 16, KR),
                           col(f"Utfall {year - 1} (kr)", 16, KR), col("Förändring (kr)", 16, KR),
                           col("Förändring %", 12, PCT)], rows, name="ForegaendeAr")
