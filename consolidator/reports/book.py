"""A report workbook: sheets of real Excel tables, Swedish number formats, text always inert,
and the lineage of every figure written into it.

Reports are streamed (openpyxl's write-only mode): rows go to disk as they are written, so a
report for thousands of units neither holds every cell in memory nor pays for a second pass.
"""
from __future__ import annotations

import io
import math
from copy import copy
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.cell._writer import write_cell
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.xml.functions import xmlfile

from rodtrad.consolidator.model import values
from rodtrad.consolidator.workbooks import workbook as wbk
from rodtrad.consolidator.rollup.facts import Source
from rodtrad.consolidator.model.findings import WARNING, define

TRUNCATED = define("report.text_truncated", WARNING,
                   "En text från {value} var längre än en Excel-cell rymmer (32 767 tecken) och kortades i rapporten.",
                   "A text from {value} was longer than an Excel cell holds (32,767 characters) and was cut in the report.")

KR, PCT, NUM = "#,##0", "0.0%", "#,##0.0"


def col(header: str, width: int = 14, fmt: str | None = None, wrap: bool = False) -> dict:
    return {"header": header, "width": width, "fmt": fmt, "wrap": wrap}


class Sheet:
    """A streamed worksheet and the row its next line goes to.

    Rows are serialised as they come (`ReportBook.row_xml`) and go into the sheet when the book
    is saved. (With FAST_ROWS off they go through openpyxl's streamed writer instead, which
    writes a sheet's column widths and frozen panes with its first row, so lines wait until the
    first table has set them or `flush` is called.)"""

    def __init__(self, book: "ReportBook", ws):
        self.book, self.ws, self.row = book, ws, 0
        self.tables = 0
        self._pending: list | None = None if FAST_ROWS else []
        if FAST_ROWS:
            ws._rodtrad_rows = []  # rendering.save puts them in the sheet's sheetData
            ws._rodtrad_links = []  # and these in its hyperlinks

    @property
    def title(self) -> str:
        return self.ws.title

    def line(self, values_: list, styles: list | None = None, link: str | None = None) -> int:
        """Append one row, its first cell a hyperlink to `link` when given; returns its number."""
        self.row += 1
        styles = styles or [None] * len(values_)
        if FAST_ROWS:
            self.ws._rodtrad_rows.append(self.book.row_xml(self.ws, self.row, values_, styles))
            if link and values_ and values_[0] is not None:
                self.ws._rodtrad_links.append(Hyperlink(ref=f"A{self.row}", target=link))
            return self.row
        cells = [self.book.cell(self.ws, v, s) for v, s in zip(values_, styles)]
        if link and cells and cells[0] is not None:
            if not isinstance(cells[0], Cell):
                cells[0] = WriteOnlyCell(self.ws, cells[0])
            cells[0].hyperlink = link
        if self._pending is None:
            self.ws.append(cells)
        else:
            self._pending.append(cells)
        return self.row

    def flush(self) -> None:
        if self._pending is not None:
            pending, self._pending = self._pending, None
            for cells in pending:
                self.ws.append(cells)

    def gap(self, n: int = 1) -> None:
        for _ in range(n):
            self.line([])


