"""What the follow-up workbook adds to the shared workbook writer (planbook): its instructions,
its traffic-light formats and its check sheet."""
from __future__ import annotations

from openpyxl.formatting.rule import CellIsRule, FormulaRule
from openpyxl.styles import PatternFill

from rodtrad.consolidator.workbooks import workbook as wbk
from rodtrad.consolidator.model.masterdata import MasterData

GREEN, YELLOW, REDFILL = "C6EFCE", "FFEB9C", "FFC7CE"


def thresholds(master: MasterData) -> tuple[float | None, float | None, float | None]:
    """(explain from kr, action plan from kr, action plan from % of the net budget), from the master data's rules."""
    r = master.rules
    return r.get("explain_sek"), r.get("action_plan_sek"), r.get("action_plan_pct")


def _kr(amount) -> str:
    return f"{amount:,.0f}".replace(",", " ")


def instructions(ws, doc, master):
    ws.title = "Instruktioner"
    h, kind = doc["header"], doc["meta"]["kind"]
    wbk.write_title(ws, f"{h['period_name']} – {h['unit_name']}", f"{master.name} · ansvarskod {h['unit']}")
    explain, plan_sek, plan_pct = thresholds(master)
    limit = " eller ".join(x for x in (f"{plan_sek:,.0f} kr".replace(",", " ") if plan_sek else "",
                                       f"{plan_pct} % av nettobudgeten" if plan_pct else "") if x)
    lines = ["Så här fyller du i uppföljningen",
             "1. Öppna filen och klicka på ”Aktivera redigering” om Excel visar en gul rad (skyddad vy).",
             "2. Gula celler fyller du i. Vita och grå celler är förifyllda (planen, huvudboken, Kolada) och låsta.",
             "3. Ekonomi: utfallet t.o.m. perioden kommer ur huvudboken. Skriv en helårsprognos för varje konto.",
             "   Avvikelse = prognos − budget: ett positivt tal är ett sämre resultat (högre kostnad eller lägre intäkt).",
             (f"4. Förklara varje avvikelse på minst {_kr(explain)} kr, både positiva och negativa."
              if explain else "4. Förklara avvikelserna, både positiva och negativa."),
             (f"5. Visar prognosen ett underskott över {limit}: fyll i en åtgärdsplan med effekt i kronor."
              if limit else "5. Fyll i en åtgärdsplan om prognosen visar ett underskott.")]
    if kind != "månad":
        lines += ["6. Måluppföljning: bedöm varje mål (uppfyllt, delvis uppfyllt, ej uppfyllt, ej bedömt) och skriv en analys.",
                  "   Ett mål som inte uppfylls behöver en analys; ett nyckeltal med röd signal en kommentar.",
                  "7. Aktiviteter: ange status för varje aktivitet. En försenad aktivitet behöver en kommentar.",
                  "   Nya aktiviteter skriver du på de gula raderna. Planens rader tas inte bort och kopplas inte om.",
                  "8. Uppdrag och intern kontroll: ange status och resultat för varje rad."]
    lines += ["9. Bladet Kontroll räknar vad som saknas eller är fel. När alla räknade rader visar OK är uppföljningen klar.",
              "10. Spara filen med samma namn och lämna in den som ekonomiavdelningen har beskrivit.", "",
              f"Lämnas in senast: {h.get('deadline') or 'enligt anvisning'}",
              f"Förifyllt ur: {h.get('basis') or '-'}"]
    summed = [i.id for i in master.own_parts(h["unit"])]
    if kind != "månad" and summed:
        at = next(i for i, line in enumerate(lines) if line.startswith("7."))
        lines.insert(at, f"   Nyckeltal som summeras över enheterna ({', '.join(summed)}): skriv enhetens egen del som utfall. "
                         "Målvärdet är hela kommunens, summan av alla enheters delar.")
    if doc["meta"].get("level") not in (None, "enhet"):
        lines = level_lines(doc, limit, explain)
    if doc.get("investments"):  # workbooks/investbook.py: the node runs or answers for projects
        at = next(i for i, line in enumerate(lines) if line.startswith("5.")) + 1
        lines.insert(at, "   Investeringar: skriv helårsprognosen i kronor för varje projekt (krävs i delår och helår)"
                     + (f" och kommentera en avvikelse mot årets budget på minst {_kr(explain)} kr." if explain
                        else " och kommentera avvikelser mot årets budget."))
    for i, line in enumerate(lines, start=4):
        wbk.style(ws.cell(row=i, column=1, value=line), "label" if i == 4 else "subtitle")
    ws.column_dimensions["A"].width = 120
    wbk.wrap_long_lines(ws)
    wbk.protect(ws)
    wbk.print_setup(ws, None, landscape=False)


