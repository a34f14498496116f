"""The follow-up cycle on the demo: plan → T1 → a month → delår, checked against the sources."""
import copy
import json
import re
import shutil

import pytest
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from rodtrad.consolidator.model import grading
from rodtrad.consolidator.reading import sent
from rodtrad.consolidator.model import document
from rodtrad.consolidator.workbooks import followdocs
from rodtrad.samples.followfill import DEMO_MISTAKES
from rodtrad.consolidator.reading.validate import validate_file, validate_paths
from rodtrad.samples import ledgerdata

from conftest import assert_sheet_cache_is_transparent
from spreadsheet_engine import recalculate, soffice

UNIT = "2111"  # Förskolan Solrosen: a valid plan, no planted mistakes


@pytest.fixture(scope="module")
def demo(demo_cycle):
    return demo_cycle


@pytest.fixture(scope="module")
def root(demo):
    return demo["workspace"].root


@pytest.fixture(scope="module")
def master(demo):
    return demo["master"]


def one(folder, unit=UNIT):
    (path,) = folder.glob(f"{unit} *.xlsx")
    return path


def rows(path, sheet):
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python(skip_empty_area=False)


def table(path, sheet):
    data = rows(path, sheet)
    header = data[3]
    return [dict(zip(header, r)) for r in data[4:] if any(v not in ("", None) for v in r[:3])]


def test_carried_forward_content_equals_the_validated_plan(root, master):
    plan = validate_file(one(root / "inkorg" / "2027-plan"), master, keep_document=True)
    assert plan.valid
    t1 = validate_file(one(root / "utskick" / "2027-T1"), master, keep_document=True).document
    carried = [a for a in t1["activities"] if a["carried"]]
    assert [(a["id"], a["text"], a["link"], a["start"], a["end"]) for a in carried] == \
        [(a["id"], a["text"], a["link"], a["start"], a["end"]) for a in plan.document["activities"]]
    own = [g for g in t1["assessments"] if g["level"] == grading.OWN_GOAL]
    assert [(g["id"], g["text"], g["parent"]) for g in own] == [(g["id"], g["text"], g["parent"]) for g in plan.document["goals"]]
    assert [(c["id"], c["risk"], c["control"]) for c in t1["controls"]] == \
        [(r["id"], r["risk"], r["control"]) for r in plan.document["risks"]]
    economy = {r["account"]: r for r in t1["economy"]}
    for row in plan.document["budget"]:
        assert economy[row["account"]]["budget"] == sum(row[m] for m in document.MONTHS)


def test_outcome_to_date_is_the_ledger_s_and_kolada_fills_its_indicators(root, master):
    text = ledgerdata.shipped(ledgerdata.SIE_FILE).read_bytes().decode("cp437")
    expected = {}
    for month, account, amount in re.findall(rf'#PSALDO 0 2027(\d\d) (\d+) {{1 "{UNIT}"}} (-?[\d.]+)', text):
        if int(month) <= 4:
            expected[account] = expected.get(account, 0) + float(amount)
    sheet = {r["Konto"]: r for r in table(one(root / "utskick" / "2027-T1"), "Ekonomi")}
    assert {a: round(r["Utfall t.o.m. perioden"], 2) for a, r in sheet.items()} == \
        {a: round(v, 2) for a, v in expected.items()}
    assert sheet["5010"]["Utfall maj"] in ("", None)  # after the period: nothing
    kolada = json.loads(ledgerdata.shipped(ledgerdata.KOLADA_FILE).read_text("utf-8"))["values"]
    latest = max((e for e in kolada if e["kpi"] == "N15419" and e["municipality"] == master.municipality["code"]),
                 key=lambda e: int(e["period"]))
    value = next(v["value"] for v in latest["values"] if v["gender"] == "T")
    indicators = {r["Id"]: r for r in table(one(root / "utskick" / "2027-T1", "2121"), "Nyckeltal")}
    assert indicators["N3"]["Utfall"] == value and indicators["N3"]["Utfall ur källan"] == "Ja"


