"""The workbooks read right on paper: every visible sheet has a page setup, and a delår workbook
printed by LibreOffice has no text below 7 pt and no more than two pages a sheet."""
import re
import subprocess
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from rodtrad.consolidator.workbooks.generate import generate

from spreadsheet_engine import convert, soffice

MIN_PT = 7.0
BOX = 1.3  # a word's box in pdftotext -bbox is 1.3 × its font size (measured: 7 pt text, 9.1 pt box)


def page_setups(path):
    wb = load_workbook(path)
    for ws in wb.worksheets:
        if ws.sheet_state != "visible":
            continue
        yield ws.title, ws


def books_and_reports(root):
    yield from sorted((root / "inkorg").rglob("*.xlsx"))
    yield from sorted((root / "rapporter").rglob("*.xlsx"))


def test_every_visible_sheet_of_every_workbook_and_report_has_a_page_setup(year):
    master, books = year
    root = books["plan"].parents[2]
    paths = list(books_and_reports(root))
    kinds = {p.parent.name for p in paths}
    assert {"2027-plan", "2027-05", "2027-T1", "2027-delar", "2027-helar", "nämnd"} <= kinds
    assert any("rapporter" in p.parts for p in paths)
    missing = []
    for path in paths:
        for title, ws in page_setups(path):
            setup = ws.page_setup
            ok = (str(setup.paperSize) == "9" and setup.orientation in ("portrait", "landscape")
                  and ws.sheet_properties.pageSetUpPr is not None and ws.sheet_properties.pageSetUpPr.fitToPage
                  and (setup.fitToWidth or 0) >= 1 and "&A" in (ws.oddFooter.center.text or "")
                  and "&P" in (ws.oddFooter.center.text or ""))
            if not ok:
                missing.append((path.name, title))
    assert missing == []


def test_dates_on_the_overview_are_dates_not_serial_numbers(year):
    master, books = year
    ws = load_workbook(books["delår"])["Översikt"]
    formats = {row[0].value: row[1].number_format for row in ws.iter_rows(min_row=4, max_col=2) if row[0].value}
    assert formats["Perioden slutar"] == "yyyy-mm-dd" and formats["Lämnas in senast"] == "yyyy-mm-dd"


def test_no_sha256_reaches_a_sheet_the_unit_reads(year):
    master, books = year
    wb = load_workbook(books["delår"])
    for ws in wb.worksheets:
        if ws.title.startswith("_"):
            continue
        for row in ws.iter_rows():
            for cell in row:
                assert "sha256" not in str(cell.value or ""), (ws.title, cell.coordinate)


@pytest.mark.skipif(soffice() is None or shutil.which("pdftotext") is None,
                    reason="LibreOffice and poppler-utils are installed by `make test`")
def test_a_delar_workbook_prints_in_readable_text_on_at_most_two_pages_a_sheet(year, tmp_path):
    master, books = year
    root = books["plan"].parents[2]
    (path,) = generate(master, "2027-delar", tmp_path / "utskick", units=["2111"], jobs=1, root=root)
    visible = sum(1 for _ in page_setups(path))
    pdf = convert(path, tmp_path, "pdf")
    layout = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = layout.split("<page ")[1:]
    assert 0 < len(pages) <= 2 * visible
    smallest = []
    for page in pages:
        sizes = [(float(y1) - float(y0)) / BOX for y0, y1 in
                 re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)"', page)]
        words = re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)<', page)
        small = min(words, key=lambda w: float(w[1]) - float(w[0]))
        smallest.append((round(min(sizes), 1), small[2]))
    assert min(size for size, _ in smallest) >= MIN_PT, smallest


def test_rows_with_wrapped_text_longer_than_its_column_are_tall_enough_to_show_it(year):
    from rodtrad.consolidator.workbooks.workbook import CHARS_PER_UNIT, LINE

    master, books = year
    checked = 0
    for kind in ("plan", "delår", "nämnd"):  # as sent: the prefilled texts are ours to fit
        sent = Path(*["utskick" if part == "inkorg" else part for part in books[kind].parts])
        wb = load_workbook(sent)
        for ws in wb.worksheets:
            if ws.sheet_state != "visible" or ws.title in ("Instruktioner", "Översikt", "Kontroll", "Fel"):
                continue
            for row in ws.iter_rows(min_row=5):
                for cell in row:
                    width = ws.column_dimensions[cell.column_letter].width or 13
                    text = cell.value if isinstance(cell.value, str) else ""
                    if cell.alignment.wrap_text and len(text) > width * CHARS_PER_UNIT * 1.5:
                        height = ws.row_dimensions[cell.row].height
                        assert height and height >= 2 * LINE, (kind, ws.title, cell.coordinate, height)
                        checked += 1
    assert checked >= 3  # goal and uppdrag texts, at least
