"""The validation report as a workbook the economy department can filter, one row per finding."""
from __future__ import annotations

import os
from pathlib import Path

from openpyxl import Workbook

from .. import workbook as wbk
from ..validate import Report

SUMMARY = [{"header": "Fil", "width": 44}, {"header": "Ansvarskod", "width": 12}, {"header": "Period", "width": 12},
           {"header": "Status", "width": 12}, {"header": "Fel", "width": 8}, {"header": "Varningar", "width": 10}]
FINDINGS = [{"header": "Fil", "width": 40}, {"header": "Ansvarskod", "width": 12}, {"header": "Allvar", "width": 10},
            {"header": "Blad", "width": 18}, {"header": "Cell", "width": 8}, {"header": "Kod", "width": 24},
            {"header": "Meddelande", "width": 70}, {"header": "Gör så här", "width": 50}, {"header": "Värde", "width": 20}]
IGNORED = [{"header": "Fil", "width": 60}, {"header": "Skäl", "width": 60}]
SEVERITY = {"error": "Fel", "warning": "Varning", "info": "Info"}


def _link(base: Path, task_path: str, sheet: str = "", cell: str = "") -> str:
    """A link relative to the folder the report lives in, so it works wherever the workspace is."""
    target = os.path.relpath(os.path.abspath(task_path), os.path.abspath(base)).replace(os.sep, "/")
    return f"{target}#'{sheet}'!{cell}" if sheet and cell else target


def write_report(report: Report, path: Path, lang: str = "sv", reproducible: bool = False,
                 base: Path | None = None) -> None:
    """`base` is the folder the report will finally live in, when it is written somewhere else first."""
    path = Path(path)
    base = Path(base) if base else path.parent
    wb = Workbook()
    ws = wb.active
    ws.title = "Sammanfattning"
    wbk.write_title(ws, "Valideringsrapport", report.summary())
    wbk.write_header(ws, SUMMARY, 4)
    for r, task in enumerate(report.tasks, start=5):
        wbk.put(ws, r, 1, task.file, "ro_text").hyperlink = _link(base, task.path)
        wbk.put(ws, r, 2, task.unit, "ro_text")
        wbk.put(ws, r, 3, task.period, "ro_text")
        wbk.put(ws, r, 4, "Godkänd" if task.valid else "Fel", "ro_text")
        wbk.put(ws, r, 5, task.errors, "ro_int")
        wbk.put(ws, r, 6, task.warnings, "ro_int")
    wbk.add_table(ws, "Filer", SUMMARY, 4, 4 + max(len(report.tasks), 1))
    wbk.print_setup(ws, 4)

    ws = wb.create_sheet("Fynd")
    wbk.write_title(ws, "Fynd per cell", "Klicka på filnamnet för att öppna arbetsboken vid cellen.")
    wbk.write_header(ws, FINDINGS, 4)
    r = 4
    for task in report.tasks:
        for f in task.findings:
            r += 1
            wbk.put(ws, r, 1, f.file, "ro_text").hyperlink = _link(base, task.path, f.sheet, f.cell)
            for c, value in enumerate([f.unit, SEVERITY.get(f.severity, f.severity), f.sheet, f.cell, f.code,
                                       f.message(lang), f.hint(lang), "" if f.value is None else str(f.value)], start=2):
                wbk.put(ws, r, c, value, "ro_wrap" if c in (7, 8) else "ro_text")
    wbk.add_table(ws, "Fynd", FINDINGS, 4, max(r, 5))
    wbk.print_setup(ws, 4)

    ws = wb.create_sheet("Ignorerade")
    wbk.write_title(ws, "Ignorerade filer")
    wbk.write_header(ws, IGNORED, 4)
    for r, (p, reason) in enumerate(report.ignored, start=5):
        wbk.put(ws, r, 1, p, "ro_text")
        wbk.put(ws, r, 2, reason, "ro_text")
    wbk.add_table(ws, "Ignorerade", IGNORED, 4, 4 + max(len(report.ignored), 1))
    wbk.save_atomic(wb, path, reproducible=reproducible)
