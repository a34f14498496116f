"""The unit plan workbook: a macro-free .xlsx that works in plain Excel, written from a document."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl.formatting.rule import CellIsRule, FormulaRule
from openpyxl.styles import Font, PatternFill
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation

from rodtrad.consolidator.model import document, terms, wording
from rodtrad.consolidator.workbooks import rendering, workbook as wbk
from rodtrad.consolidator.model.masterdata import MasterData
from rodtrad.consolidator.workbooks import kontroll

GREEN, YELLOW, REDFILL = "C6EFCE", "FFEB9C", "FFC7CE"
LISTS_SHEET, CHECK_SHEET, INSTRUCTIONS, FINDINGS_SHEET = "_listor", "Kontroll", "Instruktioner", "Fel"


def write(doc: dict, lists: dict[str, list], master: MasterData, path: Path, now: str | None = None) -> None:
    """Write one unit's workbook; `now` fixes the generation time (reproducible output). The time is
    written with a space, not ISO's "T": xlwings' Excel clients read "…T…" text as a date."""
    words = terms.of(master)
    spec = document.spec_of(doc, words)  # the model's words for sheets, headers and shown values
    template = document.TEMPLATES.get(spec["template"], document.PLAN)
    follow = spec["template"] != document.spec()["template"]
    doc["meta"]["generated"] = now or dt.datetime.now().isoformat(sep=" ", timespec="seconds")
    doc["meta"]["hash"] = document.content_hash(doc)
    meta = doc["meta"]
    # its own style table: one per layout, version, period kind, level, the model's words and the optional
    # sheets it has (a worded header or an Investeringar sheet may carry a style the others never register,
    # and a workbook's bytes must not depend on which workbooks the process wrote before it)
    optional = tuple(s["key"] for s in spec["sheets"] if s.get("optional") and s["key"] in doc)
    wb = wbk.new_workbook((spec["template"], spec["version"], meta.get("kind"), meta.get("level"), words, optional))
    if follow:
        from rodtrad.consolidator.workbooks import followbook  # noqa: PLC0415 - the follow-up's own texts and checks
        followbook.instructions(wb.active, doc, master)
    else:
        _instructions(wb.active, doc, master)
    names = _lists(wb, lists, spec["lists"])
    pick = {item.split(" – ", 1)[0]: item for items in lists.values() for item in items if isinstance(item, str)}
    # What every sheet's builder reads besides its own rows: a sheet with the same content in another
    # unit's workbook (its board's goal chain, blank input sheets, the check sheet) is rendered once.
    context = (spec["template"], spec["header_row"], names, master.years, followbook.thresholds(master) if follow else None)
    bounds = {}
    for sheet in spec["sheets"]:
        if sheet["key"] == "meta" or (sheet.get("optional") and sheet["key"] not in doc):
            continue  # an optional sheet only where it has rows (Investeringar: who runs a project)
        if sheet["kind"] == "keyvalue":
            data = doc[sheet["key"]]
            rendering.sheet(wb, sheet["name"], rendering.content_key(context, sheet, data),
                            lambda ws, sheet=sheet, data=data: _keyvalue(ws, sheet, data))
            continue
        rows = [_resolved(sheet, wording.shown(template, sheet["key"], record, words), pick) for record in doc[sheet["key"]]]

        def build(ws, sheet=sheet, rows=rows):
            b = _table(ws, sheet, rows, spec["header_row"], names, master)
            if follow:
                followbook.decorate(ws, sheet["key"], b, master)
            return b
        bounds[sheet["key"]] = rendering.sheet(wb, sheet["name"], rendering.content_key(context, sheet, rows), build)
    items = kontroll.follow(bounds, master, doc["header"]["period_end"], doc["meta"].get("kind")) if follow else kontroll.plan(bounds, master)
    rendering.sheet(wb, CHECK_SHEET, rendering.content_key("check", items, follow), lambda ws: _check_sheet(ws, items, follow))
    rendering.sheet(wb, FINDINGS_SHEET, rendering.content_key("findings"), _findings_sheet)
    _meta(wb.create_sheet("_meta"), next(s for s in spec["sheets"] if s["key"] == "meta"), doc["meta"])
    wb[LISTS_SHEET].sheet_state = "hidden"
    wb.move_sheet(LISTS_SHEET, offset=len(wb.sheetnames) - 1 - wb.sheetnames.index(LISTS_SHEET))
    wb.active = 1
    wb.security = WorkbookProtection(lockStructure=True)
    wbk.save_atomic(wb, path, when=doc["meta"]["generated"])  # its times are its generation's (reproducible)


def _instructions(ws, doc, master):
    ws.title = INSTRUCTIONS
    h = doc["header"]
    summed = [i.id for i in master.own_parts(h["unit"])]
    wbk.write_title(ws, f"Enhetsplan {h['period_name']} – {h['unit_name']}", f"{master.name} · ansvarskod {h['unit']}")
    lines = [
        "Så här fyller du i arbetsboken",
        "1. Öppna filen och klicka på ”Aktivera redigering” om Excel visar en gul rad (skyddad vy).",
        "2. Gula celler fyller du i. Vita och grå celler är förifyllda från kommunens styrmodell och är låsta.",
        f"3. Välj kopplingar (mål, åtaganden, uppdrag), {terms.Terms.lower(terms.of(master).perspective)} och ansvarig "
        "i listorna i cellerna.",
        "4. Grå rader på bladet Aktiviteter är låsta aktiviteter som alla enheter ska ha: fyll i ansvarig.",
        "5. Datum skrivs ÅÅÅÅ-MM-DD, till exempel 2027-03-01. Belopp i hela kronor.",
        *([f"   Nyckeltal som summeras över enheterna ({', '.join(summed)}): Målvärde är hela kommunens, summan av "
           "alla enheters delar. Skriv enhetens egen del som Enhetens målvärde."] if summed else []),
        "6. Bladet Kontroll räknar vad som saknas eller är fel. När alla räknade rader visar OK är planen klar.",
        "7. Spara filen med samma namn och lämna in den som ekonomiavdelningen har beskrivit.",
        "",
        f"Lämnas in senast: {h['deadline'] or 'enligt anvisning'}",
        "Har du frågor? Kontakta ekonomiavdelningen. Behöver du fler rader, hör av dig – ta inte bort eller byt namn på blad.",
    ]
    for i, line in enumerate(lines, start=4):
        wbk.style(ws.cell(row=i, column=1, value=line), "label" if i == 4 else "subtitle")
    ws.column_dimensions["A"].width = 120
    wbk.wrap_long_lines(ws)
    wbk.protect(ws)
    wbk.print_setup(ws, None, landscape=False)


def _lists(wb, lists, titles) -> dict[str, str]:
    ws = wb.create_sheet(LISTS_SHEET)
    names = {}
    for col, (key, title) in enumerate(titles.items(), start=1):
        items = lists.get(key) or []
        wbk.put(ws.cell(row=1, column=col), title)
        for row, item in enumerate(items, start=2):
            wbk.put(ws.cell(row=row, column=col), item)
        letter = wbk.letters([{"key": k} for k in titles])[key]
        last = max(len(items), 1) + 1
        name = f"lista_{key}"
        wb.defined_names[name] = DefinedName(name, attr_text=f"'{LISTS_SHEET}'!${letter}$2:${letter}${last}")
        names[key] = name
    return names  # hidden, not protected: the add-in's refresh rewrites it; validation never reads it


def _keyvalue(ws, sheet, data):
    wbk.write_title(ws, sheet.get("title", sheet["name"]), f"{data.get('unit_name') or ''} · {data.get('period_name') or ''}")
    for row, field in enumerate(sheet["fields"], start=4):
        wbk.style(ws.cell(row=row, column=1, value=field["label"]), "label")
        cell = wbk.put(ws.cell(row=row, column=2), wbk.cell_value(field, data.get(field["key"])))
        # text wraps; a date keeps its date format (a wrapped style would show 2026-12-15 as 46371)
        wbk.style(cell, wbk.style_name("in" if field.get("input") else "ro",
                                       field if field["type"] == "date" else {**field, "wrap": True}))
        if field.get("height"):
            ws.row_dimensions[row].height = field["height"]
    ws.column_dimensions["A"].width = 34
    ws.column_dimensions["B"].width = 90
    wbk.protect(ws)
    wbk.print_setup(ws, 4, landscape=False)


def _own_ids(sheet, rows, count):
    taken = {r.get("id") for r in rows}
    ids, n = [], 1
    while len(ids) < count:
        candidate = f"{sheet['id_prefix']}{n:02d}"
        if candidate not in taken:
            ids.append(candidate)
        n += 1
    return ids


def _resolved(sheet, record, pick) -> dict:
    """A row as it is written: a reference shows its id and text ("NM01 – Fler i arbete")."""
    refs = [c["key"] for c in sheet["columns"] if c["type"] == "ref" and record.get(c["key"]) in pick]
    return {**record, **{k: pick[record[k]] for k in refs}} if refs else record


def _table(ws, sheet, rows, header_row, names, master):
    """Prefilled rows are written cell by cell; blank rows for the unit's own entries get cells only for
    their ids: their input columns are unlocked by the column's style and shaded by one conditional
    format, which keeps the file small and lets a unit also type below the table."""
    columns = sheet["columns"]
    at = wbk.letters(columns)
    wbk.write_title(ws, sheet.get("title", sheet["name"]))
    wbk.write_header(ws, columns, header_row)
    rows = list(rows)
    blank = []
    flag = sheet.get("fixed_by", "locked")
    if sheet.get("rows"):
        blank = [{"id": i, flag: False} if flag in at else {"id": i} for i in _own_ids(sheet, rows, sheet["rows"])]
    first = header_row + 1
    styles = {(c["key"], mode): wbk.style_name(mode, c) for c in columns for mode in ("in", "ro", "lk")}
    style = wbk.style
    wrapped = [(c["key"], c.get("width", 14)) for c in columns if c.get("wrap")]
    for r, record in enumerate(rows, start=first):
        locked = bool(record.get(flag))
        for c, col in enumerate(columns, start=1):
            cell = ws.cell(row=r, column=c)
            if col.get("formula"):
                cell.value = col["formula"].format(r=r, **at)
                style(cell, styles[(col["key"], "ro")])
                continue
            wbk.put(cell, wbk.cell_value(col, record.get(col["key"])))
            editable = col.get("input") is True or (col.get("input") == "unless_locked" and not locked)
            style(cell, styles[(col["key"], "in" if editable else ("lk" if locked else "ro"))])
        height = wbk.row_height(record, wrapped)
        if height:
            ws.row_dimensions[r].height = height
    own_first = first + len(rows)
    fixed = [(c, col) for c, col in enumerate(columns, start=1) if not col.get("input")]
    for r, record in enumerate(blank, start=own_first):
        for c, col in fixed:
            cell = ws.cell(row=r, column=c)
            if col.get("formula"):
                cell.value = col["formula"].format(r=r, **at)
            else:
                wbk.put(cell, wbk.cell_value(col, record.get(col["key"])))
            style(cell, styles[(col["key"], "ro")])
    last = max(own_first + len(blank) - 1, first)
    inputs = [col for col in columns if col.get("input")]
    for col in inputs:
        wbk.unlock_column(ws, at[col["key"]], col)
    if blank and inputs:
        shade = " ".join(f"{at[c['key']]}{own_first}:{at[c['key']]}{last}" for c in inputs)
        ws.conditional_formatting.add(shade, FormulaRule(formula=["TRUE"], fill=PatternFill("solid", fgColor=wbk.INPUT_FILL)))
    merged = {}
    for col in columns:
        _validation(ws, col, at[col["key"]], first, last, names, master, merged)
    if sheet.get("table"):
        wbk.add_table(ws, sheet["table"], columns, header_row, last)
    else:
        ws.auto_filter.ref = f"A{header_row}:{at[columns[-1]['key']]}{last}"
    if sheet["key"] == "risks":
        _risk_colours(ws, at["score"], first, last)
    if sheet["key"] == "budget":
        rng = f"{at['diff']}{first}:{at['diff']}{last}"
        ws.conditional_formatting.add(rng, CellIsRule(operator="notEqual", formula=["0"], fill=PatternFill("solid", fgColor=REDFILL)))
    wbk.protect(ws)
    wbk.print_setup(ws, header_row)
    return {"first": first, "last": last, "at": at, "sheet": sheet["name"]}


def _validation(ws, col, letter, first, last, names, master, merged):
    """One data validation per distinct rule on a sheet, covering every column that uses it."""
    rng = f"{letter}{first}:{letter}{last}"
    if col.get("list") and col.get("input"):
        strict = col.get("strict", True)
        key = ("list", col["list"], strict)
        make = lambda: DataValidation(type="list", formula1=names[col["list"]], allow_blank=True,  # noqa: E731
                                      errorStyle="stop" if strict else "warning", showErrorMessage=True,
                                      errorTitle="Välj i listan", error="Välj ett värde i listan.")
    elif col["type"] == "date" and col.get("input"):
        years = master.years
        key = ("date",)
        make = lambda: DataValidation(type="date", operator="between", allow_blank=True, showErrorMessage=True,  # noqa: E731
                                      formula1=f"DATE({years[0]},1,1)", formula2=f"DATE({years[-1]},12,31)",
                                      errorTitle="Datum", error=f"Skriv ett datum ÅÅÅÅ-MM-DD mellan {years[0]} och {years[-1]}.")
    elif col["type"] == "number" and col.get("input"):
        key = ("number",)
        make = lambda: DataValidation(type="decimal", operator="between", formula1="-1000000000",  # noqa: E731
                                      formula2="1000000000", allow_blank=True, showErrorMessage=True,
                                      errorTitle="Belopp", error="Skriv ett tal.")
    else:
        return
    if key not in merged:
        merged[key] = make()
        ws.add_data_validation(merged[key])
    merged[key].add(rng)


def _risk_colours(ws, letter, first, last):
    rng = f"{letter}{first}:{letter}{last}"
    for formula, colour in ((f"AND(ISNUMBER({letter}{first}),{letter}{first}>=9)", REDFILL),
                            (f"AND(ISNUMBER({letter}{first}),{letter}{first}>=4)", YELLOW),
                            (f"ISNUMBER({letter}{first})", GREEN)):
        ws.conditional_formatting.add(rng, FormulaRule(formula=[formula], fill=PatternFill("solid", fgColor=colour), stopIfTrue=True))


def _check_sheet(ws, items, follow=False):
    what = "uppföljningen" if follow else "planen"
    wbk.write_title(ws, "Kontroll", f"Räknar vad som saknas eller är fel. Allt ska visa OK innan {what} lämnas in; "
                    f"rader utan antal {kontroll.AT_SUBMISSION}.")
    columns = [{"header": "Kontroll", "width": 60}, {"header": "Antal", "width": 10}, {"header": "Status", "width": 14}]
    wbk.write_header(ws, columns, 4)
    for r, check in enumerate(items, start=5):
        wbk.style(wbk.put(ws.cell(row=r, column=1), check.label), "ro_wrap")  # labels hold the model's words
        wbk.style(ws.cell(row=r, column=2, value=check.formula), "ro_int")
        status = f'=IF(B{r}=0,"OK","Åtgärda")' if check.formula else kontroll.AT_SUBMISSION
        wbk.style(ws.cell(row=r, column=3, value=status), "ro_wrap")
    last = 4 + len(items)
    total = last + 2
    wbk.style(ws.cell(row=total, column=1, value="Att åtgärda totalt"), "label")
    wbk.style(ws.cell(row=total, column=2, value=f"=SUM(B5:B{last})"), "ro_int")
    wbk.style(ws.cell(row=total, column=3, value=f'=IF(B{total}=0,"Klar att lämna in","Inte klar")'), "ro_text")
    ws[f"C{total}"].font = Font(bold=True)
    green, red = PatternFill("solid", fgColor=GREEN), PatternFill("solid", fgColor=REDFILL)
    for rng, ref in ((f"B5:C{last}", "$B5"), (f"B{total}:C{total}", f"$B{total}")):
        ws.conditional_formatting.add(rng, FormulaRule(formula=[f'AND({ref}<>"",{ref}=0)'], fill=green))
        ws.conditional_formatting.add(rng, FormulaRule(formula=[f'AND({ref}<>"",{ref}<>0)'], fill=red))
    wbk.protect(ws)
    wbk.print_setup(ws, 4, landscape=False)


def _findings_sheet(ws):
    """Where the Excel add-in lists what it finds. It exists from the start because the workbook's
    structure is locked (no sheets can be added), and it is unprotected so the add-in can write."""
    wbk.write_title(ws, "Fel och varningar", "Med tillägget Röd tråd: tryck på Kontrollera och lämna in, så listas "
                    "felen här med länk till varje cell. Utan tillägget: se bladet Kontroll.")
    ws.column_dimensions["A"].width = 10
    ws.column_dimensions["E"].width = 70
    ws.column_dimensions["F"].width = 50
    wbk.print_setup(ws, 4)


def _meta(ws, sheet, meta):
    for row, field in enumerate(sheet["fields"], start=1):
        ws.cell(row=row, column=1, value=field["label"])
        wbk.put(ws.cell(row=row, column=2), meta.get(field["key"]))
    ws.sheet_state = "hidden"
    wbk.protect(ws)
