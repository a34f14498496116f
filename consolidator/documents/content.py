"""What a node's report document says, in the order municipalities write a delårsrapport.

Every figure is taken from the rows of the Excel report's own tables as they were written
(`ReportBook.kept`, see TABLES), so the document and the workbook cannot disagree. Texts (the
levels' analyses) come from the same roll-up. The parts, each a list of blocks (render.py):

1. sammanfattning: goals by light, the economy against budget, the largest deviations, what needs decisions
2. mal: goals and måluppfyllelse, the indicators per goal, the levels' own assessments and analyses
3. ekonomi: budget, forecast and deviation per board (or level below); the forecast period by
   period from the history; åtgärdsplaner
4. investeringar: the Investeringar table per project, and its totals (investments.py)
5. uppdrag, 6. intern_kontroll (a risk matrix, the control results)
7. forvaltningsberattelse (KF at delår and helår): god ekonomisk hushållning, balanskravsutredning
   and the economy department's own texts (texts.py)
8. bilaga: goals by Agenda 2030 target, and the goals marked for Barnkonventionen
"""
from __future__ import annotations

from collections import Counter

from rodtrad.consolidator.model.grading import GREEN, NONE, RED, YELLOW, distribution, score
from rodtrad.consolidator.reports.book import KR, NUM, PCT
from rodtrad.consolidator.reports.node import BOARD_LEVELS, WORDS
from rodtrad.consolidator.rollup import closing
from . import investments
from .charts import Charts, month
from .numbers import count, kr, num, pct
from .render import Document, Heading, Light, Para, Picture, Table
from .texts import SECTIONS, read as read_texts

# the Excel report's tables the document is made of (reports/node.py names them)
TABLES = frozenset({"Mal", "EkonomiSammanfattning", "Nyckeltal", "Ekonomi", "Atgardsplaner", "Uppdrag",
                    "InternKontroll", "GodEkonomiskHushallning", "Balanskrav", "Historik", "Investeringar"})
KINDS = {"plan": "Budget och verksamhetsplan", "tertial": "Tertialrapport", "delår": "Delårsrapport",
         "helår": "Årsredovisning", "månad": "Månadsuppföljning"}
LIGHT_WORDS = {GREEN: "uppfyllt", YELLOW: "delvis uppfyllt", RED: "ej uppfyllt", NONE: "ej bedömt"}
LIGHT_COLUMNS = ("Trafikljus", "Klass")
LINES = 6  # indicators in one trend chart at most


