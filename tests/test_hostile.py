"""Hostile and damaged files cost their own file, never the batch, the memory or the time.

A stray value far out in a sheet (the case file: XFD1048576 in a 40 KB plan) once made the reader
ask for 550 GB. The kind: any sheet whose values, merges or stated size reach far beyond what the
layouts hold; and any reader that dies on a file.
"""
from __future__ import annotations

import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from rodtrad.consolidator.model import masterdata
from rodtrad.consolidator.reading import grid, masterfile
from rodtrad.consolidator.reading.bounds import READ_CAP
from rodtrad.samples import filler
from rodtrad.consolidator.workbooks.generate import generate
from rodtrad.consolidator.reading.validate import Report, iter_tasks, validate_file
from rodtrad.consolidator.workbooks.masterbook import init
from rodtrad.samples import build

CASE = Path(__file__).parents[2] / "shared" / "cases" / "workbooks" / "value-in-last-cell-XFD1048576.xlsx"
CASES = [p for p in (CASE, Path("/work/shared/cases/workbooks") / CASE.name) if p.exists()]
PERIOD = "2027-plan"
FAR = "XFD1048576"


def sheet_members(path: Path) -> dict[str, str]:
    """Sheet name -> its worksheet member, read with the product's own mapping."""
    with zipfile.ZipFile(path) as zf:
        return {v: k for k, v in grid._sheet_names(zf).items()}


