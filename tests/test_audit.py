"""Auditors: verify names each kind of tampering; trace, diff and the sealed archive work on the demo."""
import datetime
import shutil

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from rodtrad.consolidator.audit.archive import archive
from rodtrad.consolidator.audit.verify import verify
from rodtrad.consolidator.cli import main
from rodtrad.consolidator.consolidation.consolidate import consolidate
from rodtrad.consolidator.audit.diff import diff
from rodtrad.consolidator.audit.trace import trace
from rodtrad.consolidator.reading.validate import validate_file

PERIOD = "2027-plan"


@pytest.fixture(scope="module")
def demo(demo_cycle):
    return demo_cycle


@pytest.fixture
def ws(demo, tmp_path):
    root = tmp_path / "kommun"
    shutil.copytree(demo["workspace"].root, root)
    return root


def kinds(verdict):
    return [(d.kind, d.where) for d in verdict.differences]


def test_verify_passes_on_the_untouched_demo(ws):
    verdict = verify(ws, PERIOD)
    assert verdict.ok, verdict.memo()
    assert verdict.checked == {"inputs": 49, "outputs": verdict.checked["outputs"], "reports": 9}
    assert "allt stämmer" in verdict.memo()
    result = CliRunner().invoke(main, ["verify", str(ws), "--period", PERIOD])
    assert result.exit_code == 0 and "49 inlämnade filer" in result.output
    assert (ws / "granskning" / PERIOD / "verifiering.xlsx").exists()


def test_a_modified_input_is_named_and_its_figures_no_longer_follow(ws):
    (path,) = (ws / "inkorg" / PERIOD).glob("2111 *.xlsx")
    wb = load_workbook(path)
    wb["Budget"]["D7"] = wb["Budget"]["D7"].value + 1000  # still valid: the frame rule is per account...
    wb["Budget"]["E7"] = wb["Budget"]["E7"].value - 1000  # ...so the money only moves between months
    wb["Aktiviteter"]["C8"] = "En ändrad aktivitet"
    wb.save(path)
    verdict = verify(ws, PERIOD)
    assert ("inlämnad fil ändrad", f"inkorg/{PERIOD}/{path.name}") in kinds(verdict)
    assert any(k == "siffra stämmer inte" and "Nämndrapport 2000" in w for k, w in kinds(verdict))


def test_a_deleted_input_is_named(ws):
    (path,) = (ws / "inkorg" / PERIOD).glob("3111 *.xlsx")
    path.unlink()
    verdict = verify(ws, PERIOD)
    assert ("inlämnad fil saknas", f"inkorg/{PERIOD}/{path.name}") in kinds(verdict)
    assert any(k == "siffra stämmer inte" for k, _ in kinds(verdict))


def test_an_added_input_is_named(ws):
    (path,) = (ws / "inkorg" / PERIOD).glob("3111 *.xlsx")
    shutil.copyfile(path, path.with_name("3111 ny version.xlsx"))
    verdict = verify(ws, PERIOD)
    assert ("fil har tillkommit", f"inkorg/{PERIOD}/3111 ny version.xlsx") in kinds(verdict)


def test_a_changed_report_cell_is_named_with_its_cell(ws):
    (path,) = (ws / "rapporter" / PERIOD).glob("KF-rapport *.xlsx")
    wb = load_workbook(path)
    wb["Ekonomi"]["E6"] = wb["Ekonomi"]["E6"].value + 1
    wb.save(path)
    verdict = verify(ws, PERIOD)
    assert ("rapportfil ändrad", path.name) in kinds(verdict)
    assert ("siffra stämmer inte", f"{path.name} Ekonomi!E6") in kinds(verdict)


def test_a_changed_master_data_file_is_named(ws):
    wb = load_workbook(ws / "styrmodell.xlsx")
    wb["Kommun"]["B5"] = "En ny vision"
    wb.save(ws / "styrmodell.xlsx")
    verdict = verify(ws, PERIOD)
    assert ("styrmodellen ändrad", "styrmodell.xlsx") in kinds(verdict)
    assert CliRunner().invoke(main, ["verify", str(ws), "--period", PERIOD]).exit_code == 1


