"""Sources are the true sources: a Kolada outcome points to the imported file, KPI, municipality and
year; a master-data figure to the cell that holds it (each checked against the file itself)."""
import hashlib
import json
import re

import pytest
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from rodtrad.consolidator.audit.trace import trace

PERIOD = "2027-delar"


def sources(path):
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Källor").to_python()
    header = next(i for i, r in enumerate(rows) if r[:2] == ["Siffra", "Vad"])
    return [dict(zip(rows[header], r)) for r in rows[header + 1:] if r[0]]


@pytest.fixture(scope="module")
def kf(demo_cycle):
    (path,) = (demo_cycle["workspace"].root / "rapporter" / PERIOD).glob("KF-rapport *.xlsx")
    return path


def test_a_kolada_outcome_points_to_the_imported_file_kpi_municipality_and_year(demo_cycle, kf):
    root, master = demo_cycle["workspace"].root, demo_cycle["master"]
    kolada = [i for i in master.indicators if i.source == "kolada" and i.kolada]
    assert kolada
    code = str(master.municipality["code"]).zfill(4)
    found = 0
    for ind in kolada:
        result = trace(kf.parent, f"utfall/{ind.id}/{next(n.id for n in master.org if not n.parent)}")
        (source,) = result.sources
        if not source["file"].startswith("kolada/"):
            continue  # no Kolada value for the year: the units' outcomes (checked elsewhere)
        found += 1
        data = (root / source["file"]).read_bytes()
        assert source["sha256"] == hashlib.sha256(data).hexdigest()
        assert source["sheet"] == f"Kolada {ind.kolada}"
        year = int(re.fullmatch(rf"kommun {code}, år (\d{{4}})", source["cell"]).group(1))
        entry = next(e for e in json.loads(data)["values"]
                     if e["kpi"] == ind.kolada and str(e["municipality"]).zfill(4) == code and int(e["period"]) == year)
        value = next(v["value"] for v in entry["values"] if v["gender"] == "T")
        assert source["value"] == pytest.approx(value) == pytest.approx(result.value)
    assert found


def test_a_master_data_target_points_to_the_cell_that_holds_it(demo_cycle, kf):
    root = demo_cycle["workspace"].root
    book = load_workbook(root / "styrmodell.xlsx", read_only=True)
    from_master = [s for s in sources(kf) if s["Fil eller rapport"] == "styrmodell.xlsx"]
    assert from_master
    for s in from_master:
        assert re.fullmatch(r"[A-Z]+\d+", s["Cell"]), s  # a cell, never an id
        held = book[s["Blad"]][s["Cell"]].value
        assert held == pytest.approx(s["Värde"]) if isinstance(held, (int, float)) else held == s["Värde"], s
    targets = [s for s in from_master if s["Vad"].startswith("Målvärde för ")]
    assert len(targets) == len({s["Vad"] for s in targets}) > 0


def test_no_source_of_a_follow_up_names_a_cell_that_is_not_one(kf):
    for s in sources(kf):
        if s["Fil eller rapport"].endswith(".xlsx"):
            assert re.fullmatch(r"[A-Z]+\d+(:[A-Z]+\d+)?", s["Cell"]), s
