"""A real spreadsheet engine: LibreOffice opens, recalculates and saves what we generate."""
import pytest
from python_calamine import CalamineWorkbook

from rodtrad.consolidator.reading.validate import validate_file

from spreadsheet_engine import recalculate, soffice

pytestmark = pytest.mark.skipif(soffice() is None, reason="LibreOffice is installed by `make test`")


def check_sheet(path):
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Kontroll").to_python(skip_empty_area=False)
    return {r[0]: r[1] for r in rows[4:] if r[0] and r[1] != ""}


def test_the_check_sheet_says_a_complete_workbook_is_ready(returned, tmp_path):
    counts = check_sheet(recalculate(returned, tmp_path))
    total = counts.pop("Att åtgärda totalt")
    assert total == 0 and set(counts.values()) == {0}


def test_the_check_sheet_counts_what_an_incomplete_workbook_lacks(edit, tmp_path):
    import datetime as dt

    path = edit({"Aktiviteter": {"H5": None, "H6": None, "D8": None, "F9": dt.date(2027, 9, 1), "G9": dt.date(2027, 8, 1)},
                 "Uppdrag": {"F5": None},
                 "Intern kontroll": {"C5": 5},
                 "Budget": {"D5": 0}}, name="ofullständig.xlsx")
    counts = check_sheet(recalculate(path, tmp_path))
    assert counts["Aktiviteter utan ansvarig"] == 2
    assert counts["Aktiviteter utan koppling till mål, åtagande eller uppdrag"] == 1
    assert counts["Aktiviteter som slutar före start"] == 1
    assert counts["Uppdrag utan beskrivning av enhetens bidrag"] == 1
    assert counts["Risker med sannolikhet eller konsekvens utanför 1–4"] == 1
    assert counts["Konton där budgeten inte stämmer med ramen"] == 1
    assert counts["Att åtgärda totalt"] == 7


def test_a_blank_workbook_counts_the_missing_own_goals_and_activities(sent, tmp_path):
    counts = check_sheet(recalculate(sent, tmp_path))
    assert counts["Färre egna mål än 1"] == 1
    assert counts["Färre egna aktiviteter än 3"] == 1
    assert counts["Aktiviteter utan ansvarig"] == 3  # the three locked activities


def test_a_workbook_saved_by_libreoffice_reads_back_like_one_saved_by_excel(returned, master, tmp_path):
    saved = recalculate(returned, tmp_path)
    risk_value = CalamineWorkbook.from_path(str(saved)).get_sheet_by_name("Intern kontroll").to_python(skip_empty_area=False)[4][4]
    assert isinstance(risk_value, float) and risk_value > 0  # cached formula values are present
    task = validate_file(saved, master, keep_document=True)
    original = validate_file(returned, master, keep_document=True)
    assert task.findings == [] and task.document == original.document