class ReportBook:
    def __init__(self, title: str, subtitle: str):
        self.wb = Workbook(write_only=True)
        self.title, self.subtitle = title, subtitle
        self.lineage: list[tuple[str, str, str, list[Source], str]] = []  # (sheet, cell, what, sources, key)
        self.findings: list = []
        self._styles: dict = {}
        self._cleaned: dict[str, str] = {}
        self._inline: dict[str, str] = {}  # text -> its serialised cell tail (row_xml)
        self._style_attr: dict[str, str] = {}  # style -> ' s="N"' (row_xml)
        self._tables = 0
        self._sheets: list[Sheet] = []
        # tables kept as written (name -> sheet, columns, rows) for the documents (documents/): the
        # document's figures are then the very rows of the workbook
        self.keep: frozenset[str] = frozenset()
        self.kept: dict[str, tuple[str, list[dict], list[list]]] = {}

    def sheet(self, name: str, heading: str, note: str = "", widths: list[int] | None = None) -> Sheet:
        ws = self.wb.create_sheet(name)
        for i, width in enumerate(widths or [], start=1):
            ws.column_dimensions[get_column_letter(i)].width = width
        wbk.print_setup(ws, None, landscape=False)  # a sheet without a table prints too; table() refines it
        sheet = Sheet(self, ws)
        self._sheets.append(sheet)
        sheet.line([heading], ["title"])
        sheet.line([note or self.subtitle], ["subtitle"])
        sheet.gap()
        return sheet

    def cell(self, ws, value, style=None):
        """A streamed cell for openpyxl (FAST_ROWS off): text is cleaned and kept as text (never a
        formula); numbers get formats. A plain value is passed as it is; a cell object is made only
        where a style is needed or where text could be taken for a formula."""
        if value is None:
            return None
        if isinstance(value, str):
            value = self._text(ws, value)
            if style is None and not value.startswith("="):
                return value
            cell = WriteOnlyCell(ws, value)
            cell.data_type = "s"
        elif not _styled(value, style):
            return value
        else:
            cell = WriteOnlyCell(ws, value)
        if style:
            cell._style = copy(self._style(ws, style))
        return cell

    def row_xml(self, ws, row: int, values_: list, styles: list) -> str:
        """One row as the XML openpyxl's streamed writer makes of `cell()`'s cells, byte for byte
        (tested): text is always an inline string, so never a formula, and is cleaned; numbers get
        their formats. openpyxl's own writer costs ~4.5 µs a cell, the larger part of writing the
        reports; this costs under 1. A value of another type is written by openpyxl itself."""
        r = str(row)
        out = [f'<row r="{r}">']
        for column, (value, style) in enumerate(zip(values_, styles)):
            if value is None:
                continue
            kind = type(value)
            if kind is str:
                tail = self._inline.get(value)
                if tail is None:
                    tail = _inline_tail(self._text(ws, value))
                    if len(value) <= 100 and len(self._inline) < 100_000:
                        self._inline[value] = tail
                out.append(f'<c r="{_LETTERS[column]}{r}"{self._attr(ws, style) if style else ""}{tail}')
            elif kind is int or kind is float or kind is bool:
                attr = self._attr(ws, style) if _styled(value, style) else ""
                number = "%.16g" % value if math.isfinite(value) else ""
                out.append(f'<c r="{_LETTERS[column]}{r}"{attr} t="{"b" if kind is bool else "n"}"><v>{number}</v></c>')
            else:
                out.append(_openpyxl_xml(ws, self.cell(ws, value, style), column + 1, row))
        out.append("</row>")
        return "".join(out)

    def _text(self, ws, value: str) -> str:
        value = self._clean(value)
        if len(value) > wbk.MAX_CELL_TEXT:
            self.findings.append(TRUNCATED(sheet=ws.title, value=value[:40]))
            value = value[:wbk.MAX_CELL_TEXT]
        return value

    def _style(self, ws, style: str):
        """The style array of a named style (or number format), made once per book."""
        cached = self._styles.get(style)
        if cached is None:
            cell = WriteOnlyCell(ws)
            _apply(cell, style)
            cached = self._styles[style] = copy(cell._style)
        return cached

    def _attr(self, ws, style: str) -> str:
        attr = self._style_attr.get(style)
        if attr is None:
            array = self._style(ws, style)
            attr = self._style_attr[style] = f' s="{self.wb._cell_styles.add(array)}"' if any(array) else ""
        return attr

    def _clean(self, text: str) -> str:
        """`values.clean_text`, remembered for short texts: names, ids and statuses repeat on every row."""
        cleaned = self._cleaned.get(text)
        if cleaned is None:
            cleaned = values.clean_text(text)
            if len(text) <= 100 and len(self._cleaned) < 100_000:
                self._cleaned[text] = cleaned
        return cleaned

    def table(self, sheet: Sheet, columns: list[dict], rows: list[list], name: str | None = None,
              freeze: bool = True, links: list | None = None) -> int:
        """Header and rows as an Excel table at the sheet's next row; returns the first data row.
        `links`, one per row (or None), makes each row's first cell a hyperlink."""
        ws = sheet.ws
        if name in self.keep:
            self.kept[name] = (sheet.title, columns, rows)
        first_table = sheet.tables == 0
        if first_table:
            for i, spec in enumerate(columns, start=1):
                dim = ws.column_dimensions[get_column_letter(i)]
                dim.width = max(dim.width or 0, spec["width"])
        header = sheet.line([spec["header"] for spec in columns], ["hd"] * len(columns))
        if first_table and freeze:
            ws.freeze_panes = f"A{header + 1}"
            wbk.print_setup(ws, header)
        sheet.flush()
        styles = [spec["fmt"] or ("wrap" if spec["wrap"] else None) for spec in columns]
        for i, row in enumerate(rows):
            sheet.line(row, styles, links[i] if links else None)
        if not rows:
            sheet.line([None] * len(columns))
        self._tables += 1
        sheet.tables += 1
        wbk.add_table(ws, name or f"T{self._tables}", columns, header, sheet.row)
        return header + 1

    def figure(self, sheet: Sheet, cell: str, what: str, sources: list[Source], key: str = "") -> None:
        """Record where the figure in `cell` came from (the Källor sheet lists it); `key` names it in
        domain terms for `rodtrad trace` (budget/<node>, konto/<account>/<node>, nyckeltal/<id>/<node>)."""
        self.lineage.append((sheet.title, cell, what, sources, key))

    def write_sources(self) -> None:
        sheet = self.sheet("Källor", "Källor: varifrån varje siffra kommer",
                           "Varje rad är en direkt källa till en siffra: en cell i en enhets fil (med SHA-256), "
                           "eller en delsumma i denna eller en annan rapport.")
        rows = [[f"{sh}!{cell}", what, s.unit, s.file, s.sheet, s.cell, s.value, s.sha256]
                for sh, cell, what, sources, _ in self.lineage for s in sources]
        self.table(sheet, [col("Siffra", 16), col("Vad", 40), col("Ansvarskod", 11), col("Fil eller rapport", 44),
                           col("Blad", 16), col("Cell", 10), col("Värde", 14, KR), col("SHA-256", 20)], rows, name="Kallor")

    def save(self, path: Path) -> None:
        if self.lineage:
            self.write_sources()
        for sheet in self._sheets:
            sheet.flush()
        wbk.save_atomic(self.wb, Path(path), compresslevel=wbk.COMPRESSLEVEL)


