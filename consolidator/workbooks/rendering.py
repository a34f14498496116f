"""Writing many similar workbooks fast, with openpyxl doing all the writing.

A municipality's unit workbooks are mostly their board's: 2,000 units share a handful of goal
chains, uppdrag lists, check sheets and blank input sheets. Three things make writing them fast
(measured in benchmarks/generate.py):

1. **One style table per family.** A workbook made by `new_workbook(seed, family)` shares the
   style lists (fonts, fills, borders, alignments, protections, number formats, cell formats and
   the conditional formats' styles) of its family in this process (a family: one layout, period
   kind and level). The lists only grow, so a style has the same index in every such workbook: a
   sheet rendered for one workbook is valid in the next, and styles.xml is serialised once per
   state of the table. A workbook's stylesheet may list styles it does not use; Excel does not
   mind. One table per family, not per process, keeps a workbook's bytes independent of what
   else the process wrote before it (a T1 written after the plans equals one written alone).
2. **Sheets in memory.** openpyxl serialises each worksheet into a temporary file and copies it
   into the zip; ours are small, so they are serialised in memory.
3. **Each distinct sheet rendered once.** `sheet(wb, title, key, build)` builds a sheet with
   openpyxl the first time a content key is seen and keeps its XML, tables and relationships;
   the next workbook with the same key gets a placeholder sheet that carries that XML. The key
   is a digest of everything `build` reads (the caller's promise, tested by comparing the bytes
   of a cached and an uncached render). The cache is per process and bounded.

Outputs are ordinary openpyxl packages: in the workbooks we generate every byte of XML was
written by openpyxl. The one exception is the rows of the reports' streamed sheets, which
reports.book serialises itself as they come, to the bytes openpyxl's streamed writer makes of the
same cells (tested on a book and on whole periods); openpyxl writes each of those sheets around
them (`_Writer._write_serialised_rows`).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import pickle
import zipfile
from collections import OrderedDict
from copy import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from openpyxl import Workbook
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.packaging.extended import ExtendedProperties
from openpyxl.packaging.relationship import Relationship, RelationshipList
from openpyxl.styles.stylesheet import write_stylesheet
from openpyxl.workbook._writer import WorkbookWriter
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.writer.excel import ExcelWriter
from openpyxl.writer.theme import theme_xml
from openpyxl.xml.constants import (ARC_APP, ARC_CORE, ARC_ROOT_RELS, ARC_STYLE, ARC_THEME, ARC_WORKBOOK,
                                    ARC_WORKBOOK_RELS)
from openpyxl.xml.functions import tostring

from rodtrad.consolidator.model import package

_STYLE_LISTS = ("_fonts", "_alignments", "_borders", "_fills", "_number_formats", "_date_formats",
                "_timedelta_formats", "_protections", "_colors", "_cell_styles", "_named_styles",
                "_table_styles", "_differential_styles")
_GROWING = ("_fonts", "_alignments", "_borders", "_fills", "_number_formats", "_protections", "_cell_styles",
            "_named_styles")
_shared: dict = {}  # family -> its style lists
_stylesheets: dict = {}  # family -> (state of its style table, serialised styles.xml)
MAX_SHEETS = 512  # rendered sheets kept per process (a few KiB each)
_sheets: "OrderedDict[tuple, Rendered]" = OrderedDict()  # (family, content key) -> sheet
enabled = True  # the sheet cache (benchmarks/generate.py measures without it too)
counts = {"rendered": 0, "reused": 0}  # sheets of keyed builds, since the last forget()


def forget() -> None:
    """Empty the sheet cache (the style table stays: indices already handed out must stay valid)."""
    _sheets.clear()
    counts.update(rendered=0, reused=0)


def _state(wb) -> tuple:
    """The style table only grows, so its lengths identify its content."""
    return tuple(len(getattr(wb, name)) for name in _GROWING) + (len(wb._differential_styles.styles),)


def new_workbook(seed: Callable[[Workbook], None], family: Any = None) -> Workbook:
    """An empty workbook (one blank sheet, as `Workbook()`) that shares its family's style table
    (a family: any hashable, such as (layout, period kind, level)); the first one of a family in a
    process is given to `seed`, which puts our styles in the table in a fixed order."""
    wb = Workbook()
    wb._rodtrad_shared, wb._rodtrad_family = True, family
    if family not in _shared:
        _shared[family] = {name: getattr(wb, name) for name in _STYLE_LISTS}
        seed(wb)
    else:
        for name, value in _shared[family].items():
            setattr(wb, name, value)
    return wb


@dataclass
class Rendered:
    """A sheet's serialised XML and what lives outside it: relationships, tables, and the
    attributes workbook.xml takes from a worksheet (defined names, visibility)."""
    xml: bytes
    rels: list[tuple[str, str]]  # (Id, Type) of each relationship; targets are set when written
    tables: list
    state: str
    print_title_rows: str | None
    print_title_cols: str | None
    print_area: Any
    auto_filter: str | None
    result: Any = None


def content_key(*parts) -> bytes:
    """A digest of everything a sheet's builder reads."""
    return hashlib.blake2b(pickle.dumps(parts, protocol=pickle.HIGHEST_PROTOCOL), digest_size=20).digest()


