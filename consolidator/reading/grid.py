"""A file becomes a grid of cell values (sheet -> rows), read safely from untrusted input.

The file is never modified and nothing in it is run; it is read once, at most 25 MB. Before
python-calamine parses a zip we make sure it cannot unpack to more than the limit, without
trusting the sizes its headers state (`check_zip`).
"""
from __future__ import annotations

import io
import os
import stat
from html import unescape
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

from rodtrad.consolidator.model.findings import ERROR, WARNING, define
from rodtrad.consolidator.reading import errorcells
from rodtrad.consolidator.reading.zipparts import start as _start
from rodtrad.consolidator.reading import bounds
from rodtrad.consolidator.model.words import explain

DAMAGED_ZIP = "zip-arkivet som en .xlsx-fil består av är skadat eller avkortat"  # never the library's exception name
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


def check_zip(data: bytes, heads: dict | None = None) -> tuple[str, list]:
    """Make sure the zip cannot unpack to more than MAX_UNPACKED_BYTES in the reader and that no XML
    member declares entities; return the workbook format and findings.

    The sizes in the zip directory are not trusted. What bounds a member's unpacked size is its
    compressed data: a reader takes at most `compress_size` bytes of it (python-calamine's `zip`
    crate reads a member through `.take(compressed_size)`; never more than the file holds), and
    deflate unpacks at most 1032 bytes per compressed byte. When that bound,
    summed over the members, is within the limit, no member needs inflating; otherwise each
    member is inflated here, counting the bytes it really gives (a real workbook of 30 KB has a
    bound of ~30 MB; only files over ~190 KB pay for the inflating).

    `heads`, when given, receives the start of every worksheet's XML (member name -> up to
    `HEAD` bytes, inflated), where its `<dimension>` is: the entity check inflates it anyway."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            members = zf.infolist()
        if len(members) > MAX_MEMBERS:
            return "", [BOMB(params={"limit": MAX_UNPACKED_BYTES >> 20})]
        starts = [_start(data, m) for m in members]
        bound = sum(DEFLATE_MAX_RATIO * max(0, min(m.compress_size, len(data) - start))
                    for m, start in zip(members, starts))
        deflated_only = all(m.compress_type in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) for m in members)
        total = 0
        for member, start in zip(members, starts):
            sheet = heads is not None and _is_worksheet(member.filename)
            if deflated_only and bound <= MAX_UNPACKED_BYTES:
                if sheet:
                    heads[member.filename] = head = _head(data, member, start)
                    if not _ROOT_FIRST.match(head) and b"<!ENTITY" in head:
                        return "", [ENTITIES()]
                elif member.filename.endswith((".xml", ".rels")) and _declares_entities(data, member, start):
                    return "", [ENTITIES()]
                continue
            total = _inflate(data, member, start, total, heads if sheet else None)
            if total < 0:
                return "", [BOMB(params={"limit": MAX_UNPACKED_BYTES >> 20})] if total == -1 else [ENTITIES()]
    except (zipfile.BadZipFile, zlib.error, EOFError, zipfile.LargeZipFile, NotImplementedError, ValueError,
            OSError, struct.error):
        return "", [CORRUPT(params={"detail": DAMAGED_ZIP})]
    names = {m.filename for m in members}
    if "xl/workbook.bin" in names:
        return "", [XLSB()]
    if "content.xml" in names and "mimetype" in names:
        return "ods", []
    if "xl/workbook.xml" not in names:
        return "", [NOT_WORKBOOK(params={"detail": "en zip-fil utan arbetsbok"})]
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        return "xlsx", [MACROS()]
    return "xlsx", []


DEFLATE_MAX_RATIO = 1032  # the most a deflate stream can unpack to per compressed byte
PROLOG = 1024  # an entity declaration sits in the DOCTYPE, right after the XML declaration
# (a file that pads it further away still gets no entities expanded: python-calamine refuses them)
ROOT_WITHIN = 160  # bytes: an XML declaration and the start of the root element
_ROOT_FIRST = re.compile(rb"(?:\xef\xbb\xbf)?(?:<\?xml[^<>]*\?>)?\s*<[A-Za-z_]")  # no DOCTYPE can follow


HEAD = 1024  # bytes of a worksheet's XML that hold its declaration, root, sheetPr and dimension


def _is_worksheet(name: str) -> bool:
    return name.startswith("xl/worksheets/") and name.endswith(".xml") and name.count("/") == 2


HEAD_FIRST = 384  # openpyxl's worksheets have their dimension within it; Excel's (more namespaces) ~600


def _head(data: bytes, member: zipfile.ZipInfo, start: int) -> bytes:
    """The start of a worksheet's XML, up to its `<dimension>` (at most HEAD bytes)."""
    raw = data[start:start + min(member.compress_size, HEAD)]
    if member.compress_type == zipfile.ZIP_STORED:
        return raw
    inflater = zlib.decompressobj(-15)
    head = inflater.decompress(raw, HEAD_FIRST)
    at = head.find(b"dimension ")
    if at < 0 or head.find(b">", at) < 0:
        head += inflater.decompress(inflater.unconsumed_tail, HEAD - len(head))
    return head


