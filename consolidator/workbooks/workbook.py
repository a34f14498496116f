"""Writing workbooks with openpyxl: named styles, layout-driven tables, atomic saves."""
from __future__ import annotations

import math
import os
import tempfile
import warnings
import weakref
from copy import copy
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo

from rodtrad.consolidator.workbooks import rendering
from rodtrad.consolidator.model import package, values

RED = "9B1B30"  # the red thread
INPUT_FILL = "FFF7D6"  # pale yellow: the cells a unit fills in
LOCKED_FILL = "E7E6E6"  # grey: set from above
DATE = "yyyy-mm-dd"
FORMATS = {"date": DATE, "number": "#,##0", "int": "0", "id": "@", "list": "@"}

_thin = Side(style="thin", color="BFBFBF")
_border = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)


def _attributes(fill=None, locked=True, fmt="General", bold=False, color="000000", wrap=False, size=10, border=True):
    """The style of one kind of cell as openpyxl objects (built once per process)."""
    return {"font": Font(name="Calibri", size=size, bold=bold, color=color),
            "fill": PatternFill("solid", fgColor=fill) if fill else PatternFill(),
            "border": _border if border else Border(),
            "alignment": Alignment(vertical="top", wrap_text=wrap),
            "protection": Protection(locked=locked),
            "number_format": fmt}


def _specs() -> dict:
    plain = dict(border=False)
    specs = {"title": dict(bold=True, size=14, color=RED, **plain), "subtitle": dict(color="595959", **plain),
             "hd": dict(fill=RED, bold=True, color="FFFFFF", wrap=True), "label": dict(bold=True, **plain)}
    for kind, fmt in [("text", "General"), ("wrap", "General"), *FORMATS.items()]:
        wrap = kind == "wrap"
        specs[f"in_{kind}"] = dict(fill=INPUT_FILL, locked=False, fmt=fmt, wrap=wrap)
        specs[f"ro_{kind}"] = dict(fmt=fmt, wrap=wrap)
        specs[f"lk_{kind}"] = dict(fill=LOCKED_FILL, fmt=fmt, wrap=wrap)
    return {name: _attributes(**spec) for name, spec in specs.items()}


STYLES = _specs()


class Styler:
    """Applies our cell styles to one workbook, fast.

    Styles are plain cell formats, not named styles, so Excel's style gallery stays the user's own.
    The first cell of a kind gets its attributes through openpyxl's API; later cells copy that
    cell's style array, as openpyxl's own worksheet copy does. Measured: setting attributes (or a
    named style) per cell was a third of the time to build a unit workbook.
    """

    def __init__(self):
        self._cache: dict = {}

    def __call__(self, cell, name: str) -> None:
        style = self._cache.get(name)
        if style is None:
            for attribute, value in STYLES[name].items():
                setattr(cell, attribute, value)
            self._cache[name] = copy(cell._style)
        else:
            cell._style = copy(style)


_stylers: "weakref.WeakKeyDictionary[Workbook, Styler]" = weakref.WeakKeyDictionary()


_family_stylers: dict = {}  # family -> the Styler of workbooks that share its style table (rendering.py)


def style(cell, name: str) -> None:
    """Give a cell one of our named styles (see STYLES)."""
    wb = cell.parent.parent
    if getattr(wb, "_rodtrad_shared", False):
        styler = _family_stylers.get(wb._rodtrad_family)
        if styler is None:
            styler = _family_stylers[wb._rodtrad_family] = Styler()
        styler(cell, name)
        return
    styler = _stylers.get(wb)
    if styler is None:
        styler = _stylers[wb] = Styler()
    styler(cell, name)


def seed_styles(wb) -> None:
    """Register every style of ours, in a fixed order, in the (shared) style table of `wb`, so their
    indices do not depend on which workbook happened to use a style first: the fonts, fills and
    formats when a cell is styled, and the cell formats (cellXfs) themselves, which openpyxl
    otherwise adds as it writes cells, in the order the first workbook of a family happens to have."""
    ws = wb.create_sheet("_seed")
    cell = ws.cell(row=1, column=1)
    for name in STYLES:
        style(cell, name)
        cell.style_id  # noqa: B018 - registers the cell format
    for i, kind in enumerate(("text", *FORMATS)):
        for wrap in (False, True):
            letter = get_column_letter(2 * i + wrap + 2)
            unlock_column(ws, letter, {"type": kind, "wrap": wrap})
            ws.column_dimensions[letter].style_id  # noqa: B018
    wb.remove(ws)


