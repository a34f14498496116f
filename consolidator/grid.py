"""A file becomes a grid of cell values (sheet -> rows), read safely from untrusted input.

The file is never modified and nothing in it is run. Before python-calamine parses a zip we
stream every member ourselves and count the bytes, because zip headers can lie about sizes.
"""
from __future__ import annotations

import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

from .findings import ERROR, WARNING, define

MAX_FILE_BYTES = 25 * 1024 * 1024
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_MEMBERS = 2000
CHUNK = 1 << 16

EMPTY = define("file.empty", ERROR, "Filen är tom (0 byte).", "The file is empty (0 bytes).",
               "Spara arbetsboken i Excel igen och skicka den på nytt.", "Save the workbook again in Excel and resend it.")
TOO_LARGE = define("file.too_large", ERROR, "Filen är för stor ({size} MB, högst {limit} MB).",
                   "The file is too large ({size} MB, at most {limit} MB).",
                   "Ta bort bilder och överflödiga blad och spara igen.", "Remove pictures and extra sheets and save again.")
NOT_WORKBOOK = define("file.not_workbook", ERROR, "Filen är ingen Excel-arbetsbok ({detail}).",
                      "The file is not an Excel workbook ({detail}).",
                      "Skicka in arbetsboken som .xlsx.", "Send the workbook as .xlsx.")
CORRUPT = define("file.corrupt", ERROR, "Filen är trasig och går inte att öppna ({detail}).",
                 "The file is damaged and cannot be opened ({detail}).",
                 "Filen kan ha kapats vid överföringen. Spara den igen och skicka på nytt.",
                 "The file may have been cut off in transfer. Save it again and resend it.")
ENCRYPTED = define("file.encrypted", ERROR, "Arbetsboken är lösenordsskyddad och kan inte läsas.",
                   "The workbook is password-protected and cannot be read.",
                   "Ta bort lösenordet (Arkiv > Info > Skydda arbetsbok) och skicka igen.",
                   "Remove the password (File > Info > Protect Workbook) and resend.")
LEGACY_XLS = define("file.legacy_xls", ERROR, "Filen är i det gamla formatet .xls.",
                    "The file is in the legacy .xls format.",
                    "Öppna den i Excel och spara som Excel-arbetsbok (.xlsx).", "Open it in Excel and save as Excel Workbook (.xlsx).")
XLSB = define("file.xlsb", ERROR, "Filen är en binär arbetsbok (.xlsb).", "The file is a binary workbook (.xlsb).",
              "Spara som Excel-arbetsbok (.xlsx).", "Save as Excel Workbook (.xlsx).")
BOMB = define("file.zip_bomb", ERROR, "Filen packas upp till mer än {limit} MB och läses inte.",
              "The file unpacks to more than {limit} MB and is not read.",
              "Filen är inte en vanlig arbetsbok. Kontakta ekonomiavdelningen.", "This is not an ordinary workbook.")
ENTITIES = define("file.xml_entities", ERROR, "Filen innehåller XML-entiteter (DOCTYPE) som inte tillåts.",
                  "The file contains XML entity declarations (DOCTYPE), which are not allowed.",
                  "Filen är inte skapad av Excel. Utgå från den utskickade arbetsboken.",
                  "The file was not made by Excel. Start from the workbook that was sent out.")
MACROS = define("file.macros", WARNING, "Arbetsboken innehåller makron (VBA). De körs aldrig, men filen bör inte ha några.",
                "The workbook contains macros (VBA). They are never run, but the file should not have any.",
                "Spara som .xlsx (utan makron) och skicka igen.", "Save as .xlsx (without macros) and resend.")
IS_FOLDER = define("file.is_folder", ERROR, "'{value}' är en mapp, inte en fil.", "'{value}' is a folder, not a file.")
UNREADABLE = define("file.unreadable", ERROR, "Filen går inte att läsa ({detail}).", "The file cannot be read ({detail}).")


@dataclass
class Grid:
    """Cell values per sheet: rows of values, row 0 = Excel row 1, column 0 = A."""

    sheets: dict[str, list[list]] = field(default_factory=dict)
    names: list[str] = field(default_factory=list)  # every worksheet, read or not
    hidden: set[str] = field(default_factory=set)
    merged: dict[str, list] = field(default_factory=dict)  # sheet -> [((row, col), (row, col))], 0-based
    fmt: str = "xlsx"


def sniff(head: bytes) -> str:
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    return "other"


