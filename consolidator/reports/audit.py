"""The auditor's verdict as a workbook and as JSON, beside each other."""
from __future__ import annotations

import json
from pathlib import Path

from rodtrad.consolidator.reports.book import ReportBook, col


def write(verdict, folder: Path) -> tuple[Path, Path]:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    book = ReportBook(f"Granskning {verdict.period}", "Utlåtande från rodtrad verify")
    sheet = book.sheet("Utlåtande", book.title)
    book.table(sheet, [col("Utlåtande", 120, wrap=True)], [[line] for line in verdict.memo().splitlines()], name="Utlatande")
    sheet = book.sheet("Avvikelser", "Avvikelser", "Tomt när allt stämmer.")
    book.table(sheet, [col("Slag", 28), col("Var", 60), col("Vad", 80, wrap=True)],
               [[d.kind, d.where, d.detail] for d in verdict.differences], name="Avvikelser")
    xlsx, js = folder / "verifiering.xlsx", folder / "verifiering.json"
    book.save(xlsx)
    js.write_text(json.dumps(verdict.to_dict(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return xlsx, js