def style_name(prefix: str, col: dict) -> str:
    if col.get("wrap"):
        return f"{prefix}_wrap"
    return f"{prefix}_{col['type']}" if col["type"] in FORMATS else f"{prefix}_text"


_UNLOCKED = Protection(locked=False)
_WRAP = Alignment(vertical="top", wrap_text=True)


def unlock_column(ws, letter: str, col: dict) -> None:
    """Cells without a style of their own in this column are input cells: unlocked, formatted."""
    dim = ws.column_dimensions[letter]
    dim.protection = _UNLOCKED
    dim.number_format = FORMATS.get(col["type"], "General")
    if col.get("wrap"):
        dim.alignment = _WRAP


def letters(columns: list[dict]) -> dict[str, str]:
    return {c["key"]: get_column_letter(i + 1) for i, c in enumerate(columns)}


def write_title(ws, title: str, subtitle: str = "") -> None:
    style(put(ws["A1"], title), "title")  # a title may hold the master data's words: text, never a formula
    if subtitle:
        style(put(ws["A2"], subtitle), "subtitle")


def write_header(ws, columns: list[dict], row: int) -> None:
    for i, col in enumerate(columns, start=1):
        cell = put(ws.cell(row=row, column=i), col["header"])  # the model's words (wording.py): text
        style(cell, "hd")
        ws.column_dimensions[get_column_letter(i)].width = col.get("width", 14)
    ws.freeze_panes = ws.cell(row=row + 1, column=1)


def add_table(ws, name: str, columns: list[dict], header_row: int, last_row: int) -> None:
    """An Excel table over the header row and the rows below. Its columns are named from the layout,
    which a streamed (write-only) sheet needs, since it cannot read its header back."""
    ref = f"A{header_row}:{get_column_letter(len(columns))}{max(last_row, header_row + 1)}"
    table = Table(displayName=name, ref=ref)
    table.tableStyleInfo = TableStyleInfo(name="TableStyleLight1", showRowStripes=False)
    table.tableColumns = [TableColumn(id=i, name=c["header"]) for i, c in enumerate(columns, start=1)]
    with warnings.catch_warnings():  # openpyxl warns in write-only mode even when the columns are named
        warnings.filterwarnings("ignore", "In write-only mode you must add table columns manually")
        ws.add_table(table)


def cell_value(col: dict, value):
    return values.to_cell(col["type"], value)


def put(cell, value):
    """The one way a value from a document (unit text, carried forward or summed up a level, or
    master data) is put in a cell of a workbook the product writes with openpyxl: text is stored as
    text, never as a formula (openpyxl takes any string that starts with "=" for one). The
    template's own formulas are assigned directly. Returns the cell."""
    cell.value = value
    if cell.data_type == "f":
        cell.data_type = "s"
    return cell


MAX_CELL_TEXT = 32767


# Column width (Excel's unit, a "0" of the workbook's 11 pt font) that one A4 page holds with its 10 pt
# text scaled to no less than 7 pt, with 0.75" margins: 734 pt landscape, 487 pt portrait, at 6.6 pt a
# unit, which is what LibreOffice gives where Calibri is missing (DejaVu Sans, 1.25 × Calibri's 5.25 pt).
LANDSCAPE_WIDE, PORTRAIT_WIDE = 155, 105
FOOTER = "&A – sida &P av &N"  # the sheet's name, the page and the pages


