"""Consolidation: figures that match an independent computation, lineage, safety, reproducibility."""
import gc
import hashlib
import json
import shutil

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from rodtrad.consolidator.consolidation import consolidate as cons
from rodtrad.consolidator.cli import main
from rodtrad.consolidator.model.masterdata import Indicator
from rodtrad.consolidator.model.grading import GREEN, NONE, RED, YELLOW, light

from spreadsheet_engine import recalculate, soffice

PERIOD = "2027-plan"


@pytest.fixture(scope="module")
def demo(demo_cycle):
    """The session's demo (conftest.demo_cycle: its plan is what these tests read); tests that change
    the workspace copy it first."""
    return demo_cycle


@pytest.fixture
def workspace(demo, tmp_path):
    root = tmp_path / "kommun"
    shutil.copytree(demo["workspace"].root, root)
    return root


def report_rows(path, sheet):
    """The rows of a report sheet's table as dicts, by header."""
    ws = load_workbook(path, read_only=True)[sheet]
    rows = [list(r) for r in ws.iter_rows(min_row=4, values_only=True)]
    header = rows[0]
    return [dict(zip(header, r)) for r in rows[1:] if any(v is not None for v in r)]


def independent_budget(inbox, units):
    """Each unit's budget straight from its returned workbook: the 12 month cells of every account."""
    totals = {}
    for path in inbox.glob("*.xlsx"):
        wb = load_workbook(path, read_only=True)
        unit = next(r[1] for r in wb["_meta"].iter_rows(values_only=True) if r[0] == "Ansvarskod")
        if unit in units:
            rows = list(wb["Budget"].iter_rows(min_row=5, values_only=True))
            totals[unit] = sum(v or 0 for row in rows if row[0] for v in row[3:15])
    return totals


def test_board_and_council_totals_match_an_independent_computation(demo):
    master, folder = demo["master"], demo["consolidation"].folder
    bad_files = {p[0] for p in demo["planted"]}
    inbox = demo["workspace"].inbox(PERIOD)
    valid_units = {u.id for u in master.units()} - {f.split(" ")[0] for f in bad_files}
    per_unit = independent_budget(inbox, valid_units)
    kf = {r["Ansvarskod"]: r for r in report_rows(demo["consolidation"].kf_report, "Ekonomi")}
    for board in [n for n in master.org if n.level in ("nämnd", "styrelse", "koncern")]:
        expected = sum(v for u, v in per_unit.items() if board.id in {a.id for a in master.ancestors(u)})
        assert kf[board.id]["Budget (kr)"] == pytest.approx(expected)
        (board_file,) = folder.glob(f"Nämndrapport {board.id} *.xlsx")
        assert report_rows(board_file, "Ekonomi")[0]["Budget (kr)"] == pytest.approx(expected)
        for row in report_rows(board_file, "Ekonomi"):  # every level of the board's tree, down to the units
            node = row["Ansvarskod"]
            under = {u: v for u, v in per_unit.items() if u == node or node in {a.id for a in master.ancestors(u)}}
            assert row["Budget (kr)"] == pytest.approx(sum(under.values())), node
    assert kf["0000"]["Budget (kr)"] == pytest.approx(sum(per_unit.values()))


def report_tables(path, sheet):
    """Every table on a report sheet (a header row after a blank row starts one), as lists of dicts."""
    ws = load_workbook(path, read_only=True)[sheet]
    tables, header = [], None
    for row in ws.iter_rows(min_row=4, values_only=True):
        if all(v is None for v in row):
            header = None
        elif header is None:
            header = [v for v in row if v is not None]
            tables.append([])
        else:
            tables[-1].append(dict(zip(header, row)))
    return tables


