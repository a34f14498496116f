"""How far a sheet may reach before it becomes a grid, and what lies beyond.

python-calamine turns a sheet into a dense rectangle from its first to its last value cell
(`Range::from_sparse`): one stray value in XFD1048576 asks for 17 billion cells (550 GB) and the
process aborts, a value in ZZ200000 costs 5.5 GB. Only value cells count: the `<dimension>`
element, styled empty cells and merged ranges allocate nothing in the reader (measured with
python-calamine 0.9.1), but a merged range expanded cell by cell by us would.

So before a sheet is parsed its extent is checked against bounds the layouts imply
(`templates/*.layout.json`): the widest table plus room for columns a unit adds, and far more rows
than any table holds (the largest, the master data of a 10,000-unit municipality, has ~10,000).
The check is cheap where it can be: every worksheet's `<dimension>` (in the first KiB of its XML,
inflated anyway for the entity check) is compared with the bounds, and only a sheet whose
dimension is missing or too large is scanned cell by cell (`scan`, streaming, bounded memory).
A file that lies in its dimension is caught by the reading workers' memory cap (`memory_cap`):
the worker dies, the file gets a finding and the batch goes on (validate.iter_tasks).
"""
from __future__ import annotations

import json
import os
import re
import zlib
from html import unescape
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from rodtrad.consolidator.model.findings import ERROR, WARNING, define

ROWS = 100_000  # rows a sheet may reach (Excel's last is 1,048,576)
COLUMNS_ROOM = 100  # columns a unit may add to the widest table
CELLS = 4_000_000  # cells of the dense rectangle a sheet may become (~130 MB in the reader)
READ_CAP = 400 << 20  # bytes of memory a reading worker may add while it parses one file: a file read to
# its CELLS budget adds ~290 MiB, so it is read, not killed (tests/test_hostile.py, many sheets)

FAR_VALUE = define(
    "sheet.far_value", ERROR,
    "Bladet {sheet} har ett värde i {cell}, långt utanför arbetsbokens tabeller; bladet läses inte.",
    "The sheet {sheet} has a value in {cell}, far outside the workbook's tables; the sheet is not read.",
    "Gå till cellen (Ctrl+G, skriv {cell}), ta bort värdet och spara igen. Ctrl+End visar bladets sista använda cell.",
    "Go to the cell (Ctrl+G, type {cell}), delete the value and save again. Ctrl+End shows the sheet's last used cell.",
    example={"sheet": "SWOT", "cell": "XFD1048576"})
FAR_EXTENT = define(
    "sheet.far_extent", WARNING,
    "Bladet {sheet} anger sin storlek som {value}, långt utanför arbetsbokens tabeller; bara värdena inom tabellerna läses.",
    "The sheet {sheet} states its size as {value}, far outside the workbook's tables; only the values within the tables are read.",
    "Markera de tomma raderna och kolumnerna efter tabellen, ta bort dem (Ctrl+-) och spara igen.",
    "Select the empty rows and columns after the table, delete them (Ctrl+-) and save again.",
    example={"sheet": "SWOT", "cell": "A1", "value": "A1:XFD1048576"})
FAR_MERGE = define(
    "sheet.far_merge", ERROR,
    "Bladet {sheet} har sammanfogade celler {value}, långt utanför arbetsbokens tabeller.",
    "The sheet {sheet} has merged cells {value}, far outside the workbook's tables.",
    "Markera hela bladet och dela upp de sammanfogade cellerna (Start > Sammanfoga och centrera > Dela upp celler).",
    "Select the whole sheet and unmerge the cells (Home > Merge & Center > Unmerge Cells).",
    example={"sheet": "SWOT", "cell": "A1", "value": "A1:XFD1048576"})
READER_DIED = define(
    "file.reader_died", ERROR,
    "Filen kunde inte läsas: läsaren avbröts ({detail}). Övriga filer påverkas inte.",
    "The file could not be read: the reader was stopped ({detail}). Other files are not affected.",
    "Öppna filen i Excel, spara den på nytt och skicka in igen. Hjälper inte det: kontakta ekonomiavdelningen och bifoga filen.",
    "Open the file in Excel, save it again and resend it. If that does not help, contact the economy department.",
    example={"detail": "signal 9"})


