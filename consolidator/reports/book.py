"""A report workbook: sheets of real Excel tables, Swedish number formats, text always inert,
and the lineage of every figure written into it.

Reports are streamed (openpyxl's write-only mode): rows go to disk as they are written, so a
report for thousands of units neither holds every cell in memory nor pays for a second pass.
"""
from __future__ import annotations

from copy import copy
from pathlib import Path
from types import MethodType

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.utils import get_column_letter

from .. import values, workbook as wbk
from ..facts import Source
from ..findings import WARNING, define

TRUNCATED = define("report.text_truncated", WARNING,
                   "En text från {value} var längre än en Excel-cell rymmer (32 767 tecken) och kortades i rapporten.",
                   "A text from {value} was longer than an Excel cell holds (32,767 characters) and was cut in the report.")

KR, PCT, NUM = "#,##0", "0.0%", "#,##0.0"


def col(header: str, width: int = 14, fmt: str | None = None, wrap: bool = False) -> dict:
    return {"header": header, "width": width, "fmt": fmt, "wrap": wrap}


class Sheet:
    """A streamed worksheet and the row its next line goes to.

    openpyxl writes a streamed sheet's column widths and frozen panes with its first row, so lines
    wait here until the first table has set them (or `flush` is called)."""

    def __init__(self, book: "ReportBook", ws):
        self.book, self.ws, self.row = book, ws, 0
        self._pending: list | None = []

    @property
    def title(self) -> str:
        return self.ws.title

    def line(self, values_: list, styles: list | None = None) -> int:
        """Append one row; returns its number."""
        self.row += 1
        cells = [self.book.cell(self.ws, v, s) for v, s in zip(values_, styles or [None] * len(values_))]
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
        self._tables = 0
        self._sheets: list[Sheet] = []

    def sheet(self, name: str, heading: str, note: str = "", widths: list[int] | None = None) -> Sheet:
        ws = self.wb.create_sheet(name)
        if DIRECT_CELLS:
            ws._values_to_row = MethodType(_values_to_row, ws)
        for i, width in enumerate(widths or [], start=1):
            ws.column_dimensions[get_column_letter(i)].width = width
        sheet = Sheet(self, ws)
        self._sheets.append(sheet)
        sheet.line([heading], ["title"])
        sheet.line([note or self.subtitle], ["subtitle"])
        sheet.gap()
        return sheet

    def cell(self, ws, value, style=None):
        """A streamed cell: text is cleaned and kept as text (never a formula); numbers get formats.

        A plain value is passed as it is (cheap); a cell object is made only where a style is needed
        or where text could be taken for a formula."""
        if value is None:
            return None
        if isinstance(value, str):
            value = self._clean(value)
            if len(value) > wbk.MAX_CELL_TEXT:
                self.findings.append(TRUNCATED(sheet=ws.title, value=value[:40]))
                value = value[:wbk.MAX_CELL_TEXT]
            if style is None and not value.startswith("="):
                return value
            cell = WriteOnlyCell(ws, value)
            cell.data_type = "s"
        elif style is None or (style in (KR, PCT, NUM, "0") and not isinstance(value, (int, float))):
            return value
        else:
            cell = WriteOnlyCell(ws, value)
        if style:
            cached = self._styles.get(style)
            if cached is None:
                _apply(cell, style)
                self._styles[style] = copy(cell._style)
            else:
                cell._style = copy(cached)
        return cell

    def _clean(self, text: str) -> str:
        """`values.clean_text`, remembered for short texts: names, ids and statuses repeat on every row."""
        cleaned = self._cleaned.get(text)
        if cleaned is None:
            cleaned = values.clean_text(text)
            if len(text) <= 100 and len(self._cleaned) < 100_000:
                self._cleaned[text] = cleaned
        return cleaned

    def table(self, sheet: Sheet, columns: list[dict], rows: list[list], name: str | None = None,
              freeze: bool = True) -> int:
        """Header and rows as an Excel table at the sheet's next row; returns the first data row."""
        ws = sheet.ws
        first_table = sheet._pending is not None
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
        for row in rows:
            sheet.line(row, styles)
        if not rows:
            sheet.line([None] * len(columns))
        self._tables += 1
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
        wbk.save_atomic(self.wb, Path(path), reproducible=True)


DIRECT_CELLS = True  # False: openpyxl's own row conversion (the test compares the bytes)


def _values_to_row(ws, values_, row_idx):
    """openpyxl's `WriteOnlyWorksheet._values_to_row`, except that a cell we made (a styled one) is
    passed on as it is: openpyxl finds out it is a cell by failing to convert it, and the failure
    (an exception with the cell's repr in its message) cost more than writing the cell. The
    cells, and so the XML openpyxl writes from them, are the same."""
    cell = WriteOnlyCell(ws)
    for col_idx, value in enumerate(values_, 1):
        if value is None:
            continue
        if isinstance(value, Cell):
            value.column, value.row = col_idx, row_idx
            if value.hyperlink is not None:
                value.hyperlink.ref = value.coordinate
            yield value
            continue
        cell.value = value
        cell.column, cell.row = col_idx, row_idx
        if cell.hyperlink is not None:
            cell.hyperlink.ref = cell.coordinate
        yield cell
        if cell.has_style or cell.hyperlink:
            cell = WriteOnlyCell(ws)


def _apply(cell, style: str) -> None:
    if style in wbk.STYLES:
        for attribute, value in wbk.STYLES[style].items():
            setattr(cell, attribute, value)
    elif style == "wrap":
        cell.alignment = wbk.STYLES["ro_wrap"]["alignment"]
    else:  # a number format
        cell.number_format = style
