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
from rodtrad.consolidator.model.words import Said

NOT_LEDGER = define(
    "ledger.not_ledger", ERROR,
    "Filen är ingen huvudboksexport (SIE eller CSV): den ser ut som {detail}.",
    "The file is not a ledger export (SIE or CSV): it looks like {detail}.",
    "Exportera huvudboken ur ekonomisystemet som SIE (typ 1–4) eller som CSV med kolumnerna ar, period, ansvar, "
    "konto, utfall och budget, och importera den filen.",
    "Export the ledger from the financial system as SIE (type 1–4) or as CSV with the columns ar, period, ansvar, "
    "konto, utfall and budget, and import that file.",
    example={"detail": Said("ett Excel-kalkylblad (.xlsx); spara bladet som CSV i Excel",
                            "an Excel workbook (.xlsx); save the sheet as CSV in Excel")})

TOO_LARGE = define(
    "import.too_large", ERROR, "Filen är för stor att importera ({size} MB, högst {limit} MB för {detail}).",
    "The file is too large to import ({size} MB, at most {limit} MB for {detail}).",
    "Kontrollera att det är rätt fil. En huvudbok kan exporteras per månad och importeras fil för fil; Koladas "
    "värden kan hämtas för färre år eller kommuner.",
    "Check that it is the right file. A ledger can be exported per month and imported file by file; Kolada's "
    "values can be fetched for fewer years or municipalities.",
    example={"size": 2048, "limit": 1024, "detail": "SIE"})
# The largest a file may be, by kind: SIE is read line by line (a big municipality's year of
# vouchers is ~150 MB); a CSV and a Kolada JSON are read whole and parsed in memory.
LIMITS = {"sie": (1024, Said("SIE", "SIE")), "csv": (256, Said("CSV", "CSV")),
          "kolada": (256, Said("Koladas JSON", "Kolada's JSON"))}


def too_large(path: Path, form: str):
    """A TOO_LARGE finding when the file at `path` is larger than a file of `form` ("sie", "csv",
    "kolada") may be; None otherwise. The size is taken from the file system, nothing is read."""
    limit, what = LIMITS[form]
    size = Path(path).stat().st_size
    if size <= limit << 20:
        return None
    return TOO_LARGE(file=Path(path).name, params={"size": round(size / 2**20), "limit": limit, "detail": what})


SAMPLE = 64 * 1024  # bytes looked at
_PICTURE = Said("en bild", "a picture")
_HTML = Said("en webbsida (HTML)", "a web page (HTML)")
_MAGIC = ((b"PK\x03\x04", Said("ett kalkylblad eller annat zip-paket (.xlsx, .ods, .docx, .zip)",
                              "a spreadsheet or another zip package (.xlsx, .ods, .docx, .zip)")),
          (b"\xd0\xcf\x11\xe0", Said("ett äldre Office-dokument (.xls eller .doc)", "an older Office document (.xls or .doc)")),
          (b"%PDF", Said("en PDF", "a PDF")), (b"\x89PNG", _PICTURE), (b"\xff\xd8\xff", _PICTURE), (b"GIF8", _PICTURE),
          (b"SQLite format 3", Said("en databas (SQLite)", "a database (SQLite)")),
          (b"\x1f\x8b", Said("en packad fil (gzip)", "a packed file (gzip)")),
          (b"<?xml", Said("en XML-fil", "an XML file")), (b"<!DOCTYPE", _HTML), (b"<html", _HTML))


def kind(path: Path) -> tuple[str, Said]:
    """("sie" | "csv" | "other", what it looks like: Swedish with its English, for NOT_LEDGER's
    {detail}). Reads at most SAMPLE bytes; a zip package's directory is read to say what it holds."""
    with open(path, "rb") as f:
        head = f.read(SAMPLE)
    form, looks = of_bytes(head)
    if head.startswith(b"PK\x03\x04"):
        looks = _package(path) or looks
    return form, looks


def _package(path: Path) -> Said | None:
    """What a zip package holds, from its directory alone (nothing unpacked)."""
    import zipfile  # noqa: PLC0415

    try:
        with zipfile.ZipFile(path) as z:
            names = z.namelist()[:10000]
    except (zipfile.BadZipFile, OSError, ValueError):
        return Said("en skadad zip-fil", "a damaged zip file")
    if any(n.startswith("xl/") for n in names):
        return Said("ett Excel-kalkylblad (.xlsx); spara bladet som CSV i Excel", "an Excel workbook (.xlsx); save the sheet as CSV in Excel")
    if "content.xml" in names:
        return Said("ett OpenDocument-dokument (.ods); spara bladet som CSV", "an OpenDocument file (.ods); save the sheet as CSV")
    if any(n.startswith("word/") for n in names):
        return Said("ett Word-dokument", "a Word document")
    return Said("en zip-fil", "a zip file")


def of_bytes(head: bytes) -> tuple[str, Said]:
    """The same as `kind`, for the first bytes of a file."""
    if not head.strip():
        return "other", Said("en tom fil", "an empty file")
    for magic, what in _MAGIC:
        if head.lstrip()[:len(magic)].lower() == magic.lower():
            return "other", what
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with a BOM: Windows tools' "Unicode" text
        text = head.decode("utf-16", errors="replace")
    else:
        if b"\0" in head or sum(b < 9 or 13 < b < 32 for b in head) > len(head) // 100:
            return "other", Said("en binär fil (inte text)", "a binary file (not text)")
        text = head.decode("latin-1")
    lines = [line.strip() for line in text.lstrip("\ufeff\u00ef\u00bb\u00bf").splitlines() if line.strip()]
    if len(head) == SAMPLE and len(lines) > 1:
        lines = lines[:-1]  # the last line of the sample may be cut
    labels = [line for line in lines if line.startswith("#")]
    if lines and (lines[0].upper().startswith("#FLAGGA") or len(labels) * 2 > len(lines)):
        return "sie", Said("en SIE-fil", "an SIE file")
    if lines and lines[0][:1] in "{[":
        return "other", Said("en JSON-fil", "a JSON file")
    first = lines[0] if lines else ""
    delimiter = max(";\t,", key=first.count)
    if first.count(delimiter) >= 2:
        return "csv", Said("en CSV-fil", "a CSV file")
    return "other", Said("en textfil utan SIE-rader eller kolumner", "a text file without SIE lines or columns")