@dataclass(frozen=True)
class Bounds:
    """The farthest cell a sheet may hold a value in (1-based row and column) and the largest
    dense rectangle it may become."""

    rows: int
    columns: int
    cells: int = CELLS

    def within(self, row: int, column: int) -> bool:
        return row <= self.rows and column <= self.columns

    def fits(self, first: tuple[int, int], last: tuple[int, int]) -> bool:
        """A rectangle (1-based corners) that is within bounds and not too large to hold."""
        area = (last[0] - first[0] + 1) * (last[1] - first[1] + 1)
        return self.within(*last) and area <= self.cells


@lru_cache(maxsize=None)
def layout_bounds() -> Bounds:
    """Bounds for every sheet the product reads: the widest table of any layout (plan, follow-up,
    master data; keyvalue sheets use three columns) plus `COLUMNS_ROOM`, and `ROWS` rows."""
    widest = 3
    for name in ("plan", "follow", "styrmodell"):
        text = resources.files("rodtrad.templates").joinpath(f"{name}.layout.json").read_text("utf-8")
        for sheet in json.loads(text)["sheets"]:
            widest = max(widest, len(sheet.get("columns", ())) + 1)
    return Bounds(rows=ROWS, columns=widest + COLUMNS_ROOM)


# -- cell references ---------------------------------------------------------------------------

_REF = re.compile(rb"([A-Z]{1,3})([0-9]{1,7})")
_DIMENSION = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?dimension\s+ref=\"([A-Z]{1,3}[0-9]{1,7})(?::([A-Z]{1,3}[0-9]{1,7}))?\"")
# a row's or a cell's start tag: its attributes, and "/" when it is empty (self-closing)
_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c)(?=[\s/>])([^>]*?)(/?)>")
_R = re.compile(rb"\br=\"([^\"]*)\"")
_SHEETDATA_END = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?sheetData>")


def parse_ref(ref: bytes | str) -> tuple[int, int]:
    """'XFD1048576' -> (1048576, 16384): 1-based row and column."""
    if isinstance(ref, str):
        ref = ref.encode("ascii")
    m = _REF.fullmatch(ref)
    if not m:
        raise ValueError(f"not a cell reference: {ref!r}")
    column = 0
    for ch in m.group(1):
        column = column * 26 + ch - 64
    return int(m.group(2)), column


