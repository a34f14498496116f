"""Shared fixtures: a real Exempelkommun workspace, generated and filled workbooks on disk."""
from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from rodtrad.consolidator.reading import masterfile
from rodtrad.samples import filler
from rodtrad.consolidator.model import masterdata
from rodtrad.consolidator.workbooks.generate import generate
from rodtrad.consolidator.reading.validate import validate_file
from rodtrad.consolidator.workbooks.masterbook import init
from rodtrad.samples import build

UNIT = "2111"  # Förskolan Solrosen: a unit under Barn- och utbildningsnämnden with locked activities
PERIOD = "2027-plan"


@pytest.fixture(scope="session", autouse=True)
def own_cache(tmp_path_factory):
    """The user's cache (LibreOffice's kept profile, documents/pdf.py) in the session's own folder:
    the suite never writes to the home folder, and starts, as CI does, with none kept."""
    import os

    before = os.environ.get("RODTRAD_CACHE")
    os.environ["RODTRAD_CACHE"] = str(tmp_path_factory.mktemp("cache"))
    yield
    if before is None:
        os.environ.pop("RODTRAD_CACHE", None)
    else:
        os.environ["RODTRAD_CACHE"] = before


@pytest.fixture(scope="session")
def workspace(tmp_path_factory):
    root = tmp_path_factory.mktemp("exempelkommun")
    init(root, build("exempelkommun"))
    return root


@pytest.fixture(scope="session")
def master(workspace):
    md, findings = masterfile.load(workspace / masterdata.FILE_NAME)
    assert findings == []
    return md


@pytest.fixture(scope="session")
def sent(workspace, master):
    """The workbook sent to one unit, untouched."""
    (path,) = generate(master, PERIOD, workspace / "utskick" / PERIOD, units=[UNIT], jobs=1)
    return path


@pytest.fixture(scope="session")
def returned(sent, tmp_path_factory):
    """The same workbook filled in correctly by the unit."""
    dst = tmp_path_factory.mktemp("inkorg") / sent.name
    assert filler.fill(sent, dst, random.Random(1)) == []
    return dst


@pytest.fixture(scope="session")
def year(tmp_path_factory):
    """One unit's year answered in its own workspace (kontroll_corpus.build_corpus): (master,
    {period kind: returned workbook}) for the plan, a month, T1, delår, helår and its board's delår."""
    from kontroll_corpus import build_corpus

    return build_corpus(tmp_path_factory.mktemp("year") / "exempelkommun")


@pytest.fixture
def edit(returned, tmp_path):
    """Copy the returned workbook and change cells as a unit would: edit({sheet: {cell: value}})."""
    def _edit(changes: dict, name: str | None = None, src: Path | None = None) -> Path:
        dst = tmp_path / (name or (src or returned).name)
        wb = load_workbook(src or returned)
        for sheet, cells in changes.items():
            for ref, value in cells.items():
                wb[sheet][ref].value = value
        wb.save(dst)
        return dst
    return _edit


@pytest.fixture
def check(master):
    """Validate a file and give its findings flattened: [(sheet, cell, code)]."""
    def _check(path: Path, period: str | None = None):
        return [f.flat() for f in validate_file(path, master, expected_period=period).findings]
    return _check


def copy(src: Path, dst: Path) -> Path:
    shutil.copyfile(src, dst)
    return dst


def assert_sheet_cache_is_transparent(write, units: list[str], folder: Path) -> None:
    """`write(unit, path)` writes one unit's workbook. Written with the sheet cache warm (rendering.py),
    each must be byte for byte the workbook written with it emptied first, and the warm run must
    really have reused sheets."""
    import zipfile

    from rodtrad.consolidator.workbooks import rendering

    def run(name, fresh):
        for unit in units:
            if fresh:
                rendering.forget()
            write(unit, folder / name / f"{unit}.xlsx")

    run("cold", fresh=False)  # fills the cache (and the process's style table)
    rendering.counts.update(rendered=0, reused=0)
    run("warm", fresh=False)
    assert rendering.counts["reused"] >= 3 * len(units)
    run("anew", fresh=True)
    assert rendering.counts["reused"] == 0
    for unit in units:
        with zipfile.ZipFile(folder / "warm" / f"{unit}.xlsx") as warm, \
                zipfile.ZipFile(folder / "anew" / f"{unit}.xlsx") as anew:
            assert warm.namelist() == anew.namelist()
            for name in warm.namelist():
                assert warm.read(name) == anew.read(name), (unit, name)
        assert (folder / "warm" / f"{unit}.xlsx").read_bytes() == (folder / "anew" / f"{unit}.xlsx").read_bytes(), unit


@pytest.fixture(scope="session")
def demo_cycle(tmp_path_factory):
    """The whole demo (plan, T1 with the boards, a month, delår with the boards), run once per
    session. Read it, never change it: copy the workspace first (shutil.copytree)."""
    from rodtrad.samples.demo import run

    return run(tmp_path_factory.mktemp("demo-cycle") / "exempelkommun", echo=lambda *_: None,
               periods=("2027-T1", "2027-05", "2027-delar"), levels=("nämnd",))


PRESET_UNITS_PER_BOARD = 2  # a reduced year: enough units for every board to sum, few enough to stay fast


@pytest.fixture(scope="session")
def preset_cycle(tmp_path_factory):
    """A preset's plan and first follow-up with goals, consolidated: preset -> (workspace, plan id, follow-up id).
    Two units per board answer (the rest are missing, as in a real first round); no planted mistakes,
    and files with findings are taken in too (`--include-invalid`), so every answer is summed."""
    from rodtrad.samples import followfill
    from rodtrad.consolidator.consolidation.consolidate import consolidate
    from rodtrad.consolidator.model.workspace import Workspace

    made = {}

    def _make(preset: str):
        if preset in made:
            return made[preset]
        ws = init(tmp_path_factory.mktemp(preset) / preset, build(preset))
        md, findings = masterfile.load(ws.master_file)
        assert findings == []
        boards = {}
        for unit in md.units():
            board = md.board_of(unit.id)
            boards.setdefault(board.id if board else "", []).append(unit.id)
        units = [u for us in boards.values() for u in us[:PRESET_UNITS_PER_BOARD]]
        plan = md.period(None)
        paths = generate(md, plan.id, ws.outbox(plan.id), units=units, jobs=1, now=f"{plan.date} 08:00:00")
        filler.fill_all(paths, ws.inbox(plan.id), mistakes={}, master=md)  # the model's rules and summed indicators
        consolidate(ws.root, plan.id, jobs=1, include_invalid=True)  # a preset's locked rows may lack links
        follow = next(p for p in md.periods if p.kind not in ("plan", "månad"))
        paths = generate(md, follow.id, Workspace(ws.root).outbox(follow.id), units=units, jobs=1, root=ws.root,
                         now=f"{follow.date} 08:00:00")
        followfill.fill_all(paths, ws.inbox(follow.id), md, mistakes={})
        consolidate(ws.root, follow.id, jobs=1, include_invalid=True)
        made[preset] = (ws.root, plan.id, follow.id)
        return made[preset]
    return _make
