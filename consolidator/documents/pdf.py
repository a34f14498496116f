"""A tagged PDF (PDF/UA) of each document, made by LibreOffice headless (Writer).

One LibreOffice process converts every document of a consolidation (starting it costs more
than a document). The export filter's options (writer_pdf_Export, given as JSON on the command
line, LibreOffice 7.4 and later): UseTaggedPDF (the structure tree: headings, tables with header
cells, figures with their alternative text, the language) and PDFUACompliance (PDF/UA-1: the
document title shown instead of the file name, every picture with an alternative text). The
profile is a fresh one per run, so a user's LibreOffice settings never change the PDF.

Without LibreOffice the .docx files are still written and a finding says how to get it.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

from rodtrad.consolidator.model.findings import WARNING, define
from rodtrad.consolidator.model.words import Said, explain

FILTER = "pdf:writer_pdf_Export:" + json.dumps({
    "UseTaggedPDF": {"type": "boolean", "value": "true"},
    "PDFUACompliance": {"type": "boolean", "value": "true"},
    "ExportBookmarks": {"type": "boolean", "value": "true"},
    "DisplayPDFDocumentTitle": {"type": "boolean", "value": "true"},
    "UseLosslessCompression": {"type": "boolean", "value": "true"},
}, separators=(",", ":"))

NO_OFFICE = define("document.pdf_unavailable", WARNING,
                   "PDF-filerna skapades inte: LibreOffice finns inte på datorn. Word-dokumenten ({value}) är skrivna.",
                   "The PDF files were not made: LibreOffice is not installed. The Word documents ({value}) are written.",
                   "Installera LibreOffice (Linux: `make libreoffice` eller paketet libreoffice-writer-nogui; Windows "
                   "och macOS: libreoffice.org) och kör `rodtrad rapport` igen, eller spara som PDF ur Word.",
                   "Install LibreOffice (Linux: `make libreoffice` or the package libreoffice-writer-nogui; Windows and "
                   "macOS: libreoffice.org) and run `rodtrad rapport` again, or save as PDF from Word.")
FAILED = define("document.pdf_failed", WARNING,
                "LibreOffice kunde inte göra PDF av {value}: {detail}. Word-dokumentet är skrivet.",
                "LibreOffice could not make a PDF of {value}: {detail}. The Word document is written.",
                "Öppna dokumentet i Word eller LibreOffice och spara som PDF (taggad PDF, PDF/UA).",
                "Open the document in Word or LibreOffice and save it as PDF (tagged PDF, PDF/UA).")


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(documents: list[Path], timeout: int = 600) -> tuple[list[Path], list]:
    """A PDF beside each .docx in `documents`; returns the PDFs made and findings (none made without
    LibreOffice). Never raises for a document LibreOffice cannot convert."""
    documents = [Path(d) for d in documents]
    if not documents:
        return [], []
    office = soffice()
    if office is None:
        return [], [NO_OFFICE(value=f"{len(documents)} st")]
    made, findings = [], []
    with tempfile.TemporaryDirectory(prefix="rodtrad-lo-") as tmp:
        profile = Path(tmp) / "profile"
        by_folder: dict[Path, list[Path]] = {}
        for d in documents:
            by_folder.setdefault(d.parent, []).append(d)
        for folder, docs in by_folder.items():
            for d in docs:  # an old PDF is never taken for a new one
                d.with_suffix(".pdf").unlink(missing_ok=True)
            try:
                done = subprocess.run([office, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                                "--nologo", "--convert-to", FILTER, "--outdir", str(folder), *map(str, docs)],
                               check=False, capture_output=True, timeout=timeout)
            except (OSError, subprocess.TimeoutExpired) as exc:
                findings += [FAILED(file=d.name, value=d.name, params={"detail": Said("tidsgränsen nåddes", "the time limit was reached") if isinstance(exc, subprocess.TimeoutExpired)
                                                else explain(exc)}) for d in docs]
                continue
            for d in docs:
                pdf = d.with_suffix(".pdf")
                if pdf.exists():
                    made.append(pdf)
                else:
                    said = (done.stderr or b"").decode("utf-8", "replace").strip().splitlines()[-1:] or ["ingen PDF skrevs"]
                    findings.append(FAILED(file=d.name, value=d.name, params={"detail": said[0][:200]}))
    return made, findings