@pytest.mark.parametrize("unit,investments", [("2111", ["Investeringar"]), ("2112", [])])
def test_a_month_asks_only_for_the_economy(root, master, unit, investments):
    """Investments are economy too: a unit that runs a project (2111 runs P101) is asked for them."""
    assert [p.unit for p in master.projects if p.unit in ("2111", "2112")] == ["2111"]
    names = CalamineWorkbook.from_path(str(one(root / "utskick" / "2027-05", unit))).sheet_names
    assert [n for n in names if not n.startswith("_")] == ["Instruktioner", "Översikt", "Ekonomi", *investments,
                                                          "Åtgärdsplan", "Kontroll", "Fel"]


def test_the_month_carries_the_t1_forecast_and_the_sent_copy_is_kept(root):
    t1 = {r["Konto"]: r["Helårsprognos"] for r in table(one(root / "inkorg" / "2027-T1"), "Ekonomi")}
    may = {r["Konto"]: r["Föregående prognos"] for r in table(one(root / "utskick" / "2027-05"), "Ekonomi")}
    assert may == t1
    copies = sent.read_sent(root / "utskick" / "2027-05")
    assert len(copies) == 49 and copies[UNIT]["economy"]


def test_validation_finds_exactly_the_planted_follow_up_mistakes(demo, root, master):
    report = validate_paths([root / "inkorg" / "2027-T1"], master, root=root, jobs=1)
    found = {(t.file, f.code) for t in report.tasks for f in t.findings}
    planted = demo["cycle"]["2027-T1"].report.tasks  # the demo's own run agrees with this one
    assert found == {(t.file, f.code) for t in planted for f in t.findings}
    assert {code for _, code in found} == {"followup.forecast_missing", "followup.late_comment",
                                          "followup.outcome_changed", "followup.action_plan_missing",
                                          "followup.relinked"}
    assert len({f for f, _ in found}) == len(DEMO_MISTAKES)


@pytest.fixture
def edit(root, tmp_path):
    """A clean returned T1 workbook with some cells changed (sheet -> {cell: value})."""
    def change(cells):
        path = tmp_path / one(root / "inkorg" / "2027-T1").name
        shutil.copyfile(one(root / "inkorg" / "2027-T1"), path)
        wb = load_workbook(path)
        for sheet, values in cells.items():
            for ref, value in values.items():
                wb[sheet][ref] = value
        wb.save(path)
        return path
    return change


def codes(path, master, root):
    from rodtrad.consolidator.reading.sent import SentCopies

    return sorted((f.sheet, f.cell, f.code) for f in validate_file(path, master, sent=SentCopies(root)).findings)


def test_a_clean_follow_up_has_no_findings(edit, master, root):
    assert codes(edit({}), master, root) == []


@pytest.mark.parametrize("cells, expected", [
    ({"Måluppföljning": {"F5": None}}, [("Måluppföljning", "F5", "followup.assessment_missing")]),
    ({"Måluppföljning": {"F5": "Ej uppfyllt", "G5": None}}, [("Måluppföljning", "G5", "followup.analysis_missing")]),
    ({"Aktiviteter": {"J5": None}}, [("Aktiviteter", "J5", "followup.status_missing")]),
    ({"Aktiviteter": {"J5": "Försenad", "K5": None}}, [("Aktiviteter", "K5", "followup.late_comment")]),
    ({"Uppdrag": {"E5": None}}, [("Uppdrag", "E5", "followup.status_missing")]),
    ({"Ekonomi": {"G6": None}}, [("Ekonomi", "G6", "followup.forecast_missing")]),
    ({"Intern kontroll": {"E5": None}}, [("Intern kontroll", "E5", "followup.control_missing")]),
    ({"Intern kontroll": {"G5": "Ja", "H5": None}}, [("Intern kontroll", "H5", "followup.control_action")]),
    ({"Ekonomi": {"E6": 1}}, [("Ekonomi", "E6", "followup.outcome_changed")]),
    ({"Aktiviteter": {"C5": "Något annat"}}, [("Aktiviteter", "C5", "prefilled.changed")]),
    ({"Åtgärdsplan": {"B5": "Färre vikarier", "D5": None}}, [("Åtgärdsplan", "D5", "followup.action_effect")]),
])
def test_each_follow_up_rule_triggers_on_its_cell(edit, master, root, cells, expected):
    assert codes(edit(cells), master, root) == expected