def _declares_entities(data: bytes, member: zipfile.ZipInfo, start: int) -> bool:
    raw = data[start:start + min(member.compress_size, PROLOG)]
    if member.compress_type == zipfile.ZIP_STORED:
        return b"<!ENTITY" in raw
    inflater = zlib.decompressobj(-15)
    head = inflater.decompress(raw, ROOT_WITHIN)
    if _ROOT_FIRST.match(head):  # the root element comes first: there is no DOCTYPE (the usual case)
        return False
    return b"<!ENTITY" in head + inflater.decompress(inflater.unconsumed_tail, PROLOG - len(head))


def _inflate(data: bytes, member: zipfile.ZipInfo, start: int, total: int, heads: dict | None = None) -> int:
    """Unpack one member from the file's bytes, a chunk at a time, checking its CRC; the running
    total of unpacked bytes, or -1 past the limit, or -2 when an XML member declares entities.
    (Straight from the bytes: `ZipFile.open` costs more per member than the inflating itself.)"""
    raw = data[start:start + member.compress_size]
    if len(raw) < member.compress_size:
        raise EOFError("member cut off")
    if member.compress_type == zipfile.ZIP_STORED:
        inflater = None
    elif member.compress_type == zipfile.ZIP_DEFLATED:
        inflater = zlib.decompressobj(-15)
    else:
        raise NotImplementedError(f"compression {member.compress_type}")
    crc, first, xml = 0, True, member.filename.endswith((".xml", ".rels"))
    while True:
        if inflater is None:
            chunk, raw = raw[:CHUNK], raw[CHUNK:]
        else:
            chunk, raw = inflater.decompress(raw, CHUNK), inflater.unconsumed_tail
        total += len(chunk)
        if total > MAX_UNPACKED_BYTES:
            return -1
        if first and xml and b"<!ENTITY" in chunk:
            return -2
        if first and heads is not None:
            heads[member.filename] = chunk[:HEAD]
        first = False
        crc = zlib.crc32(chunk, crc)
        if inflater is None:
            if not raw:
                break
        elif inflater.eof:
            break
        elif not chunk and not raw:
            raise EOFError("deflate stream cut off")
    if crc != member.CRC:
        raise zipfile.BadZipFile("bad CRC-32")
    return total