def rezip(src: Path, dst: Path, change: dict) -> Path:
    """Copy a workbook member by member; change[member](xml bytes) -> new bytes; a member named
    in `change` that is not there is added from change[member](b"")."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            zout.writestr(item, change.pop(item.filename, lambda d: d)(data))
        for name, make in change.items():
            zout.writestr(name, make(b""))
    return dst


def far_value(xml: bytes, ref: str = FAR, dimension: bool = True) -> bytes:
    """A value typed in `ref` (after every other row), the dimension grown to it as Excel does."""
    row = re.match(r"[A-Z]+(\d+)", ref).group(1)
    cell = f'<row r="{row}"><c r="{ref}" t="inlineStr"><is><t>x</t></is></c></row>'.encode()
    if b"<sheetData/>" in xml:
        xml = xml.replace(b"<sheetData/>", b"<sheetData>" + cell + b"</sheetData>")
    else:
        xml = xml.replace(b"</sheetData>", cell + b"</sheetData>")
    if dimension:
        xml = re.sub(rb'<dimension ref="([A-Z]+\d+)(?::[A-Z]+\d+)?"', rb'<dimension ref="\1:' + ref.encode() + b'"', xml)
    return xml


def far_dimension(xml: bytes) -> bytes:
    return re.sub(rb'<dimension ref="[^"]*"', f'<dimension ref="A1:{FAR}"'.encode(), xml)


def far_merge(xml: bytes) -> bytes:
    merge = f'<mergeCells count="1"><mergeCell ref="A1:{FAR}"/></mergeCells>'.encode()
    assert b"<mergeCells" not in xml
    return re.sub(rb"(</sheetData>|<sheetData/>)", lambda m: m.group(1) + merge, xml, count=1)


def many_far_sheets(path: Path, dst: Path, count: int) -> Path:
    """`count` extra small sheets, each with a value in XFD1048576."""
    with zipfile.ZipFile(path) as zf:
        book, rels, types = (zf.read(n) for n in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml"))
    sheets, relations, overrides, extra = [], [], [], {}
    for i in range(count):
        sheets.append(f'<sheet name="Extra{i}" sheetId="{900 + i}" r:id="rIdX{i}"/>')
        relations.append(f'<Relationship Id="rIdX{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                         f'relationships/worksheet" Target="worksheets/extra{i}.xml"/>')
        overrides.append(f'<Override PartName="/xl/worksheets/extra{i}.xml" ContentType="application/'
                         f'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>')
        xml = (f'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:{FAR}"/>'
               f'<sheetData><row r="1048576"><c r="{FAR}" t="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>')
        extra[f"xl/worksheets/extra{i}.xml"] = lambda _, xml=xml: xml.encode()
    extra["xl/workbook.xml"] = lambda d: d.replace(b"</sheets>", "".join(sheets).encode() + b"</sheets>")
    extra["xl/_rels/workbook.xml.rels"] = lambda d: d.replace(b"</Relationships>", "".join(relations).encode() + b"</Relationships>")
    extra["[Content_Types].xml"] = lambda d: d.replace(b"</Types>", "".join(overrides).encode() + b"</Types>")
    return rezip(path, dst, extra)


# -- the family, in one consolidation ----------------------------------------------------------

@pytest.fixture(scope="module")
def hostile_workspace(tmp_path_factory):
    """A workspace whose plan inbox holds valid workbooks and the family of far ones, each made
    from its own unit's filled workbook: {file name: (expected code, sheet, cell)}."""
    root = tmp_path_factory.mktemp("fientlig")
    init(root, build("exempelkommun"))
    master, _ = masterfile.load(root / masterdata.FILE_NAME)
    sheet_names = ["Översikt", "Målkedja", "Enhetens mål", "Aktiviteter", "Uppdrag", "Nyckeltal", "SWOT",
                   "Utvecklingsområden", "Budget", "Intern kontroll", "_meta", "Instruktioner", "Kontroll", "_listor"]
    units = [u.id for u in master.units() if u.id != "2111"][: len(sheet_names) + 9]
    outbox = root / "utskick" / PERIOD
    sent = generate(master, PERIOD, outbox, units=units, jobs=1)
    inbox = root / "inkorg" / PERIOD
    inbox.mkdir(parents=True)
    filled = []
    for path in sent:
        assert filler.fill(path, inbox / path.name, random.Random(3)) == []
        filled.append(inbox / path.name)
    expected = {}
    work = root / "arbete"
    work.mkdir()

    def variant(path, tag, change, code, sheet, cell):
        src = work / path.name
        path.rename(src)
        dst = inbox / f"{path.stem} {tag}.xlsx"
        rezip(src, dst, change)
        expected[dst.name] = (code, sheet, cell)

    members = sheet_members(filled[0])
    for path, sheet in zip(filled, sheet_names):  # a far value in every sheet type
        variant(path, "långt bort", {members[sheet]: far_value}, "sheet.far_value", sheet, FAR)
    rest = filled[len(sheet_names):]
    variant(rest[0], "ZZ200000", {members["SWOT"]: lambda x: far_value(x, "ZZ200000")}, "sheet.far_value", "SWOT", "ZZ200000")
    variant(rest[1], "ljuger", {members["Aktiviteter"]: lambda x: far_value(x, dimension=False)},
            "sheet.far_value", "Aktiviteter", FAR)
    variant(rest[5], "ljuger ZZ200000", {members["Budget"]: lambda x: far_value(x, "ZZ200000", dimension=False)},
            "sheet.far_value", "Budget", "ZZ200000")
    variant(rest[2], "sammanfogad", {members["SWOT"]: far_merge}, "sheet.far_merge", "SWOT", "A1")
    variant(rest[3], "stor dimension", {members["SWOT"]: far_dimension}, "sheet.far_extent", "SWOT", "A1")
    src = work / rest[4].name
    rest[4].rename(src)
    many = many_far_sheets(src, inbox / f"{rest[4].stem} många blad.xlsx", 200)
    expected[many.name] = ("sheet.far_value", "Extra0", FAR)
    valid = [p.name for p in rest[6:]]
    if CASES:
        shutil.copyfile(CASES[0], inbox / CASES[0].name)
        expected[CASES[0].name] = ("sheet.far_value", "SWOT", FAR)
    return root, expected, valid


# A process's own peak memory (KiB). Not getrusage's ru_maxrss: Linux keeps the high-water mark of the
# process image before exec, so a probe forked from the test process (hundreds of MiB late in a run)
# reported the test process's size, not its own. VmHWM belongs to the memory after exec.
PEAK = ("def peak():\n"
        "    try:\n"
        "        return int(next(l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM:')))\n"
        "    except (OSError, StopIteration):\n"
        "        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n")


