"""The report's Investeringar sheet: each project of the node (budget, outcome to date, forecast,
deviation), and in the KF report the self-financing degree of the year's net investments."""
from __future__ import annotations

from rodtrad.consolidator.rollup import closing, investments
from rodtrad.consolidator.reports.book import KR, PCT, col


def sheet(report, history=None) -> None:
    """Add the sheet to a NodeReport (follow-ups only; nothing when the node has no projects).
    `history`: the History store, whose file holds the imported investment outcome."""
    if not report.follow or not report.m.projects:
        return
    date = report.period.date
    spent = investments.outcome(history.con, int(date[:4]), int(date[5:7])) if history is not None else {}
    final = report.period.kind == "helår"
    under = {nid for _, nid in report.r.subtree(report.node.id)}
    projects = [p for p in investments.figures(report.m, spent, final) if report.is_kf or p.board in under]
    if not projects:
        return
    book = report.book
    ws = book.sheet("Investeringar", "Investeringsredovisning per projekt",
                    "Kronor. Utfall ur huvudboken (projektdimensionen) t.o.m. perioden. Prognos helår: "
                    + ("utfallet." if final else "projektets budget för året (minst utfallet hittills); "
                       "nämnderna lämnar ännu ingen egen prognos per projekt."))
    rows = [[p.id, p.name, report.m.by_id[p.board].name if p.board in report.m.by_id else p.board, p.total, p.budget,
             p.outcome, p.forecast, p.deviation, p.start, p.end] for p in projects]
    total = [sum(p.budget or 0 for p in projects), sum(p.outcome for p in projects),
             sum(p.forecast or 0 for p in projects)]
    rows.append(["Summa", "", "", sum(p.total or 0 for p in projects), total[0], total[1], total[2], total[0] - total[2],
                 None, None])
    book.table(ws, [col("Projekt", 10), col("Namn", 36, wrap=True), col("Nämnd", 24), col("Total budget (kr)", 16, KR),
                    col("Årets budget (kr)", 16, KR), col("Utfall t.o.m. perioden (kr)", 18, KR),
                    col("Prognos helår (kr)", 16, KR), col("Avvikelse mot budget (kr)", 18, KR),
                    col("Start", 12), col("Slut", 12)], rows, name="Investeringar")
    if not report.is_kf:
        return
    e = report.r.economy(report.node.id)
    units = e.outcome if final else e.forecast
    net = investments.net_investments(report.m, projects)
    result = closing.result(report.m.closing, units)
    degree = investments.self_financing(report.m, units, net)
    ws.gap()
    ws.line(["Självfinansieringsgrad av nettoinvesteringarna " + ("(utfall)" if final else "(prognos)")], ["label"])
    ws.line(["Årets resultat (kr)", result], ["label", KR])
    ws.line(["Avskrivningar (kr)", report.m.closing.get("depreciation_sek", 0)], ["label", KR])
    ws.line(["Nettoinvesteringar (kr)", net], ["label", KR])
    ws.line(["Självfinansieringsgrad", None if degree is None else degree / 100], ["label", PCT])
    if degree is None:
        ws.line(["Fyll i skatteintäkter och avskrivningar på bladet Balanskrav i styrmodell.xlsx för att få "
                 "självfinansieringsgraden."], ["label"])