def test_activities_per_goal_and_perspective_match_the_returned_workbooks(demo):
    master, result = demo["master"], demo["consolidation"]
    served_by = {c.id: list(c.goals) for c in master.commitments}
    expected_goal, expected_perspective = {}, {}
    for path in demo["workspace"].inbox(PERIOD).glob("*.xlsx"):
        wb = load_workbook(path, read_only=True)
        unit = next(r[1] for r in wb["_meta"].iter_rows(values_only=True) if r[0] == "Ansvarskod")
        if unit not in result.consolidated:
            continue
        for row in list(wb["Aktiviteter"].iter_rows(min_row=5, values_only=True)):
            if not row[2]:  # a blank row (its id is prefilled)
                continue
            status = "låst" if row[1] == "Ja" else "planerad"  # a plan: no status of their own yet
            link = (row[3] or "").split(" – ")[0]
            goals = [link] if link in master.goal_by_id else served_by.get(link, [])
            todo, seen = list(goals), set()
            while todo:  # a nämndmål serves its KF goals too
                goal = todo.pop()
                if goal not in seen:
                    seen.add(goal)
                    todo += master.goal_by_id[goal].parents
            for goal in seen or {"uppdrag" if link else "utan koppling"}:
                expected_goal[goal, status] = expected_goal.get((goal, status), 0) + 1
            perspective = (row[4] or "-").split(" – ")[0]
            expected_perspective[perspective, status] = expected_perspective.get((perspective, status), 0) + 1
    per_goal, per_perspective = report_tables(result.kf_report, "Aktiviteter per mål")
    assert {g.id for g in master.goals if g.level != "enhet"} <= {r["Id"] for r in per_goal}  # unserved goals too
    for table, expected in ((per_goal, expected_goal), (per_perspective, expected_perspective)):
        got = {(r["Id"], status): r[status] for r in table for status in ("låst", "planerad") if r.get(status)}
        assert got == expected
        assert all(r["Totalt"] == r.get("låst", 0) + r.get("planerad", 0) for r in table)
    assert sum(r["Totalt"] for r in per_perspective) == sum(expected_perspective.values()) > 100


def lineage_index(folder):
    rows = [json.loads(line) for line in (folder / "spårbarhet.jsonl").read_text(encoding="utf-8").splitlines()]
    return {(r["report"], r["sheet"], r["cell"]): r["sources"] for r in rows}


def expand(index, report, sheet, cell):
    """Follow a figure's direct sources down to the cells of unit files."""
    out = []
    for s in index[(report, sheet, cell)]:
        if s["sha256"]:
            out.append(s)
        else:
            out += expand(index, s["file"], s["sheet"], s["cell"])
    return out


def test_every_budget_figure_has_lineage_down_to_file_cells_that_sum_to_it(demo):
    folder, kf = demo["consolidation"].folder, demo["consolidation"].kf_report.name
    index = lineage_index(folder)
    figures = report_rows(demo["consolidation"].kf_report, "Ekonomi")
    assert {c for r, s, c in index if r == kf and s == "Ekonomi"} == {f"E{i}" for i in range(5, 5 + len(figures))}
    for i, row in enumerate(figures, start=5):
        direct = index[(kf, "Ekonomi", f"E{i}")]
        assert sum(s["value"] for s in direct) == pytest.approx(row["Budget (kr)"])
        cells = expand(index, kf, "Ekonomi", f"E{i}")
        assert sum(s["value"] for s in cells) == pytest.approx(row["Budget (kr)"])
        assert all(s["sheet"] == "Budget" and len(s["sha256"]) == 64 and s["file"].endswith(".xlsx") for s in cells)
    # the council's total is made of exactly the consolidated units, each once
    units = [s["unit"] for s in expand(index, kf, "Ekonomi", "E5")]
    assert sorted(units) == sorted(demo["consolidation"].consolidated)
    sources = report_rows(demo["consolidation"].kf_report, "Källor")
    assert len(sources) == sum(len(v) for (r, _, _), v in index.items() if r == kf)


