"""Cell values as units type them: Swedish numbers, ISO dates, ids with leading zeros, lists."""
from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata


class Unreadable(ValueError):
    """The cell holds something that cannot be understood as the expected type."""


_NUMBER = re.compile(r"^[+\-]?\d+([.,]\d+)?$")  # after "−" (U+2212) has become "-"
_SPACES = re.compile(r"[\s\u00a0\u202f']")  # thin/no-break spaces and ' are thousands separators
_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
EMPTY = ("", None)
# What a cell shows when its formula fails: Excel's error values, Excel 365's included (Microsoft's
# list of error values; LibreOffice shows the classic seven). Read as a value, an error would be a
# text, or '' as python-calamine gives it; the reader reports it on its cell instead (contract.py).
EXCEL_ERRORS = frozenset({"#N/A", "#REF!", "#DIV/0!", "#VALUE!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!",
                          "#GETTING_DATA", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!", "#EXTERNAL!",
                          "#PYTHON!"})


# Control and format characters (Unicode category C) other than tab and newline.
_INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e"
                        "\u2060-\u206f\ufeff\ufff9-\ufffb\ue000-\uf8ff\ud800-\udfff]")


# What a spreadsheet may take for the start of a formula when text is typed, pasted, opened as CSV
# or assigned to a live cell: = + - @ (OWASP "CSV injection"), tab and CR/LF before them, and the
# full-width forms an East Asian input method types (Excel converts "＝" to "=").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def formula_shaped(value) -> bool:
    """Whether a value is text a spreadsheet could take for a formula (see FORMULA_START)."""
    return isinstance(value, str) and value.startswith(FORMULA_START)


def inert(value):
    """Text made safe where the receiver parses what it gets (a CSV file, a value assigned to a
    live Excel cell): formula-shaped text gets a leading apostrophe, Excel's own mark for "this is
    text" (not shown in the cell). Anything else is returned as it is. Files the product writes
    with openpyxl store text as text instead (workbook.put)."""
    return "'" + value if formula_shaped(value) else value


def clean_text(value) -> str:
    """Text without control characters and surrounding space, NFC-normalised."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = value if isinstance(value, str) else str(value)
    if text.isascii():
        return (text if text.isprintable() else _INVISIBLE.sub("", text)).strip()
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    if not text.replace("\n", "").replace("\t", "").isprintable():  # the rare case: look at each character
        text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C")
    return text.strip()


def as_text(value):
    if value in EXCEL_ERRORS:
        raise Unreadable(value)
    text = clean_text(value)
    return text or None


def as_id(value):
    """Ids are text; a number that Excel made of "0101" is given back its digits, never '101.0'."""
    if isinstance(value, bool):
        raise Unreadable(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if value in EXCEL_ERRORS:
        raise Unreadable(value)
    text = clean_text(value)
    return text or None


def as_number(value):
    if value in EMPTY:
        return None
    if isinstance(value, bool):
        raise Unreadable(value)
    if isinstance(value, (int, float)):
        return normalise_number(value)
    text = _SPACES.sub("", clean_text(value)).replace("−", "-").replace("kr", "")
    if not text:
        return None
    if not _NUMBER.match(text):
        raise Unreadable(value)
    return normalise_number(float(text.replace(",", ".")))


def as_int(value):
    number = as_number(value)
    if number is None:
        return None
    if number != int(number):
        raise Unreadable(value)
    return int(number)


def normalise_number(number):
    """Whole numbers as int so that 12.0 read back equals the 12 we wrote; floating-point noise
    removed (`tidy`), so 0.3999999999999999 in a cell reads as the 0.4 we write."""
    if isinstance(number, float):
        return int(number) if number.is_integer() else tidy(number)
    return number


def as_date(value):
    """A date as ISO text; accepts date cells, Excel serial numbers and 'YYYY-MM-DD' text."""
    if value in EMPTY:
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 1 <= value < 2958466:  # a serial date that lost its format
            return (dt.date(1899, 12, 30) + dt.timedelta(days=int(value))).isoformat()
        raise Unreadable(value)
    text = clean_text(value)
    match = _DATE.match(text)
    if not match:
        raise Unreadable(value)
    try:
        return dt.date(*map(int, match.groups())).isoformat()
    except ValueError as exc:
        raise Unreadable(value) from exc


def as_bool(value):
    if value in EMPTY:
        return None
    if isinstance(value, bool):
        return value
    text = clean_text(value).lower()
    if text in ("ja", "j", "x", "yes", "1", "sant", "true"):
        return True
    if text in ("nej", "n", "no", "0", "falskt", "false"):
        return False
    raise Unreadable(value)


def as_list(value):
    """A comma- or semicolon-separated list of ids: '11.2, 3.4' -> ['11.2', '3.4']."""
    if value in EMPTY:
        return []
    if isinstance(value, float) and not value.is_integer():
        return [repr(value)]  # "11.2" typed into a number cell
    text = clean_text(as_id(value))
    return [part.strip() for part in re.split(r"[;,\n]", text) if part.strip()]


def as_ref(value):
    """A dropdown choice 'NM1 – Trygg skola' -> 'NM1'; a bare id is kept as it is."""
    text = as_id(value)
    if text is None:
        return None
    return re.split(r"\s+[–-]\s+", text, maxsplit=1)[0].strip()


READERS = {
    "text": as_text,
    "id": as_id,
    "number": as_number,
    "int": as_int,
    "date": as_date,
    "bool": as_bool,
    "list": as_list,
    "ref": as_ref,
    "choice": as_text,
}


def parse(kind: str, value):
    return READERS[kind](value)


def tidy(number):
    """A number as a person wrote it: binary floating-point noise from arithmetic removed
    (2 - 2 * 0.8 is 0.3999999999999999; the mean of 75.9s is 75.90000000000006), whole numbers as
    int. Fourteen significant digits keep every amount below 10^12 kr exact to the öre."""
    if isinstance(number, float) and math.isfinite(number):
        number = float(f"{number:.14g}")
        return int(number) if number.is_integer() else number
    return number


def to_cell(kind: str, value):
    """The value written into a cell for a field of this kind (a number without floating-point noise)."""
    if value is None:
        return None
    if kind == "number":
        return tidy(value)
    if kind == "date":
        return dt.date.fromisoformat(value)
    if kind == "bool":
        return "Ja" if value else "Nej"
    if kind == "list":
        return ", ".join(value)
    return value