def run_measured(args: list[str], timeout: float = 300) -> tuple[subprocess.CompletedProcess, int]:
    """Run a command in a fresh process that reports the peak memory (KiB) of the largest process
    under it: the command and every worker it started (getrusage of the waited-for children)."""
    probe = ("import json, resource, subprocess, sys\n"
             "p = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
             "print(json.dumps({'rc': p.returncode, 'out': p.stdout, 'err': p.stderr,"
             " 'kib': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))\n")
    out = subprocess.run([sys.executable, "-c", probe, *args], capture_output=True, text=True, timeout=timeout)
    got = json.loads(out.stdout)
    return subprocess.CompletedProcess(args, got["rc"], got["out"], got["err"]), got["kib"]


def rodtrad(*args) -> list[str]:
    return [str(Path(sys.executable).with_name("rodtrad")), *args]


def test_far_cells_merges_and_extents_cost_their_own_file_and_little_memory(hostile_workspace):
    root, expected, valid = hostile_workspace
    done, kib = run_measured(rodtrad("consolidate", str(root), "--period", PERIOD, "--json", "--jobs", "2"))
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr and "memory allocation" not in done.stderr
    result = json.loads(done.stdout)
    tasks = {t["file"]: t for t in result["validation"]["tasks"]}
    for name, (code, sheet, cell) in expected.items():
        found = {(f["code"], f["sheet"], f["cell"]) for f in tasks[name]["findings"]}
        assert (code, sheet, cell) in found, (name, found)
        if code == "sheet.far_value":  # the refused sheet is named once, never also as missing
            assert not any(c == "sheet.missing" and s == sheet for c, s, _ in found), (name, found)
    words = {f["message"] for t in tasks.values() for f in t["findings"] if f["code"] == "sheet.far_value"}
    assert any(f"värde i {FAR}, långt utanför arbetsbokens tabeller" in w for w in words)
    for name in valid:
        assert tasks[name]["valid"], tasks[name]["findings"]
    consolidated = set(result["consolidated"])
    assert {tasks[n]["unit"] for n in valid} <= consolidated
    assert tasks[next(n for n in expected if "stor dimension" in n)]["valid"]  # a stated size alone: a warning
    print(f"peak memory of the largest process: {kib / 1024:.0f} MiB")
    assert kib < 500 * 1024, f"peak memory {kib / 1024:.0f} MiB"


@pytest.mark.skipif(not CASES, reason="the shared case file is not beside the repository")
def test_the_case_file_is_answered_fast_naming_its_far_cell(master):
    validate_file(CASES[0], master)  # warm: imports and compiled schema
    started = time.perf_counter()
    task = validate_file(CASES[0], master)
    seconds = time.perf_counter() - started
    assert ("SWOT", FAR, "sheet.far_value") in [f.flat() for f in task.findings]
    assert not any(f.code == "sheet.missing" for f in task.findings)  # a new user was told SWOT "saknas"
    assert task.unit == "2111"  # the rest of the file is read
    assert seconds < 1.0  # the benchmark measures it (< 100 ms); here only that it is not minutes


def test_the_same_far_cell_in_the_master_data_is_a_finding_of_check_master(tmp_path):
    init(tmp_path, build("exempelkommun"))
    path = tmp_path / masterdata.FILE_NAME
    members = sheet_members(path)
    rezip(path, tmp_path / "ny.xlsx", {members["Perspektiv"]: far_value})
    os.replace(tmp_path / "ny.xlsx", path)
    done, kib = run_measured(rodtrad("check-master", str(tmp_path), "--json"), timeout=120)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert "Perspektiv" in done.stdout and FAR in done.stdout
    assert kib < 500 * 1024


def no_refs(xml: bytes) -> bytes:
    """Rows and cells without their `r` attribute after the last row (the specification allows it:
    a reader places each after the one before): row 200000 by counting, its cells A, B, C."""
    cells = b"".join(b'<c t="inlineStr"><is><t>x</t></is></c>' for _ in range(3))
    rows = b'<row r="199990"/>' + b"<row/>" * 9 + b"<row>" + cells + b"</row>"
    return xml.replace(b"</sheetData>", rows + b"</sheetData>")


