"""Every figure right: the reports agree, cell by cell, with a recomputation that shares no code with them.

tests/reference.py reads the returned workbooks with openpyxl and recomputes every table of the KF
and board reports with pandas; here it runs on each period kind of the demo and on the presets'
plans and follow-ups, must find no difference, and must move with the report when an input moves.
"""
import json
import math
import shutil

import pytest
from openpyxl import load_workbook

import reference
from rodtrad.consolidator.consolidation.consolidate import consolidate
from rodtrad.consolidator.model.values import tidy

DEMO_PERIODS = ("2027-plan", "2027-T1", "2027-05", "2027-delar")  # plan, tertial, a month, delår
PRESETS = ("ostersund", "vimmerby", "solleftea")
UNIT = "2111"  # Förskolan Solrosen, under Barn- och utbildningsnämnden, carries locked activities


def differences(comparison) -> list:
    return [" | ".join(map(str, d)) for d in comparison.differences]


@pytest.mark.parametrize("period", DEMO_PERIODS)
def test_the_demo_reports_equal_the_reference_recomputation_in_every_cell(demo_cycle, period):
    comparison = reference.check_period(demo_cycle["workspace"].root, period)
    print(comparison.note())  # how many cells, per sheet, and what it does not compare (pytest -s)
    assert differences(comparison) == []
    per_sheet = {sheet for _, sheet in comparison.cells}
    for sheet in ("Sammanfattning", "Ekonomi", "Ekonomi per konto", "Nyckeltal", "Aktiviteter", "Aktiviteter per mål",
                  "Uppdrag", "Intern kontroll", "Inlämning", "Historik", "Målkedja", "Teckenförklaring", "Avvikelser"):
        assert sheet in per_sheet, sheet
    if period == "2027-delar":
        assert {"Förvaltningsberättelse", "Balanskrav", "Åtgärdsplaner", "Nivåernas analyser"} <= per_sheet
    if period != "2027-plan":  # last year's same months, from the SIE files themselves (reference_sheets.py)
        assert "Föregående år" in per_sheet
    uncovered = {sheet for _, sheet in comparison.sheets} - per_sheet
    assert uncovered <= set(reference.NOT_COVERED), uncovered
    assert sum(comparison.cells.values()) > 3000


@pytest.mark.parametrize("preset", PRESETS)
def test_each_presets_plan_and_follow_up_equal_the_reference_recomputation(preset_cycle, preset):
    root, plan, follow = preset_cycle(preset)
    for period in (plan, follow):
        comparison = reference.check_period(root, period)
        assert differences(comparison) == [], (preset, period)
        assert sum(comparison.cells.values()) > 300
        uncovered = {sheet for _, sheet in comparison.sheets} - {sheet for _, sheet in comparison.cells}
        assert uncovered <= set(reference.NOT_COVERED), uncovered
        if preset == "solleftea":  # the model drawn as a målkompass: delmål and activities done per area
            assert sum(n for (_, sheet), n in comparison.cells.items() if sheet == "Målkompass") > 20


def test_one_changed_cell_moves_the_recomputation_and_the_report_together(demo_cycle, tmp_path):
    """A unit's forecast raised by 123 456,78 kr in a month's follow-up: the re-consolidated reports
    and the recomputation agree, the council's forecast moved by exactly that, and the old reports
    now differ from the recomputation in the cells that sum it (so the comparison cannot pass vacuously)."""
    root = tmp_path / "kommun"
    shutil.copytree(demo_cycle["workspace"].root, root)
    period, nodes = "2027-05", {"0000", "2000"}  # the council and the unit's board
    (path,) = (root / "inkorg" / period).glob(f"{UNIT} *.xlsx")
    kf = root / "rapporter" / period / f"KF-rapport {period}.xlsx"
    before = {r[1]: r for r in reference.report_table(load_workbook(kf), "Ekonomi", "Ekonomi")[1]}
    old = shutil.copytree(root / "rapporter" / period, tmp_path / "gamla")
    wb = load_workbook(path)
    ws = wb["Ekonomi"]
    row = next(r for r in range(5, ws.max_row + 1) if ws.cell(r, 1).value == "5010")
    ws.cell(row, 7).value = ws.cell(row, 7).value + 123456.78  # Helårsprognos
    wb.save(path)
    consolidate(root, period, jobs=1)
    after = {r[1]: r for r in reference.report_table(load_workbook(kf), "Ekonomi", "Ekonomi")[1]}
    assert round((after["0000"][4] - before["0000"][4]) * 100) == 12345678
    assert differences(reference.check_period(root, period, nodes=nodes)) == []
    for report in [*old.glob("KF-rapport *.xlsx"), *old.glob("Nämndrapport *.xlsx")]:  # old reports, new inputs
        shutil.copyfile(report, root / "rapporter" / period / report.name)
    found = reference.check_period(root, period, nodes=nodes).differences
    assert {(d[1], d[3]) for d in found} >= {("Ekonomi", "Prognos helår (kr)"), ("Ekonomi", "Avvikelse (kr)"),
                                              ("Ekonomi per konto", "Prognos helår (kr)")}
    board = next(p.name for p in old.glob("Nämndrapport 2000 *.xlsx"))
    assert {(d[0], d[1]) for d in found} >= {(f"KF-rapport {period}.xlsx", "Ekonomi"), (board, "Ekonomi"),
                                             (board, "Avvikelser"), (board, "Ekonomi per konto")}