def test_an_unexplained_deviation_and_a_missing_action_plan(edit, master, root):
    sheet = {r["Konto"]: r for r in table(one(root / "inkorg" / "2027-T1"), "Ekonomi")}
    budget = sheet["5010"]["Budget helår"]
    row = 5 + list(sheet).index("5010")
    found = codes(edit({"Ekonomi": {f"G{row}": budget + 60_000, f"I{row}": None}}), master, root)
    assert found == [("Ekonomi", f"I{row}", "followup.explanation_missing")]
    found = codes(edit({"Ekonomi": {f"G{row}": budget + 5_000_000}}), master, root)
    assert ("Åtgärdsplan", "", "followup.action_plan_missing") in found


def test_a_carried_activity_deleted_or_relinked_is_named(edit, master, root):
    wb_rows = table(one(root / "inkorg" / "2027-T1"), "Aktiviteter")
    carried = [r for r in wb_rows if r["Från planen"] == "Ja"]
    other = next(r["Kopplad till"] for r in carried if r["Kopplad till"] != carried[0]["Kopplad till"])
    assert codes(edit({"Aktiviteter": {"D5": other}}), master, root) == [("Aktiviteter", "D5", "followup.relinked")]
    blank = {f"{c}5": None for c in "ABCDEFGHIJK"}
    found = codes(edit({"Aktiviteter": blank}), master, root)
    assert ("Aktiviteter", "", "followup.carried_deleted") in found


def test_the_delar_kf_report_carries_every_level(root, master):
    report = root / "rapporter" / "2027-delar" / "KF-rapport 2027-delar.xlsx"
    goals = table(report, "Sammanfattning")
    kf1 = next(g for g in goals if g["Id"] == "KF1")
    assert kf1["Enheter grön"] + kf1["gul"] + kf1["röd"] > 0  # the units' assessments reach the council
    economy = table(report, "Ekonomi")
    assert economy[0]["Nivå"] == "KF" and economy[0]["Prognos helår (kr)"] and economy[0]["Utfall t.o.m. perioden (kr)"]
    assert any(r["Åtgärder (kr)"] for r in economy)
    indicators = {r["Id"]: r for r in table(report, "Nyckeltal")}
    # the peer group of the master data, by name, and its mean computed here from the shipped Kolada file
    from rodtrad.samples import ledgerdata

    shipped = json.loads(ledgerdata.shipped(ledgerdata.KOLADA_FILE).read_text(encoding="utf-8"))["values"]
    peers = {p: v["value"] for e in shipped if e["kpi"] == "N15419" and int(e["period"]) == 2026
             for p in [e["municipality"]] for v in e["values"] if v["gender"] == "T" and p in master.peers}
    mean = f"{sum(peers.values()) / len(peers):.1f}".replace(".", ",")
    assert len(peers) == 5
    assert f"jämförelsegruppen Exempelkommuns jämförelsekommuner (5 kommuner) {mean}" in indicators["N3"]["Kolada: jämförelse"]
    history = [r["Period"] for r in table(report, "Historik")]
    assert history == ["Plan 2027", "Tertial 1 2027", "Månadsuppföljning 2027-05", "Delårsrapport 2027"]


def test_the_board_total_forecast_is_the_sum_of_its_units_forecasts(root, master):
    board = "2000"
    units = {u.id for u in master.units() if master.board_of(u.id).id == board}
    total = 0
    for path in (root / "inkorg" / "2027-delar").glob("*.xlsx"):
        if path.name[:4] in units:
            total += sum(r["Helårsprognos"] for r in table(path, "Ekonomi"))
    (report,) = (root / "rapporter" / "2027-delar").glob(f"Nämndrapport {board} *.xlsx")
    assert table(report, "Ekonomi")[0]["Prognos helår (kr)"] == pytest.approx(total)