def print_setup(ws, header_row: int | None, landscape: bool = True, key_columns: int = 2) -> None:
    """A4; fitted to the page's width, no page's text below 7 pt: a portrait sheet too wide for that
    turns landscape, a landscape one spreads across as many pages as it needs, its first
    `key_columns` repeated on each; the header row repeated on every page, and a footer with the
    sheet's name and page number (Excel's header and footer codes &A, &P, &N)."""
    last = getattr(ws, "max_column", None) or max((column_index_from_string(k) for k in ws.column_dimensions), default=1)
    dims = [ws.column_dimensions.get(get_column_letter(i)) for i in range(1, last + 1)]  # .get: creates none
    widths = [d.width if d is not None and d.width else 9 for d in dims]  # 9: about Excel's default width
    width = sum(widths)
    if not landscape and width > PORTRAIT_WIDE:
        landscape = True
    ws.page_setup.paperSize = "9"  # A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    key = sum(widths[:key_columns])
    pages = 1 if width <= LANDSCAPE_WIDE or not landscape else math.ceil((width - key) / (LANDSCAPE_WIDE - key))
    ws.page_setup.fitToWidth = pages
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    if header_row:
        ws.print_title_rows = f"{header_row}:{header_row}"
    if pages > 1 and key_columns:
        ws.print_title_cols = f"A:{get_column_letter(key_columns)}"
    ws.oddFooter.center.text = FOOTER
    ws.oddFooter.center.size = 10


LINE = 13.0  # points a line of 10 pt text takes
CHARS_PER_UNIT = 1.1  # characters of 10 pt Calibri a unit of column width holds (a unit is an 11 pt "0")


def row_height(record: dict, wrapped: list[tuple[str, float]]) -> float | None:
    """The height in points of a row whose wrapped texts (`wrapped`: column key, width) need more than
    one line, so that Excel and LibreOffice show them whole without a double-click; None for one line.
    Excel does not fit a row's height to text written by openpyxl until the cell is edited."""
    lines = 1
    for key, width in wrapped:
        value = record.get(key)
        if isinstance(value, str) and len(value) > width:
            per_line = max(1, int(width * CHARS_PER_UNIT))
            lines = max(lines, sum(max(1, math.ceil(len(part) / per_line)) for part in value.split("\n")))
    return LINE * lines if lines > 1 else None


def wrap_long_lines(ws, letter: str = "A") -> None:
    """Wrap the lines of a text sheet (Instruktioner) that are longer than their column, and give
    their rows the height: text spilling over to the right would widen the printed page."""
    width = ws.column_dimensions[letter].width or 13
    for cell in ws[letter]:
        if isinstance(cell.value, str) and len(cell.value) > width * CHARS_PER_UNIT:
            alignment = copy(cell.alignment)
            alignment.wrap_text = True
            cell.alignment = alignment
            ws.row_dimensions[cell.row].height = row_height({"line": cell.value}, [("line", width)])


def protect(ws) -> None:
    """Protected without a password; filtering, resizing and formatting stay allowed (the add-in
    colours the cells it finds fault with)."""
    ws.protection.sheet = True
    ws.protection.formatCells = False
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.protection.autoFilter = False


_UMASK = os.umask(0o022)
os.umask(_UMASK)
COMPRESSLEVEL = 1  # deflate's fastest: a report is ~20 % larger than at the default 6, and written 2.5 × as fast


def save_atomic(wb: Workbook, path: Path, when=None, compresslevel: int | None = None) -> None:
    """Write beside the target and rename, so a crash never leaves half a file.

    The same content and `when` give the same bytes: the zip entries' dates and docProps/core.xml's
    created and modified are `when` (a generation's `now`, "2027-05-02 08:00:00", or a datetime),
    or package.EPOCH when no time is meaningful (model/package.py). `compresslevel`: deflate's
    level (COMPRESSLEVEL for the big reports; None: zlib's default)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".xlsx", dir=path.parent)
    os.close(fd)
    try:
        rendering.save(wb, tmp, when=package.moment(when), compresslevel=compresslevel)
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes files private; reports are for sharing
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def new_workbook(family=None):
    """An empty workbook that shares its family's style table (any hashable, such as the layout,
    period kind and level it is written by), seeded with our styles (rendering.py)."""
    return rendering.new_workbook(seed_styles, family)


def check_formulas(bounds: dict):
    """Two helpers for check-sheet formulas: a column's absolute range on its sheet, and a count of
    rows where one column is filled and another empty."""
    def rng(key, col):
        b = bounds[key]
        return f"'{b['sheet']}'!${b['at'][col]}${b['first']}:${b['at'][col]}${b['last']}"

    def missing(key, filled, empty):
        return f'COUNTIFS({rng(key, filled)},"<>",{rng(key, empty)},"")'
    return rng, missing
