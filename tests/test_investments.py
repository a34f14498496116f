"""Investment projects in the follow-ups: a full-year forecast and a comment per project, from the
workbook a board fills (and LibreOffice saves) to the KF and board reports, the document, trace and
verify; every figure expected here is worked out from the returned files and the SIE file itself."""
import hashlib
import json
import re
import shutil

import pytest
from click.testing import CliRunner
from docx import Document
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from rodtrad.consolidator.audit.verify import verify
from rodtrad.consolidator.cli import main
from rodtrad.consolidator.consolidation.consolidate import consolidate
from rodtrad.consolidator.reading.validate import validate_file
from rodtrad.consolidator.rollup import investments
from rodtrad.consolidator.rollup.store import History
from rodtrad.samples import ledgerdata

from spreadsheet_engine import recalculate, soffice

PERIOD, BOARD, KF = "2027-delar", "2000", "0000"
ANSWERS = {"P101": (18_500_000, "Byggstarten flyttades till oktober; resten faktureras nästa år."),
           "P102": (9_400_000, "Fördyring: ventilationen måste bytas när köket byggs om.")}


def rows(path, sheet):
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python(skip_empty_area=False)


def table(path, sheet, header_row=3):
    data = rows(path, sheet)
    header = data[header_row]
    return [dict(zip(header, r)) for r in data[header_row + 1:] if any(v not in ("", None) for v in r[:3])]


def one(folder, node):
    (path,) = folder.glob(f"{node} *.xlsx")
    return path


def cells(ws, header_row=4):
    """(row of each project id, column letter of each header) on a workbook's Investeringar sheet."""
    letters = {c.value: c.column_letter for c in ws[header_row] if c.value}
    at = {ws.cell(row=r, column=1).value: r for r in range(header_row + 1, ws.max_row + 1) if ws.cell(row=r, column=1).value}
    return at, letters


def spent_from_sie(months: int) -> dict[str, float]:
    """Outcome per project for January..`months`, summed here from the shipped SIE file's vouchers."""
    text = ledgerdata.shipped(ledgerdata.SIE_FILE).read_bytes().decode("cp437")
    out: dict[str, float] = {}
    for date, project, amount in re.findall(r'#VER "I" "\d+" (\d{8}) .*\r\n\{\r\n#TRANS 1229 \{6 "(\w+)"\} ([\d.]+)', text):
        if int(date[4:6]) <= months:
            out[project] = out.get(project, 0) + float(amount)
    return out


@pytest.fixture(scope="module")
def answered(demo_cycle, tmp_path_factory):
    """A copy of the demo's year whose Barn- och utbildningsnämnd answers its projects (ANSWERS) in its
    returned delår workbook, saved by LibreOffice, and the delår consolidated again with documents."""
    if soffice() is None:
        pytest.skip("LibreOffice is installed by `make test`")
    work = tmp_path_factory.mktemp("investments")
    root = work / "exempelkommun"
    shutil.copytree(demo_cycle["workspace"].root, root)
    returned = one(root / "inkorg" / PERIOD / "nämnd", BOARD)
    wb = load_workbook(returned)
    ws = wb["Investeringar"]
    at, col = cells(ws)
    for project, (forecast, comment) in ANSWERS.items():
        ws[f"{col['Prognos helår']}{at[project]}"] = forecast
        ws[f"{col['Kommentar']}{at[project]}"] = comment
    filled = work / returned.name
    wb.save(filled)
    saved = recalculate(filled, work)  # as a board's LibreOffice saves it: formulas computed, values cached
    shutil.copyfile(saved, returned)
    result = consolidate(root, PERIOD, documents="docx")
    return root, demo_cycle["master"], returned, result