def level_lines(doc: dict, limit: str, explain) -> list[str]:
    """The instructions of a förvaltning's or board's own follow-up (levels.py)."""
    h, kind = doc["header"], doc["meta"]["kind"]
    who = "nämndens" if doc["meta"]["level"] == "nämnd" else "förvaltningens"
    lines = [f"Så här fyller du i {who} uppföljning",
             "1. Arbetsboken är förifylld med periodens sammanställning av enheterna: bara godkända enheter är medräknade.",
             "2. Gula celler fyller du i. Vita och grå celler är förifyllda och låsta.",
             f"3. Ekonomi: budget, utfall och enheternas prognos är summerade per konto. Helårsprognosen är {who} egen:",
             "   den är förifylld med enheternas summa; ändra den där ni gör en annan bedömning och förklara varför.",
             (f"4. Förklara varje avvikelse på minst {_kr(explain)} kr, både positiva och negativa."
              if explain else "4. Förklara avvikelserna, både positiva och negativa."),
             (f"5. Visar prognosen ett underskott över {limit}: fyll i {who} åtgärdsplan med effekt i kronor."
              if limit else "5. Fyll i en åtgärdsplan om prognosen visar ett underskott.")]
    if kind != "månad":
        lines += [f"6. Måluppföljning: bedöm varje mål med {who} egen bedömning och analys. Enheternas bedömningar",
                  "   står bredvid och i sin helhet på bladet Enheternas bedömningar.",
                  "7. Uppdrag: ange status och kommentar; enheternas statusar står bredvid. Nyckeltal: kommentera röda."]
    return lines + ["8. Bladet Kontroll räknar vad som saknas eller är fel. När alla räknade rader visar OK är uppföljningen klar.",
                    "9. Spara filen med samma namn och lämna in den i periodens inkorg.", "",
                    f"Lämnas in senast: {h.get('deadline') or 'enligt anvisning'}",
                    f"Förifyllt ur: {h.get('basis') or '-'}"]


def decorate(ws, key: str, b: dict, master: MasterData) -> None:
    """Traffic-light colours on one sheet (`key`, its bounds `b`): assessments, indicator signals,
    deviations still to explain."""
    fills = {word: PatternFill("solid", fgColor=c) for word, c in
             (("Uppfyllt", GREEN), ("Delvis uppfyllt", YELLOW), ("Ej uppfyllt", REDFILL),
              ("grön", GREEN), ("gul", YELLOW), ("röd", REDFILL))}
    for sheet_key, col, words in (("assessments", "assessment", ("Uppfyllt", "Delvis uppfyllt", "Ej uppfyllt")),
                                  ("indicators", "signal", ("grön", "gul", "röd"))):
        if key == sheet_key:
            rng = f"{b['at'][col]}{b['first']}:{b['at'][col]}{b['last']}"
            for word in words:
                ws.conditional_formatting.add(rng, CellIsRule(operator="equal", formula=[f'"{word}"'], fill=fills[word]))
    if key == "economy":
        explain, _, _ = thresholds(master)
        dev, why = b["at"]["deviation"], b["at"]["explanation"]
        rng = f"{dev}{b['first']}:{dev}{b['last']}"
        limit = explain or 0
        ws.conditional_formatting.add(rng, FormulaRule(
            formula=[f'AND(ISNUMBER({dev}{b["first"]}),ABS({dev}{b["first"]})>={limit},{why}{b["first"]}="")'],
            fill=PatternFill("solid", fgColor=REDFILL)))
