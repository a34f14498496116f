"""The report of one organisation node: the KF report is the root's, a board report a board's.

The same code writes both. A board report lists its units in detail (activities, risks, texts,
economy per unit); the KF report stays at the level politicians read (goals, indicators, economy
down to verksamhet, counts per board) and points to the board reports for the detail.

Lineage is a chain of direct sources: a unit's figure comes from cells in its file; a total
comes from the figures it adds up, in this report or in a board report. Every figure reaches
file cells in a few steps, and the lineage grows with the number of nodes, not nodes × units.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from openpyxl.chart import BarChart, Reference
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import PatternFill

from rodtrad.consolidator.rollup import closing
from rodtrad.consolidator.rollup.facts import Source
from rodtrad.consolidator.model.grading import GRADES
from rodtrad.consolidator.model.grading import SHORT, distribution
from rodtrad.consolidator.model.masterdata import FILE_NAME as MASTER_FILE, Period
from rodtrad.consolidator.model.grading import GREEN, NONE, RED, YELLOW, activity_status, risk_class, score
from rodtrad.consolidator.rollup.rollup import Rollup
from rodtrad.consolidator.model.workspace import safe_name
from rodtrad.consolidator.reports.book import KR, PCT, ReportBook, col
from rodtrad.consolidator.model import terms
from rodtrad.consolidator.reports import compass
from rodtrad.consolidator.reports import lights
from rodtrad.consolidator.reports.investments import sheet as investment_sheet
from rodtrad.consolidator.reports.peers import peer_text
from rodtrad.consolidator.reports.previous_year import sheet as previous_year_sheet
from rodtrad.consolidator.model.words import count

FILLS = {GREEN: "C6EFCE", YELLOW: "FFEB9C", RED: "FFC7CE"}
LEVEL = {"kf": "KF", "styrelse": "Styrelse", "nämnd": "Nämnd", "förvaltning": "Förvaltning", "verksamhet": "Verksamhet",
         "enhet": "Enhet", "koncern": "Koncern", "bolag": "Bolag"}
BOARD_LEVELS = ("nämnd", "styrelse", "koncern")
SHORT_WORDS = tuple((name, word) for word, name in SHORT)  # "delvis" -> the light word
WORDS = {v: k for k, v in GRADES.items()}  # traffic-light word -> the assessment as the level chose it
FIRST = 5  # a sheet's first data row: title, note, a blank line, then the table's header in row 4
STATUS_ORDER = ["planerad", "låst", "Ej påbörjad", "Pågår", "Försenad", "Klar", "Avbruten"]  # activity count columns
IND = lights.INDICATOR_FORMAT
DATE = "yyyy-mm-dd"  # a date cell (sortable, filterable) shown as Swedish dates are written


def as_date(value):
    """An ISO date ("2027-10-31") as a date cell; anything else (a unit's unreadable text) as it is."""
    if isinstance(value, str) and len(value) == 10:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value
MONTHS = ["Jan", "Feb", "Mar", "Apr", "Maj", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dec"]


@dataclass
class Submission:
    """One unit's standing in this consolidation (from the validation of its file, or its absence)."""

    unit: str
    status: str  # godkänd / fel / fel, medräknad / saknas
    file: str = ""
    errors: int = 0
    warnings: int = 0


def kf_report_name(period: Period, master=None) -> str:
    """The KF report's file name: the model's word for it (Begrepp `kf_report`, default "KF-rapport")
    and the period id, e.g. "KF-rapport 2027-delar.xlsx"."""
    word = terms.of(master).kf_report if master is not None else terms.DEFAULTS["kf_report"]
    return safe_name(f"{word} {period.id}") + ".xlsx"


def board_report_name(master, board_id: str, period: Period) -> str:
    """A board's report: "<board_report> <id> <name> <period>.xlsx" (Begrepp `board_report`, default "Nämndrapport")."""
    return safe_name(f"{terms.of(master).board_report} {board_id} {master.by_id[board_id].name} {period.id}") + ".xlsx"


def colour_lights(sheet, rng: str) -> None:
    for word, fill in FILLS.items():
        sheet.ws.conditional_formatting.add(rng, CellIsRule(operator="equal", formula=[f'"{word}"'],
                                                            fill=PatternFill("solid", fgColor=fill)))


class NodeReport:
    def __init__(self, rollup: Rollup, node_id: str, period: Period, submissions: dict[str, Submission], name: str):
        self.r, self.m = rollup, rollup.master
        self.t = terms.of(self.m)  # the model's own words for its levels and perspectives
        self.node, self.period, self.submissions, self.name = self.m.by_id[node_id], period, submissions, name
        self.is_kf = self.node.level == "kf"
        self.follow = rollup.follow  # a follow-up: forecasts against budget, not budget against frame
        self.boards = {n.id for n in self.m.org if n.level in BOARD_LEVELS}
        included = rollup.included(node_id)
        self.book = ReportBook(f"{self.node.name} – {period.name}",
                               f"{self.m.name} · {period.name} · {len(included)} av "
                               f"{len(rollup.units_under[node_id])} enheter sammanställda")
        # the nodes this report lists in its economy: KF stops above the units
        self.shown = [(d, n) for d, n in rollup.subtree(node_id) if not (self.is_kf and self.m.is_unit(n))]
        self.row_of = {n: FIRST + i for i, (_, n) in enumerate(self.shown)}
        self._indicator_lists: dict[str, list] = {}

    # -- lineage helpers --------------------------------------------------------------------

    def here(self, sheet: str, cell: str, value, node: str = "") -> Source:
        return Source(node or self.node.id, self.name, "", sheet, cell, value)

    def board_cell(self, board: str, sheet: str, cell: str, value) -> Source:
        return Source(board, board_report_name(self.m, board, self.period), "", sheet, cell, value)

    def economy_sources(self, node_id: str) -> list[Source]:
        """A row's budget: its unit's cells, or the rows of its children."""
        if self.m.is_unit(node_id):
            return self.r.unit_budget_source(node_id)
        out = []
        for child in self.m.children.get(node_id, []):
            if child.id in self.row_of:
                out.append(self.here("Ekonomi", f"E{self.row_of[child.id]}", self.reported(self.r.economy(child.id)), child.id))
            else:
                out += self.r.unit_budget_source(child.id)
        return out

    def reported(self, e) -> float:
        """The figure a report's economy lineage follows: the budget in a plan, the forecast in a follow-up."""
        return e.forecast if self.follow else e.budget

    def money_columns(self) -> list:
        """The two amounts before the deviation: (ram, budget) in a plan, (budget, prognos) in a follow-up."""
        if self.follow:
            return [col("Budget (kr)", 15, KR), col("Prognos helår (kr)", 15, KR)]
        return [col("Ram (kr)", 15, KR), col("Budget (kr)", 15, KR)]

    def money(self, e) -> list:
        return [e.budget, e.forecast] if self.follow else [e.frame, e.budget]

    def child_boards(self) -> list[str]:
        return [n for _, n in self.r.subtree(self.node.id) if n in self.boards and n != self.node.id]

    # -- each level's own judgement (levels.py) ----------------------------------------------

    def own_word(self, goal, boards) -> str:
        """A board goal: its board's own assessment. A KF goal: how the boards assessed the goals serving it."""
        if goal.level != "kf":
            own = self.r.own_goal(goal.owner, goal.id)
            return WORDS.get(own.get("assessment"), "Ej bedömt") if own else ""
        counts = Counter()
        for bg in [b for b in boards if goal.id in b.parents]:
            own = self.r.own_goal(bg.owner, bg.id)
            if own:
                counts[own.get("assessment") or NONE] += 1
        return distribution(counts) if counts else ""

    def own_forecast(self, node_id: str):
        e = self.r.own_economy(node_id)
        return e.forecast if e else None

    def own_sources(self, node_id: str) -> list[Source]:
        facts = self.r.own.get(node_id)
        if facts is None:
            return []
        return [facts.source(facts.economy_sheet, facts.budget_range, sum(b["forecast"] or 0 for b in facts.budget.values()))]

    # -- the report -------------------------------------------------------------------------

    def write(self, path: Path, history=None) -> ReportBook:
        self.summary()
        self.goal_chain()
        self.indicators(history)
        self.economy()
        self.accounts()
        if self.follow:
            self.action_plans()
            investment_sheet(self, history)
            previous_year_sheet(self, history, LEVEL)
        self.activities()
        self.activity_goals()
        if self.t.compass:
            compass.write(self)
        self.uppdrag()
        self.internal_control()
        self.deviations()
        if not self.is_kf:
            self.texts()
        if self.follow and self.r.own_under(self.node.id):
            self.own_texts()
        if self.is_kf and self.period.kind in ("delår", "helår"):
            self.management_report()
        self.submissions_sheet()
        self.history(history)
        lights.legend(self.book, self.m, self.follow)
        self.book.save(path)
        return self.book

    def goals(self):
        """The goals this node reports on: KF goals, and the goals of boards in its subtree."""
        owners = {i for _, i in self.r.subtree(self.node.id)}
        kf = self.m.goals_at("kf")
        boards = [g for g in self.m.goals if g.level != "kf" and g.owner in owners]
        if not self.is_kf:
            served = {p for g in boards for p in g.parents}
            kf = [g for g in kf if g.id in served]
        return kf, boards

    def summary(self):
        book, r = self.book, self.r
        sheet = book.sheet("Sammanfattning", book.title)
        kf, boards = self.goals()
        persp = {p.id: p.name for p in self.m.perspectives}
        rows = []
        for g in kf + boards:
            counts = r.assessments(self.node.id, g.id)
            if g.level == "kf":  # units assess the board goals: a KF goal counts those serving it
                for bg in [b for b in boards if g.id in b.parents]:
                    counts.update(r.assessments(self.node.id, bg.id))
            row = [g.id, g.text, persp.get(g.perspective, ""), lights.goal_light(r, g.id), lights.basis(r, g.id),
                   counts[GREEN], counts[YELLOW], counts[RED], counts[NONE]]
            if self.follow:
                row.append(self.own_word(g, boards))
            rows.append(row)
        extra = [col("Nämndens bedömning" if not self.is_kf else "Nämndernas bedömning", 24, wrap=True)] if self.follow else []
        first = book.table(sheet, [col("Id", 11), col("Mål", 60, wrap=True), col(self.t.perspective, 22), col("Trafikljus", 14),
                                   col("Underlag för trafikljuset (nyckeltal)", 40, wrap=True), col("Enheter grön", 9, "0"),
                                   col("gul", 7, "0"), col("röd", 7, "0"),
                                   col("ej bedömt", 9, "0"), *extra], rows, name="Mal")
        colour_lights(sheet, f"D{first}:D{first + len(rows)}")
        for i, g in enumerate(kf + boards):
            inds = [ind for ind in self.m.indicators if g.id in ind.goals]
            book.figure(sheet, f"D{first + i}", f"Trafikljus för {g.id}: nyckeltalens utfall mot målvärden",
                        [s for ind in inds for s in [self.target_source(ind), *self.outcome_sources(ind)]],
                        f"mål/{g.id}")
        sheet.gap()
        children = self.m.children.get(self.node.id, []) or [self.node]
        sheet.line(["Ekonomi per " + ("nämnd" if self.is_kf else "nivå under")], ["label"])
        eco_rows = []
        for child in children:
            e = r.economy(child.id)
            eco_rows.append([child.id, child.name, *self.money(e), e.deviation, e.deviation_pct])
            if self.follow:
                eco_rows[-1].append(self.own_forecast(child.id))
        extra = [col("Egen prognos (kr)", 15, KR)] if self.follow else []
        first_eco = book.table(sheet, [col("Ansvarskod", 11), col("Namn", 36), *self.money_columns(),
                                       col("Avvikelse (kr)", 15, KR), col("Avvikelse %", 11, PCT), *extra],
                               eco_rows, name="EkonomiSammanfattning", freeze=False)
        what = "Prognos" if self.follow else "Budget"
        for i, child in enumerate(children):
            book.figure(sheet, f"D{first_eco + i}", f"{what} {child.name}",
                        [self.here("Ekonomi", f"E{self.row_of[child.id]}", self.reported(r.economy(child.id)), child.id)])
        chart = BarChart()
        chart.type = "bar"
        chart.title = ("Budget och prognos per " if self.follow else "Budget och ram per ") + ("nämnd" if self.is_kf else "enhet under")
        chart.y_axis.title = "kr"
        chart.y_axis.numFmt = KR
        ws = sheet.ws
        chart.add_data(Reference(ws, min_col=3, max_col=4, min_row=first_eco - 1, max_row=first_eco + len(eco_rows) - 1),
                       titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=2, min_row=first_eco, max_row=first_eco + len(eco_rows) - 1))
        chart.height, chart.width = 7 + 0.5 * len(eco_rows), 18
        ws.add_chart(chart, f"L{first}")  # right of the goals table (A to J)
        sheet.gap()
        book.table(sheet, [col("Vad", 20), col("Status", 24), col("Antal", 10, "0")], self.counts(), name="Antal",
                   freeze=False)

    def counts(self) -> list[list]:
        """The summary's counts, each from the facts of the sheet it summarises: activities by status
        (Aktiviteter); uppdrag by the units' statuses this period in a follow-up, by KF's status in a
        plan (Uppdrag); the units' own goals (Målkedja); risks by class in a plan, this period's
        control results in a follow-up (Intern kontroll)."""
        r, node = self.r, self.node.id
        rows = [["Aktiviteter", status, n] for status, n in sorted(r.activity_counts(node)["status"].items())]
        uppdrag = r.uppdrag(node)
        if self.follow:
            said = Counter()
            for u in uppdrag:
                said.update(u["statuses"])
            rows += [["Uppdrag", f"{status} (enheternas svar)", n] for status, n in sorted(said.items())]
            silent = sum(1 for u in uppdrag if not u["statuses"])
            if silent:
                rows.append(["Uppdrag", "utan svar från enheterna", silent])
        else:
            rows += [["Uppdrag", status or "-", n] for status, n in sorted(Counter(u["uppdrag"].status for u in uppdrag).items())]
        rows.append([self.t.unit_goal, "antal", sum(1 for pairs in r.unit_goals_under(node).values()
                                                    for _, g in pairs if not g.get("board_row"))])
        if self.follow:
            done = Counter(x.get("performed") or "ej svar" for _, x in r.risks(node))
            rows += [["Intern kontroll", "kontroller utförda", done["Ja"]], ["Intern kontroll", "kontroller ej utförda", done["Nej"]]]
            if done["ej svar"]:
                rows.append(["Intern kontroll", "kontroller utan svar", done["ej svar"]])
            rows.append(["Intern kontroll", "avvikelser", sum(x.get("deviation") == "Ja" for _, x in r.risks(node))])
        else:
            rows += [["Intern kontroll", f"risker {cls}", n] for cls, n in sorted(r.risk_counts(node).items())]
        return rows

    def goal_chain(self):
        book, r = self.book, self.r
        t = self.t
        sheet = book.sheet("Målkedja", f"Målkedjan: {t.chain}",
                           "I uppföljningar: nämndernas och förvaltningarnas egna bedömningar står på sina egna rader "
                           "och i de två sista kolumnerna." if self.follow else None)
        kf, boards = self.goals()
        by_parent = r.unit_goals_under(self.node.id)
        rows = []

        def levels_of(bg):  # the own assessments of this board goal: the board's, then its förvaltningar's
            out = []
            for nid, _ in r.own_under(bg.owner):
                own = r.own_goal(nid, bg.id)
                if own and nid != bg.owner:
                    out.append([f"    {LEVEL.get(self.m.by_id[nid].level, '')}ens bedömning", bg.id, own.get("text"),
                                bg.id, self.m.by_id[nid].name, own.get("assessment") or NONE, own.get("previous") or "",
                                WORDS.get(own.get("assessment"), ""), own.get("comment") or ""])
            return out

        for goal in kf:
            rows.append([t.kf_goal, goal.id, goal.text, "", "", lights.goal_light(r, goal.id), "",
                         self.own_word(goal, boards) if self.follow else ""])
            for bg in [g for g in boards if goal.id in g.parents]:
                own = r.own_goal(bg.owner, bg.id) or {}
                rows.append([f"  {t.board_goal}", bg.id, bg.text, goal.id, self.m.by_id[bg.owner].name, lights.goal_light(r, bg.id),
                             own.get("previous") or "", WORDS.get(own.get("assessment"), ""), own.get("comment") or ""])
                rows += levels_of(bg)
                if not self.is_kf:
                    for facts, unit_goal in by_parent.get(bg.id, []):
                        what = "    Enhetens bedömning" if unit_goal.get("board_row") else f"    {t.unit_goal}"
                        rows.append([what, unit_goal["id"], unit_goal["text"], bg.id, self.m.by_id[facts.unit].name,
                                     unit_goal.get("assessment") or NONE, unit_goal.get("previous") or ""])
                else:
                    rows.append([f"    {t.unit_goal}", "", f"{len(by_parent.get(bg.id, []))} mål från enheterna "
                                 "(se nämndens rapport)", bg.id, "", ""])
        for bg in [g for g in boards if not set(g.parents) & {k.id for k in kf}]:
            rows.append([t.board_goal, bg.id, bg.text, "", self.m.by_id[bg.owner].name, lights.goal_light(r, bg.id)])
        width = 9 if self.follow else 7
        rows = [(row + [""] * (width - len(row)))[:width] for row in rows]
        extra = [col("Nämndens / förvaltningens bedömning", 16, wrap=True), col("Nämndens / förvaltningens analys", 60, wrap=True)]
        first = book.table(sheet, [col("Nivå", 18), col("Id", 9), col("Mål", 70, wrap=True), col("Kopplat till", 12),
                                   col("Ägare / enhet", 30), col("Trafikljus / bedömning", 14),
                                   col("Förra bedömningen", 15), *(extra if self.follow else [])], rows, name="Malkedja")
        colour_lights(sheet, f"F{first}:F{first + len(rows)}")

    def indicator_list(self, node_id: str) -> list:
        """The indicators of KF's goals and of the goals of boards in a node's subtree (once per node)."""
        done = self._indicator_lists.get(node_id)
        if done is None:
            owners = {i for _, i in self.r.subtree(node_id)}
            goal_ids = {g.id for g in self.m.goals if g.level == "kf" or g.owner in owners}
            done = self._indicator_lists[node_id] = [i for i in self.m.indicators if goal_ids & set(i.goals)]
        return done

    def indicators(self, history=None):
        book, r = self.book, self.r
        earlier = [p for p in history.periods(self.period.date) if p != self.period.id] if history else []
        used = getattr(r.outcomes, "used", None)  # what the consolidation took from Kolada (snapshot.py)
        if used is not None:
            group = used.group
        else:
            group = history.peer_group(self.m) if history and self.follow else (None, "")
        if self.follow:
            sheet = book.sheet("Nyckeltal", "Nyckeltal: målvärde, utfall och enheternas utfall, med Kolada-jämförelse",
                               "Utfall: kommunens värde i Kolada där nyckeltalet hämtas därifrån, annars enheternas utfall "
                               "sammanvägda. Jämförelse: styrmodellens jämförelsegrupp (utan en sådan: övriga "
                               "kommuner i den importerade Kolada-filen).")
        else:
            sheet = book.sheet("Nyckeltal", "Nyckeltal: målvärde, utfall och enheternas egna målvärden",
                               "Utfall i en planperiod är det senast kända värdet (utgångsvärdet i styrmodellen).")
        code = str(self.m.municipality.get("code") or "").zfill(4)
        indicators = self.indicator_list(self.node.id)
        rows, lineage = [], []
        for ind in indicators:
            if self.is_kf:  # lineage: the boards' figures (which come from the units' cells), not every unit's
                agg, count = r.indicator_value(self.node.id, ind)
                sources = []
                for board in self.child_boards():
                    listed = self.indicator_list(board)
                    value, units = r.indicator_value(board, ind)
                    if ind in listed and units:
                        sources.append(self.board_cell(board, "Nyckeltal", f"I{FIRST + listed.index(ind)}", value))
            else:
                agg, sources = r.indicator_targets(self.node.id, ind)
                count = len(sources)
            # the units' outcomes at earlier follow-ups; a plan's values are their targets, and said so
            # (a plan's mean read as an outcome made a fall from 100 % of the target that never happened)
            trend = history.indicator_trend(ind.id, earlier, kind="outcome") if history else {}
            aims = history.indicator_trend(ind.id, earlier, kind="target") if history else {}
            trend_text = "; ".join(
                f"{self.period_name(p)}{'' if p in trend else ' (målvärde)'}: {trend.get(p, aims.get(p)):.1f}".replace(".", ",")
                for p in earlier if p in trend or p in aims) or "-"
            if used is not None:
                known = used.compared.get(ind.kolada) if ind.kolada else None
            else:
                known = (history.kolada(ind.kolada, code, int(self.period.date[:4]), group[0])
                         if history and ind.kolada and self.follow else None)
            peers = peer_text(known, group)
            rows.append([ind.id, ind.name, ind.unit, ind.direction, ind.baseline, ind.target, r.outcomes.get(ind.id),
                         lights.indicator_light(r, ind), agg, ind.aggregation, count, trend_text, ", ".join(ind.goals), peers])
            lineage.append(sources)
        first = book.table(sheet, [col("Id", 7), col("Nyckeltal", 44, wrap=True), col("Enhet", 8), col("Riktning", 9),
                                   col("Utgångsvärde", 12, IND), col("Målvärde", 11, IND), col("Utfall", 11, IND),
                                   col("Trafikljus", 13), col("Enheternas utfall" if self.follow else "Enheternas målvärde", 13, IND),
                                   col("Aggregering", 12), col("Antal enheter", 10, "0"),
                                   col("Tidigare perioder (enheternas medel)", 30, wrap=True),
                                   col("Mål", 14), col("Kolada: jämförelse", 34, wrap=True)], rows, name="Nyckeltal")
        colour_lights(sheet, f"H{first}:H{first + len(rows)}")
        for i, ind in enumerate(indicators):  # the target's cell in the master data, the outcome's true source
            book.figure(sheet, f"F{first + i}", f"Målvärde för {ind.id}", [self.target_source(ind)],
                        f"målvärde/{ind.id}/{self.node.id}")
            book.figure(sheet, f"G{first + i}", f"Utfall för {ind.id}", self.outcome_sources(ind),
                        f"utfall/{ind.id}/{self.node.id}")
        for i, (ind, sources) in enumerate(zip(indicators, lineage)):
            book.figure(sheet, f"I{first + i}", f"Enheternas {'utfall' if self.follow else 'målvärde'} för {ind.id} "
                        f"({ind.aggregation})", sources,
                        f"nyckeltal/{ind.id}/{self.node.id}")

    def target_source(self, ind) -> Source:
        """An indicator's target: its cell in styrmodell.xlsx."""
        return Source("", MASTER_FILE, "", *self.m.cell("indicators", ind.id, "target"), ind.target)

    def outcome_sources(self, ind) -> list[Source]:
        """Where an indicator's outcome came from: in a follow-up the Kolada file, the units' cells or
        the baseline (rollup.Outcomes); in a plan the baseline's cell in styrmodell.xlsx."""
        found = self.r.outcome_sources(ind.id)
        if found or self.follow:
            return found
        return [Source("", MASTER_FILE, "", *self.m.cell("indicators", ind.id, "baseline"), ind.baseline)]

    def economy(self):
        book, r = self.book, self.r
        if self.follow:
            sheet = book.sheet("Ekonomi", "Ekonomi per nivå: budget, helårsprognos, avvikelse och utfall hittills (kr)",
                               "Avvikelse = prognos − budget: positivt är ett sämre resultat. Åtgärdsplan krävs vid "
                               "underskott över delegationen; Åtgärder är enheternas planerade effekt.")
        else:
            sheet = book.sheet("Ekonomi", "Ekonomi per nivå: ram, budget och avvikelse (kr)",
                               "Avvikelse = budget − ram. Åtgärdsplan krävs när avvikelsen överstiger styrmodellens regler.")
        rows = []
        for depth, nid in self.shown:
            n, e = self.m.by_id[nid], r.economy(nid)
            row = [LEVEL.get(n.level, n.level), nid, "  " * depth + n.name, *self.money(e), e.deviation,
                   e.deviation_pct, "Ja" if self.action_plan_needed(e) else "Nej"]
            if self.follow:
                own = r.own.get(nid)
                row += [e.outcome, sum(a.get("effect") or 0 for _, a in r.actions(nid)), self.own_forecast(nid),
                        sum(a.get("effect") or 0 for a in own.actions) if own else None]
            rows.append(row)
        extra = [col("Utfall t.o.m. perioden (kr)", 15, KR), col("Åtgärder (kr)", 14, KR),
                 col("Egen prognos (kr)", 15, KR), col("Egna åtgärder (kr)", 14, KR)] if self.follow else []
        first = book.table(sheet, [col("Nivå", 12), col("Ansvarskod", 11), col("Namn", 40), *self.money_columns(),
                                   col("Avvikelse (kr)", 15, KR), col("Avvikelse %", 11, PCT),
                                   col("Åtgärdsplan krävs", 12), *extra], rows, name="Ekonomi")
        what = "Prognos" if self.follow else "Budget"
        for i, (_, nid) in enumerate(self.shown):
            book.figure(sheet, f"E{first + i}", f"{what} {self.m.by_id[nid].name}", self.economy_sources(nid),
                        f"{what.lower()}/{nid}")  # budget/2000 in a plan, prognos/2000 in a follow-up
            if self.follow and nid in r.own:
                book.figure(sheet, f"K{first + i}", f"Egen prognos {self.m.by_id[nid].name}", self.own_sources(nid),
                            f"egen-prognos/{nid}")

    def action_plan_needed(self, e) -> bool:
        if self.follow:  # a deficit beyond the delegation (rules/followup.py), not any deviation
            from rodtrad.consolidator.rules.followup import action_plan_limit  # noqa: PLC0415
            limit, _ = action_plan_limit(self.m, e.budget)
            return limit is not None and e.deviation > limit
        rules = self.m.rules
        over_sek = rules.get("action_plan_sek") is not None and abs(e.deviation) > rules["action_plan_sek"]
        pct = e.deviation_pct
        over_pct = rules.get("action_plan_pct") is not None and pct is not None and abs(pct) * 100 > rules["action_plan_pct"]
        return bool(over_sek or over_pct)

    def action_plans(self):
        book, r = self.book, self.r
        sheet = book.sheet("Åtgärdsplaner", "Åtgärdsplaner: enheternas åtgärder mot underskott",
                           "Effekt = åtgärdens beräknade förbättring av helårsresultatet (kr).")
        if self.is_kf:
            rows = []
            for board in self.child_boards():
                e, acts = r.economy(board), r.actions(board)
                units = {f.unit for f, _ in acts}
                own = [a for _, f in r.own_under(board) for a in f.actions]
                rows.append([board, self.m.by_id[board].name, e.deviation, len(units), len(acts),
                             sum(a.get("effect") or 0 for _, a in acts), len(own), sum(a.get("effect") or 0 for a in own)])
            book.table(sheet, [col("Ansvarskod", 11), col("Nämnd", 36), col("Avvikelse (kr)", 15, KR),
                               col("Enheter med plan", 10, "0"), col("Åtgärder", 9, "0"), col("Effekt (kr)", 15, KR),
                               col("Nämndens/förvaltningens åtgärder", 13, "0"), col("Deras effekt (kr)", 15, KR)],
                       rows, name="Atgardsplaner")
            return
        pairs = [(f, a) for _, f in r.own_under(self.node.id) for a in f.actions] + r.actions(self.node.id)
        rows = [[f.unit, self.m.by_id[f.unit].name, a.get("id"), a.get("measure"), a.get("account"), a.get("effect"),
                 a.get("responsible"), as_date(a.get("date"))] for f, a in pairs]
        first = book.table(sheet, [col("Ansvarskod", 11), col("Enhet", 26), col("Id", 7), col("Åtgärd", 56, wrap=True),
                                   col("Konto", 8), col("Effekt (kr)", 14, KR), col("Ansvarig", 20), col("Klart senast", 12, DATE)],
                           rows, name="Atgardsplaner")
        for i, (f, a) in enumerate(pairs):
            book.figure(sheet, f"F{first + i}", f"Åtgärd {a.get('id')} {self.m.by_id[f.unit].name}",
                        [f.source("Åtgärdsplan", a.get("cell") or "", a.get("effect"))], f"åtgärd/{f.unit}/{a.get('id')}")

    def accounts(self):
        book, r = self.book, self.r
        if self.follow:
            sheet = book.sheet("Ekonomi per konto", "Budget, prognos och utfall per konto och månad (kr)")
        else:
            sheet = book.sheet("Ekonomi per konto", "Budget per konto och månad (kr)")
        names = {a.id: a.name for a in self.m.accounts}
        by_account = r.economy_by_account(self.node.id)
        rows = [[acc, names.get(acc, ""), *self.money(e), e.deviation, *e.months] for acc, e in sorted(by_account.items())]
        months = [col(("Utfall " + mo.lower()) if self.follow else mo, 11, KR) for mo in MONTHS]
        first = book.table(sheet, [col("Konto", 8), col("Kontonamn", 28), *self.money_columns(),
                                   col("Avvikelse (kr)", 14, KR)] + months, rows, name="Konton")
        for i, acc in enumerate(sorted(by_account)):
            if self.is_kf:
                sources = []
                for board in self.child_boards():
                    accounts = sorted(r.economy_by_account(board))
                    if acc in accounts:
                        sources.append(self.board_cell(board, "Ekonomi per konto", f"D{FIRST + accounts.index(acc)}",
                                                       self.reported(r.economy_by_account(board)[acc])))
            else:
                sources = [s for u in r.units_under[self.node.id] for s in r.unit_account_source(u, acc)]
            book.figure(sheet, f"D{first + i}", f"{'Prognos' if self.follow else 'Budget'} konto {acc}", sources,
                        f"konto/{acc}/{self.node.id}")

    def activities(self):
        book, r = self.book, self.r
        persp = {p.id: p.name for p in self.m.perspectives}
        if self.is_kf:
            sheet = book.sheet("Aktiviteter", "Aktiviteter per nämnd och status", "Aktiviteterna i detalj finns i nämndernas rapporter.")
            rows = []
            for board in self.child_boards():
                for status, n in sorted(r.activity_counts(board)["status"].items()):
                    rows.append([board, self.m.by_id[board].name, status, n])
            book.table(sheet, [col("Ansvarskod", 11), col("Nämnd", 36), col("Status", 14), col("Antal", 10, "0")], rows,
                       name="Aktiviteter")
            return
        sheet = book.sheet("Aktiviteter", "Enheternas aktiviteter")
        rows = [[f.unit, self.m.by_id[f.unit].name, a["id"], "Ja" if r.locked(f.unit, a) else "Nej", a.get("text"),
                 a.get("link"), persp.get(a.get("perspective"), a.get("perspective")), as_date(a.get("start")), as_date(a.get("end")),
                 a.get("responsible"), activity_status(a), a.get("comment")]
                for f, a in r.activities(self.node.id)]
        book.table(sheet, [col("Ansvarskod", 11), col("Enhet", 26), col("Id", 7), col("Låst", 6), col("Aktivitet", 50, wrap=True),
                           col("Kopplad till", 12), col(self.t.perspective, 20), col("Start", 11, DATE), col("Slut", 11, DATE), col("Ansvarig", 20),
                           col("Status", 11), col("Kommentar", 36, wrap=True)], rows, name="Aktiviteter")

    def activity_goals(self):
        """Activities counted by status per goal they serve and per perspective (both levels' goals)."""
        book, r = self.book, self.r
        counts = r.activity_counts(self.node.id)
        statuses = sorted(counts["status"], key=lambda s: (STATUS_ORDER.index(s) if s in STATUS_ORDER else len(STATUS_ORDER), s))
        t = self.t
        sheet = book.sheet("Aktiviteter per mål", f"Aktiviteter per mål och {t.lower(t.perspective)}, efter status",
                           "Ett mål räknar de aktiviteter som tjänar det, direkt eller genom ett mål under det; "
                           f"en aktivitet räknas därför både under sitt mål på nämndnivå ({t.lower(t.board_goal)}) och "
                           f"under det mål på fullmäktigenivå ({t.lower(t.kf_goal)}) som det tjänar.")
        columns = [col(status, 11, "0") for status in statuses] + [col("Totalt", 9, "0")]

        def row(key, name, by_status):
            n = [by_status.get((key, status), 0) for status in statuses]
            return [key, name, *n, sum(n)]

        kf, boards = self.goals()  # every goal, also one that no activity serves: that is worth seeing
        rows = [row(g.id, g.text, counts["goal"]) for g in kf + boards]
        rows += [x for x in (row("uppdrag", "Kopplade till ett uppdrag", counts["goal"]),
                             row("utan koppling", "Utan koppling till mål eller uppdrag", counts["goal"])) if x[-1]]
        book.table(sheet, [col("Id", 14), col("Mål", 60, wrap=True), *columns], rows, name="AktiviteterPerMal")
        sheet.gap()
        used = {p for p, _ in counts["perspective"]}
        keys = [(p.id, p.name) for p in self.m.perspectives if p.id in used]
        keys += [(p, f"Utan {t.lower(t.perspective)}" if p == "-" else p)
                 for p in sorted(used - {p.id for p in self.m.perspectives})]
        book.table(sheet, [col("Id", 14), col(t.perspective, 60), *columns],
                   [row(k, name, counts["perspective"]) for k, name in keys], name="AktiviteterPerPerspektiv", freeze=False)

    def uppdrag(self):
        book, r = self.book, self.r
        sheet = book.sheet("Uppdrag", "Uppdrag från KF: status och enheternas bidrag")
        rows = []
        for u in r.uppdrag(self.node.id):
            upp = u["uppdrag"]
            if self.is_kf:
                contributions = (f"{count(len(u['answered']), 'enhet', 'enheter')} har beskrivit sitt bidrag "
                                 "(se nämndernas rapporter)")
            else:
                contributions = "\n".join(f"{self.m.by_id[f.unit].name}: {text}" for f, (text, _) in u["answered"])
            status = upp.status
            if self.follow and u["statuses"]:  # the units' statuses this period, most common first
                status = ", ".join(f"{word} {n}" for word, n in sorted(u["statuses"].items(), key=lambda kv: (-kv[1], kv[0])))
            rows.append([upp.id, upp.text, ", ".join(self.m.by_id[b].name for b in upp.boards if b in self.m.by_id),
                         upp.resources, as_date(upp.deadline), status, u["units"], len(u["answered"]), contributions])
        book.table(sheet, [col("Id", 8), col("Uppdrag", 50, wrap=True), col("Nämnder", 30, wrap=True), col("Resurser (kr)", 14, KR),
                           col("Deadline", 11, DATE), col("Status", 16, wrap=True), col("Enheter", 9, "0"),
                           col("Med kommentar" if self.follow else "Med bidrag", 10, "0"),
                           col("Enheternas bidrag", 70, wrap=True)], rows, name="Uppdrag")

    def internal_control(self):
        book, r = self.book, self.r
        if self.follow:
            self.control_results()
            return
        if self.is_kf:
            sheet = book.sheet("Intern kontroll", "Intern kontroll: risker per nämnd och riskklass",
                               "Riskvärde = sannolikhet × konsekvens; röd från 9, gul från 4. Detaljer i nämndernas rapporter.")
            rows = []
            for board in self.child_boards():
                counts = r.risk_counts(board)
                rows.append([board, self.m.by_id[board].name, counts[RED], counts[YELLOW], counts[GREEN], counts[NONE]])
            book.table(sheet, [col("Ansvarskod", 11), col("Nämnd", 36), col("röd", 8, "0"), col("gul", 8, "0"),
                               col("grön", 8, "0"), col("ej bedömd", 10, "0")], rows, name="InternKontroll")
            return
        sheet = book.sheet("Intern kontroll", "Intern kontroll: enheternas risker (sannolikhet × konsekvens)")
        rows = [[f.unit, self.m.by_id[f.unit].name, x.get("risk"), x.get("probability"), x.get("consequence"),
                 score(x), risk_class(score(x)), x.get("control"), x.get("responsible")] for f, x in r.risks(self.node.id)]
        rows.sort(key=lambda row: (-(row[5] or 0), row[0]))
        first = book.table(sheet, [col("Ansvarskod", 11), col("Enhet", 26), col("Risk", 40, wrap=True), col("Sannolikhet", 11, "0"),
                                   col("Konsekvens", 11, "0"), col("Riskvärde", 10, "0"), col("Klass", 8),
                                   col("Kontrollmoment", 40, wrap=True), col("Ansvarig", 20)], rows, name="InternKontroll")
        colour_lights(sheet, f"G{first}:G{first + len(rows)}")

    def control_results(self):
        book, r = self.book, self.r
        if self.is_kf:
            sheet = book.sheet("Intern kontroll", "Intern kontroll: utförda kontroller och avvikelser per nämnd")
            rows = []
            for board in self.child_boards():
                done = Counter(x.get("performed") or "ej svar" for _, x in r.risks(board))
                devs = sum(x.get("deviation") == "Ja" for _, x in r.risks(board))
                rows.append([board, self.m.by_id[board].name, sum(done.values()), done["Ja"], done["Nej"], devs])
            book.table(sheet, [col("Ansvarskod", 11), col("Nämnd", 36), col("Kontrollmoment", 13, "0"), col("Utförda", 9, "0"),
                               col("Ej utförda", 10, "0"), col("Avvikelser", 10, "0")], rows, name="InternKontroll")
            return
        sheet = book.sheet("Intern kontroll", "Intern kontroll: resultat av enheternas kontrollmoment")
        rows = [[f.unit, self.m.by_id[f.unit].name, x.get("risk"), x.get("control"), x.get("performed"), x.get("result"),
                 x.get("deviation"), x.get("action")] for f, x in r.risks(self.node.id)]
        book.table(sheet, [col("Ansvarskod", 11), col("Enhet", 26), col("Risk", 36, wrap=True), col("Kontrollmoment", 36, wrap=True),
                           col("Utförd", 8), col("Resultat", 40, wrap=True), col("Avvikelse", 9), col("Åtgärd", 40, wrap=True)],
                   rows, name="InternKontroll")

    def deviations(self):
        book, r = self.book, self.r
        if self.follow:
            explain = self.m.rules.get("explain_sek") or 0
            sheet = book.sheet("Avvikelser", "Avvikelser: enheter vars helårsprognos avviker från budget",
                               f"Avvikelse = prognos − budget; listas från {explain:,.0f} kr. Förklaringar ur enheternas "
                               "arbetsböcker.".replace(",", " "))
            rows = []
            for f in r.included(self.node.id):
                e = r.economy(f.unit)
                if abs(e.deviation) >= max(explain, 1):
                    said = "" if self.is_kf else "\n".join(f"{acc}: {text}" for acc, (text, _) in sorted(f.explanations.items()))
                    rows.append([f.unit, self.m.by_id[f.unit].name, e.budget, e.forecast, e.deviation, e.deviation_pct,
                                 "Ja" if self.action_plan_needed(e) else "Nej",
                                 sum(a.get("effect") or 0 for a in f.actions), said])
            book.table(sheet, [col("Ansvarskod", 11), col("Enhet", 30), col("Budget (kr)", 14, KR), col("Prognos (kr)", 14, KR),
                               col("Avvikelse (kr)", 14, KR), col("Avvikelse %", 11, PCT), col("Åtgärdsplan krävs", 12),
                               col("Åtgärder (kr)", 13, KR), col("Förklaring", 60, wrap=True)], rows, name="Avvikelser")
            return
        sheet = book.sheet("Avvikelser", "Avvikelser mot ram per enhet",
                           "Enheter vars budget avviker från ramen; åtgärdsplan krävs enligt styrmodellens regler.")
        rows = []
        for f in r.included(self.node.id):
            e = r.economy(f.unit)
            if round(e.deviation) != 0:
                rows.append([f.unit, self.m.by_id[f.unit].name, e.frame, e.budget, e.deviation, e.deviation_pct,
                             "Ja" if self.action_plan_needed(e) else "Nej"])
        book.table(sheet, [col("Ansvarskod", 11), col("Enhet", 30), col("Ram (kr)", 14, KR), col("Budget (kr)", 14, KR),
                           col("Avvikelse (kr)", 14, KR), col("Avvikelse %", 11, PCT), col("Åtgärdsplan krävs", 12)], rows,
                   name="Avvikelser")

    def texts(self):
        book, r = self.book, self.r
        sheet = book.sheet("Texter", "Enheternas texter under målen de hör till")
        rows = []
        for goal_id, pairs in sorted(r.unit_goals_under(self.node.id).items(), key=lambda kv: str(kv[0])):
            goal = self.m.goal_by_id.get(goal_id)
            for facts, own in pairs:
                rows.append([goal_id or "-", goal.text if goal else "", self.m.by_id[facts.unit].name,
                             self.t.unit_goal, own.get("text"), own.get("comment")])
        for facts in r.included(self.node.id):
            if facts.summary[0]:
                rows.append(["-", "", self.m.by_id[facts.unit].name, "Sammanfattning", facts.summary[0], None])
        book.table(sheet, [col("Mål", 9), col("Målet", 40, wrap=True), col("Enhet", 26), col("Typ", 16),
                           col("Text", 70, wrap=True), col("Kommentar", 40, wrap=True)], rows, name="Texter")

    def management_report(self):
        """The förvaltningsberättelse's section on goals and economy: god ekonomisk hushållning (each KF
        goal, financial goals first, with its outcome and every level's assessment) and the
        balanskrav result line by line: a forecast at delår, the outcome at helår."""
        book, r, m = self.book, self.r, self.m
        final = self.period.kind == "helår"
        sheet = book.sheet("Förvaltningsberättelse",
                           "Förvaltningsberättelse: god ekonomisk hushållning och balanskrav " + ("(utfall)" if final else "(prognos)"),
                           "KF:s mål, de finansiella först, med nyckeltalens utfall och varje nivås bedömning. "
                           "Balanskravsutredningen står på bladet Balanskrav.")
        persp = {p.id: p.name for p in m.perspectives}
        kf, boards = self.goals()
        kf = sorted(kf, key=lambda g: "ekonomi" not in (persp.get(g.perspective) or "").lower())
        rows = []
        for g in kf:
            financial = "ekonomi" in (persp.get(g.perspective) or "").lower()
            inds = [i for i in m.indicators if g.id in i.goals]
            shown = "; ".join(f"{i.id}: {lights.number(r.outcomes.get(i.id))} (mål {lights.number(i.target)})"
                              for i in inds) or "-"
            light = lights.goal_light(r, g.id)
            counts = r.assessments(self.node.id, g.id)
            for bg in [b for b in boards if g.id in b.parents]:
                counts.update(r.assessments(self.node.id, bg.id))
            judged = self.own_word(g, boards)
            rows.append([g.id, g.text, "Finansiellt mål" if financial else "Verksamhetsmål", shown, light,
                         judged, distribution(counts), fulfilment(light, judged, counts)])
        first = book.table(sheet, [col("Id", 8), col("Mål", 56, wrap=True), col("Typ", 16), col("Nyckeltal: utfall (mål)", 34, wrap=True),
                                   col("Trafikljus", 11), col("Nämndernas bedömning", 24, wrap=True),
                                   col("Enheternas bedömningar", 30, wrap=True), col("Måluppfyllelse", 16)], rows,
                           name="GodEkonomiskHushallning", freeze=False)
        colour_lights(sheet, f"E{first}:E{first + len(rows)}")
        met = Counter((row[2], row[7]) for row in rows)
        sheet.gap()
        sheet.line([f"Finansiella mål: {met['Finansiellt mål', 'Uppfyllt']} uppfyllda, {met['Finansiellt mål', 'Delvis uppfyllt']} "
                    f"delvis av {sum(n for (t, _), n in met.items() if t == 'Finansiellt mål')}. Verksamhetsmål: "
                    f"{met['Verksamhetsmål', 'Uppfyllt']} uppfyllda, {met['Verksamhetsmål', 'Delvis uppfyllt']} delvis av "
                    f"{sum(n for (t, _), n in met.items() if t == 'Verksamhetsmål')}."], ["label"])
        self.balance_requirement(final)

    def balance_requirement(self, final: bool):
        """Balanskravsutredningen, line by line (closing.py)."""
        book, c, e = self.book, self.m.closing, self.r.economy(self.node.id)
        sheet = book.sheet("Balanskrav", "Balanskravsutredning " + ("(utfall)" if final else "(prognos för helåret)"),
                           "Kronor; intäkter och förbättringar positiva. Enheternas nettokostnad ur sammanställningen "
                           "(blad Ekonomi), övriga rader ur styrmodellens blad Balanskrav.")
        units = e.outcome if final else e.forecast
        lines = closing.balance(c, units, final)
        first = book.table(sheet, [col("Rad", 60), col("Belopp (kr)", 18, KR)],
                           [[line.text, line.amount] for line in lines], name="Balanskrav", freeze=False)
        sheet.gap()
        share = closing.result_share(c, units)
        sheet.line(["Årets resultat i procent av skatter och generella statsbidrag",
                    None if share is None else share / 100], ["label", PCT])
        fields = [f["key"] for f in next(s for s in _master_layout()["sheets"] if s["key"] == "closing")["fields"]]
        for i, line in enumerate(lines):
            if line.key:
                book.figure(sheet, f"B{first + i}", line.text,
                            [Source("", "styrmodell.xlsx", "", "Balanskrav", f"B{fields.index(line.key) + 1}",
                                    c.get(line.key))], f"balanskrav/{line.key}")
            elif line.text.startswith(closing.UNITS):
                book.figure(sheet, f"B{first + i}", line.text,
                            [self.here("Ekonomi", f"{'I' if final else 'E'}{self.row_of[self.node.id]}", units)],
                            "balanskrav/enheterna")
        if c.get("taxes_sek") is None:
            sheet.gap()
            sheet.line(["Fyll i bladet Balanskrav i styrmodell.xlsx (skatteintäkter, finansnetto, justeringar) för att "
                        "få årets resultat och balanskravsresultatet."], ["label"])

    def own_texts(self):
        """What the förvaltningar and boards wrote themselves: summaries, goal analyses, explanations."""
        book, r = self.book, self.r
        sheet = book.sheet("Nivåernas analyser", "Nämndernas och förvaltningarnas egna analyser",
                           "Ur deras egna uppföljningar (rodtrad generate --level), skrivna efter enheternas sammanställning.")
        rows = []
        for nid, facts in r.own_under(self.node.id):
            name = self.m.by_id[nid].name
            if facts.summary[0]:
                rows.append([nid, name, "Sammanfattning", "", "", facts.summary[0]])
            for g in facts.goals:
                rows.append([nid, name, "Mål", g["id"], WORDS.get(g.get("assessment"), "Ej bedömt"), g.get("comment") or ""])
            for account, (text, _) in sorted(facts.explanations.items()):
                rows.append([nid, name, "Avvikelse konto", account, "", text])
        book.table(sheet, [col("Ansvarskod", 11), col("Nämnd / förvaltning", 30), col("Typ", 16), col("Mål / konto", 11),
                           col("Bedömning", 15), col("Text", 80, wrap=True)], rows, name="NivaernasAnalyser")

    def submissions_sheet(self):
        book, r = self.book, self.r
        if self.is_kf:
            sheet = book.sheet("Inlämning", "Inlämning per nämnd", "Enhet för enhet, med e-post för påminnelser: inlamning.xlsx.")
            rows = []
            for board in self.child_boards():
                counts = Counter((self.submissions.get(u) or Submission(u, "saknas")).status for u in r.units_under[board])
                rows.append([board, self.m.by_id[board].name, len(r.units_under[board]), counts["godkänd"],
                             counts["fel"] + counts["fel, medräknad"], counts["saknas"]])
            book.table(sheet, [col("Ansvarskod", 11), col("Nämnd", 36), col("Enheter", 9, "0"), col("Godkända", 10, "0"),
                               col("Med fel", 9, "0"), col("Saknas", 9, "0")], rows, name="Inlamning")
            return
        sheet = book.sheet("Inlämning", "Inlämning per enhet", "Saknas = ingen fil i inkorgen. Fel = filen har fel och är inte medräknad.")
        rows = []
        for unit in r.units_under[self.node.id]:
            n, s = self.m.by_id[unit], self.submissions.get(unit) or Submission(unit, "saknas")
            rows.append([unit, n.name, n.manager, n.email, s.status, s.file, s.errors, s.warnings])
        first = book.table(sheet, [col("Ansvarskod", 11), col("Enhet", 30), col("Chef", 22), col("E-post", 32), col("Status", 16),
                                   col("Fil", 40), col("Fel", 7, "0"), col("Varningar", 9, "0")], rows, name="Inlamning")
        rng = f"E{first}:E{first + len(rows)}"
        for word, fill in (("godkänd", GREEN), ("saknas", YELLOW), ("fel", RED)):
            sheet.ws.conditional_formatting.add(rng, CellIsRule(operator="equal", formula=[f'"{word}"'],
                                                                fill=PatternFill("solid", fgColor=FILLS[fill])))

    def history(self, history):
        """Each stored period's totals over the units under this node that it took in, and this
        period's; whether they compare the same units is worked out, not assumed."""
        book, r = self.book, self.r
        units = r.units_under[self.node.id]
        periods, totals, taken = [], {}, {}
        if history is not None:
            periods = [p for p in history.periods(self.period.date) if p != self.period.id]
            totals = history.economy_totals(units, periods)
            taken = history.units_in(units, periods)
            periods = [p for p in periods if p in totals]
        here = frozenset(f.unit for f in r.included(self.node.id))
        if all(taken.get(p) == here for p in periods):
            note = (f"Ur arbetsytans historik: samma {len(here)} enheter i varje sammanställd period och i denna."
                    if periods else "Ingen tidigare period är sammanställd; raden visar denna period.")
        else:
            note = ("Ur arbetsytans historik, summerat över de enheter som var med i respektive period. Enheterna skiljer "
                    "sig mellan perioderna (kolumnen Enheter): en förändring i summan kan bero på vilka enheter som kom med.")
        sheet = book.sheet("Historik", "Perioder", note)
        rows = [[self.period_name(p), len(taken.get(p, ())), *(_ore(x) for x in totals[p])] for p in periods]
        e = r.economy(self.node.id)
        rows.append([self.period.name, len(here), e.frame, e.budget, e.outcome if self.follow else None,
                     e.forecast if self.follow else None])
        book.table(sheet, [col("Period", 26), col("Enheter", 9, "0"), col("Ram (kr)", 15, KR), col("Budget (kr)", 15, KR),
                           col("Utfall (kr)", 15, KR), col("Prognos (kr)", 15, KR)], rows, name="Historik")

    def period_name(self, period_id: str) -> str:
        """A period as users know it ("Tertial 1 2027"), its id where the master data no longer has it."""
        period = self.m.period(period_id)
        return period.name if period is not None and period.id == period_id else period_id


def _ore(amount):
    """A stored sum (SQLite adds floats) back to whole öre: 212805299.0899999 is 212805299.09."""
    if amount is None:
        return None
    amount = round(amount, 2)
    return int(amount) if amount == int(amount) else amount


ASSESSED = {GREEN: "Uppfyllt", YELLOW: "Delvis uppfyllt", RED: "Ej uppfyllt"}


def fulfilment(light: str, boards: str, units: Counter) -> str:
    """A KF goal's fulfilment: its indicators' light; without one, what most boards judged, else most units."""
    if light in ASSESSED:
        return ASSESSED[light]
    counts = Counter()
    for part in (boards or "").split(" · "):
        n, _, word = part.partition(" ")
        if n.isdigit() and word in dict(SHORT_WORDS):
            counts[dict(SHORT_WORDS)[word]] += int(n)
    for source in (counts, units):
        judged = {k: v for k, v in source.items() if k in ASSESSED and v}
        if judged:
            return ASSESSED[max(judged, key=lambda k: (judged[k], k == YELLOW))]
    return "Ej bedömt"


def _master_layout() -> dict:
    from rodtrad.consolidator.model.contract import layout  # noqa: PLC0415
    from rodtrad.consolidator.model.masterdata import NAME  # noqa: PLC0415

    return layout(NAME)


def write(rollup: Rollup, node_id: str, period: Period, submissions: dict[str, Submission], path: Path,
          history=None, keep=frozenset()) -> ReportBook:
    """The report of `node_id`; the tables named in `keep` stay in the returned book's `kept`."""
    report = NodeReport(rollup, node_id, period, submissions, Path(path).name)
    report.book.keep = frozenset(keep)
    return report.write(path, history)