def test_invalid_units_are_left_out_and_listed_and_nothing_is_missing(demo):
    result = demo["consolidation"]
    planted_units = sorted({p[0].split(" ")[0] for p in demo["planted"]})
    assert result.invalid == planted_units and result.missing == []
    status = {r["Ansvarskod"]: r["Status"] for r in report_rows(result.folder / "inlamning.xlsx", "Inlämning")}
    assert {u for u, s in status.items() if s == "fel"} == set(planted_units)
    per_board = {r["Ansvarskod"]: r for r in report_rows(result.kf_report, "Inlämning")}
    assert sum(r["Med fel"] for r in per_board.values()) == len(planted_units)
    for unit in planted_units:  # listed in their board's report, with nothing counted
        board = demo["master"].board_of(unit)
        (path,) = result.folder.glob(f"Nämndrapport {board.id} *.xlsx")
        economy = {r["Ansvarskod"]: r for r in report_rows(path, "Ekonomi")}
        assert economy[unit]["Budget (kr)"] == 0


def test_a_missing_unit_is_listed_with_its_contact(workspace):
    inbox = workspace / "inkorg" / PERIOD
    (victim,) = inbox.glob("2121 *.xlsx")
    victim.unlink()
    result = cons.consolidate(workspace, PERIOD)
    assert result.missing == ["2121"]
    row = next(r for r in report_rows(result.folder / "inlamning.xlsx", "Inlämning") if r["Ansvarskod"] == "2121")
    assert row["Status"] == "saknas" and row["E-post"].endswith("@exempelkommun.se")


def test_include_invalid_takes_them_in_marked(workspace):
    result = cons.consolidate(workspace, PERIOD, include_invalid=True)
    status = {r["Ansvarskod"]: r["Status"] for r in report_rows(result.folder / "inlamning.xlsx", "Inlämning")}
    assert sorted(u for u, s in status.items() if s == "fel, medräknad") == result.invalid


def test_a_formula_in_a_comment_arrives_as_inert_text(workspace):
    inbox = workspace / "inkorg" / PERIOD
    (path,) = inbox.glob("2111 *.xlsx")
    wb = load_workbook(path)
    cell = wb["Aktiviteter"]["I8"]
    cell.value, cell.data_type = '=HYPERLINK("http://evil.example","klicka")', "s"
    wb["Översikt"]["B11"].value = "rad ett_x0007_ med en klocka"  # how Excel stores a control character
    wb.save(path)
    result = cons.consolidate(workspace, PERIOD)
    (board,) = result.folder.glob("Nämndrapport 2000 *.xlsx")
    ws = load_workbook(board)["Aktiviteter"]
    hits = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith("=HYPERLINK")]
    assert len(hits) == 1 and hits[0].data_type == "s"
    texts = [c.value for row in load_workbook(board)["Texter"].iter_rows() for c in row]
    assert "rad ett med en klocka" in texts


def _digests(folder):
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_second_run_is_byte_identical(workspace):
    first = _digests(cons.consolidate(workspace, PERIOD).folder)
    second = _digests(cons.consolidate(workspace, PERIOD).folder)
    assert first == second and len(first) >= 18


def test_reports_written_by_the_worker_processes_equal_those_written_in_one(workspace, monkeypatch):
    """Large periods validate and write their reports in a pool of processes; the outputs are the same."""
    alone = _digests(cons.consolidate(workspace, PERIOD, jobs=1).folder)
    monkeypatch.setattr(cons, "PARALLEL_REPORTS_FROM", 0)
    monkeypatch.setattr(cons, "FREEZE_EVERY", 5)
    pooled = cons.consolidate(workspace, PERIOD, jobs=2)
    assert _digests(pooled.folder) == alone and len(pooled.board_reports) >= 5
    assert gc.get_freeze_count() == 0  # what the run froze for the garbage collector is released