@pytest.mark.skipif(soffice() is None, reason="LibreOffice is installed by `make test`")
@pytest.mark.parametrize("period", ["2027-T1", "2027-05", "2027-delar"])
def test_libreoffice_opens_follow_ups_and_the_check_sheet_counts(root, tmp_path, period):
    sent = recalculate(one(root / "utskick" / period), tmp_path / "sent")
    counts = {r[0]: r[1] for r in rows(sent, "Kontroll")[4:] if r[0]}
    assert counts["Konton utan helårsprognos"] == len(table(sent, "Ekonomi"))
    filled = recalculate(one(root / "inkorg" / period), tmp_path / "filled")
    assert {r[0]: r[1] for r in rows(filled, "Kontroll")[4:] if r[0]}["Att åtgärda totalt"] == 0


def test_the_addin_validates_and_refreshes_a_follow_up_in_excel(edit, master, root):
    """The same validator in the add-in, on xlwings' remote engine (see test_addin.py)."""
    import datetime as dt

    from test_addin import actions_of, book_for  # sets the licence for xlwings' remote engine first

    from rodtrad.addin import actions

    path = edit({"Ekonomi": {"G6": None}})
    task = actions.validate(book_for(path), master, dt.datetime(2027, 5, 10, 9, 30))
    assert [(f.sheet, f.cell, f.code) for f in task.findings] == [("Ekonomi", "G6", "followup.forecast_missing")]
    book = book_for(path)
    assert not actions.needs_refresh(book, master)
    actions.refresh(book, master)
    (write,) = [a for a in actions_of(book, "setValues")]
    assert write["values"][0][:2] == ["Uppfyllt", "Ej påbörjad"]  # the follow-up's own lists, in its order


# -- every level assesses: the boards' own follow-ups (levels.py) -------------------------------

BOARD = "2000"  # Barn- och utbildningsnämnden


def board_book(root, where="utskick"):
    (path,) = (root / where / "2027-delar" / "nämnd").glob(f"{BOARD} *.xlsx")
    return path


def units_of(master, board=BOARD):
    return {u.id for u in master.units() if master.board_of(u.id).id == board}


def returned(root, master, board=BOARD):
    return [p for p in sorted((root / "inkorg" / "2027-delar").glob("*.xlsx")) if p.name[:4] in units_of(master, board)]


def test_the_board_workbook_carries_the_units_figures_exactly(root, master):
    expected = {}
    for path in returned(root, master):
        for r in table(path, "Ekonomi"):
            got = expected.setdefault(r["Konto"], [0, 0, 0, 0])
            for i, key in enumerate(("Budget helår", "Budget t.o.m. perioden", "Utfall t.o.m. perioden", "Helårsprognos")):
                got[i] += r[key] or 0
    board = {r["Konto"]: r for r in table(board_book(root), "Ekonomi")}
    assert set(board) == set(expected)
    for account, (budget, to_date, outcome, forecast) in expected.items():
        row = board[account]
        assert (row["Budget helår"], row["Budget t.o.m. perioden"]) == (pytest.approx(budget), pytest.approx(to_date))
        assert row["Utfall t.o.m. perioden"] == pytest.approx(outcome)
        assert row["Enheternas prognos"] == pytest.approx(forecast) == row["Helårsprognos"]


def test_the_board_workbook_carries_the_units_assessments_and_texts(root, master):
    said = []  # (goal, unit, assessment, analysis) straight from the units' returned files
    for path in returned(root, master):
        for r in table(path, "Måluppföljning"):
            goal = r["Id"] if r["Nivå"] != grading.OWN_GOAL else r["Kopplat till"]
            said.append((goal, path.name[:4], r["Bedömning"], r["Analys"]))
    listed = [(r["Mål"], r["Ansvarskod"], r["Bedömning"], r["Analys"]) for r in table(board_book(root), "Enheternas bedömningar")]
    assert sorted(listed) == sorted(s for s in said if s[0] in {g.id for g in master.board_goals(BOARD)})
    goals = {r["Id"]: r for r in table(board_book(root), "Måluppföljning")}
    for goal, row in goals.items():
        board_rows = [s for s in said if s[0] == goal and s[0] == goal]
        units = {}
        for g, unit, grade, _ in board_rows:  # a unit that assessed the board goal counts once, by that row
            units.setdefault(unit, grade)
        fulfilled = sum(1 for grade in units.values() if grade == "Uppfyllt")
        assert row["Enheternas bedömningar"].startswith(f"{fulfilled} uppfyllt")
        assert row["Bedömning"] in ("", None)  # the board's own judgement is left to the board