def a1(row: int, column: int) -> str:
    """(1, 1) -> 'A1' (1-based)."""
    letters = ""
    while column:
        column, rem = divmod(column - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{row}"


def dimension(head: bytes) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """The `<dimension ref>` of a worksheet from the start of its XML: (first, last) 1-based, or
    None when it is not there."""
    m = _DIMENSION.search(head)
    if not m:
        return None
    first = parse_ref(m.group(1))
    return first, parse_ref(m.group(2)) if m.group(2) else first


_DIMENSION_AT = b'<dimension ref="'


def head_fits(head: bytes, bounds: Bounds) -> tuple[bool, tuple | None]:
    """Whether a worksheet's stated dimension (from the start of its XML) is within the bounds, and
    the dimension (None when not stated). The usual spelling is looked up in a cache: the sheets
    of one template mostly state the same few dimensions."""
    at = head.find(_DIMENSION_AT)
    if at >= 0:
        end = head.find(b'"', at + len(_DIMENSION_AT))
        if end > 0:
            return _ref_fits(head[at + len(_DIMENSION_AT):end], bounds)
    dim = dimension(head)
    return (dim is not None and bounds.fits(*dim)), dim


@lru_cache(maxsize=4096)
def _ref_fits(ref: bytes, bounds: Bounds) -> tuple[bool, tuple | None]:
    try:
        first, _, last = ref.partition(b":")
        dim = (parse_ref(first), parse_ref(last or first))
    except ValueError:
        return False, None
    return bounds.fits(*dim), dim


# -- scanning a sheet's cells ------------------------------------------------------------------

@dataclass
class Extent:
    """What a scan found: the first value cell beyond the bounds (or None) and the rectangle the
    value cells span (1-based corners, None when the sheet has no values)."""

    far: tuple[int, int] | None = None
    first: tuple[int, int] | None = None
    last: tuple[int, int] | None = None


SCAN_CHUNK = 1 << 18
_TAIL = 1024  # a start tag cut by a chunk boundary is kept for the next chunk


def scan(data: bytes, start: int, size: int, deflated: bool, bounds: Bounds) -> Extent:
    """Every value cell of one worksheet member (its compressed bytes at data[start:start+size]),
    read a chunk at a time: memory stays at a few hundred KiB whatever the sheet holds. A row or
    cell without its `r` attribute is placed as a reader places it (after the one before). The
    caller has already checked that the member unpacks within the file's limit."""
    extent = Extent()
    top = left = bottom = right = None
    row = column = 0
    for text, cut in _chunks(data, start, size, deflated):
        for m in _TAG.finditer(text, 0, cut):
            ref = _R.search(m.group(2))
            if m.group(1) == b"row":
                row = int(ref.group(1)) if ref and ref.group(1).isdigit() else row + 1
                column = 0
                continue
            if ref:
                try:
                    at_row, column = parse_ref(ref.group(1))
                except ValueError:
                    at_row, column = row, column + 1
            else:
                at_row, column = row, column + 1
            if m.group(3):  # an empty cell (a style only): the reader keeps no value for it
                continue
            if extent.far is None and not bounds.within(at_row, column):
                extent.far = (at_row, column)
            top = at_row if top is None else min(top, at_row)
            bottom = at_row if bottom is None else max(bottom, at_row)
            left = column if left is None else min(left, column)
            right = column if right is None else max(right, column)
        if _SHEETDATA_END.search(text, 0, cut):
            break
    if top is not None:
        extent.first, extent.last = (top, left), (bottom, right)
    return extent


_ODS_TAG = re.compile(rb"<(/?)(?:[A-Za-z_][\w.-]*:)?(table|table-row|table-cell|covered-table-cell)(?=[\s/>])([^>]*?)(/?)>")
_ODS_NAME = re.compile(rb"(?:^|\s)(?:[\w.-]+:)?name=\"([^\"]*)\"")
_ODS_REPEAT = {b"table-row": re.compile(rb"number-rows-repeated=\"(\d+)\""),
               b"table-cell": re.compile(rb"number-columns-repeated=\"(\d+)\""),
               b"covered-table-cell": re.compile(rb"number-columns-repeated=\"(\d+)\"")}


def scan_ods(data: bytes, start: int, size: int, deflated: bool, bounds: Bounds) -> list[tuple[str, tuple[int, int]]]:
    """The sheets of an OpenDocument spreadsheet's content.xml that hold a value beyond the bounds,
    with the first such cell: [(sheet, (row, column))]. A cell or row "repeated" N times is N
    cells or rows to a reader (LibreOffice writes a row's trailing empty cells as one cell repeated
    to column 16384; only a repeated cell with a value counts)."""
    found, sheet, far = [], "", None
    row = column = repeat_rows = 0
    for text, cut in _chunks(data, start, size, deflated):
        for m in _ODS_TAG.finditer(text, 0, cut):
            closing, tag, attrs, empty = m.groups()
            if tag == b"table":
                if closing:
                    if far:
                        found.append((sheet, far))
                    far = None
                else:
                    name = _ODS_NAME.search(attrs)
                    sheet = unescape(name.group(1).decode("utf-8", "replace")) if name else "?"
                    row = 0
                continue
            if tag == b"table-row":
                if closing:
                    row += repeat_rows - 1
                    continue
                repeat = _ODS_REPEAT[tag].search(attrs)
                row, column, repeat_rows = row + 1, 0, int(repeat.group(1)) if repeat else 1
                if empty:
                    row += repeat_rows - 1
                continue
            if closing:
                continue
            repeat = _ODS_REPEAT[tag].search(attrs)
            count = int(repeat.group(1)) if repeat else 1
            first, column = column + 1, column + count
            if far is None and (not empty or b"value-type" in attrs):
                bottom = row + repeat_rows - 1
                if not bounds.within(bottom, column):  # the first cell of the block past the bounds
                    far = ((max(row, bounds.rows + 1), first) if bottom > bounds.rows
                           else (row, max(first, bounds.columns + 1)))
    return found


def _chunks(data: bytes, start: int, size: int, deflated: bool):
    """A member's XML a chunk at a time as (text, cut): tags that end before `cut` are whole; a tag
    cut by the chunk's end comes again at the start of the next text."""
    inflater = zlib.decompressobj(-15) if deflated else None
    raw, pending = data[start:start + size], b""
    while True:
        if inflater is None:
            chunk, raw = raw[:SCAN_CHUNK], raw[SCAN_CHUNK:]
            done = not raw
        else:
            chunk = inflater.decompress(raw, SCAN_CHUNK)
            raw = inflater.unconsumed_tail
            done = inflater.eof or (not chunk and not raw)
        text = pending + chunk
        cut = len(text) if done else max(0, len(text) - _TAIL)
        yield text, cut
        if done:
            return
        last = text.rfind(b"<", max(0, cut - 512), cut)
        pending = text[last if last >= 0 and text.find(b">", last, cut) < 0 else cut:]


def merges_outside(ranges, bounds: Bounds) -> list[tuple[str, tuple]]:
    """Merged ranges (python-calamine's 0-based corner pairs) that reach beyond the bounds, as
    ('A1:XFD1048576', range)."""
    out = []
    for (r0, c0), (r1, c1) in ranges:
        if not bounds.fits((r0 + 1, c0 + 1), (r1 + 1, c1 + 1)):
            out.append((f"{a1(r0 + 1, c0 + 1)}:{a1(r1 + 1, c1 + 1)}", ((r0, c0), (r1, c1))))
    return out


# -- the reading workers' memory cap -----------------------------------------------------------

_capped = False
_thorough = False


def force_thorough(on: bool) -> None:
    """Scan every sheet cell by cell in this process, whatever its dimension says (a file that
    killed a worker is read again this way, alone)."""
    global _thorough
    _thorough = on


def thorough() -> bool:
    """Whether every sheet must be scanned: outside the capped workers, or when forced."""
    return _thorough or not _capped


def cap_this_process() -> None:
    """Mark this process as a reading worker: its reads run under `memory_cap`, so a file that
    lies about its extent kills the worker (a finding for that file) rather than the machine."""
    global _capped
    _capped = True


def capped() -> bool:
    return _capped


_statm: tuple[int, int] | None = None  # (pid, fd): /proc/self/statm kept open by the process that opened it
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def _data_bytes() -> int | None:
    """This process's data size (heap and private mappings: what RLIMIT_DATA counts), Linux."""
    global _statm
    try:
        if _statm is None or _statm[0] != os.getpid():  # opened again after a fork: "self" was the parent
            _statm = (os.getpid(), os.open("/proc/self/statm", os.O_RDONLY))
        return int(os.pread(_statm[1], 256, 0).split()[5]) * _PAGE
    except (OSError, ValueError, IndexError, AttributeError):
        return None


@contextmanager
def memory_cap(extra: int = READ_CAP):
    """Within the block this process may allocate at most `extra` more bytes of data (RLIMIT_DATA:
    heap and private mappings, Linux); an allocation past it fails, and python-calamine, like any
    Rust code, aborts the process on a failed allocation. A no-op where the limit is unknown."""
    try:
        import resource
    except ImportError:  # Windows: no limit; the dimension check still applies
        yield
        return
    used = _data_bytes()
    if used is None:
        yield
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
    limit = used + extra
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_DATA, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_DATA, (soft, hard))
