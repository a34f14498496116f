"""Master data: the four presets are valid; a broken styrmodell.xlsx gives findings with cells."""
import pytest
from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string

from rodtrad.consolidator.reading import masterfile
from rodtrad.consolidator.model import masterdata
from rodtrad.consolidator.workbooks import masterbook
from rodtrad.samples import PRESETS, build


@pytest.mark.parametrize("preset", PRESETS)
def test_each_preset_round_trips_through_styrmodell_xlsx_without_findings(preset, tmp_path):
    data = build(preset)
    masterbook.write(data, tmp_path / "styrmodell.xlsx")
    md, findings = masterfile.load(tmp_path / "styrmodell.xlsx")
    assert findings == []
    assert [n.id for n in md.org] == [r["id"] for r in data["org"]]
    assert md.goal_by_id[data["goals"][0]["id"]].text == data["goals"][0]["text"]


def test_exempelkommun_has_five_boards_and_forty_to_sixty_units():
    md = masterdata.MasterData(build("exempelkommun"))
    boards = [n for n in md.org if n.level in ("nämnd", "styrelse")]
    assert len(boards) == 5
    assert 40 <= len(md.units()) <= 60
    assert [p.name for p in md.perspectives] == ["Ekonomi", "Invånare och brukare", "Verksamhet och medarbetare", "Utveckling"]
    assert {g.kind for g in md.goals_at("kf")} == {"inriktningsmål", "finansiellt mål"}


def test_the_organisation_tree_has_any_depth_and_companies_report_through_their_group():
    md = masterdata.MasterData(build("exempelkommun"))
    assert [n.level for n in reversed(md.ancestors("2111"))] == ["kf", "nämnd", "förvaltning", "verksamhet"]
    assert md.board_of("9100").name == "Exempelkommun Stadshus AB"


def test_a_board_goal_may_serve_several_council_goals():
    md = masterdata.MasterData(build("exempelkommun"))
    assert md.goal_by_id["BUN2"].parents == ["KF1", "KF2"]
    assert md.goal_by_id["BUN2"].agenda2030 == ["4.a", "16.2"] and md.goal_by_id["BUN2"].child_rights


@pytest.fixture
def broken(tmp_path):
    path = tmp_path / "styrmodell.xlsx"
    masterbook.write(build("ostersund"), path)

    def _broken(sheet, cells):
        wb = load_workbook(path)
        for ref, value in cells.items():
            wb[sheet][ref] = value
        wb.save(path)
        md, findings = masterfile.load(path)
        assert md is None
        return [f.flat() for f in findings]
    return _broken


def test_a_duplicate_goal_id_points_at_the_second_cell(broken):
    findings = broken("Mål", {"A3": "LM1"})
    assert findings[0] == ("Mål", "A3", "master.duplicate_id")
    assert set(findings[1:]) == {("Mål", "E9", "master.unknown_ref"), ("Indikatorer", "M3", "master.unknown_ref")}  # LM2 is gone


def test_an_unknown_parent_goal_points_at_its_cell(broken):
    assert broken("Mål", {"E6": "LM1, LM9"}) == [("Mål", "E6", "master.unknown_ref")]


def test_an_unknown_level_is_not_allowed(broken):
    assert broken("Organisation", {"D3": "avdelning"}) == [("Organisation", "D3", "value.not_allowed")]


def test_a_number_that_cannot_be_read_is_reported(broken):
    assert broken("Budgetramar", {"C2": "mycket"}) == [("Budgetramar", "C2", "value.unreadable")]


def test_an_unknown_agenda_2030_target_is_reported(broken):
    assert broken("Mål", {"J2": "3.99"}) == [("Mål", "J2", "master.unknown_ref")]


def test_a_cycle_in_the_organisation_is_reported(broken):
    findings = broken("Organisation", {"C3": "110"})  # Kommunstyrelsen under its own förvaltning
    assert ("Organisation", "C3", "master.org_cycle") in findings


def test_a_missing_sheet_is_reported_by_name(tmp_path):
    path = tmp_path / "styrmodell.xlsx"
    masterbook.write(build("vimmerby"), path)
    wb = load_workbook(path)
    del wb["Perioder"]
    wb.save(path)
    md, findings = masterfile.load(path)
    assert md is None and ("Perioder", "", "sheet.missing") in [f.flat() for f in findings]


def test_a_file_that_is_not_a_workbook_gives_a_finding_not_a_traceback(tmp_path):
    path = tmp_path / "styrmodell.xlsx"
    path.write_text("inte en arbetsbok")
    md, findings = masterfile.load(path)
    assert md is None and [f.code for f in findings] == ["file.not_workbook"]


def test_a_styrmodell_from_before_the_balanskrav_sheet_still_loads(tmp_path):
    path = tmp_path / "styrmodell.xlsx"
    masterbook.write(build("exempelkommun"), path)
    assert masterfile.load(path)[0].closing["result_indicator"] == "N1"
    wb = load_workbook(path)
    del wb["Balanskrav"]
    wb.save(path)
    md, findings = masterfile.load(path)
    assert md is not None and findings == [] and md.closing == {}


def test_an_unknown_result_indicator_is_reported(tmp_path):
    path = tmp_path / "styrmodell.xlsx"
    masterbook.write(build("exempelkommun"), path)
    wb = load_workbook(path)
    row = next(r[0].row for r in wb["Balanskrav"].iter_rows() if r[0].value.startswith("Nyckeltal för årets resultat"))
    wb["Balanskrav"][f"B{row}"] = "N99"
    wb.save(path)
    md, findings = masterfile.load(path)
    assert md is None and [f.flat() for f in findings] == [("Balanskrav", f"B{row}", "master.unknown_ref")]


@pytest.mark.parametrize("unit, aggregation, warned", [
    ("%", "summa", True), ("procent", "summa", True), ("Andel", "summa", True), ("% av eleverna", "summa", True),
    ("mil", "summa", False), ("st", "summa", False), ("kr", "summa", False), ("%", "medel", False), ("%", "viktat", False),
])
def test_a_summed_share_is_a_warning_of_check_master_pointing_at_its_aggregation(tmp_path, unit, aggregation, warned):
    data = build("ostersund")
    ind = next(i for i in data["indicators"] if i["id"] == "I5")
    ind.update(unit=unit, aggregation=aggregation, weight=ind.get("weight") or ("I1" if aggregation == "viktat" else None))
    path = tmp_path / "styrmodell.xlsx"
    masterbook.write(data, path)
    md, findings = masterfile.load(path)
    said = [f for f in findings if f.code == "master.summed_share"]
    assert md is not None  # a warning: the model still loads
    if warned:
        assert [(f.value, f.severity) for f in said] == [("I5", "warning")]
        sheet, cell = said[0].sheet, said[0].cell
        column = column_index_from_string(cell.rstrip("0123456789"))
        above = [load_workbook(path)[sheet].cell(row=r, column=column).value for r in range(1, int(cell.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")))]
        assert "Aggregering" in above, above  # the cell is in the Aggregering column
        assert "summa av andelar" in said[0].message()
    else:
        assert said == []