def read_file(path: Path) -> tuple[bytes | None, list]:
    """The file's bytes, read once and never more than the size limit; None and a finding when
    it cannot or should not be read."""
    path = Path(path)
    if path.is_dir():
        return None, [IS_FOLDER(value=path.name)]
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):  # a FIFO or a device: opening it could block for ever
            return None, [UNREADABLE(params={"detail": "inte en vanlig fil"})]
        # O_NONBLOCK: should it have become a FIFO since, opening it does not wait for a writer
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                return None, [UNREADABLE(params={"detail": "inte en vanlig fil"})]
            # read what the file holds, never more than the limit (asking for the limit itself
            # would allocate 25 MB for every 30 KB file: a third of the time it took to read one)
            size = min(os.fstat(handle.fileno()).st_size, MAX_FILE_BYTES)
            data = handle.read(size + 1)
            if len(data) > size:  # it grew while we read it
                data += handle.read(MAX_FILE_BYTES + 1 - len(data))
        if len(data) > MAX_FILE_BYTES:
            size = path.stat().st_size
            return None, [TOO_LARGE(params={"size": round(size / 2**20, 1), "limit": MAX_FILE_BYTES >> 20})]
    except OSError as exc:
        return None, [UNREADABLE(params={"detail": explain(exc, file=False)})]
    if not data:
        return None, [EMPTY()]
    return data, []


def open_grid(path: Path, wanted: set[str] | None = None, data: bytes | None = None) -> tuple[Grid | None, list]:
    """Read the sheets' values (only `wanted` ones, when given; every sheet's name is always listed
    in `Grid.names`); on any problem return None and findings, never raise. `data` is the file's
    content when the caller has read it already (`read_file`)."""
    if data is None:
        data, findings = read_file(path)
        if data is None:
            return None, findings
    kind = sniff(data[:16])
    if kind == "ole":
        # An OLE container is either a legacy .xls or an encrypted (password-protected) OOXML file.
        return None, [ENCRYPTED() if "EncryptionInfo".encode("utf-16-le") in data else LEGACY_XLS()]
    if kind == "other":
        return None, [NOT_WORKBOOK(params={"detail": _describe(data[:16])})]
    heads: dict[str, bytes] = {}
    fmt, findings = check_zip(data, heads)
    if not fmt:
        return None, findings
    if fmt == "ods":
        far = far_ods(data)
        if far:  # python-calamine reads every sheet of an ODS file when it opens it: refused whole
            return None, findings + far
    far, more = far_sheets(data, heads)
    if any(f.code == CORRUPT.code for f in more):  # its sheets cannot be told apart: not parsed at all
        return None, findings + more
    if bounds.capped():
        with bounds.memory_cap():
            grid, read = _read_values(data, fmt, wanted, far)
    else:
        grid, read = _read_values(data, fmt, wanted, far)
    return grid, findings + more + read


def far_sheets(data: bytes, heads: dict[str, bytes], thorough: bool | None = None) -> tuple[set[str], list]:
    """Sheets not to parse because a value lies far beyond the bounds (reading/bounds.py), and a
    finding for each such sheet and for a sheet that only states a far extent.

    A sheet is scanned cell by cell when its `<dimension>` is missing or beyond the bounds, and
    every sheet is when `thorough` (the default outside the capped reading workers, where a
    file that lies in its dimension would otherwise abort the process)."""
    if thorough is None:
        thorough = bounds.thorough()
    limits = bounds.layout_bounds()
    suspects = {}
    for member, head in heads.items():
        fits, dim = bounds.head_fits(head, limits)
        if thorough or not fits:
            suspects[member] = dim
    if not suspects:
        return set(), []
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = {m.filename: m for m in zf.infolist()}
            names = _sheet_names(zf)
        far, findings = set(), []
        for member, dim in sorted(suspects.items()):
            info = infos[member]
            got = bounds.scan(data, _start(data, info), info.compress_size,
                              info.compress_type == zipfile.ZIP_DEFLATED, limits)
            sheet = names.get(member, member.rsplit("/", 1)[-1])
            if got.far or (got.last and not limits.fits(got.first, got.last)):
                far.add(sheet)
                findings.append(bounds.FAR_VALUE(sheet=sheet, cell=bounds.a1(*(got.far or got.last))))
            elif dim is not None and not limits.fits(*dim):
                findings.append(bounds.FAR_EXTENT(sheet=sheet, cell=bounds.a1(*dim[0]),
                                                  value=f"{bounds.a1(*dim[0])}:{bounds.a1(*dim[1])}"))
        return far, findings
    except (zipfile.BadZipFile, zlib.error, KeyError, ValueError, struct.error, NotImplementedError):
        return set(), [CORRUPT(params={"detail": DAMAGED_ZIP})]


