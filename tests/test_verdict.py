"""The verdict: written where auditors work (a read-only copy), nothing cut off, the most important first."""
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from rodtrad.consolidator.audit.verify import FIRST_SHEETS, verify
from rodtrad.consolidator.cli import main
from rodtrad.consolidator.cli.audit import PRINTED, writable

PERIOD = "2027-plan"


def read_only(root: Path) -> None:
    """As an auditor's copy is: no write bit on any file or folder (root may still write; the product
    must respect the bits anyway)."""
    for folder, dirs, files in os.walk(root):
        for name in files:
            os.chmod(Path(folder) / name, 0o444)
        os.chmod(folder, 0o555)


def make_writable(root: Path) -> None:
    for folder, dirs, files in os.walk(root):
        os.chmod(folder, 0o755)


@pytest.fixture
def ws(demo_cycle, tmp_path):
    root = tmp_path / "kommun"
    shutil.copytree(demo_cycle["workspace"].root, root, ignore=shutil.ignore_patterns("2027-0*", "2027-T1", "2027-delar"))
    yield root
    make_writable(root)


def test_verify_on_a_read_only_copy_writes_its_verdict_to_a_temporary_folder_and_says_where(ws):
    read_only(ws)
    before = sorted(p for p in ws.rglob("*"))
    assert not writable(ws / "granskning" / PERIOD)
    result = CliRunner().invoke(main, ["verify", str(ws), "--period", PERIOD])
    assert result.exit_code == 0, result.output
    assert "allt stämmer" in result.output and "skrivskyddad" in result.output
    folder = Path(result.output.split("den tillfälliga mappen ")[1].split(". ")[0])
    try:
        assert json.loads((folder / "verifiering.json").read_text("utf-8"))["ok"] is True
        assert (folder / "verifiering.xlsx").is_file()
        assert str(folder / "verifiering.xlsx") in result.output
    finally:
        shutil.rmtree(folder)
    assert sorted(p for p in ws.rglob("*")) == before  # nothing written in the copy


def test_verify_on_a_read_only_copy_writes_where_it_is_told(ws, tmp_path):
    read_only(ws)
    result = CliRunner().invoke(main, ["verify", str(ws), "--period", PERIOD, "--out", str(tmp_path / "utlåtande")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "utlåtande" / "verifiering.xlsx").is_file() and "tillfälliga" not in result.output
    told = CliRunner().invoke(main, ["verify", str(ws), "--period", PERIOD, "--out", str(ws / "granskning")])
    assert told.exit_code == 2 and "skrivskyddad" in told.output and "--out" in told.output


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("setpriv"), reason="needs root to become another user")
def test_verify_as_an_unprivileged_user_on_a_read_only_copy(demo_cycle):
    """As an auditor runs it: another user, who may read the copy and write nowhere in it."""
    base = Path(tempfile.mkdtemp(prefix="rodtrad-revisor-"))
    try:
        root = base / "kommun"
        shutil.copytree(demo_cycle["workspace"].root, root,
                        ignore=shutil.ignore_patterns("2027-0*", "2027-T1", "2027-delar"))
        read_only(root)
        os.chmod(base, 0o755)
        rodtrad = Path(sys.executable).with_name("rodtrad")
        run = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", str(rodtrad), "verify",
                              str(root), "--period", PERIOD], capture_output=True, text=True, cwd=base,
                             env={**os.environ, "HOME": str(base), "TMPDIR": "/tmp"}, timeout=600)
        assert run.returncode == 0, run.stdout + run.stderr
        assert "allt stämmer" in run.stdout and "skrivskyddad" in run.stdout
        folder = Path(run.stdout.split("den tillfälliga mappen ")[1].split(". ")[0])
        assert (folder / "verifiering.json").is_file()
        shutil.rmtree(folder)
    finally:
        make_writable(base)
        shutil.rmtree(base)


def numeric_cells(path: Path, sheets: list[str], count: int) -> dict:
    """`count` cells holding numbers, spread over `sheets` in turn: {(sheet, cell): value}."""
    wb = load_workbook(path)
    per_sheet = {s: [(c.coordinate, c.value) for row in wb[s].iter_rows() for c in row
                     if c.data_type == "n" and isinstance(c.value, (int, float)) and not isinstance(c.value, bool)]
                 for s in sheets}
    chosen = {}
    while len(chosen) < count and any(per_sheet.values()):
        for s in sheets:
            if per_sheet[s] and len(chosen) < count:
                ref, value = per_sheet[s].pop(0)
                chosen[(s, ref)] = value
    return chosen


