"""The plan workbook as a unit receives it: prefilled, protected, dropdowns that resolve, _meta."""
import pytest
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from rodtrad.consolidator.reading import masterfile
from rodtrad.consolidator.model import document, masterdata
from rodtrad.consolidator.reading import grid
from rodtrad.consolidator.workbooks.generate import generate
from rodtrad.consolidator.reading.validate import validate_file
from rodtrad.samples import PRESETS, build

from conftest import UNIT, assert_sheet_cache_is_transparent


def test_the_workbook_is_named_so_a_person_recognises_it(sent):
    assert sent.name == "2111 Förskolan Solrosen 2027-plan.xlsx"


def test_the_workbook_opens_in_openpyxl_and_calamine_with_every_sheet(sent):
    expected = ["Instruktioner", "Översikt", "Målkedja", "Enhetens mål", "Aktiviteter", "Uppdrag", "Nyckeltal",
                "SWOT", "Utvecklingsområden", "Budget", "Intern kontroll", "Kontroll", "Fel", "_meta", "_listor"]
    assert load_workbook(sent).sheetnames == expected
    assert CalamineWorkbook.from_path(str(sent)).sheet_names == expected


def test_it_is_prefilled_for_its_unit(sent, master):
    g, findings = grid.open_grid(sent)
    doc = document.from_grid(g.sheets).data
    assert findings == []
    assert doc["header"]["unit_name"] == "Förskolan Solrosen"
    assert doc["header"]["board"] == "Barn- och utbildningsnämnden"
    assert [r["id"] for r in doc["chain"]] == ["KF1", "KF2", "FM1", "BUN1", "BUN2", "BUN3", "Å3", "Å4"]
    assert [(a["id"], a["locked"]) for a in doc["activities"]] == [("L1", True), ("L2", True), ("L3", True)]
    assert [u["id"] for u in doc["uppdrag"]] == ["U1", "U3"]
    salaries = next(b for b in doc["budget"] if b["account"] == "5010")
    frame = next(f.amount for f in master.budget if f.unit == UNIT and f.account == "5010")
    assert salaries["frame"] == frame
    assert sum(salaries[m] for m in document.MONTHS) == frame


def test_the_prefilled_content_reads_back_exactly_and_matches_the_hash_in_meta(sent, master):
    g, _ = grid.open_grid(sent)
    doc = document.from_grid(g.sheets).data
    assert document.prefilled_part(doc) == document.prefilled_part(document.prefill(master, UNIT))
    assert document.content_hash(doc) == doc["meta"]["hash"]


def test_what_the_sample_filler_wrote_reads_back_unchanged(returned):
    wb = load_workbook(returned)
    ws = wb["Aktiviteter"]
    typed = [(ws[f"A{r}"].value, ws[f"C{r}"].value, ws[f"H{r}"].value) for r in range(5, 12) if ws[f"C{r}"].value]
    g, _ = grid.open_grid(returned)
    doc = document.from_grid(g.sheets).data
    assert [(a["id"], a["text"], a["responsible"]) for a in doc["activities"]] == typed
    start = ws["F8"].value
    assert doc["activities"][3]["start"] == start.date().isoformat()


def test_every_dropdown_source_resolves_to_filled_cells(sent):
    wb = load_workbook(sent)
    checked = 0
    for ws in wb.worksheets:
        for dv in ws.data_validations.dataValidation:
            if dv.type != "list":
                continue
            name = wb.defined_names[dv.formula1]
            ((sheet, ref),) = list(name.destinations)
            cells = [c.value for row in wb[sheet][ref.replace("$", "")] for c in row]
            assert cells and all(v not in (None, "") for v in cells), (ws.title, dv.formula1)
            checked += 1
    assert checked >= 8


def locked(ws, ref):
    """Whether Excel treats a cell as locked: its own style, or its column's where it has none."""
    from openpyxl.utils.cell import coordinate_to_tuple, get_column_letter

    row, col = coordinate_to_tuple(ref)
    if (row, col) in ws._cells:
        return ws._cells[(row, col)].protection.locked
    return ws.column_dimensions[get_column_letter(col)].protection.locked