def test_a_board_workbook_is_validated_like_a_units(root, master, tmp_path):
    from rodtrad.consolidator.reading.sent import SentCopies

    assert validate_file(board_book(root, "inkorg"), master, sent=SentCopies(root)).valid
    sent = validate_file(board_book(root), master, sent=SentCopies(root))
    assert {f.code for f in sent.findings} >= {"followup.assessment_missing", "followup.status_missing"}
    def changed(sheet, cell, value):
        path = tmp_path / board_book(root).name
        shutil.copyfile(board_book(root, "inkorg"), path)
        wb = load_workbook(path)
        wb[sheet][cell] = value
        wb.save(path)
        return {(f.sheet, f.cell, f.code) for f in validate_file(path, master, sent=SentCopies(root)).findings}

    assert changed("Ekonomi", "E5", 1) == {("Ekonomi", "E5", "followup.outcome_changed")}  # the summed ledger outcome
    assert ("_meta", "B4", "meta.level_unknown") in changed("_meta", "B4", "2111")  # a unit posing as the board


def test_the_kf_report_carries_each_boards_own_judgement(root, master):
    report = root / "rapporter" / "2027-delar" / "KF-rapport 2027-delar.xlsx"
    board = {r["Id"]: r for r in table(board_book(root, "inkorg"), "Måluppföljning")}
    chain = {r["Id"]: r for r in table(report, "Målkedja") if r["Nivå"].strip() == "Nämndmål"}
    for goal, row in board.items():
        assert chain[goal]["Nämndens / förvaltningens bedömning"] == row["Bedömning"]
        assert chain[goal]["Nämndens / förvaltningens analys"] == row["Analys"]
    own_forecast = sum(r["Helårsprognos"] for r in table(board_book(root, "inkorg"), "Ekonomi"))
    economy = {r["Ansvarskod"]: r for r in table(report, "Ekonomi")}
    assert economy[BOARD]["Egen prognos (kr)"] == pytest.approx(own_forecast)
    assert economy[BOARD]["Egen prognos (kr)"] != economy[BOARD]["Prognos helår (kr)"]  # the board judged differently
    (t1,) = (root / "inkorg" / "2027-T1" / "nämnd").glob(f"{BOARD} *.xlsx")
    for goal, row in {r["Id"]: r for r in table(t1, "Måluppföljning")}.items():  # the previous tertial beside this one
        assert chain[goal]["Förra bedömningen"] == row["Bedömning"] == board[goal]["Förra bedömningen"]
    summary = {r["Id"]: r for r in table(report, "Sammanfattning")}
    assert summary["BUN1"]["Nämndernas bedömning"] == board["BUN1"]["Bedömning"]
    texts = table(report, "Nivåernas analyser")
    assert {r["Ansvarskod"] for r in texts} == {n.id for n in master.org if n.level in ("nämnd", "styrelse", "koncern")}
    manifest = json.loads((root / "rapporter" / "2027-delar" / "manifest.json").read_text("utf-8"))
    taken = {i["unit"] for i in manifest["inputs"] if i["consolidated"]}
    assert BOARD in taken and units_of(master) <= taken


def test_a_level_is_generated_only_after_its_units_are_consolidated(root, master):
    from rodtrad.consolidator.workbooks import levels

    with pytest.raises(levels.NotConsolidated, match="rodtrad consolidate"):
        levels.documents(master, master.period("2027-helar"), "nämnd", root, [])


@pytest.mark.skipif(soffice() is None, reason="LibreOffice is installed by `make test`")
def test_libreoffice_opens_a_board_workbook_and_its_checks_count(root, tmp_path):
    sent = recalculate(board_book(root), tmp_path / "sent")
    counts = {r[0]: r[1] for r in rows(sent, "Kontroll")[4:] if r[0]}
    assert counts["Mål utan bedömning"] == len(table(sent, "Måluppföljning"))
    assert counts["Konton utan helårsprognos"] == 0  # prefilled with the units' sum
    filled = recalculate(board_book(root, "inkorg"), tmp_path / "filled")
    assert {r[0]: r[1] for r in rows(filled, "Kontroll")[4:] if r[0]}["Att åtgärda totalt"] == 0


