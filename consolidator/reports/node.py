"""The report of one organisation node: the KF report is the root's, a board report a board's."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from openpyxl.chart import BarChart, Reference
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import PatternFill

from .. import workbook as wbk
from ..masterdata import Period
from ..rollup import GREEN, NONE, RED, YELLOW, Rollup, risk_class, score
from .book import KR, NUM, PCT, ReportBook, col

FILLS = {GREEN: "C6EFCE", YELLOW: "FFEB9C", RED: "FFC7CE"}
LEVEL = {"kf": "KF", "styrelse": "Styrelse", "nämnd": "Nämnd", "förvaltning": "Förvaltning", "verksamhet": "Verksamhet",
         "enhet": "Enhet", "koncern": "Koncern", "bolag": "Bolag"}


@dataclass
class Submission:
    """One unit's standing in this consolidation (from the validation of its file, or its absence)."""

    unit: str
    status: str  # godkänd / fel / fel, medräknad / saknas
    file: str = ""
    errors: int = 0
    warnings: int = 0


def colour_lights(ws, rng: str) -> None:
    for word, fill in FILLS.items():
        ws.conditional_formatting.add(rng, CellIsRule(operator="equal", formula=[f'"{word}"'],
                                                      fill=PatternFill("solid", fgColor=fill)))


def _action_plan_needed(rollup: Rollup, deviation: float, pct) -> bool:
    rules = rollup.master.rules
    over_sek = rules.get("action_plan_sek") is not None and abs(deviation) > rules["action_plan_sek"]
    over_pct = rules.get("action_plan_pct") is not None and pct is not None and abs(pct) * 100 > rules["action_plan_pct"]
    return bool(over_sek or over_pct)


def write(rollup: Rollup, node_id: str, period: Period, submissions: dict[str, Submission], path: Path,
          history=None) -> ReportBook:
    m = rollup.master
    node = m.by_id[node_id]
    units = rollup.units_under[node_id]
    included = rollup.included(node_id)
    book = ReportBook(f"{node.name} – {period.name}",
                      f"{m.name} · {period.name} · {len(included)} av {len(units)} enheter sammanställda")
    _summary(book, rollup, node_id, period)
    _goal_chain(book, rollup, node_id)
    _indicators(book, rollup, node_id, history)
    _economy(book, rollup, node_id)
    _accounts(book, rollup, node_id)
    _activities(book, rollup, node_id)
    _uppdrag(book, rollup, node_id)
    _internal_control(book, rollup, node_id)
    _deviations(book, rollup, node_id)
    _texts(book, rollup, node_id)
    _submissions(book, rollup, node_id, submissions)
    _history(book, rollup, node_id, period, history)
    book.save(path)
    return book


def _goals_for(rollup: Rollup, node_id: str):
    """The goals a node reports on: KF goals, and the goals owned by boards in its subtree."""
    owners = {i for _, i in rollup.subtree(node_id)}
    kf = rollup.master.goals_at("kf")
    boards = [g for g in rollup.master.goals if g.level != "kf" and g.owner in owners]
    if rollup.master.by_id[node_id].level != "kf":
        served = {p for g in boards for p in g.parents}
        kf = [g for g in kf if g.id in served]
    return kf, boards