@pytest.mark.parametrize("change, cell", [(lambda x: far_value(x, "ZZ200000", dimension=False), "ZZ200000"),
                                          (no_refs, "A200000")])
def test_a_value_the_dimension_hides_is_found_by_the_thorough_scan(returned, tmp_path, master, change, cell):
    members = sheet_members(returned)
    path = rezip(returned, tmp_path / "ljuger.xlsx", {members["SWOT"]: change})
    assert ("SWOT", cell, "sheet.far_value") in [f.flat() for f in validate_file(path, master).findings]


def _kill_on(task, master):
    """`then` for iter_tasks: the worker that reads a file named *döda* is killed mid-file."""
    if "döda" in task.file:
        os.kill(os.getpid(), signal.SIGKILL)
    return task


def test_a_worker_killed_mid_file_costs_that_file_and_the_batch_goes_on(returned, tmp_path, master):
    folder = tmp_path / "inkorg"
    folder.mkdir()
    names = [f"{i:02d} plan.xlsx" for i in range(12)]
    for name in names:
        shutil.copyfile(returned, folder / name)
    shutil.copyfile(returned, folder / "05 döda.xlsx")
    files = sorted(folder.iterdir())
    tasks = list(iter_tasks(files, master, jobs=2, then=_kill_on))
    assert [t.file for t in tasks] == [f.name for f in files]
    killed = [t for t in tasks if t.file == "05 döda.xlsx"][0]
    assert [f.code for f in killed.findings] == ["file.reader_died"]
    assert "signal 9" in killed.findings[0].message()
    assert all(t.unit for t in tasks if t is not killed)
    report = Report(tasks=tasks)
    assert not report.valid and "1 fil kunde inte läsas (läsaren avbröts)" in report.summary()


def test_workers_exit_when_the_main_process_is_killed(returned, tmp_path):
    folder = tmp_path / "inkorg"
    folder.mkdir()
    for i in range(40):
        shutil.copyfile(returned, folder / f"{i:02d}.xlsx")
    probe = (
        "import os, sys, time\n"
        "from pathlib import Path\n"
        "from rodtrad.consolidator.reading.workers import Workers\n"
        "with Workers(2) as pool:\n"
        "    futures = [pool.submit(time.sleep, 60) for _ in range(2)]\n"
        "    time.sleep(1.0)\n"
        "    print(' '.join(str(p) for p in pool._pool._processes), flush=True)\n"
        "    time.sleep(60)\n")
    proc = subprocess.Popen([sys.executable, "-c", probe], stdout=subprocess.PIPE, text=True)
    try:
        pids = [int(p) for p in proc.stdout.readline().split()]
        assert len(pids) == 2
        proc.kill()
        proc.wait(timeout=10)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(_alive(p) for p in pids):
            time.sleep(0.1)
        assert not any(_alive(p) for p in pids)
    finally:
        if proc.poll() is None:
            proc.kill()


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def ods(body: str) -> bytes:
    """A minimal OpenDocument spreadsheet with `body` as its tables."""
    import io

    ns = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
        z.writestr("content.xml", f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns} office:version="1.2">'
                                  f"<office:body><office:spreadsheet>{body}</office:spreadsheet></office:body></office:document-content>")
    return out.getvalue()


X = '<table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell>'


@pytest.mark.parametrize("body, cell", [
    # one value in the last cell, after LibreOffice's repeated empty rows and cells
    ('<table:table-row table:number-rows-repeated="1048575"><table:table-cell table:number-columns-repeated="16384"/>'
     f'</table:table-row><table:table-row><table:table-cell table:number-columns-repeated="16383"/>{X}</table:table-row>', FAR),
    # a value in A1 and the same value repeated along row 200000: a rectangle of 200000 × 16384 cells to a reader
    (f'<table:table-row>{X}</table:table-row><table:table-row table:number-rows-repeated="199998"/>'
     '<table:table-row><table:table-cell table:number-columns-repeated="16384" office:value-type="string">'
     '<text:p>x</text:p></table:table-cell></table:table-row>', "A200000"),
])
def test_an_ods_with_a_far_value_is_refused_naming_the_cell(tmp_path, master, body, cell):
    path = tmp_path / "plan.ods"
    path.write_bytes(ods(f'<table:table table:name="SWOT">{body}</table:table>'))
    task = validate_file(path, master)
    assert [f.flat() for f in task.findings] == [("SWOT", cell, "sheet.far_value")]


