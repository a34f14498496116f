"""What a file given as a ledger export is, from its first bytes: SIE, CSV, or something else.

`rodtrad import ledger` reads a file by what it is, not by its name: a CSV named .se is read as CSV,
an SIE export named .txt as SIE. A file that is neither (a workbook, a PDF, a picture, a binary
file, JSON, empty) is one finding that says what it looks like, not one finding per line of it.

SIE (SIE-gruppen, format 4B, 2008): a text file whose lines are labels beginning with "#" (#FLAGGA
first); blank lines and lines inside { } blocks may come between.
"""
from __future__ import annotations

from pathlib import Path

from rodtrad.consolidator.model.findings import ERROR, define

NOT_LEDGER = define(
    "ledger.not_ledger", ERROR,
    "Filen är ingen huvudboksexport (SIE eller CSV): den ser ut som {detail}.",
    "The file is not a ledger export (SIE or CSV): it looks like {detail}.",
    "Exportera huvudboken ur ekonomisystemet som SIE (typ 1–4) eller som CSV med kolumnerna ar, period, ansvar, "
    "konto, utfall och budget, och importera den filen.",
    "Export the ledger from the financial system as SIE (type 1–4) or as CSV with the columns ar, period, ansvar, "
    "konto, utfall and budget, and import that file.")

SAMPLE = 64 * 1024  # bytes looked at
_MAGIC = ((b"PK\x03\x04", "ett kalkylblad eller annat zip-paket (.xlsx, .ods, .docx, .zip)"),
          (b"\xd0\xcf\x11\xe0", "ett äldre Office-dokument (.xls eller .doc)"),
          (b"%PDF", "en PDF"), (b"\x89PNG", "en bild"), (b"\xff\xd8\xff", "en bild"), (b"GIF8", "en bild"),
          (b"SQLite format 3", "en databas (SQLite)"), (b"\x1f\x8b", "en packad fil (gzip)"),
          (b"<?xml", "en XML-fil"), (b"<!DOCTYPE", "en webbsida (HTML)"), (b"<html", "en webbsida (HTML)"))


def kind(path: Path) -> tuple[str, str]:
    """("sie" | "csv" | "other", what it looks like in Swedish, for NOT_LEDGER's {detail}). Reads at
    most SAMPLE bytes; a file that cannot be opened is "other" with the reason left to the reader."""
    with open(path, "rb") as f:
        head = f.read(SAMPLE)
    form, looks = of_bytes(head)
    if head.startswith(b"PK\x03\x04"):
        looks = _package(path) or looks
    return form, looks


def _package(path: Path) -> str:
    """What a zip package holds, from its directory alone (nothing unpacked)."""
    import zipfile  # noqa: PLC0415

    try:
        with zipfile.ZipFile(path) as z:
            names = z.namelist()[:10000]
    except (zipfile.BadZipFile, OSError, ValueError):
        return "en skadad zip-fil"
    if any(n.startswith("xl/") for n in names):
        return "ett Excel-kalkylblad (.xlsx); spara bladet som CSV i Excel"
    if "content.xml" in names:
        return "ett OpenDocument-dokument (.ods); spara bladet som CSV"
    if any(n.startswith("word/") for n in names):
        return "ett Word-dokument"
    return "en zip-fil"


def of_bytes(head: bytes) -> tuple[str, str]:
    """The same as `kind`, for the first bytes of a file."""
    if not head.strip():
        return "other", "en tom fil"
    for magic, what in _MAGIC:
        if head.lstrip()[:len(magic)].lower() == magic.lower():
            return "other", what
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with a BOM: Windows tools' "Unicode" text
        text = head.decode("utf-16", errors="replace")
    else:
        if b"\0" in head or sum(b < 9 or 13 < b < 32 for b in head) > len(head) // 100:
            return "other", "en binär fil (inte text)"
        text = head.decode("latin-1")
    lines = [line.strip() for line in text.lstrip("\ufeff\u00ef\u00bb\u00bf").splitlines() if line.strip()]
    if len(head) == SAMPLE and len(lines) > 1:
        lines = lines[:-1]  # the last line of the sample may be cut
    labels = [line for line in lines if line.startswith("#")]
    if lines and (lines[0].upper().startswith("#FLAGGA") or len(labels) * 2 > len(lines)):
        return "sie", "en SIE-fil"
    if lines and lines[0][:1] in "{[":
        return "other", "en JSON-fil"
    first = lines[0] if lines else ""
    delimiter = max(";\t,", key=first.count)
    if first.count(delimiter) >= 2:
        return "csv", "en CSV-fil"
    return "other", "en textfil utan SIE-rader eller kolumner"