# -- the förvaltningsberättelse: god ekonomisk hushållning and the balanskrav --------------------

def test_the_delar_report_has_the_balanskrav_line_by_line(root, master):
    units = 0  # the units' net cost: their forecasts, read from the returned files
    for path in sorted((root / "inkorg" / "2027-delar").glob("*.xlsx")):
        units += sum(r["Helårsprognos"] for r in table(path, "Ekonomi"))
    report = root / "rapporter" / "2027-delar" / "KF-rapport 2027-delar.xlsx"
    lines = {r["Rad"]: r["Belopp (kr)"] for r in table(report, "Balanskrav")}
    c = master.closing
    result = c["taxes_sek"] + c["financial_net_sek"] - units - c["central_cost_sek"]
    assert lines["Verksamhetens nettokostnad, enheterna (prognos)"] == pytest.approx(-units)
    assert lines["Årets resultat"] == pytest.approx(result)
    assert lines["Årets resultat efter balanskravsjusteringar"] == pytest.approx(result - c["realisation_gains_sek"])
    assert lines["Årets balanskravsresultat"] == pytest.approx(result - c["realisation_gains_sek"])
    geh = {r["Id"]: r for r in table(report, "Förvaltningsberättelse")}
    assert geh["FM1"]["Typ"] == "Finansiellt mål" and geh["KF1"]["Typ"] == "Verksamhetsmål"
    share = round(100 * result / c["taxes_sek"], 1)  # N1 is the master data's result indicator
    assert geh["FM1"]["Nyckeltal: utfall (mål)"].startswith(f"N1: {share:.1f}".replace(".", ","))
    assert geh["FM1"]["Måluppfyllelse"] == ("Uppfyllt" if share >= 2 else "Delvis uppfyllt")


def test_the_balanskrav_with_a_reserve_and_an_earlier_deficit():
    from rodtrad.consolidator.rollup import closing

    figures = {"taxes_sek": 1000, "financial_net_sek": 10, "central_cost_sek": 20, "realisation_gains_sek": 30,
               "exempt_gains_sek": 5, "unrealised_losses_sek": 7, "to_rur_sek": 0, "from_rur_sek": 15,
               "earlier_deficit_sek": 40}
    lines = {line.text: line.amount for line in closing.balance(figures, 1000, final=True)}
    assert lines["Årets resultat"] == -10  # 1000 + 10 − 1000 − 20
    assert lines["Årets resultat efter balanskravsjusteringar"] == -10 - 30 + 5 + 7  # −28
    assert lines["Årets balanskravsresultat"] == -28 + 15  # −13
    assert lines["Balanskravsunderskott att återställa"] == 13 + 40
    assert closing.result_share({}, 1000) is None  # no taxes entered: nothing to compute


def test_a_file_changed_since_it_was_consolidated_is_not_carried_forward(root, master, tmp_path):
    """The files a follow-up builds on are read again (in parallel) and used only if what was read has
    the SHA-256 that the period's manifest lists; a changed one gets a note, the others are used."""
    copy = tmp_path / "ws"
    shutil.copytree(root / "inkorg" / "2027-plan", copy / "inkorg" / "2027-plan")
    (copy / "rapporter" / "2027-plan").mkdir(parents=True)
    shutil.copy(root / "rapporter" / "2027-plan" / "manifest.json", copy / "rapporter" / "2027-plan")
    changed = one(copy / "inkorg" / "2027-plan")
    wb = load_workbook(changed)
    wb["SWOT"]["B5"] = "Skrivet efter sammanställningen"
    wb.save(changed)
    inputs = json.loads((root / "rapporter" / "2027-plan" / "manifest.json").read_text("utf-8"))["inputs"]
    expected = {e["unit"] for e in inputs if e.get("consolidated") and master.is_unit(e.get("unit") or "")}
    notes = []
    taken = {e["unit"]: task for e, task in followdocs.consolidated(copy, master, "2027-plan", master.is_unit, notes)}
    assert set(taken) == expected - {UNIT}
    assert notes == [f"inkorg/2027-plan/{changed.name} har ändrats eller flyttats sedan 2027-plan sammanställdes "
                     "och används inte."]
    other = sorted(taken)[0]
    assert taken[other].document == validate_file(one(copy / "inkorg" / "2027-plan", other), master,
                                                  keep_document=True).document