FAST_ROWS = True  # False: every cell goes through openpyxl's streamed writer (the tests compare the bytes)
_LETTERS = [get_column_letter(i) for i in range(1, 16385)]


def _styled(value, style) -> bool:
    """Whether a value that is not text gets its style (a number format only suits a number)."""
    return style is not None and not (style in (KR, PCT, NUM, "0") and not isinstance(value, (int, float)))


def _inline_tail(text: str) -> str:
    """What follows a text cell's reference, as openpyxl (lxml) writes it; non-ASCII characters
    become character references when the sheet is encoded (rendering.save)."""
    if not text:
        return ' t="inlineStr"></c>'
    space = ' xml:space="preserve"' if text != text.strip() else ""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    return f' t="inlineStr"><is><t{space}>{escaped}</t></is></c>'


def _openpyxl_xml(ws, cell, column: int, row: int) -> str:
    """A cell of a type row_xml does not write itself (a date, say), serialised by openpyxl."""
    if not isinstance(cell, Cell):
        cell = WriteOnlyCell(ws, cell)
    cell.column, cell.row = column, row
    out = io.BytesIO()
    with xmlfile(out) as xf:
        write_cell(xf, ws, cell, cell.has_style)
    return out.getvalue().decode("ascii")


def _apply(cell, style: str) -> None:
    if style in wbk.STYLES:
        for attribute, value in wbk.STYLES[style].items():
            setattr(cell, attribute, value)
    elif style == "wrap":
        cell.alignment = wbk.STYLES["ro_wrap"]["alignment"]
    else:  # a number format
        cell.number_format = style
