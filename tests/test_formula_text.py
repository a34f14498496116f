"""No unit text ever becomes a formula, in any file the product writes.

The kind: text that came from a returned workbook and is written again (a follow-up carries the
plan forward, a board's workbook carries its units' analyses, reports, the validation report, the
export, the add-in's Fel sheet). Formula-shaped text of every kind goes round the whole cycle
(plan → consolidate → T1 → consolidate → the board's own T1 → consolidate) and every XML part of
every file written is scanned for a formula made from it.
"""
from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st
from openpyxl import Workbook, load_workbook

from rodtrad.consolidator.model import values
from rodtrad.consolidator.reading import masterfile
from rodtrad.consolidator.workbooks import workbook as wbk
from rodtrad.samples import filler, followfill
from rodtrad.consolidator.consolidation.consolidate import consolidate
from rodtrad.consolidator.workbooks.generate import generate
from rodtrad.consolidator.workbooks.masterbook import init
from rodtrad.samples import build

MARK = "RT16"
SHAPES = [
    f'=HYPERLINK("http://example.invalid/{MARK}";"{MARK} klicka")',
    f'=HYPERLINK("http://example.invalid/{MARK}","{MARK} klicka")',
    f'=1+1&"{MARK}"',
    f"+1+1+{MARK}",
    f"-1-{MARK}",
    f"@SUM(1)+{MARK}",
    f"\t=1+{MARK}",
    f"\r=1+{MARK}",
    f"\r\n=2+{MARK}",
    f"＝1+{MARK}",
    f"=cmd|' /C calc {MARK}'!A0",
    f'=DDE("cmd";"/C calc";"{MARK}")',
    f"=-{MARK}+1",
]
BOARD_UNITS = 3
_FORMULA = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f(?:\s[^>]*)?>([^<]*)</(?:[A-Za-z_][\w.-]*:)?f>")


def formulas(path: Path) -> list[str]:
    """Every formula in every XML part of a zip-based file (xlsx, docx)."""
    out = []
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if name.endswith((".xml", ".rels")):
                out += [m.decode("utf-8", "replace") for m in _FORMULA.findall(zf.read(name))]
    return out


def text_inputs(layout: dict):
    """(sheet, kind, key or header, label) of every free-text input of a layout."""
    for sheet in layout["sheets"]:
        for col in sheet.get("columns", []) + sheet.get("fields", []):
            if col.get("type") == "text" and col.get("input"):
                yield sheet["name"], sheet["kind"], col.get("header") or col.get("label")


def plant(path: Path, layout: dict, shapes) -> int:
    """Replace the unit's own text, wherever it typed some, with formula-shaped text (stored as text,
    as Excel stores what is typed after an apostrophe); the number of cells changed."""
    wb = load_workbook(path)
    header_row, changed, i = layout.get("header_row", 4), 0, 0
    for sheet, kind, label in text_inputs(layout):
        if sheet not in wb.sheetnames:
            continue
        ws = wb[sheet]
        if kind == "keyvalue":
            targets = [ws.cell(row=r, column=2) for r in range(1, ws.max_row + 1) if ws.cell(row=r, column=1).value == label]
        else:
            headers = [c.value for c in ws[header_row]]
            if label not in headers:
                continue
            col = headers.index(label) + 1
            targets = [ws.cell(row=r, column=col) for r in range(header_row + 1, ws.max_row + 1)]
        for cell in targets:
            if isinstance(cell.value, str) and cell.value.strip() and not cell.value.startswith("="):
                wbk.put(cell, shapes[i % len(shapes)])
                i += 1
                changed += 1
    wb.save(path)
    return changed


@pytest.fixture(scope="module")
def cycle(tmp_path_factory):
    """One board's first units through plan, T1 and the board's own T1, with formula-shaped text
    typed into every free-text field at each step."""
    from rodtrad.consolidator.model import document

    root = tmp_path_factory.mktemp("formler")
    ws = init(root, build("exempelkommun"))
    master, _ = masterfile.load(ws.master_file)
    board = master.board_of(master.units()[0].id)
    units = [u.id for u in master.units() if master.board_of(u.id).id == board.id][:BOARD_UNITS]
    planted = 0
    plan = master.period(None).id
    for path in generate(master, plan, ws.outbox(plan), units=units, jobs=1):
        dst = ws.inbox(plan) / path.name
        dst.parent.mkdir(parents=True, exist_ok=True)
        filler.fill(path, dst, __import__("random").Random(path.name))
        planted += plant(dst, document.spec("plan"), SHAPES)
    consolidate(root, plan, include_invalid=True, jobs=1)
    t1 = "2027-T1"
    paths = generate(master, t1, ws.outbox(t1), units=units, root=root, jobs=1)
    followfill.fill_all(paths, ws.inbox(t1), master, mistakes={})
    for path in paths:
        planted += plant(ws.inbox(t1) / path.name, document.spec("follow"), SHAPES[::-1])
    consolidate(root, t1, include_invalid=True, jobs=1)
    level = generate(master, t1, ws.outbox(t1) / "nämnd", root=root, level="nämnd", jobs=1)
    followfill.fill_all(level, ws.inbox(t1) / "nämnd", master, mistakes={})
    for path in level:
        planted += plant(ws.inbox(t1) / "nämnd" / path.name, document.spec("follow"), SHAPES)
    consolidate(root, t1, include_invalid=True, jobs=1)
    return root, planted, [p for p in level if board.id in p.name]