def test_the_addin_reads_a_live_sheet_only_within_bounds(returned, master):
    """In Excel, a stray far value makes the used range huge: only the part within bounds is fetched."""
    from test_addin import actions_of, book_for, payload  # noqa: PLC0415 - sets the xlwings licence first

    import xlwings as xw

    from rodtrad.addin import actions, livebook
    from rodtrad.consolidator.reading.bounds import a1, layout_bounds

    data = payload(returned)
    swot = next(s for s in data["sheets"] if s["name"] == "SWOT")
    width = layout_bounds().columns + 30
    swot["values"] = [row + [""] * (width - len(row)) for row in swot["values"]]
    swot["values"][0][-1] = "x"  # a stray value 30 columns past the bounds
    book = xw.Book(json=data)
    task = actions.validate(book, master)
    far = [f for f in task.findings if f.code == "sheet.far_extent"]
    assert [(f.sheet, f.cell, f.value) for f in far] == [("SWOT", "A1", f"A1:{a1(len(swot['values']), width)}")]
    assert task.errors == 0  # the rest of the workbook validated as usual
    assert actions_of(book, "setValues")
    assert max(len(r) for r in livebook.grid(xw.Book(json=data))["SWOT"]) == layout_bounds().columns


def test_many_sheets_each_within_bounds_are_read_only_up_to_the_files_cell_budget(returned, tmp_path, master):
    """Every sheet's last value just inside the bounds: together they would be tens of millions of
    cells; the file is read up to its budget and the sheets past it are named."""
    from rodtrad.consolidator.reading.bounds import a1, layout_bounds

    limits = layout_bounds()
    rows = limits.cells // limits.columns - 10
    corner = a1(rows, limits.columns)
    members = sheet_members(returned)
    sheets = ["Målkedja", "Enhetens mål", "Aktiviteter", "Uppdrag", "Nyckeltal", "SWOT", "Budget", "Intern kontroll"]
    path = rezip(returned, tmp_path / "breda.xlsx", {members[s]: lambda x: far_value(x, corner) for s in sheets})
    probe = ("import json, resource, sys\n"
             + PEAK +
             "from rodtrad.consolidator.reading.grid import open_grid\n"
             "grid, findings = open_grid(sys.argv[1])\n"
             "print(json.dumps({'read': sorted(grid.sheets), 'far': [(f.code, f.sheet, f.cell) for f in findings],"
             " 'kib': peak()}))\n")
    done = subprocess.run([sys.executable, "-c", probe, str(path)], capture_output=True, text=True, timeout=120)
    got = json.loads(done.stdout)
    # the file read to its cell budget peaks at ~300 MiB (a process's ~85 MiB and ~210 MiB of reading);
    # every sheet read to its own bound would be tens of millions of cells, several GiB
    assert got["kib"] < 85 * 1024 + READ_CAP // 1024, got["kib"]
    skipped = [s for code, s, cell in got["far"] if code == "sheet.far_value" and cell == corner]
    assert len(skipped) == len(sheets) - 1 and set(skipped) | set(got["read"]) >= set(sheets)
    # the budget and the reading workers' memory cap agree: in a batch the file is read to its budget
    # by a worker under the cap, not killed (file.reader_died) as it was when the two disagreed
    folder = tmp_path / "inkorg"
    folder.mkdir()
    for i in range(9):
        shutil.copyfile(returned, folder / f"{i:02d} plan.xlsx")
    shutil.copyfile(path, folder / "05 breda.xlsx")
    tasks = {t.file: t for t in iter_tasks(sorted(folder.iterdir()), master, jobs=2)}
    wide = tasks["05 breda.xlsx"]
    assert "file.reader_died" not in {f.code for f in wide.findings}
    assert sorted(f.sheet for f in wide.findings if f.code == "sheet.far_value" and f.cell == corner) == sorted(skipped)
    assert all(t.valid for name, t in tasks.items() if name != "05 breda.xlsx")
