"""The report's Investeringar sheet: each project of the node (budget, outcome to date, forecast,
deviation), and in the KF report the self-financing degree of the year's net investments."""
from __future__ import annotations

import datetime as dt

from rodtrad.consolidator.rollup import closing, investments
from rodtrad.consolidator.reports.book import KR, PCT, col
from rodtrad.consolidator.rollup.facts import Source


def sheet(report, history=None) -> None:
    """Add the sheet to a NodeReport (follow-ups only; nothing when the node has no projects).
    The outcome to date is what the consolidation read (`Outcomes.invested`), else the History
    store's imported outcome; the forecast and comment are the follow-ups' answers (`answers`)."""
    if not report.follow or not report.m.projects:
        return
    date = report.period.date
    spent = getattr(report.r.outcomes, "invested", None)
    if spent is None:
        spent = investments.outcome(history.con, int(date[:4]), int(date[5:7])) if history is not None else {}
    final = report.period.kind == "helår"
    under = {nid for _, nid in report.r.subtree(report.node.id)}
    given = investments.answers(report.r.facts, report.r.own)
    projects = [p for p in investments.figures(report.m, spent, final, given) if report.is_kf or p.board in under]
    if not projects:
        return
    book = report.book
    fallback = "utfallet" if final else "projektets budget för året (minst utfallet hittills)"
    ws = book.sheet("Investeringar", "Investeringsredovisning per projekt",
                    "Kronor. Utfall ur huvudboken (projektdimensionen) t.o.m. perioden. Prognos helår: den som "
                    f"nämnden, förvaltningen eller enheten lämnade i sin uppföljning; utan en sådan {fallback}. "
                    "Avvikelse = budget − prognos: ett positivt tal är lägre utgifter än budgeterat.")
    rows = [[p.id, p.name, report.m.by_id[p.board].name if p.board in report.m.by_id else p.board, _ore(p.total),
             _ore(p.budget), _ore(p.outcome), _ore(p.forecast), _ore(p.deviation), _who(report.m, p.source, fallback),
             p.comment, _date(p.start), _date(p.end)]
            for p in projects]
    total = [_ore(sum(p.budget or 0 for p in projects)), _ore(sum(p.outcome for p in projects)),
             _ore(sum(p.forecast or 0 for p in projects))]
    rows.append(["Summa", "", "", _ore(sum(p.total or 0 for p in projects)), total[0], total[1], total[2],
                 _ore(total[0] - total[2]), None, None, None, None])
    first = book.table(ws, [col("Projekt", 10), col("Namn", 36, wrap=True), col("Nämnd", 24),
                            col("Total budget (kr)", 16, KR), col("Årets budget (kr)", 16, KR),
                            col("Utfall t.o.m. perioden (kr)", 18, KR), col("Prognos helår (kr)", 16, KR),
                            col("Avvikelse mot budget (kr)", 18, KR), col("Prognos lämnad av", 24, wrap=True),
                            col("Kommentar", 44, wrap=True), col("Start", 12, "yyyy-mm-dd"), col("Slut", 12, "yyyy-mm-dd")],
                       rows, name="Investeringar")
    for i, p in enumerate(projects):  # the forecast's cell in the answering workbook: `rodtrad trace`
        if p.source is not None:
            a = p.source
            book.figure(ws, f"G{first + i}", f"Prognos helår för projekt {p.id}",
                        [Source(a.node, a.file, a.sha256, "Investeringar", a.cell, p.forecast)],
                        f"investering/{p.id}/{report.node.id}")
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


def _ore(amount):
    """An amount in kr to the öre, so sums of floats carry no noise (1626032.379999999) into a cell."""
    return None if amount is None else round(amount, 2)


def _date(text):
    """A project's start or end (ISO text in the master data) as a date cell; kept as it is when not a date."""
    try:
        return dt.date.fromisoformat(str(text)[:10]) if text else None
    except ValueError:
        return text


def _who(master, answer, fallback: str) -> str:
    """Who gave a project's forecast, as the report says it."""
    if answer is None:
        return f"ingen prognos lämnad: {fallback}"
    node = master.by_id.get(answer.node)
    name = node.name if node else answer.node
    return {"nämnd": f"nämnden ({name})", "förvaltning": f"förvaltningen ({name})"}.get(answer.level, f"enheten {name}")
