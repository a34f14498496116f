"""The add-in's real macro bodies on xlwings' remote engine: the JSON payload Excel would send is
built from a generated and filled workbook, and the actions are asserted on what they emit."""
import datetime as dt
import os
import subprocess
import sys
import zipfile

os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")  # PolyForm Noncommercial: tests only

import xlwings as xw  # noqa: E402
from openpyxl import load_workbook  # noqa: E402
from python_calamine import CalamineWorkbook  # noqa: E402

from rodtrad.addin import actions, build, config  # noqa: E402
from rodtrad.consolidator.reading.validate import validate_file  # noqa: E402

NOW = dt.datetime(2026, 12, 1, 9, 30)


def payload(path):
    """What Excel sends for a workbook: every sheet's values from A1 (dates as serial numbers), and names."""
    book = CalamineWorkbook.from_path(str(path))
    sheets, index = [], {}
    for i, name in enumerate(book.sheet_names):
        index[name] = i
        rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False) or [[""]]
        width = max(len(r) for r in rows)
        values = [[_excel(v) for v in r] + [""] * (width - len(r)) for r in rows]
        sheets.append({"name": name, "values": values, "pictures": [], "tables": []})
    names = []
    for name, dn in load_workbook(path).defined_names.items():
        ((sheet, ref),) = list(dn.destinations)
        names.append({"name": name, "sheet_index": index[sheet], "address": ref.replace("$", ""),
                      "book_scope": True, "scope_sheet_index": None})
    return {"client": "Microsoft Office Scripts", "version": xw.__version__,
            "book": {"name": path.name, "active_sheet_index": 1, "selection": "A1"}, "names": names, "sheets": sheets}


def _excel(value):
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return float((value - dt.date(1899, 12, 30)).days)
    return value


def book_for(path):
    return xw.Book(json=payload(path))


def actions_of(book, func=None):
    return [a for a in book.json()["actions"] if func is None or a["func"] == func]


def cell_of(action):
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(action['start_column'] + 1)}{action['start_row'] + 1}"


def test_a_valid_workbook_gets_no_marks_and_a_clear_no_errors(returned, master):
    book = book_for(returned)
    task = actions.validate(book, master, NOW)
    assert task.findings == []
    assert actions_of(book, "setRangeColor") == []
    (write,) = actions_of(book, "setValues")
    assert write["values"] == [["Inga fel"], ["Kontrollerad 2026-12-01 09:30. Arbetsboken kan lämnas in."]]


def test_errors_colour_their_cells_and_are_listed_with_links_on_fel(edit, master):
    path = edit({"Aktiviteter": {"F8": dt.date(2027, 6, 1), "G8": dt.date(2027, 5, 1), "H9": "Okänd Person"}})
    book = book_for(path)
    task = actions.validate(book, master, NOW)
    sheet_names = [s["name"] for s in payload(path)["sheets"]]
    marks = {(sheet_names[a["sheet_position"]], cell_of(a)): a["args"][0] for a in actions_of(book, "setRangeColor")}
    assert marks == {("Aktiviteter", "G8"): actions.ERROR_COLOUR, ("Aktiviteter", "H9"): actions.WARNING_COLOUR}
    (write,) = actions_of(book, "setValues")
    rows = write["values"]
    assert rows[3] == ["Allvar", "Blad", "Cell", "Kod", "Meddelande", "Gör så här"]
    assert [r[:4] for r in rows[4:]] == [["Fel", "Aktiviteter", "G8", "activity.end_before_start"],
                                         ["Varning", "Aktiviteter", "H9", "responsible.unknown"]]
    links = [a["args"][0] for a in actions_of(book, "addHyperlink")]
    assert links == ["#'Aktiviteter'!G8", "#'Aktiviteter'!H9"]
    assert task.errors == 1 and task.warnings == 1


def test_earlier_marks_are_cleared_to_the_cells_own_fill(edit, master, tmp_path):
    path = edit({"Aktiviteter": {"H8": None}})
    wb = load_workbook(path)  # a Fel sheet as the last run left it
    fel = wb["Fel"]
    for row in ([None] * 6, ["Allvar", "Blad", "Cell", "Kod", "Meddelande", "Gör så här"],
                ["Fel", "Aktiviteter", "C5", "prefilled.changed", "x", "y"], ["Fel", "Uppdrag", "F5", "field.required", "x", "y"]):
        fel.append(row)
    wb.save(path)
    book = book_for(path)
    actions.validate(book, master, NOW)
    colours = [(cell_of(a), a["args"][0]) for a in actions_of(book, "setRangeColor")]
    assert colours[:2] == [("C5", "#E7E6E6"), ("F5", "#FFF7D6")]  # a locked activity grey, an input yellow
    assert colours[2:] == [("H8", actions.ERROR_COLOUR)]


def test_the_addin_finds_exactly_what_rodtrad_validate_finds_on_the_demo(tmp_path):
    from rodtrad.samples.demo import run

    demo = run(tmp_path / "demo", echo=lambda *_: None, periods=())  # the plan only
    planted_files = {p[0] for p in demo["planted"]}
    inbox = sorted(demo["workspace"].inbox("2027-plan").glob("*.xlsx"))
    chosen = [p for p in inbox if p.name in planted_files] + inbox[:3]
    for path in chosen:
        cli = validate_file(path, demo["master"]).findings
        book = book_for(path)
        addin = actions.validate(book, demo["master"], NOW).findings
        assert [(f.code, f.sheet, f.cell, f.message()) for f in addin] == \
               [(f.code, f.sheet, f.cell, f.message()) for f in cli], path.name
        names = [s["name"] for s in payload(path)["sheets"]]
        marks = {(names[a["sheet_position"]], cell_of(a)) for a in actions_of(book, "setRangeColor")}
        assert marks == {(f.sheet, f.cell) for f in cli if f.sheet and f.cell}, path.name