def test_a_locked_activity_is_locked_in_every_board_report_of_every_period(demo_cycle):
    """The plan's Låst flag survives every follow-up (whose workbooks have no Låst column)."""
    root = demo_cycle["workspace"].root
    locked = {a.id for a in demo_cycle["master"].locked_activities}
    seen = dict.fromkeys(DEMO_PERIODS, 0)
    for period in DEMO_PERIODS:
        for report in (root / "rapporter" / period).glob("Nämndrapport *.xlsx"):
            header, rows = reference.report_table(load_workbook(report, read_only=False), "Aktiviteter", "Aktiviteter")
            flags = {r[header.index("Id")]: set() for r in rows}
            for r in rows:
                flags[r[header.index("Id")]].add(r[header.index("Låst")])
            assert all(flags[i] == {"Ja"} for i in locked & set(flags)), (period, report.name)
            assert all(flags[i] == {"Nej"} for i in set(flags) - locked), (period, report.name)
            seen[period] += len(locked & set(flags))
    assert seen["2027-plan"] and seen["2027-T1"] and seen["2027-delar"]  # a month asks for no activities


def test_summary_counts_come_from_this_periods_reports_of_uppdrag_and_controls(demo_cycle):
    root = demo_cycle["workspace"].root
    report = root / "rapporter" / "2027-delar" / "KF-rapport 2027-delar.xlsx"
    wb = load_workbook(report)
    _, rows = reference.report_table(wb, "Sammanfattning", "Antal")
    counts = {(r[0], r[1]): r[2] for r in rows}
    _, upp = reference.report_table(wb, "Uppdrag", "Uppdrag")
    said = {}
    for r in upp:  # "Pågår 24, Klart 9": the units' statuses, per uppdrag
        for part in r[5].split(", "):
            word, n = part.rsplit(" ", 1)
            said[word] = said.get(word, 0) + int(n)
    assert {k[1]: v for k, v in counts.items() if k[0] == "Uppdrag"} == {f"{w} (enheternas svar)": n for w, n in said.items()}
    _, controls = reference.report_table(wb, "Intern kontroll", "InternKontroll")
    assert counts["Intern kontroll", "kontroller utförda"] == sum(r[3] for r in controls) > 0
    assert counts["Intern kontroll", "kontroller ej utförda"] == sum(r[4] for r in controls)
    assert not any(k[1].startswith("risker") for k in counts if k[0] == "Intern kontroll")  # classes are the plan's


