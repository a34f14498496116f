"""The validation report as a workbook the economy department can filter, one row per finding."""
from __future__ import annotations

from pathlib import Path

from rodtrad.consolidator.model.files import relative
from rodtrad.consolidator.reading.validate import Report
from rodtrad.consolidator.reports.book import ReportBook, col

SUMMARY = [col("Fil", 44), col("Ansvarskod", 12), col("Period", 12), col("Status", 12), col("Fel", 8, "0"),
           col("Varningar", 10, "0")]
FINDINGS = [col("Fil", 40), col("Ansvarskod", 12), col("Allvar", 10), col("Blad", 18), col("Cell", 8), col("Kod", 24),
            col("Meddelande", 70, wrap=True), col("Gör så här", 50, wrap=True), col("Värde", 20)]
IGNORED = [col("Fil", 60), col("Skäl", 60)]
SEVERITY = {"error": "Fel", "warning": "Varning", "info": "Info"}


def _link(base: Path, task_path: str, sheet: str = "", cell: str = "") -> str:
    """A link relative to the folder the report lives in, so it works wherever the workspace is."""
    target = relative(base, task_path)
    return f"{target}#'{sheet}'!{cell}" if sheet and cell else target


def write_report(report: Report, path: Path, lang: str = "sv", base: Path | None = None) -> None:
    """`base` is the folder the report will finally live in, when it is written somewhere else first.
    Written like the other reports (streamed, reproducible): 2,000 files' rows cost 0.02 s, not 0.2."""
    path = Path(path)
    base = Path(base) if base else path.parent
    book = ReportBook("Valideringsrapport", report.summary())
    sheet = book.sheet("Sammanfattning", "Valideringsrapport", report.summary())
    book.table(sheet, SUMMARY, [[t.file, t.unit, t.period, "Godkänd" if t.valid else "Fel", t.errors, t.warnings]
                                for t in report.tasks],
               name="Filer", links=[_link(base, t.path) for t in report.tasks])

    sheet = book.sheet("Fynd", "Fynd per cell", "Klicka på filnamnet för att öppna arbetsboken vid cellen.")
    found = [(task, f) for task in report.tasks for f in task.findings]
    book.table(sheet, FINDINGS, [[f.file, f.unit, SEVERITY.get(f.severity, f.severity), f.sheet, f.cell, f.code,
                                  f.message(lang), f.hint(lang), "" if f.value is None else str(f.value)]
                                 for _, f in found],
               name="Fynd", links=[_link(base, task.path, f.sheet, f.cell) for task, f in found])

    sheet = book.sheet("Ignorerade", "Ignorerade filer")
    book.table(sheet, IGNORED, [[p, reason] for p, reason in report.ignored], name="Ignorerade")
    book.save(path)