def test_an_interrupted_run_leaves_the_earlier_reports_in_place(workspace, monkeypatch):
    folder = cons.consolidate(workspace, PERIOD).folder
    before = _digests(folder)
    calls = []

    def interrupted(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return original(*args, **kwargs)

    original = cons.node_report.write
    monkeypatch.setattr(cons.node_report, "write", interrupted)
    with pytest.raises(KeyboardInterrupt):
        cons.consolidate(workspace, PERIOD)
    assert _digests(folder) == before
    assert [p.name for p in folder.parent.iterdir() if p.name.startswith(".")] == []  # no staging folder or lock left


def test_a_second_run_at_the_same_time_is_refused_clearly(workspace):
    lock = workspace / "rapporter" / f".{PERIOD}.lock"
    lock.parent.mkdir(parents=True, exist_ok=True)
    lock.write_text("1")  # pid 1 is always alive
    with pytest.raises(cons.ConsolidationError, match="pågår redan"):
        cons.consolidate(workspace, PERIOD)
    result = CliRunner().invoke(main, ["consolidate", str(workspace), "--period", PERIOD])
    assert result.exit_code == 2 and "pågår redan" in result.output and "Traceback" not in result.output
    lock.write_text("999999999")  # a stale lock from a crashed run is taken over
    assert cons.consolidate(workspace, PERIOD).consolidated


def test_the_manifest_lists_every_input_and_output_with_hashes(demo):
    folder = demo["consolidation"].folder
    manifest = json.loads((folder / "manifest.json").read_text())
    inputs = {i["path"].split("/")[-1]: i for i in manifest["inputs"]}
    assert len(inputs) == 49
    bad = {p[0] for p in demo["planted"]}
    assert all((i["verdict"] == "fel") == (name in bad) for name, i in inputs.items())
    assert all(i["consolidated"] != (name in bad) for name, i in inputs.items())
    for out in manifest["outputs"]:
        assert hashlib.sha256((folder / out["path"]).read_bytes()).hexdigest() == out["sha256"]
    assert manifest["master_data"]["path"] == "styrmodell.xlsx" and manifest["tool"]["version"]


def test_the_export_has_one_document_per_file_and_csv_tables_keyed_by_unit_and_id(demo):
    folder = demo["consolidation"].folder / "export"
    lines = (folder / "dokument.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 49
    header = (folder / "aktiviteter.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert header.startswith("unit;id;locked;text")


def test_the_history_replaces_a_period_cleanly(workspace):
    import sqlite3

    cons.consolidate(workspace, PERIOD)
    cons.consolidate(workspace, PERIOD)
    con = sqlite3.connect(workspace / "historik.sqlite")
    assert con.execute("SELECT count(*) FROM runs WHERE period = ?", (PERIOD,)).fetchone()[0] == 1
    units = con.execute("SELECT count(DISTINCT unit) FROM economy WHERE period = ?", (PERIOD,)).fetchone()[0]
    assert units == 43


def test_a_staged_period_leaves_readers_reading_and_is_undone_when_the_run_stops(workspace, monkeypatch):
    """The period's history is staged while the report workers read earlier periods from the same
    file, and committed once the reports are in place: readers read on (a period bigger than
    SQLite's page cache too), and a run stopped before its commit leaves the history as it was."""
    import sqlite3
    from rodtrad.consolidator.rollup.facts import UnitFacts
    from rodtrad.consolidator.rollup.store import History

    path = workspace / "historik.sqlite"

    def stored():
        with sqlite3.connect(path) as con:
            return con.execute("SELECT period, consolidated FROM runs ORDER BY period").fetchall()

    before = stored()
    budget = {f"{5000 + i}": {"frame": 1.0, "total": 2.0, "months": []} for i in range(10)}
    many = [UnitFacts(f"U{i}", "x.xlsx", "0" * 64, True, budget=budget) for i in range(20_000)]  # ~10 MB of pages
    with History(path) as writer:
        writer.stage_period("2099-plan", "2099-12-31", many, "x", "0", 1)
        with History(path, write=False) as reader:  # a report worker
            assert "2099-plan" not in reader.periods("2100-01-01") and reader.periods("2100-01-01")
            assert reader.economy_totals(["U1"], ["2099-plan"]) == {}
    assert stored() == before  # closed without a commit

    def interrupted(*args):
        raise KeyboardInterrupt
    monkeypatch.setattr(cons, "_swap", interrupted)
    with pytest.raises(KeyboardInterrupt):
        cons.consolidate(workspace, "2027-05")
    assert stored() == before


def test_traffic_lights_at_their_thresholds():
    higher = Indicator("N", "n", "högre", "manuell", "medel", target=90, green=90, red=80)
    assert [light(higher, v) for v in (90, 89.9, 80.1, 80, None)] == [GREEN, YELLOW, YELLOW, RED, NONE]
    lower = Indicator("S", "s", "lägre", "manuell", "medel", target=7, green=7, red=9)
    assert [light(lower, v) for v in (7, 7.1, 8.9, 9)] == [GREEN, YELLOW, YELLOW, RED]


@pytest.mark.skipif(soffice() is None, reason="LibreOffice is installed by `make test`")
def test_the_reports_open_in_libreoffice(demo, tmp_path):
    saved = recalculate(demo["consolidation"].kf_report, tmp_path)
    wb = load_workbook(saved)
    assert "Sammanfattning" in wb.sheetnames and "Källor" in wb.sheetnames
    original = report_rows(demo["consolidation"].kf_report, "Ekonomi")
    assert report_rows(saved, "Ekonomi")[0]["Budget (kr)"] == original[0]["Budget (kr)"]


@pytest.mark.skipif(soffice() is None, reason="LibreOffice is installed by `make test`")
@pytest.mark.parametrize("name, sheet", [("Nämndrapport 2000 *.xlsx", "Aktiviteter"), ("valideringsrapport.xlsx", "Fynd"),
                                         ("inlamning.xlsx", "Inlämning")])
def test_board_validation_and_status_reports_open_in_libreoffice(demo, tmp_path, name, sheet):
    """Their rows are serialised by us (book.row_xml): LibreOffice reads them back cell for cell."""
    (path,) = demo["consolidation"].folder.glob(name)
    saved = load_workbook(recalculate(path, tmp_path))[sheet]
    ours = load_workbook(path)[sheet]
    assert [[c.value for c in row] for row in saved.iter_rows()] == [[c.value for c in row] for row in ours.iter_rows()]
    assert saved.max_row > 5


def test_indicator_trend_and_economy_history_come_from_earlier_periods(workspace):
    from rodtrad.consolidator.rollup.facts import UnitFacts
    from rodtrad.consolidator.rollup.store import History

    earlier = UnitFacts("2111", "x.xlsx", "0" * 64, True, budget={"5010": {"frame": 100.0, "total": 90.0, "months": []}},
                        indicators={"N4": (81.5, "G5")}, follow=True)
    plan = UnitFacts("2111", "p.xlsx", "1" * 64, True, indicators={"N4": (90.0, "G5")})
    with History(workspace / "historik.sqlite") as history:
        history.replace_period("2026-plan", "2026-01-01", [plan], "x", "0", 1)
        history.replace_period("2026-delar", "2026-08-31", [earlier], "x", "0", 1)
    result = cons.consolidate(workspace, PERIOD)
    rows = {r["Id"]: r for r in report_rows(result.kf_report, "Nyckeltal")}
    # a follow-up's outcome as it is; a plan's mean is of the units' targets, and says so
    assert rows["N4"]["Tidigare perioder (enheternas medel)"] == "2026-plan (målvärde): 90,0; 2026-delar: 81,5"
    periods = [r["Period"] for r in report_rows(result.kf_report, "Historik")]
    assert periods == ["2026-delar", "Plan 2027"]  # by name; a period the master data no longer has, by its id


def test_report_rows_serialised_by_us_are_the_bytes_openpyxl_writes(tmp_path, monkeypatch):
    """Report rows are serialised by book.row_xml, not by openpyxl's writer; the file is the same,
    whatever the cells hold: formulas as text, control characters, markup, Swedish and other
    letters, spaces kept, empty text, numbers of every size, booleans, a date (openpyxl's own)."""
    import datetime as dt
    from rodtrad.consolidator.rollup.facts import Source
    from rodtrad.consolidator.reports import book as bookmod

    def write(path):
        book = bookmod.ReportBook("Rapport", "Exempelkommun")
        sheet = book.sheet("Data", "Rubrik")
        columns = [bookmod.col("Text", 20), bookmod.col("Belopp", 12, bookmod.KR), bookmod.col("Andel", 8, bookmod.PCT),
                   bookmod.col("Kommentar", 40, wrap=True)]
        rows = [["=1+1", 1200.5, 0.25, " text med mellanslag "], [None, None, None, None],
                ["@SUM(A1)", 3, "x", "rad\r\nbrytning"], ["<b>&amp;</b> \"citat\" 'enkla'", 0.1 + 0.2, -0.0, "åäö ÅÄÖ é ß € 😀"],
                ["", 1e20, 12345678901234567890, "tab\there\x07klocka\u200b"], [True, False, float("nan"), dt.date(2027, 3, 1)],
                ["x" * 40000, -38840029.19, 1 / 3, None]]
        first = book.table(sheet, columns, rows)
        book.figure(sheet, f"B{first}", "Belopp", [Source("2111", "a.xlsx", "ab" * 32, "Budget", "D5", 1200.5)])
        other = book.sheet("Annat", "Ett blad utan tabell")
        other.line(["Bara en rad", 5, None, "slut"], [None, "0", "hd", "label"])
        book.table(other, columns[:2], [["a.xlsx", 1], ["b.xlsx", 2], [None, 3]], name="Filer",
                   links=["a.xlsx", None, "b.xlsx#'Blad 1'!A1"])
        book.save(path)
        return path.read_bytes(), len(book.findings)

    ours = write(tmp_path / "egen.xlsx")
    monkeypatch.setattr(bookmod, "FAST_ROWS", False)
    assert write(tmp_path / "openpyxl.xlsx") == ours and ours[1] == 1  # the 40,000 characters were cut, once
    ws = load_workbook(tmp_path / "egen.xlsx")["Data"]
    assert ws["A5"].value == "=1+1" and ws["A5"].data_type == "s" and ws["B5"].number_format == bookmod.KR
    assert ws["D8"].value == "åäö ÅÄÖ é ß € 😀" and ws["A8"].value == "<b>&amp;</b> \"citat\" 'enkla'"
    assert ws["D9"].value == "tab\thereklocka" and len(ws["A11"].value) == 32767
    links = load_workbook(tmp_path / "egen.xlsx")["Annat"]
    assert links["A6"].hyperlink.target == "a.xlsx" and links["A7"].hyperlink is None


def test_reports_serialised_by_us_are_the_bytes_openpyxl_writes(workspace, monkeypatch):
    """A whole period: every report, with our row serialiser and with openpyxl's writer, is the same file."""
    from rodtrad.consolidator.reports import book as bookmod

    ours = _digests(cons.consolidate(workspace, PERIOD, jobs=1).folder)
    monkeypatch.setattr(bookmod, "FAST_ROWS", False)
    assert _digests(cons.consolidate(workspace, PERIOD, jobs=1).folder) == ours


def test_money_sums_are_to_the_ore_whatever_the_order_of_adding():
    """Bottom-up or unit by unit, a total is the same number; floats alone would differ in the last digit."""
    from rodtrad.consolidator.rollup.rollup import Economy

    amounts = [0.1, 0.2, 1234567.89, 0.07, 98765.43, 0.3, 55.55, 1e7 + 0.01]
    assert sum(amounts) != sum(sorted(amounts))  # the trap: plain float sums depend on the order
    totals = []
    for order in (amounts, list(reversed(amounts)), sorted(amounts)):
        e = Economy(follow=True)
        for a in order:
            e.add({"frame": 0, "total": a, "months": [a] * 12, "outcome": a, "forecast": a})
        totals.append((e.budget, e.months[0], e.outcome, e.forecast, e.deviation))
    assert totals[0] == totals[1] == totals[2]
    assert totals[0][0] == 11333389.55 and totals[0][4] == 0