def test_trace_of_a_board_total_lists_exactly_its_units_and_sums_to_it(demo):
    folder = demo["consolidation"].folder
    result = trace(folder, "budget/2000")
    master = demo["master"]
    under = {u for u in demo["consolidation"].consolidated if "2000" in {a.id for a in master.ancestors(u)}}
    assert sorted(s["unit"] for s in result.sources) == sorted(under)
    assert result.total == pytest.approx(result.value)
    assert all(len(s["sha256"]) == 64 and s["sheet"] == "Budget" for s in result.sources)
    by_cell = trace(folder, f"Ekonomi!{result.cell}")  # the same figure named by its cell in the KF report
    assert by_cell.value == result.value and by_cell.sources == result.sources
    out = CliRunner().invoke(main, ["trace", str(demo["workspace"].root), "budget/2000", "--period", PERIOD])
    assert out.exit_code == 0 and "Budget!D5:O" in out.output


def test_trace_of_an_unknown_figure_says_so(demo):
    out = CliRunner().invoke(main, ["trace", str(demo["workspace"].root), "budget/nej", "--period", PERIOD])
    assert out.exit_code == 2 and "Ingen siffra heter" in out.output


def test_diff_reports_edited_cells_in_domain_terms(demo, tmp_path):
    (old,) = demo["workspace"].inbox(PERIOD).glob("2111 *.xlsx")
    wb = load_workbook(old)
    wb["Aktiviteter"]["G8"] = wb["Aktiviteter"]["G8"].value + datetime.timedelta(days=3)
    row = next(r for r in range(5, 20) if wb["Budget"][f"A{r}"].value == "5400")
    wb["Budget"][f"O{row}"] = 12345
    wb.save(tmp_path / old.name)
    master = demo["master"]
    lines = [c.line() for c in diff(validate_file(old, master, keep_document=True).document,
                                    validate_file(tmp_path / old.name, master, keep_document=True).document)]
    assert any(line.startswith("Aktivitet A01: slut 2027-") for line in lines)
    assert any(line.startswith("Konto 5400: dec ") and line.endswith("→ 12 345 kr") for line in lines)
    out = CliRunner().invoke(main, ["diff", str(old), str(tmp_path / old.name), "-w", str(demo["workspace"].root)])
    assert out.exit_code == 0 and "2 ändringar" in out.output


def test_an_archive_verifies_on_another_path(ws, tmp_path):
    path, digest = archive(ws, PERIOD)
    again, digest_again = archive(ws, PERIOD, tmp_path / "igen.zip")
    assert digest == digest_again and len(digest) == 64  # sealed: the same consolidation, the same archive
    moved = tmp_path / "revision" / "arkiv.zip"
    moved.parent.mkdir()
    shutil.move(path, moved)
    shutil.rmtree(ws)
    result = CliRunner().invoke(main, ["verify", str(moved), "--period", PERIOD])
    assert result.exit_code == 0, result.output
    assert (moved.parent / f"granskning-{PERIOD}" / "verifiering.json").exists()


def test_reconsolidating_after_a_change_makes_verify_pass_again(ws):
    (path,) = (ws / "inkorg" / PERIOD).glob("3111 *.xlsx")
    path.unlink()
    consolidate(ws, PERIOD)
    assert verify(ws, PERIOD).ok


def test_in_a_follow_up_the_board_total_is_traced_as_a_forecast_never_under_the_name_budget(demo):
    """Column E of a follow-up's Ekonomi sheet is the forecast; a new user traced budget/2000 at helår
    and got the forecast called a budget."""
    root = demo["workspace"].root
    folder = root / "rapporter" / "2027-delar"
    result = trace(folder, "prognos/2000")
    assert result.what.startswith("Prognos") and result.total == pytest.approx(result.value)
    out = CliRunner().invoke(main, ["trace", str(root), "budget/2000", "--period", "2027-delar"])
    assert out.exit_code == 2 and "prognos/2000 (i en uppföljning)" in out.output