def expected(root, master) -> dict[str, dict]:
    """Per project, what the reports must say: the answering board's forecast and comment (read here
    from the boards' returned workbooks), the SIE file's outcome, and budget − forecast."""
    spent = spent_from_sie(8)
    answers = {}
    for path in (root / "inkorg" / PERIOD / "nämnd").glob("*.xlsx"):
        if "Investeringar" in CalamineWorkbook.from_path(str(path)).sheet_names:
            answers.update({r["Projekt"]: r for r in table(path, "Investeringar")})
    out = {}
    for p in master.projects:
        a = answers[p.id]
        out[p.id] = {"budget": p.year_sek, "outcome": spent.get(p.id, 0.0), "forecast": a["Prognos helår"],
                     "deviation": p.year_sek - a["Prognos helår"], "comment": a["Kommentar"] or ""}
    return out


def test_libreoffice_computes_each_projects_deviation_from_the_answered_forecast(answered, master):
    _, _, returned, _ = answered
    got = {r["Projekt"]: r for r in table(returned, "Investeringar")}
    for project, (forecast, _) in ANSWERS.items():
        budget = next(p.year_sek for p in master.projects if p.id == project)
        assert got[project]["Prognos helår"] == forecast
        assert got[project]["Avvikelse mot budget"] == budget - forecast  # the formula, as LibreOffice computed it


def test_the_returned_board_workbook_is_valid_and_its_answers_are_taken_in(answered):
    root, master, returned, result = answered
    task = validate_file(returned, master, expected_period=PERIOD)
    assert [f.code for f in task.findings if f.severity == "error"] == []
    assert BOARD in result.levels


def test_the_kf_and_board_reports_show_each_answered_forecast_its_deviation_and_comment(answered):
    root, master, _, result = answered
    want = expected(root, master)
    assert {k: (v["forecast"], v["comment"]) for k, v in want.items() if k in ANSWERS} == ANSWERS
    (board_report,) = [p for p in result.board_reports if master.by_id[BOARD].name in p.name]
    for report, projects in ((result.kf_report, set(want)), (board_report, {"P101", "P102"})):
        got = {r["Projekt"]: r for r in table(report, "Investeringar") if r["Projekt"] in want}
        assert set(got) == projects, report.name
        for project in projects:
            row, w = got[project], want[project]
            assert row["Utfall t.o.m. perioden (kr)"] == pytest.approx(w["outcome"], abs=0.01)
            assert row["Prognos helår (kr)"] == w["forecast"]
            assert row["Avvikelse mot budget (kr)"] == pytest.approx(w["deviation"])
            assert row["Kommentar"] == w["comment"]
            assert row["Prognos lämnad av"].startswith("nämnden")
        total = next(r for r in table(report, "Investeringar") if r["Projekt"] == "Summa")
        assert total["Prognos helår (kr)"] == sum(want[p]["forecast"] for p in projects)


def test_the_self_financing_degree_and_fm2_follow_the_answered_forecasts(answered):
    root, master, _, result = answered
    net = sum(w["forecast"] for w in expected(root, master).values()) - master.closing["investment_income_sek"]
    balance = {r[0]: r[1] for r in rows(result.kf_report, "Balanskrav") if r and isinstance(r[1], (int, float))}
    degree = (balance["Årets resultat"] + master.closing["depreciation_sek"]) / net
    lines = {r[0]: r[1] for r in rows(result.kf_report, "Investeringar") if r and r[0]}
    assert lines["Nettoinvesteringar (kr)"] == pytest.approx(net)
    assert lines["Självfinansieringsgrad"] == pytest.approx(degree, abs=1e-6)
    n14 = {r["Id"]: r for r in table(result.kf_report, "Nyckeltal")}["N14"]
    assert n14["Utfall"] == pytest.approx(100 * degree, abs=0.01)


def test_the_report_document_has_the_investeringsredovisning(answered):
    root, master, _, result = answered
    want = expected(root, master)
    doc = Document(str(result.kf_report.with_suffix(".docx")))
    (found,) = [t for t in doc.tables if t.rows[0].cells[0].text == "Projekt"]
    body = {r.cells[0].text: [c.text for c in r.cells] for r in found.rows[1:]}
    assert set(body) == set(want)
    for project, w in want.items():
        assert f"{w['forecast']:,.0f}".replace(",", "\u00a0") in body[project]
        assert f"{w['deviation']:,.0f}".replace(",", "\u00a0") in body[project]