def sheet(wb: Workbook, title: str, key: bytes | None, build: Callable[[Any], Any]):
    """Create the sheet `title`; build it with `build(ws)` unless a sheet with the same `key` was
    already rendered in this process. Returns what `build` returned (kept with the rendering)."""
    ws = wb.create_sheet(title)
    cached = enabled and key is not None and getattr(wb, "_rodtrad_shared", False)
    if cached:
        key = (wb._rodtrad_family, key)  # a rendered sheet's style indices are its family's
    hit = _sheets.get(key) if cached else None
    if hit is None:
        counts["rendered"] += 1
        result = build(ws)
        if cached:
            ws._rodtrad_key = (key, result)
        return result
    _sheets.move_to_end(key)
    counts["reused"] += 1
    ws._rodtrad_rendered = hit
    ws.sheet_state = hit.state
    if hit.print_title_rows:
        ws.print_title_rows = hit.print_title_rows
    if hit.print_title_cols:
        ws.print_title_cols = hit.print_title_cols
    if hit.print_area:
        ws._print_area = hit.print_area
    if hit.auto_filter:
        ws.auto_filter.ref = hit.auto_filter
    for table in hit.tables:
        ws._tables.add(table)
    return hit.result


def _remember(ws, xml: bytes, rels: RelationshipList) -> None:
    key, result = ws._rodtrad_key
    del ws._rodtrad_key
    _sheets[key] = Rendered(
        xml=xml, rels=[(r.Id, r.Type) for r in rels], tables=list(ws._tables.values()), state=ws.sheet_state,
        print_title_rows=ws.print_title_rows, print_title_cols=ws.print_title_cols,
        print_area=ws._print_area, auto_filter=ws.auto_filter.ref, result=copy(result))
    while len(_sheets) > MAX_SHEETS:
        _sheets.popitem(last=False)