def tamper(path: Path, cells: dict) -> None:
    wb = load_workbook(path)
    for (sheet, ref), value in cells.items():
        wb[sheet][ref] = value + 1
    wb.save(path)


def test_a_tampering_of_300_cells_is_listed_in_full_the_kf_reports_summary_economy_and_indicators_first(ws):
    folder = ws / "rapporter" / PERIOD
    (kf,) = folder.glob("KF-rapport *.xlsx")
    (board,) = folder.glob("Nämndrapport 2000 *.xlsx")
    # the board report's cells come first alphabetically and by sheet: the verdict must not list them first
    kf_cells = numeric_cells(kf, ["Källor", "Inlämning", "Nyckeltal", "Ekonomi", "Sammanfattning"], 150)
    board_cells = numeric_cells(board, ["Källor", "Ekonomi per konto", "Ekonomi", "Sammanfattning"], 150)
    assert len(kf_cells) == len(board_cells) == 150
    tamper(kf, kf_cells)
    tamper(board, board_cells)
    verdict = verify(ws, PERIOD)
    figures = [d for d in verdict.differences if d.kind == "siffra stämmer inte"]
    expected = {f"{kf.name} {s}!{c}" for s, c in kf_cells} | {f"{board.name} {s}!{c}" for s, c in board_cells}
    assert {d.where for d in figures} == expected  # every one, nothing else
    order = [d.where for d in figures]
    assert all(w.startswith("KF-rapport") for w in order[:150])
    kf_sheets = [w.split(" ", 2)[-1].split("!")[0] for w in order[:150]]
    assert kf_sheets[: kf_sheets.count("Sammanfattning")] == ["Sammanfattning"] * kf_sheets.count("Sammanfattning")
    first = list(dict.fromkeys(kf_sheets))
    assert first[:3] == [s for s in FIRST_SHEETS if s in first]
    assert verdict.differences[0].kind == "rapportfil ändrad"  # the files before what they mean

    result = CliRunner().invoke(main, ["verify", str(ws), "--period", PERIOD])
    assert result.exit_code == 1
    printed = [line for line in result.output.splitlines() if line.startswith("- ")]
    assert len(printed) == PRINTED
    total = len(verdict.differences)
    assert f"… och {total - PRINTED} avvikelser till. Alla {total} finns i verifiering.xlsx" in result.output
    out = ws / "granskning" / PERIOD
    data = json.loads((out / "verifiering.json").read_text("utf-8"))
    assert len(data["differences"]) == total
    rows = CalamineWorkbook.from_path(str(out / "verifiering.xlsx")).get_sheet_by_name("Avvikelser").to_python()
    listed = {r[1] for r in rows if len(r) > 1}
    assert expected <= listed


def test_a_reported_decimal_is_shown_as_the_report_shows_it(ws):
    folder = ws / "rapporter" / PERIOD
    (kf,) = folder.glob("KF-rapport *.xlsx")
    wb = load_workbook(kf)
    cell = next(c for row in wb["Nyckeltal"].iter_rows() for c in row
                if isinstance(c.value, float) and not c.value.is_integer())
    was = cell.value
    cell.value = was + 0.1
    wb.save(kf)
    (d,) = [d for d in verify(ws, PERIOD).differences if d.kind == "siffra stämmer inte"]
    assert "99999" not in d.detail and "00000" not in d.detail
    assert d.detail.endswith(f"omräknat: {repr(round(was, 10)).replace('.', ',')}")


def test_writable_respects_the_mode_bits_even_for_root(tmp_path):
    (tmp_path / "läs").mkdir()
    assert writable(tmp_path / "läs" / "ny" / "mapp")
    os.chmod(tmp_path / "läs", stat.S_IRUSR | stat.S_IXUSR | stat.S_IRGRP | stat.S_IXGRP)
    assert not writable(tmp_path / "läs" / "ny" / "mapp")
    os.chmod(tmp_path / "läs", 0o755)