def test_trace_leads_a_projects_forecast_to_the_answering_boards_cell(answered):
    root, _, returned, result = answered
    lineage = [json.loads(line) for line in (result.folder / "spårbarhet.jsonl").read_text("utf-8").splitlines()]
    wb = load_workbook(returned)
    at, col = cells(wb["Investeringar"])
    for project, (forecast, _) in ANSWERS.items():
        (entry,) = [e for e in lineage if e["key"] == f"investering/{project}/{KF}"]
        (source,) = entry["sources"]
        assert (source["file"], source["sha256"]) == (returned.name, hashlib.sha256(returned.read_bytes()).hexdigest())
        assert (source["sheet"], source["cell"], source["value"]) == (
            "Investeringar", f"{col['Prognos helår']}{at[project]}", forecast)


def test_an_old_periods_investments_hold_after_a_new_ledger_import(answered, tmp_path):
    """verify of delår recomputes with the investment outcome its consolidation used, not the ledger
    imported since (a project invoice booked back in May). The module's last use of its workspace:
    it imports into it."""
    root, master, _, result = answered
    before = table(result.kf_report, "Investeringar")
    with History(root / "historik.sqlite", write=False) as h:
        live = investments.outcome(h.con, 2027, 8)
        assert h.invested(PERIOD) == pytest.approx(live)
    invoice = ('#FLAGGA 0\r\n#PROGRAM "Lev" 1\r\n#FORMAT PC8\r\n#GEN 20270910\r\n#SIETYP 4\r\n#DIM 6 "Projekt"\r\n'
               '#VER I 1 20270520 "Faktura"\r\n{\r\n#TRANS 1229 {6 "P101"} 2500000.00\r\n'
               '#TRANS 2440 {} -2500000.00\r\n}\r\n')
    path = tmp_path / "faktura.si"
    path.write_bytes(invoice.encode("cp437"))
    run = CliRunner().invoke(main, ["import", "ledger", str(path), "-w", str(root)])
    assert run.exit_code == 0, run.output
    with History(root / "historik.sqlite", write=False) as h:
        assert investments.outcome(h.con, 2027, 8)["P101"] != pytest.approx(live["P101"])  # the ledger did change
    verdict = verify(root, PERIOD, jobs=1)
    assert verdict.ok, verdict.memo()
    assert table(root / "rapporter" / PERIOD / result.kf_report.name, "Investeringar") == before
    consolidate(root, PERIOD)  # consolidated again, the period takes the new ledger
    after = {r["Projekt"]: r for r in table(root / "rapporter" / PERIOD / result.kf_report.name, "Investeringar")}
    was = {r["Projekt"]: r for r in before}
    assert after["P101"]["Utfall t.o.m. perioden (kr)"] != pytest.approx(was["P101"]["Utfall t.o.m. perioden (kr)"])


def test_the_reference_recomputation_finds_a_wrong_figure_on_the_investeringar_sheet(demo_cycle, tmp_path):
    """tests/reference.py compares the sheet cell by cell (outcome from the SIE files, forecasts from
    the returned workbooks): a forecast and a self-financing degree changed in the report are found."""
    import reference

    root = shutil.copytree(demo_cycle["workspace"].root, tmp_path / "ws")
    assert [d for d in reference.check_period(root, PERIOD, nodes={KF}).differences if d[1] == "Investeringar"] == []
    path = root / "rapporter" / PERIOD / f"KF-rapport {PERIOD}.xlsx"
    wb = load_workbook(path)
    ws = wb["Investeringar"]
    header = [c.value for c in ws[4]]
    for row in ws.iter_rows(min_row=5):
        if row[0].value == "P101":
            row[header.index("Prognos helår (kr)")].value += 1000
        elif row[0].value == "Självfinansieringsgrad":
            row[1].value += 0.01
    wb.save(path)
    found = [d for d in reference.check_period(root, PERIOD, nodes={KF}).differences if d[1] == "Investeringar"]
    assert [(d[2], d[3]) for d in found] == [(("P101",), "Prognos helår (kr)"), ("Självfinansieringsgrad", "Belopp")]