def test_refresh_rewrites_only_the_lists_when_the_master_data_changed(returned, master):
    from rodtrad.consolidator.model.masterdata import MasterData

    data = dict(master.data)
    data["people"] = master.data["people"] + [{"unit": "2111", "name": "Ny Medarbetare", "role": "Pedagog"}]
    changed = MasterData(data)
    book = book_for(returned)
    assert not actions.needs_refresh(book, master) and actions.needs_refresh(book, changed)
    actions.refresh(book, changed)
    writes = actions_of(book, "setValues")
    assert {payload(returned)["sheets"][a["sheet_position"]]["name"] for a in writes} == {"_listor"}
    people = [row[3] for row in writes[0]["values"] if row[3]]
    assert people[-1] == "Ny Medarbetare"
    (rename,) = [a for a in actions_of(book, "setNameRefersTo") if a["args"][0] == "lista_personal"]
    assert "$D$2:$D$5" in str(rename["args"])


def test_submit_refuses_a_workbook_with_errors_and_says_why(edit, master, tmp_path):
    path = edit({"Aktiviteter": {"H8": None}})
    book = book_for(path)
    assert actions.submit(book, master, config.Config(tmp_path, tmp_path / "in"), NOW) is None
    (alert,) = actions_of(book, "alert")
    assert alert["args"][0] == "Arbetsboken har 1 fel och lämnas inte in. Se bladet Fel."
    assert not (tmp_path / "in").exists()


def test_submit_puts_a_valid_workbook_under_its_canonical_name(returned, master, tmp_path, monkeypatch):
    saved = []
    monkeypatch.setattr(actions, "save_copy", lambda book, target: saved.append(target))  # Excel's SaveCopyAs
    book = book_for(returned)
    target = actions.submit(book, master, config.Config(tmp_path, tmp_path / "inkorg"), NOW)
    assert target == tmp_path / "inkorg" / "2027-plan" / "2111 Förskolan Solrosen 2027-plan.xlsx" == saved[0]
    assert actions_of(book, "alert")[0]["args"][0] == f"Inlämnad: {target}"


def test_the_main_button_validates_then_asks_before_submitting(returned, master, workspace, monkeypatch):
    book = book_for(returned)
    monkeypatch.setattr(actions, "load_master", lambda conf: master)
    outcome = actions.run_main(book, config.Config(workspace, workspace / "inkorg"), NOW)
    assert outcome == "godkänd"  # the remote engine answers no button, so nothing is handed in
    (alert,) = actions_of(book, "alert")
    assert alert["args"][:3] == ["Inga fel. Vill du lämna in arbetsboken nu?", "Röd tråd", "yes_no"]


def test_a_missing_configuration_is_a_swedish_alert_not_a_traceback(returned, monkeypatch, tmp_path):
    monkeypatch.delenv("RODTRAD_WORKSPACE", raising=False)
    monkeypatch.setenv("RODTRAD_CONFIG", str(tmp_path / "finns-inte.json"))
    book = book_for(returned)
    assert actions.run_main(book) == "avbruten"
    (alert,) = actions_of(book, "alert")
    assert alert["args"][0].startswith("Röd tråd vet inte var kommunens styrmodell finns")


def test_the_runpython_command_line_runs_our_entry_module():
    """The exact command the xlwings VBA builds on macOS (RunCommand) for the ribbon's RunMain."""
    command = 'import xlwings.utils;xlwings.utils.prepare_sys_path(\\"\\"); import rodtrad_excel;rodtrad_excel.main()'
    command = command.replace('\\"', '"')
    result = subprocess.run([sys.executable, "-B", "-c", command], capture_output=True, text=True, timeout=120,
                            env={**os.environ, "XLWINGS_LICENSE_KEY": "noncommercial"})
    assert "ModuleNotFoundError" not in result.stderr and "Traceback" not in result.stderr
    assert "Röd tråd: ingen arbetsbok anropade tillägget" in result.stderr  # imported and ran; no Excel here


def test_the_built_addin_is_a_valid_package_with_one_ribbon_and_handled_buttons(tmp_path):
    import re

    path = build.build(tmp_path)
    assert path.name == "rodtrad_excel.xlam"
    with zipfile.ZipFile(path) as z:
        assert z.testzip() is None
        rels = z.read("_rels/.rels").decode()
        ribbons = re.findall(r'Type="[^"]+/ui/extensibility" Target="([^"]+)"', rels)
        assert ribbons == ["customUI/customUI.xml"]
        ui = z.read("customUI/customUI.xml").decode()
        assert 'label="Röd tråd"' in ui
        assert set(re.findall(r'<button id="([^"]+)"', ui)) == set(actions.BUTTONS)
        assert set(re.findall(r'onAction="([^"]+)"', ui)) == {"RibbonMyAddin.RunMain"}


def test_the_addin_builds_reproducibly(tmp_path):
    first = build.build(tmp_path / "a").read_bytes()
    assert build.build(tmp_path / "b").read_bytes() == first


def test_the_addins_vba_is_the_installed_xlwings_version(tmp_path):
    from oletools.olevba import VBA_Parser

    parser = VBA_Parser(str(build.build(tmp_path)))
    code = "\n".join(source for *_, source in parser.extract_macros())
    assert f'XLWINGS_VERSION As String = "{xw.__version__}"' in code
    assert 'RunPython "import " & mymodule & ";" & mymodule & ".main()"' in code