class _Writer(ExcelWriter):
    """openpyxl's writer, with worksheets serialised in memory or taken from the cache, and the
    shared style table's styles.xml serialised once per state of the table."""

    def write_worksheet(self, ws):
        ws._drawing = SpreadsheetDrawing()
        ws._drawing.charts = ws._charts
        ws._drawing.images = ws._images
        if self.workbook.write_only:
            rows = getattr(ws, "_rodtrad_rows", None)
            if rows is None:  # streamed: openpyxl's own way (the rows are already on disk)
                super().write_worksheet(ws)
            else:
                self._write_serialised_rows(ws, rows)
            return
        rendered = getattr(ws, "_rodtrad_rendered", None)
        if rendered is not None:
            ws._rels = RelationshipList()
            for rel_id, rel_type in rendered.rels:
                ws._rels.append(Relationship(Id=rel_id, Type=rel_type, Target=""))
            self._archive.writestr(ws.path[1:], rendered.xml)
            self.manifest.append(ws)
            return
        writer = WorksheetWriter(ws, out=io.BytesIO())
        writer.write()
        xml = writer.read()
        ws._rels = writer._rels
        self._archive.writestr(ws.path[1:], xml)
        self.manifest.append(ws)
        if getattr(ws, "_rodtrad_key", None) is not None:
            _remember(ws, xml, writer._rels)

    def _write_serialised_rows(self, ws, rows: list[str]) -> None:
        """A streamed sheet whose rows were serialised as they came (reports.book.ReportBook.row_xml):
        openpyxl writes the sheet, in memory, around an empty sheetData (with the rows' hyperlinks),
        and the rows go in it."""
        ws._writer = WorksheetWriter(ws, out=io.BytesIO())
        ws._hyperlinks = list(getattr(ws, "_rodtrad_links", ()))  # the writer starts the list anew
        ws._writer.write_top()
        ws.close()
        head, empty, tail = ws._writer.read().partition(b"<sheetData></sheetData>")
        if not empty:
            raise ValueError(f"no empty sheetData in {ws.title}")
        body = "".join(rows).encode("ascii", "xmlcharrefreplace")  # as lxml writes it: &#228; for ä
        self._archive.writestr(ws.path[1:], b"".join((head, b"<sheetData>", body, b"</sheetData>", tail)))
        ws._rels = ws._writer._rels
        self.manifest.append(ws)

    def write_data(self):
        """As openpyxl's, for what our workbooks hold (no VBA, custom properties or external links)."""
        archive, wb = self._archive, self.workbook
        archive.writestr(ARC_APP, tostring(ExtendedProperties().to_tree()))
        archive.writestr(ARC_CORE, tostring(wb.properties.to_tree()))
        archive.writestr(ARC_THEME, wb.loaded_theme or theme_xml)
        self._write_worksheets()
        self._write_chartsheets()
        self._write_images()
        self._write_charts()
        if getattr(wb, "_rodtrad_shared", False):  # after the sheets: they register conditional formats' styles
            state, known = _state(wb), _stylesheets.get(wb._rodtrad_family)
            if known is None or known[0] != state:
                known = _stylesheets[wb._rodtrad_family] = (state, tostring(write_stylesheet(wb)))
            archive.writestr(ARC_STYLE, known[1])
        else:
            archive.writestr(ARC_STYLE, tostring(write_stylesheet(wb)))
        writer = WorkbookWriter(wb)
        archive.writestr(ARC_ROOT_RELS, writer.write_root_rels())
        archive.writestr(ARC_WORKBOOK, writer.write())
        archive.writestr(ARC_WORKBOOK_RELS, writer.write_rels())
        self.manifest._write(archive, wb)


def save(wb: Workbook, target, compression: int = zipfile.ZIP_DEFLATED, when: dt.datetime | None = None,
         compresslevel: int | None = None) -> None:
    """Save like `Workbook.save`, to a path or a binary file object, with every time in the package
    `when` (zip entries, docProps/core.xml; package.EPOCH when None), so the same content gives the
    same bytes. `compresslevel`: deflate's level (None: zlib's default)."""
    when = when or package.EPOCH
    if wb._external_links or wb.vba_archive or len(wb.custom_doc_props):
        wb.save(target)
        if isinstance(target, (str, os.PathLike)):
            package.repack(Path(target), when, compresslevel)
        return
    if wb.write_only and not wb.worksheets:  # as Workbook.save: a package needs a sheet
        wb.create_sheet()
    wb.properties.created = wb.properties.modified = when
    with package.DatedZip(target, "w", compression, when=when, compresslevel=compresslevel, allowZip64=True) as archive:
        _Writer(wb, archive).write_data()