# -- the rule, in every case it has (rules/investments.py) ------------------------------------------

def _edit(src, dst, project, forecast, comment=None) -> dict[str, str]:
    """Write a project's forecast and comment; the cells of both: {"forecast": "G5", "comment": "I5"}."""
    wb = load_workbook(src)
    ws = wb["Investeringar"]
    at, col = cells(ws)
    where = {"forecast": f"{col['Prognos helår']}{at[project]}", "comment": f"{col['Kommentar']}{at[project]}"}
    ws[where["forecast"]], ws[where["comment"]] = forecast, comment
    wb.save(dst)
    return where


EXPLAIN = 50_000  # Exempelkommun's Avvikelse som ska förklaras (kr)
CASES = {  # (period, forecast as budget + x or a value, comment) -> the findings on the sheet, at which cell
    "delår: no forecast": ("2027-delar", None, None, [("investment.forecast_missing", "forecast")]),
    "a month: no forecast is allowed": ("2027-05", None, None, []),
    "delår: a forecast in words is unreadable": ("2027-delar", "ca 20 milj", None, [("value.unreadable", "forecast")]),
    "delår: under budget by the threshold, no comment": (
        "2027-delar", -EXPLAIN, None, [("investment.comment_missing", "comment")]),
    "delår: over budget by the threshold, no comment": (
        "2027-delar", +EXPLAIN, None, [("investment.comment_missing", "comment")]),
    "delår: just below the threshold, no comment": ("2027-delar", -(EXPLAIN - 1), None, []),
    "delår: a deviation with its comment": ("2027-delar", -3 * EXPLAIN, "Senare byggstart.", []),
    "a month: a deviation needs its comment too": ("2027-05", 2 * EXPLAIN, None, [("investment.comment_missing", "comment")]),
}


@pytest.mark.parametrize("period,change,comment,codes", CASES.values(), ids=CASES.keys())
def test_a_projects_forecast_and_comment_are_checked_as_the_period_asks(demo_cycle, tmp_path, period, change,
                                                                        comment, codes):
    master = demo_cycle["master"]
    assert master.rules["explain_sek"] == EXPLAIN
    src = one(demo_cycle["workspace"].root / "inkorg" / period, "2111")
    budget = next(p.year_sek for p in master.projects if p.id == "P101")
    forecast = budget + change if isinstance(change, int) else change
    where = _edit(src, tmp_path / src.name, "P101", forecast, comment)
    found = [f for f in validate_file(tmp_path / src.name, master, expected_period=period).findings
             if f.sheet == "Investeringar"]
    assert [(f.code, f.cell) for f in found] == [(code, where[column]) for code, column in codes]
    for f in found:  # Swedish, naming the project
        assert "P101" in f.message() or f.code == "value.unreadable", f.message()


@pytest.mark.parametrize("header,code", [("Utfall t.o.m. perioden", "followup.outcome_changed"),
                                         ("Årets budget", "prefilled.changed"), ("Total budget", "prefilled.changed")])
def test_a_projects_prefilled_figures_are_locked_and_an_edit_is_named_at_its_cell(demo_cycle, tmp_path, header, code):
    from rodtrad.consolidator.reading.sent import SentCopies

    root, master = demo_cycle["workspace"].root, demo_cycle["master"]
    src = one(root / "inkorg" / PERIOD, "2111")
    wb = load_workbook(src)
    ws = wb["Investeringar"]
    at, col = cells(ws)
    cell = ws[f"{col[header]}{at['P101']}"]
    assert cell.protection.locked and ws.protection.sheet
    cell.value = (cell.value or 0) + 1000
    wb.save(tmp_path / src.name)
    found = validate_file(tmp_path / src.name, master, sent=SentCopies(root)).findings
    assert [(f.sheet, f.cell, f.code) for f in found] == [("Investeringar", cell.coordinate, code)]
