"""Every workbook the product writes depends on its inputs and the time it is given only
(model/package.py): generating the same period twice gives the same bytes, so SHA-256s in
manifests change only when content does."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from rodtrad.consolidator.workbooks.generate import generate
from rodtrad.consolidator.workbooks.masterbook import write as write_master
from rodtrad.samples import build

NOW = "2027-05-02 08:00:00"
UNITS = ["2111", "3111", "9100"]  # a preschool, home care and a company: different sheets and rows


def times(path: Path) -> tuple[set, list[str]]:
    """The zip entries' dates, and docProps/core.xml's created and modified, of a package."""
    with zipfile.ZipFile(path) as z:
        core = z.read("docProps/core.xml").decode("utf-8")
        return {i.date_time for i in z.infolist()}, re.findall(r"<dcterms:(?:created|modified)[^>]*>([^<]*)<", core)


def same_files(a: Path, b: Path) -> list[str]:
    names = sorted(p.relative_to(a).as_posix() for p in a.rglob("*.xlsx"))
    assert names == sorted(p.relative_to(b).as_posix() for p in b.rglob("*.xlsx")) and names
    return [n for n in names if (a / n).read_bytes() != (b / n).read_bytes()]


@pytest.mark.parametrize("period, level", [("2027-plan", None), ("2027-05", None), ("2027-T1", None), ("2027-delar", None),
                                           ("2027-T1", "nämnd"), ("2027-delar", "förvaltning")])
def test_generating_the_same_period_twice_gives_byte_identical_workbooks_dated_by_the_given_time(demo_cycle, tmp_path,
                                                                                                period, level):
    root, master = demo_cycle["workspace"].root, demo_cycle["master"]
    for run in ("a", "b"):
        folder = tmp_path / run / (level or "enheter")
        generate(master, period, folder, units=UNITS, jobs=1, now=NOW, root=root, level=level)
    assert same_files(tmp_path / "a", tmp_path / "b") == []
    for path in (tmp_path / "a").rglob("*.xlsx"):
        dates, core = times(path)
        assert dates == {(2027, 5, 2, 8, 0, 0)} and core == ["2027-05-02T08:00:00Z"] * 2, path.name
        meta = dict(r[:2] for r in CalamineWorkbook.from_path(str(path)).get_sheet_by_name("_meta").to_python())
        assert meta["Genererad"] == NOW


def test_a_workbook_is_the_same_whatever_the_run_wrote_before_it(demo_cycle, tmp_path):
    """A run that writes the plans and a month before the T1 (as the demo and the CLI do), and a run
    that writes the T1 alone: the same T1 workbook."""
    root, master = demo_cycle["workspace"].root, demo_cycle["master"]

    def run(folder, periods, units):
        code = (f"from rodtrad.consolidator.reading import masterfile\n"
                f"from rodtrad.consolidator.workbooks.generate import generate\n"
                f"md, _ = masterfile.load({str(demo_cycle['workspace'].master_file)!r})\n"
                f"for period in {list(periods)!r}:\n"
                f"    generate(md, period, {str(folder)!r} + '/' + period, units={units!r}, jobs=1, now={NOW!r}, "
                f"root={str(root)!r})\n")
        subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)

    run(tmp_path / "here", ("2027-plan", "2027-05", "2027-T1"), UNITS)
    run(tmp_path / "alone", ("2027-T1",), [UNITS[-1]])
    (alone,) = (tmp_path / "alone" / "2027-T1").glob("*.xlsx")
    assert alone.read_bytes() == (tmp_path / "here" / "2027-T1" / alone.name).read_bytes()


def test_a_workbook_is_the_same_whatever_other_workspaces_the_process_wrote_before_it(tmp_path):
    """One process that writes the plans and T1s of three other municipalities' models before
    Exempelkommun's (a shared server writing for several), and one that writes Exempelkommun's
    alone: byte for byte the same workbooks (each style family is keyed by the model's words and
    optional sheets, rendering.py)."""
    code = """
import sys
from pathlib import Path
from rodtrad.consolidator.reading import masterfile
from rodtrad.consolidator.workbooks.generate import generate
from rodtrad.consolidator.workbooks.masterbook import init
from rodtrad.samples import build
out, presets = Path(sys.argv[1]), sys.argv[2:]
for preset in presets:
    root = out.parent / ("ws-" + preset)
    if not root.exists():
        init(root, build(preset))
    md, _ = masterfile.load(root / "styrmodell.xlsx")
    for period in ("2027-plan", "2027-T1"):
        generate(md, period, out / preset / period, units=[u.id for u in md.units()][:2], jobs=1,
                 now="2027-05-02T08:00:00", root=root)
"""
    for folder, presets in (("alone", ["exempelkommun"]), ("after", ["vimmerby", "ostersund", "solleftea", "exempelkommun"])):
        subprocess.run([sys.executable, "-c", code, str(tmp_path / folder), *presets], check=True, capture_output=True)
    assert same_files(tmp_path / "alone" / "exempelkommun", tmp_path / "after" / "exempelkommun") == []


@pytest.mark.parametrize("preset", ["exempelkommun", "solleftea"])
def test_the_master_workbook_written_twice_is_byte_identical_and_dated_at_the_epoch(tmp_path, preset):
    for run in ("a", "b"):
        write_master(build(preset), tmp_path / run / "styrmodell.xlsx")
    assert same_files(tmp_path / "a", tmp_path / "b") == []
    assert times(tmp_path / "a" / "styrmodell.xlsx") == ({(2000, 1, 1, 0, 0, 0)}, ["2000-01-01T00:00:00Z"] * 2)


def test_carrying_activities_into_next_years_plan_keeps_the_generation_time(demo_cycle, tmp_path):
    from rodtrad.consolidator.workbooks.carried import prefill_activities

    master = demo_cycle["master"]
    (sent,) = generate(master, "2027-plan", tmp_path / "sent", units=UNITS[:1], jobs=1, now=NOW)
    for run in ("a", "b"):
        (tmp_path / run).mkdir()
        path = shutil.copyfile(sent, tmp_path / run / sent.name)
        prefill_activities(path, [{"id": "A01", "text": "Fortsätta med utemiljön.", "comment": "Från 2026."}], NOW)
    assert same_files(tmp_path / "a", tmp_path / "b") == []
    assert times(tmp_path / "a" / sent.name) == ({(2027, 5, 2, 8, 0, 0)}, ["2027-05-02T08:00:00Z"] * 2)


def test_every_report_of_a_consolidation_is_dated_at_the_epoch(demo_cycle):
    """Reports say nothing by their file times (a second consolidation gives the same bytes:
    test_consolidate.py); their packages carry the fixed epoch, never the wall clock."""
    folder = demo_cycle["workspace"].root / "rapporter" / "2027-T1"
    reports = sorted(folder.rglob("*.xlsx"))
    assert len(reports) >= 5
    for path in reports:
        assert times(path) == ({(2000, 1, 1, 0, 0, 0)}, ["2000-01-01T00:00:00Z"] * 2), path.name
