"""A report workbook: sheets of real Excel tables, Swedish number formats, text always inert,
and the lineage of every figure written into it."""
from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from .. import workbook as wbk
from ..facts import Source
from ..findings import WARNING, define

TRUNCATED = define("report.text_truncated", WARNING,
                   "En text från {value} var längre än en Excel-cell rymmer (32 767 tecken) och kortades i rapporten.",
                   "A text from {value} was longer than an Excel cell holds (32,767 characters) and was cut in the report.")

KR, PCT, NUM, DATE = "#,##0", "0.0%", "#,##0.0", "yyyy-mm-dd"


def col(header: str, width: int = 14, fmt: str | None = None, wrap: bool = False) -> dict:
    return {"header": header, "width": width, "fmt": fmt, "wrap": wrap}


class ReportBook:
    def __init__(self, title: str, subtitle: str):
        self.wb = Workbook()
        self.wb.remove(self.wb.active)
        self.title, self.subtitle = title, subtitle
        self.lineage: list[tuple[str, str, str, list[Source]]] = []  # (sheet, cell, what, sources)
        self.findings: list = []
        self._tables: set[str] = set()

    def sheet(self, name: str, heading: str, note: str = ""):
        ws = self.wb.create_sheet(name)
        wbk.write_title(ws, heading, note or self.subtitle)
        return ws

    def table(self, ws, columns: list[dict], rows: list[list], top: int = 4, left: int = 1, name: str | None = None,
              freeze: bool = True) -> int:
        """Write a header and rows as an Excel table; returns the first data row."""
        for c, spec in enumerate(columns, start=left):
            wbk.style(ws.cell(row=top, column=c, value=spec["header"]), "hd")
            letter = get_column_letter(c)
            if (ws.column_dimensions[letter].width or 0) < spec["width"]:
                ws.column_dimensions[letter].width = spec["width"]
        styles = [("ro_wrap" if spec["wrap"] else "ro_text") if spec["fmt"] is None else None for spec in columns]
        for r, row in enumerate(rows, start=top + 1):
            for c, (value, spec, style) in enumerate(zip(row, columns, styles), start=left):
                cell = self.put(ws, r, c, value)
                if spec["fmt"]:
                    cell.number_format = spec["fmt"]
                elif style and spec["wrap"]:
                    wbk.style(cell, style)
        last = top + max(len(rows), 1)
        table = name or f"T{len(self._tables) + 1}"
        self._tables.add(table)
        ref = f"{get_column_letter(left)}{top}:{get_column_letter(left + len(columns) - 1)}{last}"
        self._table_at(ws, table, ref)
        if freeze and left == 1:
            ws.freeze_panes = ws.cell(row=top + 1, column=1)
        wbk.print_setup(ws, top)
        return top + 1

    def _table_at(self, ws, name, ref):
        from openpyxl.worksheet.table import Table, TableStyleInfo

        table = Table(displayName=name, ref=ref)
        table.tableStyleInfo = TableStyleInfo(name="TableStyleLight1", showRowStripes=False)
        ws.add_table(table)

    def put(self, ws, row: int, column: int, value):
        if isinstance(value, str) and len(value) > wbk.MAX_CELL_TEXT:
            self.findings.append(TRUNCATED(sheet=ws.title, cell=f"{get_column_letter(column)}{row}", value=value[:40]))
        return wbk.put(ws, row, column, value)

    def figure(self, ws, cell: str, what: str, sources: list[Source]) -> None:
        """Record where the figure in `cell` came from (the Källor sheet lists it)."""
        self.lineage.append((ws.title, cell, what, sources))

    def write_sources(self) -> None:
        ws = self.sheet("Källor", "Källor: varifrån varje siffra kommer",
                        "Varje rad är ett bidrag till en siffra i rapporten: enhet, fil (med SHA-256), blad och cell.")
        rows = [[f"{sheet}!{cell}", what, s.unit, s.file, s.sheet, s.cell, s.value, s.sha256]
                for sheet, cell, what, sources in self.lineage for s in sources]
        self.table(ws, [col("Siffra", 16), col("Vad", 40), col("Ansvarskod", 11), col("Fil", 40), col("Blad", 14),
                        col("Cell", 10), col("Värde", 14, KR), col("SHA-256", 20)], rows, name="Kallor")

    def save(self, path: Path) -> None:
        if self.lineage:
            self.write_sources()
        wbk.save_atomic(self.wb, Path(path), reproducible=True)