def _summary(book, rollup, node_id, period):
    m = rollup.master
    ws = book.sheet("Sammanfattning", book.title)
    kf, boards = _goals_for(rollup, node_id)
    persp = {p.id: p.name for p in m.perspectives}
    rows = []
    for g in kf + boards:
        counts = rollup.assessments(node_id, g.id)
        rows.append([g.id, g.text, persp.get(g.perspective, ""), rollup.goal_light(g.id),
                     counts[GREEN], counts[YELLOW], counts[RED], counts[NONE]])
    first = book.table(ws, [col("Id", 8), col("Mål", 60, wrap=True), col("Perspektiv", 22), col("Trafikljus", 11),
                            col("Enheter grön", 9, "0"), col("gul", 7, "0"), col("röd", 7, "0"), col("ej bedömt", 9, "0")],
                       rows, name="Mal")
    colour_lights(ws, f"D{first}:D{first + len(rows)}")
    for r, g in enumerate(kf + boards, start=first):
        book.figure(ws, f"D{r}", f"Trafikljus för {g.id} ur nyckeltalens utfall mot målvärden", [])
    top = first + len(rows) + 2
    children = m.children.get(node_id, []) or [m.by_id[node_id]]
    eco_rows = []
    for child in children:
        e = rollup.economy(child.id)
        eco_rows.append([child.id, child.name, e.frame, e.budget, e.deviation, e.deviation_pct])
    wbk.style(ws.cell(row=top - 1, column=1, value="Ekonomi per " + ("nämnd" if m.by_id[node_id].level == "kf" else "nivå under")),
              "label")
    first_eco = book.table(ws, [col("Ansvarskod", 11), col("Namn", 36), col("Ram (kr)", 15, KR), col("Budget (kr)", 15, KR),
                                col("Avvikelse (kr)", 15, KR), col("Avvikelse %", 11, PCT)], eco_rows, top=top,
                           name="EkonomiSammanfattning", freeze=False)
    for r, child in enumerate(children, start=first_eco):
        book.figure(ws, f"D{r}", f"Budget {child.name}", rollup.economy_sources(child.id))
    chart = BarChart()
    chart.type = "bar"
    chart.title = "Budget och ram per " + ("nämnd" if m.by_id[node_id].level == "kf" else "enhet")
    chart.y_axis.title = "kr"
    chart.y_axis.numFmt = KR
    data = Reference(ws, min_col=3, max_col=4, min_row=first_eco - 1, max_row=first_eco + len(eco_rows) - 1)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=2, min_row=first_eco, max_row=first_eco + len(eco_rows) - 1))
    chart.height, chart.width = 8 + 0.4 * len(eco_rows), 18
    ws.add_chart(chart, f"J{top}")
    counts = rollup.activity_counts(node_id)
    top = first_eco + len(eco_rows) + 2
    status_rows = [["Aktiviteter", k, v] for k, v in sorted(counts["status"].items())]
    upp = rollup.uppdrag(node_id)
    status_rows += [["Uppdrag", u["uppdrag"].status or "-", 1] for u in upp]
    merged = {}
    for kind, status, n in status_rows:
        merged[(kind, status)] = merged.get((kind, status), 0) + n
    goal_total = sum(len(v) for v in rollup.unit_goals_under(node_id).values())
    rows = [[k, s, n] for (k, s), n in merged.items()] + [["Enheternas mål", "antal", goal_total]]
    book.table(ws, [col("Vad", 20), col("Status", 18), col("Antal", 10, "0")], rows, top=top, name="Antal", freeze=False)


def _goal_chain(book, rollup, node_id):
    ws = book.sheet("Målkedja", "Målkedjan: KF-mål > nämndmål > enheternas mål")
    kf, boards = _goals_for(rollup, node_id)
    by_parent = rollup.unit_goals_under(node_id)
    rows = []
    for goal in kf:
        rows.append(["KF-mål", goal.id, goal.text, "", "", rollup.goal_light(goal.id)])
        for board_goal in [g for g in boards if goal.id in g.parents]:
            rows.append(["  Nämndmål", board_goal.id, board_goal.text, goal.id, rollup.master.by_id[board_goal.owner].name,
                         rollup.goal_light(board_goal.id)])
            for facts, own in by_parent.get(board_goal.id, []):
                rows.append(["    Enhetens mål", own["id"], own["text"], board_goal.id,
                             rollup.master.by_id[facts.unit].name, own.get("assessment") or NONE])
    for board_goal in [g for g in boards if not set(g.parents) & {k.id for k in kf}]:
        rows.append(["Nämndmål", board_goal.id, board_goal.text, "", rollup.master.by_id[board_goal.owner].name,
                     rollup.goal_light(board_goal.id)])
    first = book.table(ws, [col("Nivå", 16), col("Id", 9), col("Mål", 70, wrap=True), col("Kopplat till", 12),
                            col("Ägare / enhet", 30), col("Trafikljus / bedömning", 14)], rows, name="Malkedja")
    colour_lights(ws, f"F{first}:F{first + len(rows)}")


def _indicators(book, rollup, node_id, history):
    ws = book.sheet("Nyckeltal", "Nyckeltal: målvärde, utfall och enheternas egna målvärden",
                    "Utfall i en planperiod är det senast kända värdet (utgångsvärdet i styrmodellen).")
    kf, boards = _goals_for(rollup, node_id)
    goal_ids = {g.id for g in kf + boards}
    indicators = [i for i in rollup.master.indicators if goal_ids & set(i.goals)]
    rows = []
    for ind in indicators:
        agg, sources = rollup.indicator_targets(node_id, ind)
        rows.append([ind.id, ind.name, ind.unit, ind.direction, ind.baseline, ind.target, rollup.outcomes.get(ind.id),
                     rollup.indicator_light(ind), agg, ind.aggregation, len(sources), ", ".join(ind.goals)])
    first = book.table(ws, [col("Id", 7), col("Nyckeltal", 44, wrap=True), col("Enhet", 8), col("Riktning", 9),
                            col("Utgångsvärde", 12, NUM), col("Målvärde", 11, NUM), col("Utfall", 11, NUM),
                            col("Trafikljus", 11), col("Enheternas målvärde", 13, NUM), col("Aggregering", 12),
                            col("Antal enheter", 10, "0"), col("Mål", 14)], rows, name="Nyckeltal")
    colour_lights(ws, f"H{first}:H{first + len(rows)}")
    for r, ind in enumerate(indicators, start=first):
        book.figure(ws, f"I{r}", f"Enheternas målvärde för {ind.id} ({ind.aggregation})",
                    rollup.indicator_targets(node_id, ind)[1])