def test_input_cells_are_unlocked_and_everything_else_is_protected(sent):
    wb = load_workbook(sent)
    act = wb["Aktiviteter"]
    assert all(wb[name].protection.sheet for name in wb.sheetnames if name not in ("Fel", "_listor"))
    assert locked(act, "C5") and locked(act, "D5")  # a locked activity's text and link
    assert not locked(act, "H5")  # ... but its responsible person is the unit's to fill
    assert not locked(act, "C8") and not locked(act, "F8") and not locked(act, "I64")  # own activities
    assert locked(act, "A8") and locked(act, "B8")  # ids are stable
    assert locked(wb["Budget"], "C5") and not locked(wb["Budget"], "D5")
    assert locked(wb["Målkedja"], "C5") and locked(wb["Målkedja"], "A40")
    assert wb.security.lockStructure


def test_meta_is_present_hidden_and_identifies_the_workbook(sent):
    wb = load_workbook(sent)
    meta = {r[0].value: r[1].value for r in wb["_meta"].iter_rows()}
    assert wb["_meta"].sheet_state == "hidden" and wb["_listor"].sheet_state == "hidden"
    assert meta["Mall"] == "rodtrad.plan" and meta["Version"] == "1.0"
    assert meta["Ansvarskod"] == UNIT and meta["Period"] == "2027-plan"
    assert len(meta["Kontrollsumma"]) == 64 and meta["Genererad"]


def test_formats_widths_frozen_headers_and_a4_printing(sent):
    wb = load_workbook(sent)
    act, budget = wb["Aktiviteter"], wb["Budget"]
    assert act.freeze_panes == "A5"
    assert act["F5"].number_format == "yyyy-mm-dd" and budget["D5"].number_format == "#,##0"
    assert act.column_dimensions["C"].width == 50
    assert int(act.page_setup.paperSize) == 9 and act.print_title_rows == "$4:$4"
    assert "Aktiviteter" in act.tables


def test_ids_with_leading_zeros_survive(workspace, master, tmp_path):
    (path,) = generate(master, "2027-plan", tmp_path, units=["0121"], jobs=1)
    g, _ = grid.open_grid(path)
    assert document.from_grid(g.sheets).data["meta"]["unit"] == "0121"


@pytest.mark.parametrize("preset", PRESETS)
def test_each_preset_generates_workbooks_that_validate_without_findings(preset, tmp_path):
    from rodtrad.consolidator.workbooks.masterbook import init

    ws = init(tmp_path / preset, build(preset))
    md, findings = masterfile.load(ws.master_file)
    assert findings == [] and md is not None
    paths = generate(md, md.period(None).id, ws.outbox(md.period(None).id), jobs=2)
    assert len(paths) == len(md.units()) >= 5
    for path in paths:
        findings = validate_file(path, md).findings
        # a blank plan is incomplete (required rows missing) but never wrong in what was prefilled
        assert {f.code for f in findings} <= {"plan.too_few", "field.required"}, (path.name, findings)


def test_solleftea_workplaces_carry_every_locked_activity(tmp_path):
    md = masterdata.MasterData(build("solleftea"))
    for unit in md.units():
        doc = document.prefill(md, unit.id)
        assert [a["id"] for a in doc["activities"]] == ["GEM1", "GEM2", "GEM3"]
    assert len(md.perspectives) == 6


def test_a_sheet_taken_from_the_rendering_cache_is_the_sheet_openpyxl_renders_anew(master, tmp_path):
    """Units of one board share most sheets, so the generator renders each distinct sheet once per
    process (rendering.py); a plan assembled from the cache is the plan openpyxl writes without it."""
    from rodtrad.consolidator.workbooks import planbook, rendering

    units = [u.id for u in master.units() if u.board == master.by_id[UNIT].board][:5]

    def write(unit, path):
        doc = document.prefill(master, unit, "2027-plan")
        planbook.write(doc, document.lists(master, unit), master, path, now="2026-11-23 08:00:00")

    assert_sheet_cache_is_transparent(write, units, tmp_path)
    rendering.counts.update(rendered=0, reused=0)
    write(units[0], tmp_path / "again.xlsx")
    assert rendering.counts["reused"] >= 8  # of 12 keyed sheets, only the unit's own (Översikt, Budget …) are rendered