def test_a_follow_up_assembled_from_the_sheet_cache_is_the_one_openpyxl_renders_anew(root, master, tmp_path):
    """Follow-up sheets are cached too (their traffic-light formats are part of each sheet's build);
    a T1 follow-up written with the cache warm is byte for byte the one written without it."""
    from rodtrad.consolidator.workbooks import planbook
    from rodtrad.consolidator.workbooks.generate import follow_documents

    units = [u.id for u in master.units() if u.board == master.by_id[UNIT].board][:4]
    docs = follow_documents(master, master.period("2027-T1"), units, root, [])

    def write(unit, path):
        planbook.write(copy.deepcopy(docs[unit]), followdocs.lists(master, unit), master, path, now="2027-05-02 08:00:00")

    assert_sheet_cache_is_transparent(write, units, tmp_path)


def test_investment_projects_go_from_the_ledger_to_the_kf_report_and_fm2_gets_a_light(root, master):
    """Outcome per project summed here from the shipped SIE file's vouchers (not by the importer);
    the self-financing degree worked out here from the report's own Balanskrav figures."""
    from rodtrad.samples import ledgerdata

    text = ledgerdata.shipped(ledgerdata.SIE_FILE).read_bytes().decode("cp437")
    spent = {}
    for date, project, amount in re.findall(r'#VER "I" "\d+" (\d{8}) .*\r\n\{\r\n#TRANS 1229 \{6 "(\w+)"\} ([\d.]+)', text):
        if int(date[4:6]) <= 8:
            spent[project] = spent.get(project, 0) + float(amount)
    report = root / "rapporter" / "2027-delar" / "KF-rapport 2027-delar.xlsx"
    data = rows(report, "Investeringar")
    header = data[3]
    projects = {r[0]: dict(zip(header, r)) for r in data[4:] if r[0] in {p.id for p in master.projects}}
    assert set(projects) == {p.id for p in master.projects}
    answered = {}  # the boards' own answers, read here from their returned workbooks
    for path in (root / "inkorg" / "2027-delar" / "nämnd").glob("*.xlsx"):
        if "Investeringar" in CalamineWorkbook.from_path(str(path)).sheet_names:
            answered.update({r["Projekt"]: r["Prognos helår"] for r in table(path, "Investeringar")})
    assert set(answered) == {p.id for p in master.projects}
    for p in master.projects:
        got = projects[p.id]
        assert got["Utfall t.o.m. perioden (kr)"] == pytest.approx(spent.get(p.id, 0), abs=0.01)
        assert got["Årets budget (kr)"] == p.year_sek
        assert got["Prognos helår (kr)"] == answered[p.id]
        assert got["Avvikelse mot budget (kr)"] == pytest.approx(p.year_sek - answered[p.id])
    net = sum(answered.values()) - master.closing["investment_income_sek"]
    balance = {r[0]: r[1] for r in rows(report, "Balanskrav") if r and isinstance(r[1], (int, float))}
    degree = (balance["Årets resultat"] + master.closing["depreciation_sek"]) / net
    lines = {r[0]: r[1] for r in data if r and r[0]}
    assert lines["Nettoinvesteringar (kr)"] == pytest.approx(net)
    assert lines["Självfinansieringsgrad"] == pytest.approx(degree, abs=1e-4)
    n14 = {r["Id"]: r for r in table(report, "Nyckeltal")}["N14"]  # FM2's indicator (styrmodell: Balanskrav)
    assert n14["Utfall"] == pytest.approx(100 * degree, abs=0.01)
    met = 100 * degree >= 60  # the target, higher is better
    assert (n14["Trafikljus"] == "grön") == met and n14["Trafikljus"] not in ("", None)
    fm2 = {g["Id"]: g for g in table(report, "Sammanfattning")}["FM2"]
    assert (fm2["Trafikljus"] == "grön") == met, fm2
    board = root / "rapporter" / "2027-delar"
    (bun,) = [p for p in board.glob("*.xlsx") if "Barn- och utbildningsnämnden" in p.name and "nämnd" not in p.parent.name]
    mine = [r[0] for r in rows(bun, "Investeringar")[4:] if r[0] and str(r[0]).startswith("P")]
    assert mine == ["P101", "P102"]  # a board's report lists its own projects only