def _economy(book, rollup, node_id):
    ws = book.sheet("Ekonomi", "Ekonomi per nivå: ram, budget och avvikelse (kr)",
                    "Avvikelse = budget − ram. Åtgärdsplan krävs när avvikelsen överstiger reglerna i styrmodellen.")
    rows, nodes = [], rollup.subtree(node_id)
    for depth, nid in nodes:
        n, e = rollup.master.by_id[nid], rollup.economy(nid)
        rows.append([LEVEL.get(n.level, n.level), nid, "  " * depth + n.name, e.frame, e.budget, e.deviation,
                     e.deviation_pct, "Ja" if _action_plan_needed(rollup, e.deviation, e.deviation_pct) else "Nej"])
    first = book.table(ws, [col("Nivå", 12), col("Ansvarskod", 11), col("Namn", 40), col("Ram (kr)", 15, KR),
                            col("Budget (kr)", 15, KR), col("Avvikelse (kr)", 15, KR), col("Avvikelse %", 11, PCT),
                            col("Åtgärdsplan krävs", 12)], rows, name="Ekonomi")
    for r, (_, nid) in enumerate(nodes, start=first):
        book.figure(ws, f"E{r}", f"Budget {rollup.master.by_id[nid].name}", rollup.economy_sources(nid))