def test_a_goal_without_an_indicator_outcome_says_so_in_words_beside_the_levels_assessments(demo_cycle):
    root = demo_cycle["workspace"].root
    wb = load_workbook(root / "rapporter" / "2027-delar" / "KF-rapport 2027-delar.xlsx")
    header, rows = reference.report_table(wb, "Sammanfattning", "Mal")
    goals = {r[0]: dict(zip(header, r)) for r in rows}
    assert goals["KF1"]["Trafikljus"] == "inget nyckeltal"
    assert goals["KF1"]["Underlag för trafikljuset (nyckeltal)"] == "Inget nyckeltal är kopplat till målet."
    assert goals["KF1"]["Nämndernas bedömning"].startswith("2 uppfyllt · 3 delvis")
    assert goals["KF2"]["Underlag för trafikljuset (nyckeltal)"] == "N3: 75,9 mot målvärdet 86 → röd"
    assert all(g["Trafikljus"] not in ("", None, "ej bedömt") for g in goals.values())
    for report in [*(root / "rapporter" / "2027-delar").glob("KF-rapport *.xlsx"),
                   *(root / "rapporter" / "2027-delar").glob("Nämndrapport *.xlsx")]:
        legend = load_workbook(report)["Teckenförklaring"]
        text = " ".join(str(c.value) for row in legend.iter_rows() for c in row if c.value is not None)
        assert "röd från 9, gul från 4" in text and "Grönt från" in text and "inget nyckeltal" in text


def noise(value) -> bool:
    """Binary floating-point noise: a float that is not, but lies within 14 significant digits of, a
    short decimal (at most 11 digits): 0.3999999999999999 is 0.4, 212805299.0899999 is 212805299.09.
    A true ratio (0.01587395567442769, -0.02406940337449991) or mean (8.357142857142856) is no noise."""
    if not isinstance(value, float) or not math.isfinite(value) or tidy(value) == value:
        return False
    digits = f"{tidy(value):.14e}".split("e")[0].replace("-", "").replace(".", "").rstrip("0")
    return len(digits) <= 11


def test_no_report_cell_holds_floating_point_noise(demo_cycle):
    """0.4, 75.9 and 7.5 stay themselves: every number in every report and in the master data is the
    number a person would write (no 0.3999999999999999, no 75.90000000000006)."""
    root = demo_cycle["workspace"].root
    books = [root / "styrmodell.xlsx"] + sorted((root / "rapporter").glob("*/*.xlsx"))
    noisy = []
    for path in books:
        for ws in load_workbook(path, read_only=True).worksheets:
            for row in ws.iter_rows(values_only=True):
                noisy += [(path.name, ws.title, v) for v in row if noise(v)]
    assert noisy == []


def test_indicator_decimals_stay_as_written_in_a_unit_follow_up_and_the_reports(demo_cycle):
    root = demo_cycle["workspace"].root
    (path,) = (root / "utskick" / "2027-delar").glob(f"{UNIT} *.xlsx")
    rows = {r["Id"]: r for r in reference._rows(load_workbook(path, read_only=True)["Nyckeltal"])}
    assert rows["N1"]["Rött från"] == 0.4 and rows["N2"]["Rött från"] == 9.2
    wb = load_workbook(root / "rapporter" / "2027-delar" / "KF-rapport 2027-delar.xlsx")
    header, body = reference.report_table(wb, "Nyckeltal", "Nyckeltal")
    indicators = {r[0]: dict(zip(header, r)) for r in body}
    assert indicators["N3"]["Utfall"] == 75.9 and indicators["N3"]["Enheternas utfall"] == 75.9
    assert wb["Nyckeltal"]["G5"].number_format == "#,##0.0#"
    manifest = json.loads((root / "rapporter" / "2027-delar" / "manifest.json").read_text("utf-8"))
    assert manifest["inputs"]


def test_dates_are_date_cells_in_unit_workbooks_and_reports(demo_cycle, sent):
    import datetime as dt

    overview = {r[0]: r[1] for r in load_workbook(sent, read_only=True)["Översikt"].iter_rows(values_only=True) if r}
    assert isinstance(overview["Lämnas in senast"], dt.datetime)  # not the serial number 46371
    root = demo_cycle["workspace"].root
    (report,) = (root / "rapporter" / "2027-delar").glob("Nämndrapport 2000 *.xlsx")
    wb = load_workbook(report)
    header, rows = reference.report_table(wb, "Uppdrag", "Uppdrag")
    assert all(isinstance(r[header.index("Deadline")], dt.datetime) for r in rows)
    header, rows = reference.report_table(wb, "Aktiviteter", "Aktiviteter")
    assert all(isinstance(r[header.index("Start")], dt.datetime) for r in rows)
    assert wb["Uppdrag"]["E5"].number_format == "yyyy-mm-dd"
