"""A cell that shows an Excel error value is a finding on that cell, never read as blank."""
from pathlib import Path

import pytest
from openpyxl import load_workbook

from rodtrad.consolidator.model.values import EXCEL_ERRORS
from rodtrad.consolidator.reading.validate import validate_file

from kontroll_corpus import _first, tables

CASE = Path(__file__).parent / "cases" / "t1-outcome-shows-DIV0.xlsx"  # from ../shared/cases/workbooks/
CELLS = [("indicators", "outcome"), ("indicators", "comment"), ("economy", "forecast")]  # a number, a text, an amount


@pytest.fixture(scope="module")
def books(year, tmp_path_factory):
    """For each error value, the T1 workbook with that error in a number, a text and an amount cell,
    as Excel saves a failing formula (<c t="e"><f>…</f><v>#DIV/0!</v></c>): {literal: (path, cells)}."""
    master, returned = year
    folder = tmp_path_factory.mktemp("felvarden")
    wb = load_workbook(returned["tertial"])
    sheets = tables(wb)
    own = _first(sheets["indicators"], lambda sh, r: sh.get(r, "from_source") != "Ja")
    cells = [sheets[key].cell(own if key == "indicators" else _first(sheets[key]), col) for key, col in CELLS]
    out = {}
    for i, literal in enumerate(sorted(EXCEL_ERRORS)):
        for cell in cells:
            cell.value, cell.data_type = literal, "e"
        cells[0].value = f"=X{cells[0].row}/Y{cells[0].row}"  # a formula, its cached value the error
        path = folder / f"t1-{i:02d}.xlsx"
        wb.save(path)
        _cache_error(path, literal)
        out[literal] = (path, [c.coordinate for c in cells])
    return master, out


def _cache_error(path, literal):
    """openpyxl writes a formula without its cached value: give the formula cell its cached error as
    Excel would (<c t="e"><f>…</f><v>#…</v></c>)."""
    import re
    import zipfile

    with zipfile.ZipFile(path) as z:
        items = {i.filename: z.read(i) for i in z.infolist()}
    for name, xml in items.items():
        if name.startswith("xl/worksheets/") and b"<f>X" in xml:
            items[name] = re.sub(rb'<c r="([A-Z]+\d+)"([^>]*)><f>(X\d+/Y\d+)</f><v\s*/?>(?:</v>)?</c>',
                                 lambda m: b'<c r="' + m.group(1) + b'"' + m.group(2).replace(b' t="n"', b"")
                                 + b' t="e"><f>' + m.group(3) + b"</f><v>" + literal.encode() + b"</v></c>", xml)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in items.items():
            z.writestr(name, data)


@pytest.mark.parametrize("literal", sorted(EXCEL_ERRORS))
def test_every_excel_error_value_is_a_finding_on_its_cell(books, literal):
    master, made = books
    path, cells = made[literal]
    found = [(f.cell, f.code, f.message()) for f in validate_file(path, master).findings]
    assert sorted((c, code) for c, code, _ in found) == sorted((c, "value.excel_error") for c in cells)
    assert all(f"cellen visar Excels felvärde {literal}" in message for *_, message in found)


def test_the_case_of_an_outcome_showing_div0_is_found_on_that_cell(year):
    master, _ = year
    found = [(f.sheet, f.cell, f.code) for f in validate_file(CASE, master).findings]
    assert ("Nyckeltal", "L9", "value.excel_error") in found
    assert all(code != "value.unreadable" for *_, code in found)


@pytest.mark.parametrize("literal", ["#DIV/0!", "#N/A", "#SPILL!"])
def test_the_addin_reports_an_error_value_shown_in_excel_on_its_cell(year, literal):
    """In Excel the add-in gets the cell as Excel shows it ("#DIV/0!"), through xlwings' remote engine."""
    from test_addin import NOW, actions, payload, xw  # sets the noncommercial licence key first

    master, books = year
    sent = payload(books["tertial"])
    sheet = next(s for s in sent["sheets"] if s["name"] == "Nyckeltal")
    header = sheet["values"][3]
    row = next(r for r in sheet["values"][4:] if r[header.index("Utfall ur källan")] != "Ja" and r[0])
    row[header.index("Utfall")] = literal
    number = sheet["values"].index(row) + 1
    task = actions.validate(xw.Book(json=sent), master, NOW)
    assert [(f.sheet, f.cell, f.code) for f in task.findings] == [("Nyckeltal", f"L{number}", "value.excel_error")]