def _accounts(book, rollup, node_id):
    ws = book.sheet("Ekonomi per konto", "Budget per konto och månad (kr)")
    names = {a.id: a.name for a in rollup.master.accounts}
    by_account = rollup.economy_by_account(node_id)
    rows = [[acc, names.get(acc, ""), e.frame, e.budget, e.deviation, *e.months] for acc, e in sorted(by_account.items())]
    months = ["Jan", "Feb", "Mar", "Apr", "Maj", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dec"]
    first = book.table(ws, [col("Konto", 8), col("Kontonamn", 28), col("Ram (kr)", 14, KR), col("Budget (kr)", 14, KR),
                            col("Avvikelse (kr)", 14, KR)] + [col(mo, 11, KR) for mo in months], rows, name="Konton")
    for r, acc in enumerate(sorted(by_account), start=first):
        book.figure(ws, f"D{r}", f"Budget konto {acc}", rollup.economy_sources(node_id, acc))


def _activities(book, rollup, node_id):
    ws = book.sheet("Aktiviteter", "Enheternas aktiviteter")
    persp = {p.id: p.name for p in rollup.master.perspectives}
    rows = [[f.unit, rollup.master.by_id[f.unit].name, a["id"], "Ja" if a.get("locked") else "Nej", a.get("text"),
             a.get("link"), persp.get(a.get("perspective"), a.get("perspective")), a.get("start"), a.get("end"),
             a.get("responsible"), a.get("status") or ("låst" if a.get("locked") else "planerad"), a.get("comment")]
            for f, a in rollup.activities(node_id)]
    book.table(ws, [col("Ansvarskod", 11), col("Enhet", 26), col("Id", 7), col("Låst", 6), col("Aktivitet", 50, wrap=True),
                    col("Kopplad till", 12), col("Perspektiv", 20), col("Start", 11), col("Slut", 11), col("Ansvarig", 20),
                    col("Status", 11), col("Kommentar", 36, wrap=True)], rows, name="Aktiviteter")


def _uppdrag(book, rollup, node_id):
    ws = book.sheet("Uppdrag", "Uppdrag från KF: status och enheternas bidrag")
    rows = []
    for u in rollup.uppdrag(node_id):
        upp = u["uppdrag"]
        contributions = "\n".join(f"{rollup.master.by_id[f.unit].name}: {text}" for f, (text, _) in u["answered"])
        rows.append([upp.id, upp.text, ", ".join(rollup.master.by_id[b].name for b in upp.boards if b in rollup.master.by_id),
                     upp.resources, upp.deadline, upp.status, u["units"], len(u["answered"]), contributions])
    book.table(ws, [col("Id", 8), col("Uppdrag", 50, wrap=True), col("Nämnder", 30, wrap=True), col("Resurser (kr)", 14, KR),
                    col("Deadline", 11), col("Status", 12), col("Enheter", 9, "0"), col("Med bidrag", 10, "0"),
                    col("Enheternas bidrag", 70, wrap=True)], rows, name="Uppdrag")


def _internal_control(book, rollup, node_id):
    ws = book.sheet("Intern kontroll", "Intern kontroll: enheternas risker (sannolikhet × konsekvens)")
    rows = [[f.unit, rollup.master.by_id[f.unit].name, r.get("risk"), r.get("probability"), r.get("consequence"),
             score(r), risk_class(score(r)), r.get("control"), r.get("responsible")] for f, r in rollup.risks(node_id)]
    rows.sort(key=lambda row: -(row[5] or 0))
    first = book.table(ws, [col("Ansvarskod", 11), col("Enhet", 26), col("Risk", 40, wrap=True), col("Sannolikhet", 11, "0"),
                            col("Konsekvens", 11, "0"), col("Riskvärde", 10, "0"), col("Klass", 8), col("Kontrollmoment", 40, wrap=True),
                            col("Ansvarig", 20)], rows, name="InternKontroll")
    colour_lights(ws, f"G{first}:G{first + len(rows)}")


def _deviations(book, rollup, node_id):
    ws = book.sheet("Avvikelser", "Avvikelser mot ram per enhet",
                    "Enheter vars budget avviker från ramen; åtgärdsplan krävs enligt styrmodellens regler.")
    rows = []
    for f in rollup.included(node_id):
        e = rollup.economy(f.unit)
        if round(e.deviation) != 0:
            rows.append([f.unit, rollup.master.by_id[f.unit].name, e.frame, e.budget, e.deviation, e.deviation_pct,
                         "Ja" if _action_plan_needed(rollup, e.deviation, e.deviation_pct) else "Nej"])
    book.table(ws, [col("Ansvarskod", 11), col("Enhet", 30), col("Ram (kr)", 14, KR), col("Budget (kr)", 14, KR),
                    col("Avvikelse (kr)", 14, KR), col("Avvikelse %", 11, PCT), col("Åtgärdsplan krävs", 12)], rows,
               name="Avvikelser")


def _texts(book, rollup, node_id):
    ws = book.sheet("Texter", "Enheternas texter under målen de hör till")
    rows = []
    for goal_id, pairs in sorted(rollup.unit_goals_under(node_id).items(), key=lambda kv: str(kv[0])):
        goal = rollup.master.goal_by_id.get(goal_id)
        for facts, own in pairs:
            rows.append([goal_id or "-", goal.text if goal else "", rollup.master.by_id[facts.unit].name,
                         "Enhetens mål", own.get("text"), own.get("comment")])
    for facts in rollup.included(node_id):
        if facts.summary[0]:
            rows.append(["-", "", rollup.master.by_id[facts.unit].name, "Sammanfattning", facts.summary[0], None])
    book.table(ws, [col("Mål", 9), col("Målet", 40, wrap=True), col("Enhet", 26), col("Typ", 16),
                    col("Text", 70, wrap=True), col("Kommentar", 40, wrap=True)], rows, name="Texter")


def _submissions(book, rollup, node_id, submissions):
    ws = book.sheet("Inlämning", "Inlämning per enhet", "Saknas = ingen fil i inkorgen. Fel = filen har fel och är inte medräknad.")
    rows = []
    for unit in rollup.units_under[node_id]:
        n, s = rollup.master.by_id[unit], submissions.get(unit) or Submission(unit, "saknas")
        rows.append([unit, n.name, n.manager, n.email, s.status, s.file, s.errors, s.warnings])
    first = book.table(ws, [col("Ansvarskod", 11), col("Enhet", 30), col("Chef", 22), col("E-post", 32), col("Status", 16),
                            col("Fil", 40), col("Fel", 7, "0"), col("Varningar", 9, "0")], rows, name="Inlamning")
    rng = f"E{first}:E{first + len(rows)}"
    ws.conditional_formatting.add(rng, CellIsRule(operator="equal", formula=['"godkänd"'], fill=PatternFill("solid", fgColor=FILLS[GREEN])))
    ws.conditional_formatting.add(rng, CellIsRule(operator="equal", formula=['"saknas"'], fill=PatternFill("solid", fgColor=FILLS[YELLOW])))
    ws.conditional_formatting.add(rng, CellIsRule(operator="equal", formula=['"fel"'], fill=PatternFill("solid", fgColor=FILLS[RED])))


def _history(book, rollup, node_id, period, history):
    ws = book.sheet("Historik", "Tidigare perioder", "Ur arbetsytans historik: samma enheter, varje sammanställd period.")
    rows = []
    if history is not None:
        periods = history.periods(period.date)
        for pid, (frame, budget, outcome, forecast) in sorted(history.economy_totals(rollup.units_under[node_id], periods).items(),
                                                              key=lambda kv: periods.index(kv[0])):
            rows.append([pid, frame, budget, outcome, forecast])
    book.table(ws, [col("Period", 14), col("Ram (kr)", 15, KR), col("Budget (kr)", 15, KR), col("Utfall (kr)", 15, KR),
                    col("Prognos (kr)", 15, KR)], rows, name="Historik")
