"""A goal, indicator or uppdrag removed from the master data after the workbooks went out is a
finding that says how many units' answers are left out, never a silent drop."""
import shutil

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from rodtrad.consolidator.reading import masterfile
from rodtrad.consolidator.audit.verify import verify
from rodtrad.consolidator.cli import main
from rodtrad.consolidator.reading.validate import validate_file

PERIOD = "2027-delar"


def remove(path, item: str, sheet: str) -> None:
    """Take `item` out of styrmodell.xlsx: its row on `sheet`, and every mention of it elsewhere."""
    wb = load_workbook(path)
    ws = wb[sheet]
    (row,) = [r[0].row for r in ws.iter_rows() if r[0].value == item]
    ws.delete_rows(row)
    for other in wb.worksheets:
        for r in other.iter_rows():
            for c in r:
                if isinstance(c.value, str) and item in [p.strip() for p in c.value.replace(";", ",").split(",")]:
                    rest = [p.strip() for p in c.value.replace(";", ",").split(",") if p.strip() != item]
                    c.value = ", ".join(rest) or None
    wb.save(path)


@pytest.fixture(scope="module")
def ws(demo_cycle, tmp_path_factory):
    root = tmp_path_factory.mktemp("borttaget") / "kommun"
    shutil.copytree(demo_cycle["workspace"].root, root, ignore=shutil.ignore_patterns("2027-0*", "2027-T1"))
    remove(root / "styrmodell.xlsx", "BUN1", "Mål")
    master, findings = masterfile.load(root / "styrmodell.xlsx")
    assert master is not None, findings
    return root, master


def test_a_units_assessment_of_a_removed_goal_is_a_warning_on_its_cell(ws):
    root, master = ws
    (path,) = (root / "inkorg" / PERIOD).glob("2111 *.xlsx")
    found = [f for f in validate_file(path, master).findings if f.code == "link.removed_from_master"]
    assert [(f.sheet, f.message()) for f in found] == [
        ("Måluppföljning", "Mål BUN1 finns inte längre i styrmodellen; enhetens bedömning räknas inte.")]
    assert found[0].cell.startswith("B")


def test_consolidation_says_how_many_answers_a_removed_goal_leaves_out_and_verify_agrees(ws, monkeypatch):
    root, master = ws
    answering = []
    for path in sorted((root / "inkorg" / PERIOD).rglob("*.xlsx")):
        doc = validate_file(path, master, keep_document=True).document
        if any(r.get("id") == "BUN1" for r in doc.get("assessments") or []):
            answering.append(path)
    assert len(answering) > 10
    monkeypatch.chdir(root)
    out = CliRunner().invoke(main, ["consolidate", ".", "--period", PERIOD])
    line = f"VARNING: Mål BUN1 finns inte längre i styrmodellen; {len(answering)} enheters bedömningar räknas inte."
    assert line in out.output.splitlines(), out.output
    rows = CalamineWorkbook.from_path(str(root / "rapporter" / PERIOD / "valideringsrapport.xlsx")) \
        .get_sheet_by_name("Fynd").to_python()
    assert sum(line[len("VARNING: "):] in r for r in rows) == len(answering)
    assert verify(root, PERIOD).ok