def written(root: Path):
    """Every file the product wrote: the outboxes and the reports (the inboxes are the units')."""
    for folder in ("utskick", "rapporter"):
        yield from (p for p in sorted((root / folder).rglob("*")) if p.is_file())


def test_formula_shaped_unit_text_goes_round_the_cycle_and_is_never_a_formula(cycle):
    root, planted, board_books = cycle
    assert planted > 40
    seen = {"xlsx": 0, "csv": 0}
    carried = set()
    for path in written(root):
        if path.suffix in (".xlsx", ".docx"):
            seen["xlsx"] += 1
            bad = [f for f in formulas(path) if MARK in f]
            assert not bad, (path.relative_to(root), bad[:3])
            with zipfile.ZipFile(path) as zf:
                if any(MARK.encode() in zf.read(n) for n in zf.namelist() if n.endswith(".xml")):
                    carried.add(path.relative_to(root).parts[0])
        elif path.suffix == ".csv":
            seen["csv"] += 1
            for row in csv.reader(io.StringIO(path.read_text("utf-8-sig")), delimiter=";"):
                for field in row:
                    if MARK in field:
                        assert not values.formula_shaped(field), (path.name, field)
                        carried.add("csv")
    # the text really went round: carried forward into T1, up into the board's book, into reports and the export
    assert carried >= {"utskick", "rapporter", "csv"}, carried
    assert board_books and any(MARK.encode() in zipfile.ZipFile(board_books[0]).read(n)
                               for n in zipfile.ZipFile(board_books[0]).namelist() if n.startswith("xl/worksheets/"))


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(values.FORMULA_START),
       st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="".join(map(chr, [*range(9), 11, 12, *range(14, 32)]))),
               max_size=30))
def test_any_formula_shaped_text_put_in_a_cell_is_stored_as_text(start, rest):
    text = start + rest
    wb = Workbook()
    ws = wb.active
    cell = wbk.put(ws.cell(row=1, column=1), text)
    assert cell.data_type != "f"
    stream = io.BytesIO()
    wb.save(stream)
    with zipfile.ZipFile(stream) as zf:
        assert not any(_FORMULA.search(zf.read(n)) for n in zf.namelist() if n.endswith(".xml"))


@pytest.mark.parametrize("text", SHAPES)
def test_csv_and_live_excel_cells_get_formula_shaped_text_marked_as_text(text):
    assert values.inert(text) == "'" + text
    assert values.inert("Förskolan Solrosen") == "Förskolan Solrosen"


def test_the_addins_fel_sheet_writes_unit_text_as_text(returned):
    """A far value in a sheet the unit added and named like a formula: the Fel sheet names it."""
    import datetime as dt

    from test_addin import actions_of, book_for  # noqa: PLC0415 - sets the xlwings licence first

    from rodtrad.addin import actions
    from rodtrad.consolidator.reading.bounds import FAR_VALUE
    from rodtrad.consolidator.reading.validate import Task

    book = book_for(returned)
    sheet = "=1+1&\"RT16\""
    task = Task(file=returned.name, path=str(returned), findings=[FAR_VALUE(sheet=sheet, cell="XFD1048576")])
    actions._write_findings(book, task, dt.datetime(2026, 12, 1, 9, 30))
    (write,) = actions_of(book, "setValues")
    cells = [v for row in write["values"] for v in row if isinstance(v, str)]
    assert "'" + sheet in cells
    assert not any(values.formula_shaped(v) for v in cells)


def test_activities_carried_into_next_year_keep_formula_shaped_text_as_text(sent, tmp_path):
    """`nytt-år` writes the open activities units typed into next year's plan workbooks."""
    import shutil

    from rodtrad.consolidator.model import document
    from rodtrad.consolidator.workbooks.carried import prefill_activities

    path = shutil.copyfile(sent, tmp_path / sent.name)
    spec = next(s for s in document.tables() if s["key"] == "activities")
    ids = [r[0].value for r in load_workbook(path)[spec["name"]].iter_rows(min_row=1) if r[0].value]
    own = [i for i in ids if str(i).startswith("A")][:len(SHAPES)]
    prefill_activities(path, [{"id": i, "text": text, "comment": text} for i, text in zip(own, SHAPES)])
    assert own and not [f for f in formulas(path) if MARK in f]
    with zipfile.ZipFile(path) as zf:
        assert any(MARK.encode() in zf.read(n) for n in zf.namelist() if n.startswith("xl/worksheets/"))