class Content:
    """Builds the `Document` of one node from its Excel report's kept tables and the roll-up."""

    def __init__(self, rollup, node_id: str, period, kept: dict, report_name: str, history=None,
                 texts_dir=None, municipality: str = "", charts: Charts | None = None):
        self.r, self.m = rollup, rollup.master
        self.node, self.period, self.kept, self.report_name = self.m.by_id[node_id], period, kept, report_name
        self.history, self.texts_dir = history, texts_dir
        self.is_kf = self.node.level == "kf"
        self.follow = rollup.follow
        self.municipality = municipality or self.m.name
        self.charts = charts or Charts()

    # -- the Excel report's tables ------------------------------------------------------------

    def rows(self, name: str) -> list[list]:
        return self.kept.get(name, ("", [], []))[2]

    def records(self, name: str) -> list[dict]:
        """The kept table `name`'s rows as {header: value}: read by the workbook's own headers, never by
        position (a column added to a report sheet must not shift what a sentence says)."""
        _, columns, rows = self.kept.get(name, ("", [], []))
        headers = [c["header"] for c in columns]
        return [dict(zip(headers, row)) for row in rows]

    def column(self, name: str, header: str) -> int:
        return [c["header"] for c in self.kept[name][1]].index(header)

    def table(self, name: str, caption: str, headers: list[str], keep=None, limit: int | None = None) -> Table | None:
        """The kept table `name` with the columns `headers` (as the workbook names them), its rows
        (those `keep(row)` accepts) formatted as the workbook formats them; None when it has no rows."""
        if name not in self.kept:
            return None
        sheet, columns, rows = self.kept[name]
        index = {c["header"]: i for i, c in enumerate(columns)}
        chosen = [h for h in headers if h in index]
        rows = [row for row in rows if keep is None or keep(row)]
        if limit is not None:
            rows = rows[:limit]
        if not rows:
            return None
        fmts = [columns[index[h]]["fmt"] for h in chosen]
        out = []
        for row in rows:
            cells = []
            for h, fmt in zip(chosen, fmts):
                value = row[index[h]] if index[h] < len(row) else None
                cells.append(_cell(value, fmt, h))
            out.append(cells)
        numeric = {i for i, fmt in enumerate(fmts) if fmt in (KR, PCT, NUM, "0")}
        return Table(caption, chosen, out, numeric, f"blad {sheet} i {self.report_name}")

    # -- the document ---------------------------------------------------------------------------

    def document(self) -> Document:
        kind = KINDS.get(self.period.kind, "Rapport")
        name = self.period.name if kind.lower() in self.period.name.lower() else f"{kind} {self.period.name}"
        title = f"{name} – {self.node.name}"
        included = self.r.included(self.node.id)
        texts = {"titel": title, "kommun": self.municipality, "period": self.period.name, "nod": self.node.name,
                 "datum": self.period.date,
                 "undertitel": f"{self.node.name} · {self.period.name} · {len(included)} av "
                               f"{len(self.r.units_under[self.node.id])} enheter sammanställda"}
        parts = {"sammanfattning": self.summary(), "mal": self.goals(), "ekonomi": self.economy(),
                 "investeringar": investments.blocks(self), "uppdrag": self.uppdrag(), "intern_kontroll": self.internal_control(),
                 "forvaltningsberattelse": self.management_report(), "bilaga": self.appendix()}
        return Document(texts, parts, self.period.date)

    def summary(self) -> list:
        out = [Heading(1, "Sammanfattning")]
        lights = Counter(rec["Trafikljus"] for rec in self.records("Mal"))
        n = sum(lights.values())
        if n:
            # every goal without a light is counted, in the words the Excel report gives its reason
            # ("inget nyckeltal", "inget utfall", "inget målvärde"; reports/lights.py), never dropped
            reasons = sorted(w for w in lights if w not in (GREEN, YELLOW, RED))
            unjudged = sum(lights[w] for w in reasons)
            why = f" ({', '.join(f'{lights[w]} {w}' for w in reasons)})" if unjudged else ""
            out.append(Para(f"Av {n} mål har {lights[GREEN]} grönt ljus (uppfyllda), {lights[YELLOW]} gult (delvis "
                            f"uppfyllda) och {lights[RED]} rött (ej uppfyllda) utifrån nyckeltalens utfall; "
                            f"{unjudged} kan inte bedömas av nyckeltalen{why}."))
            png, alt = self.charts.lights(dict(lights), "Mål")
            out.append(Picture(png, alt, "Målen per trafikljus", 12))
        own = self.node_row()
        if not self.r.included(self.node.id):  # the figures would be nothing's: say so, not "0 kr mot 0 kr"
            out.append(Para(f"Ingen enhet under {self.node.name} är sammanställd för {self.period.name}: ekonomin och "
                            "måluppfyllelsen bygger på enheternas svar och redovisas när de har kommit in och godkänts."))
        elif own is not None:
            budget, second, deviation, share = own
            if self.follow:
                out.append(Para(f"Helårsprognosen är {kr(second)} kr mot en budget på {kr(budget)} kr: en avvikelse på "
                                f"{kr(deviation)} kr ({pct(share)}). En positiv avvikelse är ett sämre resultat än "
                                f"budgeterat."))
            else:
                out.append(Para(f"Budgeten är {kr(second)} kr mot ramen {kr(budget)} kr: en avvikelse på {kr(deviation)} kr "
                                f"({pct(share)})."))
        children = [row for row in self.rows("EkonomiSammanfattning") if row[0] != self.node.id]
        worst = sorted((row for row in children if row[4]), key=lambda row: (-abs(row[4]), row[0]))[:3]
        if worst:
            out.append(Para("Största avvikelserna: " + "; ".join(f"{row[1]} {kr(row[4])} kr ({pct(row[5])})"
                                                                  for row in worst) + "."))
        below = {n.id for n in self.m.children.get(self.node.id, [])}
        needed = [row for row in self.rows("Ekonomi") if row[7] == "Ja" and row[1] in below]
        if needed:
            out.append(Para("Att besluta om: åtgärdsplan krävs för " + ", ".join(row[2].strip() for row in needed) + "."))
        elif self.follow:
            out.append(Para("Ingen del av verksamheten har ett underskott som kräver en åtgärdsplan."))
        return out

    def node_row(self):
        """(first amount, second amount, deviation, deviation %) of this node, from the Ekonomi sheet."""
        for row in self.rows("Ekonomi"):
            if row[1] == self.node.id:
                return row[3], row[4], row[5], row[6]
        return None

    def goals(self) -> list:
        out = [Heading(1, "Mål och måluppfyllelse"),
               Para("Trafikljuset följer av målens nyckeltal: grönt när målvärdet nås, rött under den röda gränsen, "
                    "annars gult. Enheternas egna bedömningar räknas per mål.")]
        own = ["Nämndens bedömning", "Nämndernas bedömning"]
        table = self.table("Mal", "Målen: trafikljus och enheternas bedömningar",
                           ["Id", "Mål", "Trafikljus", "Enheter grön", "gul", "röd", "ej bedömt", *own])
        if table:
            out.append(table)
        indicators = self.rows("Nyckeltal")
        for rec in self.records("Mal"):
            goal_id = rec["Id"]
            goal = self.m.goal_by_id.get(goal_id)
            out.append(Heading(2, f"{goal_id} {rec['Mål']}"))
            light = rec["Trafikljus"]
            units = distribution(Counter({GREEN: rec["Enheter grön"], YELLOW: rec["gul"], RED: rec["röd"],
                                          NONE: rec["ej bedömt"]})) or "inga"
            said_light = f"{light} ({LIGHT_WORDS[light]})" if light in LIGHT_WORDS else light  # a phrase is said once
            out.append(Para(f"Enligt nyckeltalen: {said_light}. Enheternas bedömningar: {units}."))
            said = next((rec[h] for h in own if rec.get(h)), None)
            if self.follow and said:
                out.append(Para(f"{'Nämndernas' if self.is_kf else 'Nämndens'} bedömning: {said}."))
            ids = {i.id for i in self.m.indicators if goal_id in i.goals}
            t = self.table("Nyckeltal", f"Nyckeltal för {goal_id}", ["Id", "Nyckeltal", "Målvärde", "Utfall", "Trafikljus",
                                                                     "Enheternas utfall", "Enheternas målvärde"],
                           keep=lambda r, ids=ids: r[0] in ids)
            if t:
                out.append(t)
            if goal is not None and goal.level != "kf":
                for nid, facts in self.r.own_under(goal.owner):
                    said = self.r.own_goal(nid, goal.id)
                    if said and said.get("comment"):
                        who = self.m.by_id[nid].name
                        out.append(Para(f"Analys av {who} ({WORDS.get(said.get('assessment'), 'ej bedömt').lower()}): "
                                        f"{said['comment']}"))
        series = self.trends(indicators)
        if series:
            out.append(Heading(2, "Nyckeltalens utveckling"))
            earlier = [p for p in self.history.periods(self.period.date) if p != self.period.id]
            # every indicator, LINES to a chart (more lines cannot be told apart): the first six alone left
            # the others out without a word
            groups = [series[i:i + LINES] for i in range(0, len(series), LINES)]
            for n, group in enumerate(groups, 1):
                png, alt = self.charts.indicator_trends(group, [*earlier, self.period.id])
                title = "Nyckeltalen period för period mot målvärdet"
                out.append(Picture(png, alt, title + (f" ({n} av {len(groups)})" if len(groups) > 1 else "")))
        return out

    def trends(self, indicators: list[list]) -> list:
        """(name, [(period, value)], target, lower is better) for the indicators with earlier outcomes in the history."""
        if self.history is None or not self.follow:
            return []
        earlier = [p for p in self.history.periods(self.period.date) if p != self.period.id]
        out = []
        for row in indicators:
            ind = self.m.indicator_by_id.get(row[0]) if hasattr(self.m, "indicator_by_id") else None
            ind = ind or next((i for i in self.m.indicators if i.id == row[0]), None)
            # outcomes only: a plan's values are the units' targets, and a line from them to the first
            # outcome showed a fall that never happened (every line started at 100 % of the target)
            trend = self.history.indicator_trend(row[0], earlier, kind="outcome") if ind else {}
            points = [(p, trend[p]) for p in earlier if p in trend]
            if row[8] is not None:  # the units' value this period (Enheternas utfall)
                points.append((self.period.id, row[8]))
            if len(points) >= 2:  # lower is better: its line above the target is worse, so the key says so
                out.append((f"{row[0]} {row[1]}", points, row[5], ind is not None and ind.direction == "lägre"))
        return out

    def economy(self) -> list:
        out = [Heading(1, "Ekonomi")]
        first, second = ("Budget (kr)", "Prognos helår (kr)") if self.follow else ("Ram (kr)", "Budget (kr)")
        what = "nämnd" if self.is_kf else "nivå under"
        t = self.table("EkonomiSammanfattning", f"Ekonomi per {what}",
                       ["Ansvarskod", "Namn", first, second, "Avvikelse (kr)", "Avvikelse %", "Egen prognos (kr)"])
        if t:
            out.append(t)
        rows = [(row[1], row[2] or 0, row[3] or 0) for row in self.rows("EkonomiSammanfattning")]
        if len(rows) > 1:  # one pair of bars says nothing the table does not
            png, alt = self.charts.budget_forecast(rows, first.split(" (")[0], second.split(" (")[0])
            out.append(Picture(png, alt, f"{first.split(' (')[0]} och {second.split(' (')[0].lower()} per {what}"))
        if self.follow:
            out.append(Para("Avvikelse = prognos − budget: positivt är ett sämre resultat."))
            history = []
            if "Historik" in self.kept:  # by header: Historik also has Enheter and Ram (reports/node.py)
                period, budget, outcome, forecast = (self.column("Historik", h) for h in
                                                     ("Period", "Budget (kr)", "Utfall (kr)", "Prognos (kr)"))
                history = [(r[period], r[budget], r[outcome], r[forecast]) for r in self.rows("Historik")
                           if r[forecast] is not None]
            if history:
                out.append(Heading(2, "Prognosen under året"))
                out.append(self.table("Historik", "Budget, utfall hittills och helårsprognos vid varje uppföljning",
                                      ["Period", "Enheter", "Budget (kr)", "Utfall (kr)", "Prognos (kr)"],
                                      keep=lambda r: r[forecast] is not None))
                fewer = self.fewer_units(forecast)
                if fewer:  # as the Excel report's Historik says: a sum of other units is no change in the economy
                    out.append(Para("Summorna gäller de enheter som var sammanställda vid varje uppföljning (kolumnen "
                                    f"Enheter): {fewer}. En förändring mellan perioderna kan bero på vilka enheter som "
                                    "kom med."))
                if len(history) > 1:  # a line needs two points; under it each period's month (its name: 25 letters)
                    dates = {p.name: p.date for p in self.m.periods}
                    png, alt = self.charts.forecast_over_time(history, month([dates.get(h[0]) for h in history]))
                    out.append(Picture(png, alt, "Helårsprognosen period för period"))
            out.append(Heading(2, "Åtgärdsplaner"))
            if self.is_kf:
                t = self.table("Atgardsplaner", "Åtgärdsplaner per nämnd",
                               ["Ansvarskod", "Nämnd", "Avvikelse (kr)", "Enheter med plan", "Åtgärder", "Effekt (kr)"])
            else:
                t = self.table("Atgardsplaner", "Åtgärder mot underskott",
                               ["Ansvarskod", "Enhet", "Id", "Åtgärd", "Effekt (kr)", "Ansvarig", "Klart senast"])
            out.append(t or Para("Inga åtgärdsplaner har lämnats."))
        return out

    def fewer_units(self, forecast: int) -> str:
        """'vid Tertial 1 2027 44 av 49' for the Historik rows (those with a forecast) with fewer units
        than the most; "" when every row has as many."""
        if "Enheter" not in [c["header"] for c in self.kept["Historik"][1]]:
            return ""
        period, units = self.column("Historik", "Period"), self.column("Historik", "Enheter")
        rows = [r for r in self.rows("Historik") if r[forecast] is not None and isinstance(r[units], (int, float))]
        most = max((r[units] for r in rows), default=0)
        return ", ".join(f"vid {r[period]} {count(r[units])} av {count(most)}" for r in rows if r[units] < most)

    def uppdrag(self) -> list:
        t = self.table("Uppdrag", "Uppdrag från KF", ["Id", "Uppdrag", "Status", "Deadline", "Enheter",
                                                      "Med kommentar", "Med bidrag"])
        return [Heading(1, "Uppdrag"), t or Para("Inga uppdrag gäller här.")]

    def internal_control(self) -> list:
        out = [Heading(1, "Intern kontroll")]
        cells, done = Counter(), Counter()
        for _, risk in self.r.risks(self.node.id):
            p, c = risk.get("probability"), risk.get("consequence")
            if isinstance(p, (int, float)) and isinstance(c, (int, float)) and score(risk) is not None:
                cells[(int(p), int(c))] += 1
            done[{"Ja": "utförda", "Nej": "ej utförda"}.get(risk.get("performed"), "ej svar")] += 1
            done["avvikelser"] += risk.get("deviation") == "Ja"
        if cells:  # a plan: the risks as assessed
            png, alt = self.charts.risk_matrix(dict(cells))
            out.append(Picture(png, alt, "Riskmatris", 10))
        elif self.follow and sum(done.values()):  # a follow-up: the controls' results
            png, alt = self.charts.controls([(w, done[w]) for w in ("utförda", "ej utförda", "ej svar", "avvikelser")])
            out.append(Picture(png, alt, "Kontrollmomentens resultat", 12))
        if self.follow and self.is_kf:
            t = self.table("InternKontroll", "Kontrollmoment per nämnd", ["Ansvarskod", "Nämnd", "Kontrollmoment", "Utförda",
                                                                           "Ej utförda", "Avvikelser"])
        elif self.follow:
            t = self.table("InternKontroll", "Kontrollmomentens resultat", ["Ansvarskod", "Enhet", "Risk", "Utförd",
                                                                              "Avvikelse", "Åtgärd"])
        elif self.is_kf:
            t = self.table("InternKontroll", "Risker per nämnd och riskklass", ["Ansvarskod", "Nämnd", "röd", "gul", "grön",
                                                                                 "ej bedömd"])
        else:
            t = self.table("InternKontroll", "Enheternas risker", ["Ansvarskod", "Enhet", "Risk", "Sannolikhet", "Konsekvens",
                                                                    "Riskvärde", "Klass"])
        out.append(t or Para("Inga kontrollmoment är rapporterade."))
        return out

    def management_report(self) -> list:
        if not (self.is_kf and self.period.kind in ("delår", "helår")):
            return []
        texts = read_texts(self.texts_dir, self.period.id)
        final = self.period.kind == "helår"
        out = [Heading(1, "Förvaltningsberättelse")]
        for key, heading in SECTIONS[:1]:
            out += [Heading(2, heading), *texts[key]]
        out.append(Heading(2, "God ekonomisk hushållning"))
        rows = self.rows("GodEkonomiskHushallning")
        t = self.table("GodEkonomiskHushallning", "KF:s mål: utfall och måluppfyllelse",
                       ["Id", "Mål", "Typ", "Nyckeltal: utfall (mål)", "Trafikljus", "Nämndernas bedömning", "Måluppfyllelse"])
        if t:
            out.append(t)
            met = Counter((row[2], row[7]) for row in rows)
            parts = []
            for kind in ("Finansiellt mål", "Verksamhetsmål"):
                total = sum(n for (k, _), n in met.items() if k == kind)
                parts.append(f"{'finansiella mål' if kind.startswith('F') else 'verksamhetsmål'}: "
                             f"{met[kind, 'Uppfyllt']} uppfyllda och {met[kind, 'Delvis uppfyllt']} delvis uppfyllda av {total}")
            out.append(Para("Måluppfyllelse, " + "; ".join(parts) + "."))
        out.append(Heading(2, "Balanskravsutredning" + (" (utfall)" if final else " (prognos för helåret)")))
        t = self.table("Balanskrav", "Balanskravsutredning", ["Rad", "Belopp (kr)"])
        if t:
            out.append(t)
        e = self.r.economy(self.node.id)
        share = closing.result_share(self.m.closing, e.outcome if final else e.forecast)
        if share is not None:
            out.append(Para(f"Årets resultat är {pct(share / 100)} av skatter och generella statsbidrag."))
        for key, heading in SECTIONS[1:]:
            out += [Heading(2, heading), *texts[key]]
        return out

    def appendix(self) -> list:
        goals = [self.m.goal_by_id[rec["Id"]] for rec in self.records("Mal") if rec["Id"] in self.m.goal_by_id]
        light = {rec["Id"]: rec["Trafikljus"] for rec in self.records("Mal")}
        out = [Heading(1, "Bilaga: mål och Agenda 2030, Barnkonventionen")]
        by_target: dict[str, list] = {}
        for g in goals:
            for target in g.agenda2030 or []:
                by_target.setdefault(str(target), []).append(g)
        rows = [[target, g.id, g.text, Light(light.get(g.id, NONE))]
                for target in sorted(by_target, key=_target_key) for g in by_target[target]]
        out.append(Heading(2, "Målen per mål i Agenda 2030"))
        out.append(Table("Målen per Agenda 2030-mål", ["Agenda 2030", "Id", "Mål", "Trafikljus"], rows) if rows
                   else Para("Inget av målen är kopplat till Agenda 2030 i styrmodellen."))
        child = [[g.id, g.text, Light(light.get(g.id, NONE))] for g in goals if g.child_rights]
        out.append(Heading(2, "Mål som rör Barnkonventionen"))
        out.append(Table("Mål markerade för Barnkonventionen", ["Id", "Mål", "Trafikljus"], child) if child
                   else Para("Inget av målen är markerat för Barnkonventionen i styrmodellen."))
        return out


def _target_key(target: str):
    return tuple(int(p) if p.isdigit() else 0 for p in str(target).replace(",", ".").split("."))


def _cell(value, fmt, header: str):
    if header in LIGHT_COLUMNS and isinstance(value, str) and value:
        return Light(value)
    if value is None:
        return ""
    if fmt == KR and isinstance(value, (int, float)):
        return kr(value)
    if fmt == PCT and isinstance(value, (int, float)):
        return pct(value)
    if fmt == NUM and isinstance(value, (int, float)):
        return num(value)
    if fmt == "0" and isinstance(value, (int, float)):
        return count(value)
    if isinstance(value, float):
        return num(value)
    return str(value).strip()


def boards(master) -> list[str]:
    return [n.id for n in master.org if n.level in BOARD_LEVELS]