def test_the_same_period_last_year_stands_beside_this_years_outcome(root, master):
    """2026's January–August per board, summed here from the shipped 2026 file's unit rows."""
    from rodtrad.samples import ledgerdata

    text = ledgerdata.shipped(ledgerdata.PREVIOUS_FILE).read_bytes().decode("cp437")
    by_board = {}
    for month, unit, amount in re.findall(r'#PSALDO 0 2026(\d\d) \d+ \{1 "(\w+)"\} (-?[\d.]+)', text):
        if int(month) <= 8:
            board = master.board_of(unit).id
            by_board[board] = by_board.get(board, 0) + float(amount)
    report = root / "rapporter" / "2027-delar" / "KF-rapport 2027-delar.xlsx"
    data = rows(report, "Föregående år")
    header = data[3]
    lines = {r[1]: dict(zip(header, r)) for r in data[4:] if r[1]}
    economy = {r["Ansvarskod"]: r for r in table(report, "Ekonomi")}
    for board, amount in by_board.items():
        assert lines[board]["Utfall 2026 (kr)"] == pytest.approx(amount, abs=0.01)
        assert lines[board]["Utfall 2027 (kr)"] == economy[board]["Utfall t.o.m. perioden (kr)"]
        assert lines[board]["Förändring (kr)"] == pytest.approx(lines[board]["Utfall 2027 (kr)"] - amount, abs=0.01)
    assert "januari–augusti 2027 och samma period 2026" in data[0][0]


def test_follow_up_workbooks_show_last_years_outcome_for_the_same_months(root, master):
    """Unit and board workbooks: the column beside the months, summed here from the shipped 2026 file."""
    from rodtrad.samples import ledgerdata

    text = ledgerdata.shipped(ledgerdata.PREVIOUS_FILE).read_bytes().decode("cp437")
    before = {}
    for month, account, unit, amount in re.findall(r'#PSALDO 0 2026(\d\d) (\d+) \{1 "(\w+)"\} (-?[\d.]+)', text):
        if int(month) <= 8:
            before[(unit, account)] = before.get((unit, account), 0) + float(amount)

    def column(path):
        data = rows(path, "Ekonomi")
        at = next(i for i, r in enumerate(data) if "Utfall samma period i fjol" in r)
        header = data[at]
        return {r[0]: r[header.index("Utfall samma period i fjol")] for r in data[at + 1:] if r[0]}

    mine = column(one(root / "utskick" / "2027-delar"))
    assert mine and all(mine[a] == pytest.approx(before[(UNIT, a)], abs=0.01) for a in mine)
    (board,) = (root / "utskick" / "2027-delar" / "nämnd").glob("2000 *.xlsx")
    units = [u.id for u in master.units() if master.board_of(u.id).id == "2000"]
    for account, value in column(board).items():
        assert value == pytest.approx(sum(before.get((u, account), 0) for u in units), abs=0.01)


def test_every_consolidation_after_an_import_names_the_imported_files_in_its_manifest(root):
    import hashlib

    manifest = json.loads((root / "rapporter" / "2027-delar" / "manifest.json").read_text(encoding="utf-8"))
    imported = {i["file"]: i["sha256"] for i in manifest["imports"]}
    for name, digest in imported.items():
        (path,) = [p for folder in ("ekonomi", "kolada") for p in (root / folder).glob(name)]
        assert hashlib.sha256(path.read_bytes()).hexdigest() == digest
    assert {"exempelkommun-2026.se", "exempelkommun-2027-08.se", "kolada-exempelkommun.json"} <= set(imported)