def _describe(head: bytes) -> str:
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8")):
        return "en bild"
    if head.startswith(b"%PDF"):
        return "en PDF"
    try:
        head.decode("utf-8")
        return "en textfil"
    except UnicodeDecodeError:
        return "okänt format"


def check_zip(path: Path) -> tuple[str, list]:
    """Stream every member within bounds; return the workbook format and findings."""
    findings = []
    try:
        with zipfile.ZipFile(path) as zf:
            members = zf.infolist()
            if len(members) > MAX_MEMBERS:
                return "", [BOMB(params={"limit": MAX_UNPACKED_BYTES >> 20})]
            names = {m.filename for m in members}
            total = 0
            for member in members:
                with zf.open(member) as stream:
                    first = True
                    while chunk := stream.read(CHUNK):
                        total += len(chunk)
                        if total > MAX_UNPACKED_BYTES:
                            return "", [BOMB(params={"limit": MAX_UNPACKED_BYTES >> 20})]
                        if first and member.filename.endswith(".xml") and b"<!ENTITY" in chunk:
                            return "", [ENTITIES()]
                        first = False
    except (zipfile.BadZipFile, zlib.error, EOFError, zipfile.LargeZipFile, NotImplementedError, ValueError, OSError) as exc:
        return "", [CORRUPT(params={"detail": type(exc).__name__})]
    if "xl/workbook.bin" in names:
        return "", [XLSB()]
    if "content.xml" in names and "mimetype" in names:
        return "ods", findings
    if "xl/workbook.xml" not in names:
        return "", [NOT_WORKBOOK(params={"detail": "en zip-fil utan arbetsbok"})]
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        findings.append(MACROS())
    return "xlsx", findings


def open_grid(path: Path, wanted: set[str] | None = None) -> tuple[Grid | None, list]:
    """Read the sheets' values (only `wanted` ones, when given; every sheet's name is always listed
    in `Grid.names`); on any problem return None and findings, never raise."""
    path = Path(path)
    if path.is_dir():
        return None, [IS_FOLDER(value=path.name)]
    try:
        size = path.stat().st_size
        if size == 0:
            return None, [EMPTY()]
        if size > MAX_FILE_BYTES:
            return None, [TOO_LARGE(params={"size": round(size / 2**20, 1), "limit": MAX_FILE_BYTES >> 20})]
        with path.open("rb") as handle:
            head = handle.read(16)
    except OSError as exc:
        return None, [UNREADABLE(params={"detail": exc.strerror or type(exc).__name__})]
    kind = sniff(head)
    if kind == "ole":
        # An OLE container is either a legacy .xls or an encrypted (password-protected) OOXML file.
        return None, [ENCRYPTED() if _is_encrypted_ooxml(path) else LEGACY_XLS()]
    if kind == "other":
        return None, [NOT_WORKBOOK(params={"detail": _describe(head)})]
    fmt, findings = check_zip(path)
    if not fmt:
        return None, findings
    grid, more = _read_values(path, fmt, wanted)
    return grid, findings + more


def _is_encrypted_ooxml(path: Path) -> bool:
    data = path.read_bytes()
    return "EncryptionInfo".encode("utf-16-le") in data


def _read_values(path: Path, fmt: str, wanted: set[str] | None) -> tuple[Grid | None, list]:
    try:
        book = CalamineWorkbook.from_path(str(path))
        grid = Grid(fmt=fmt)
        for meta in book.sheets_metadata:
            if meta.typ != SheetTypeEnum.WorkSheet:
                continue  # chart sheets and macro sheets hold no cells we read
            grid.names.append(meta.name)
            if meta.visible != SheetVisibleEnum.Visible:
                grid.hidden.add(meta.name)
            if wanted is not None and meta.name not in wanted:
                continue
            sheet = book.get_sheet_by_name(meta.name)
            grid.sheets[meta.name] = sheet.to_python(skip_empty_area=False)
            if sheet.merged_cell_ranges:
                grid.merged[meta.name] = list(sheet.merged_cell_ranges)
        book.close()
        return grid, []
    except Exception as exc:  # noqa: BLE001 - any parser failure on untrusted input is a finding
        name = type(exc).__name__
        if "Password" in name:
            return None, [ENCRYPTED()]
        if "Xml" in name and "entit" in str(exc).lower():
            return None, [ENTITIES()]
        return None, [CORRUPT(params={"detail": f"{name}: {str(exc)[:80]}"})]