def far_ods(data: bytes) -> list:
    """A finding for every sheet of an OpenDocument file with a value beyond the bounds."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            info = zf.getinfo("content.xml")
        found = bounds.scan_ods(data, _start(data, info), info.compress_size,
                                info.compress_type == zipfile.ZIP_DEFLATED, bounds.layout_bounds())
    except (zipfile.BadZipFile, zlib.error, KeyError, ValueError, struct.error, NotImplementedError):
        return [CORRUPT(params={"detail": DAMAGED_ZIP})]
    return [bounds.FAR_VALUE(sheet=sheet, cell=bounds.a1(*cell)) for sheet, cell in found]


_SHEET = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?sheet\s[^>]*>")
_ATTR = re.compile(rb"([\w:.-]+)\s*=\s*\"([^\"]*)\"")


def _sheet_names(zf: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet member -> sheet name, from xl/workbook.xml and its relationships (both checked
    against the unpack limit by `check_zip`)."""
    targets = {}
    try:
        rels = zf.read("xl/_rels/workbook.xml.rels")
    except KeyError:  # no relationships: the sheets are named by their members
        return {}
    for tag in re.findall(rb"<(?:[A-Za-z_][\w.-]*:)?Relationship\s[^>]*>", rels):
        attrs = dict(_ATTR.findall(tag))
        target = attrs.get(b"Target", b"").decode("utf-8", "replace").lstrip("/")
        targets[attrs.get(b"Id", b"")] = target if target.startswith("xl/") else f"xl/{target}"
    names = {}
    for tag in _SHEET.findall(zf.read("xl/workbook.xml")):
        attrs = dict(_ATTR.findall(tag))
        rid = next((v for k, v in attrs.items() if k.endswith(b":id")), b"")
        if b"name" in attrs and rid in targets:
            names[targets[rid]] = unescape(attrs[b"name"].decode("utf-8", "replace"))
    return names


def _read_values(data: bytes, fmt: str, wanted: set[str] | None, far: set[str] = frozenset()) -> tuple[Grid | None, list]:
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(errorcells.as_text(data) if fmt == "xlsx" else data))
        grid, findings, limits = Grid(fmt=fmt), [], bounds.layout_bounds()
        budget = limits.cells  # the cells all sheets of a file may become together, as Python values
        for meta in book.sheets_metadata:
            if meta.typ != SheetTypeEnum.WorkSheet:
                continue  # chart sheets and macro sheets hold no cells we read
            grid.names.append(meta.name)
            if meta.visible != SheetVisibleEnum.Visible:
                grid.hidden.add(meta.name)
            if (wanted is not None and meta.name not in wanted) or meta.name in far:
                continue
            sheet = book.get_sheet_by_name(meta.name)
            end = sheet.end  # to_python pads from A1: the grid is A1 to the last value cell
            cells = (end[0] + 1) * (end[1] + 1) if end else 0
            if cells > budget:  # each sheet within bounds, but too many of them together
                findings.append(bounds.FAR_VALUE(sheet=meta.name, cell=bounds.a1(end[0] + 1, end[1] + 1)))
                continue
            budget -= cells
            grid.sheets[meta.name] = sheet.to_python(skip_empty_area=False)
            if sheet.merged_cell_ranges:
                ranges = list(sheet.merged_cell_ranges)
                outside = bounds.merges_outside(ranges, limits)
                for text, rng in outside:
                    findings.append(bounds.FAR_MERGE(sheet=meta.name, cell=text.split(":")[0], value=text))
                    ranges.remove(rng)
                if ranges:
                    grid.merged[meta.name] = ranges
        book.close()
        return grid, findings
    except Exception as exc:  # noqa: BLE001 - any parser failure on untrusted input is a finding
        name = type(exc).__name__
        if "Password" in name:
            return None, [ENCRYPTED()]
        if "Xml" in name and "entit" in str(exc).lower():
            return None, [ENTITIES()]
        return None, [CORRUPT(params={"detail": "innehållet följer inte Excels filformat"})]
