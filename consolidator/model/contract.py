"""Read a grid of cell values by a declared layout, and check it against a JSON Schema.

A layout (templates/*.layout.json) names sheets and their columns by header text, so cells are
found by the contract, not by fixed positions: units may insert rows, move columns or sort.
Every value read keeps its source cell in a source map (JSON pointer -> "A1"), which is how
schema errors, rules and lineage point back at the cell a person has to look at.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from operator import itemgetter
from importlib import resources

import fastjsonschema
from jsonschema import Draft202012Validator
from openpyxl.utils import get_column_letter

from rodtrad.consolidator.model import values
from rodtrad.consolidator.model.findings import ERROR, define
from rodtrad.consolidator.model.words import Said

SHEET_MISSING = define(
    "sheet.missing", ERROR,
    "Bladet '{sheet}' saknas.", "The sheet '{sheet}' is missing.",
    "Bladet kan ha bytt namn eller tagits bort. Utgå från den utskickade filen.",
    "The sheet may have been renamed or deleted. Start from the workbook that was sent out.")
COLUMN_MISSING = define(
    "column.missing", ERROR,
    "Kolumnen '{field}' saknas på bladet {sheet}.", "The column '{field}' is missing on sheet {sheet}.",
    "Kolumnrubriken kan ha ändrats eller kolumnen tagits bort. Återställ rubriken.",
    "The header may have been changed or the column deleted. Restore the header.")
VALUE_UNREADABLE = define(
    "value.unreadable", ERROR,
    "{field}: värdet {value} går inte att läsa som {expected}.",
    "{field}: the value {value} cannot be read as {expected}.",
    "Skriv till exempel {example}.", "Write for example {example}.")
FIELD_REQUIRED = define(
    "field.required", ERROR,
    "{field} måste fyllas i.", "{field} must be filled in.",
    "Fyll i cellen.", "Fill in the cell.")
VALUE_NOT_ALLOWED = define(
    "value.not_allowed", ERROR,
    "{field}: {value} är inte ett tillåtet värde.", "{field}: {value} is not an allowed value.",
    "Välj ett av: {allowed}.", "Choose one of: {allowed}.")
VALUE_FORMAT = define(
    "value.format", ERROR,
    "{field}: {value} har fel format.", "{field}: {value} has the wrong format.",
    "Kontrollera stavning och format.", "Check spelling and format.")
VALUE_RANGE = define(
    "value.range", ERROR,
    "{field}: {value} ligger utanför det tillåtna intervallet.", "{field}: {value} is out of range.",
    "Tillåtet: {allowed}.", "Allowed: {allowed}.")
EXCEL_ERROR = define(
    "value.excel_error", ERROR,
    "{field}: cellen visar Excels felvärde {value}{swedish}.", "{field}: the cell shows Excel's error value {value}.",
    "Formeln i cellen går inte att räkna ut. Skriv in värdet självt, eller rätta formeln så att den ger ett värde.",
    "The cell's formula cannot be calculated. Type the value itself, or correct the formula so that it gives one.")
SWEDISH_ERRORS = {"#N/A": "#SAKNAS!", "#REF!": "#REFERENS!", "#DIV/0!": "#DIVISION/0!", "#VALUE!": "#VÄRDEFEL!",
                  "#NAME?": "#NAMN?", "#NUM!": "#OGILTIGT!", "#NULL!": "#SKÄRNING!"}  # files hold the English literal
SCHEMA_INVALID = define(
    "schema.invalid", ERROR,
    "{field}: värdet följer inte mallen ({detail}).", "{field}: the value does not follow the contract ({detail}).")

EXPECTED = {  # type -> (Swedish name, English name, example)
    "number": ("tal", "a number", "1 234,50"),
    "int": ("heltal", "a whole number", "3"),
    "date": ("datum", "a date", "2027-03-01"),
    "bool": ("Ja/Nej", "Yes/No", "Ja"),
    "id": ("id", "an id", "NM1"),
}


@lru_cache(maxsize=None)
def load_json(name: str) -> dict:
    return json.loads(resources.files("rodtrad.templates").joinpath(name).read_text("utf-8"))


def layout(name: str) -> dict:
    return load_json(f"{name}.layout.json")


@lru_cache(maxsize=None)
def validator(name: str) -> Draft202012Validator:
    return Draft202012Validator(load_json(f"{name}.schema.json"))


@lru_cache(maxsize=None)
def quick_check(name: str):
    """The same schema compiled to Python (fastjsonschema): ~5x faster on a valid document, but it
    stops at the first error, so jsonschema lists every error when there is one."""
    schema = load_json(f"{name}.schema.json")
    return fastjsonschema.compile(_inline(schema, schema.get("$defs", {})))


def _inline(node, defs):
    """The schema with local `$ref`s replaced by what they point at: fastjsonschema's generated code
    formats an error name on every `$ref` call, valid or not, which was a third of its time."""
    if isinstance(node, dict):
        ref = node.get("$ref", "")
        if ref.startswith("#/$defs/") and len(node) == 1:
            return _inline(defs[ref.rsplit("/", 1)[1]], defs)
        return {k: _inline(v, defs) for k, v in node.items() if k != "$defs"}
    if isinstance(node, list):
        return [_inline(v, defs) for v in node]
    return node


_LETTERS = [get_column_letter(c + 1) for c in range(64)]


def a1(row: int, col: int) -> str:
    """0-based row and column -> 'C7'."""
    return f"{_LETTERS[col] if col < 64 else get_column_letter(col + 1)}{row + 1}"


@lru_cache(maxsize=8192)
def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", values.clean_text(text)).strip(" *").lower()


def norm(text) -> str:
    """A header or label as compared: case, spacing and a required-marker '*' do not matter."""
    return _norm(text) if isinstance(text, str) else ""


class CellMap(dict):
    """JSON pointer -> (sheet, "A1") for every value read. A table's cells are not stored one by
    one: each table keeps its rows' numbers and its columns' letters, and a cell's address is made
    when asked for (few are: storing all of them was a sixth of reading a workbook). Lookups
    (`[]`, `in`, `get`) and `values()` see every cell; the dict itself holds only the rest
    (key-value fields, sheets)."""

    def __init__(self):
        super().__init__()
        self.tables: dict[str, tuple[str, list[str], dict[str, str]]] = {}  # key -> (sheet, row numbers, field -> letter)

    def add_table(self, key: str, sheet: str, rows: list[str], letters: dict[str, str]) -> None:
        self.tables[key] = (sheet, rows, letters)

    def _table_cell(self, pointer: str):
        parts = pointer.split("/")  # "", table key, record index[, field]
        table = self.tables.get(parts[1]) if len(parts) in (3, 4) else None
        if table is None or not parts[2].isdigit() or int(parts[2]) >= len(table[1]):
            return None
        sheet, rows, letters = table
        letter = "A" if len(parts) == 3 else letters.get(parts[3])
        return (sheet, letter + rows[int(parts[2])]) if letter else None

    def __missing__(self, pointer: str):
        found = self._table_cell(pointer)
        if found is None:
            raise KeyError(pointer)
        return found

    def __contains__(self, pointer) -> bool:
        return dict.__contains__(self, pointer) or self._table_cell(pointer) is not None

    def get(self, pointer, default=None):
        found = dict.get(self, pointer)
        if found is None:
            found = self._table_cell(pointer)
        return default if found is None else found

    def values(self):
        yield from dict.values(self)
        for sheet, rows, letters in self.tables.values():
            for number in rows:
                yield sheet, "A" + number
                for letter in letters.values():
                    yield sheet, letter + number


@dataclass
class Read:
    """What a grid yielded: data, where each value came from, and what could not be read."""

    data: dict = field(default_factory=dict)
    cells: CellMap = field(default_factory=CellMap)  # JSON pointer -> (sheet, "A1")
    findings: list = field(default_factory=list)
    template: str = ""  # the layout read by (document.PLAN or FOLLOW) and the layout itself
    layout: dict | None = None

    def where(self, pointer: str) -> tuple[str, str]:
        """The cell behind a pointer, or the nearest enclosing one (row, then sheet)."""
        while pointer:
            if pointer in self.cells:
                return self.cells[pointer]
            pointer = pointer.rsplit("/", 1)[0]
        return ("", "")


def read(grid: dict, spec: dict, file: str = "") -> Read:
    out = Read()
    for sheet in spec["sheets"]:
        if sheet.get("kind") == "computed":
            continue
        rows = grid.get(sheet["name"])
        if rows is None:
            if not sheet.get("optional"):  # an optional sheet came later: older files lack it
                out.findings.append(SHEET_MISSING(file=file, sheet=sheet["name"]))
            out.data[sheet["key"]] = {} if sheet["kind"] == "keyvalue" else []
            continue
        out.cells[f"/{sheet['key']}"] = (sheet["name"], "")
        reader = _read_keyvalue if sheet["kind"] == "keyvalue" else _read_table
        out.data[sheet["key"]] = reader(rows, sheet, out, file)
    return out


def _read_cell(out: Read, file, sheet, col_spec, raw, pointer, row, col):
    out.cells[pointer] = (sheet["name"], a1(row, col))
    try:
        return values.parse(col_spec["type"], raw)
    except values.Unreadable:
        return _unreadable(out, file, sheet, col_spec, raw, row, col)


def _unreadable(out: Read, file, sheet, col_spec, raw, row, col):
    """The finding for a value that is not of its column's type, or that is an Excel error value
    (#DIV/0!, #N/A, ...: never read as blank); the value read is empty."""
    sv, en, example = EXPECTED.get(col_spec["type"], ("text", "text", ""))
    if isinstance(raw, str) and raw in values.EXCEL_ERRORS:
        swedish = SWEDISH_ERRORS.get(raw)
        out.findings.append(EXCEL_ERROR(file=file, sheet=sheet["name"], cell=a1(row, col), field=_label(col_spec),
                                        value=raw, params={"swedish": f" ({swedish} i svenska Excel)" if swedish else ""}))
        return [] if col_spec["type"] == "list" else None
    out.findings.append(VALUE_UNREADABLE(
        file=file, sheet=sheet["name"], cell=a1(row, col), field=_label(col_spec), value=raw,
        params={"expected": sv, "example": example}))
    return [] if col_spec["type"] == "list" else None


def _label(col_spec) -> str:
    return col_spec.get("header") or col_spec.get("label") or col_spec["key"]


def _read_keyvalue(rows, sheet, out: Read, file) -> dict:
    wanted = {norm(f["label"]): f for f in sheet["fields"]}
    result = {f["key"]: ([] if f["type"] == "list" else None) for f in sheet["fields"]}
    for r, row in enumerate(rows):
        for c, cell in enumerate(row[:-1]):
            spec = wanted.get(norm(cell))
            if spec:
                pointer = f"/{sheet['key']}/{spec['key']}"
                result[spec["key"]] = _read_cell(out, file, sheet, spec, row[c + 1], pointer, r, c + 1)
                break
    return result


def find_header(rows, headers: list[str], scan: int = 30) -> tuple[int, dict[str, int]]:
    """The row (0-based) holding most of the headers, and header -> column index."""
    wanted = {norm(h) for h in headers}
    best, best_map = -1, {}
    for r, row in enumerate(rows[:scan]):
        found = {}
        for c, cell in enumerate(row):
            if cell == "" or cell is None:  # most cells above a table are empty
                continue
            key = norm(cell)
            if key in wanted and key not in found:
                found[key] = c
        if len(found) > len(best_map):
            best, best_map = r, found
            if len(found) == len(wanted):  # no later row can hold more: the earliest full row wins
                break
    return best, best_map


def _read_table(rows, sheet, out: Read, file) -> list[dict]:
    columns = sheet["columns"]
    readable = [c for c in columns if not c.get("formula")]
    computed = [c for c in columns if c.get("formula")]
    header_row, positions = find_header(rows, [c["header"] for c in columns])
    if header_row < 0:
        for spec in readable:
            out.findings.append(COLUMN_MISSING(file=file, sheet=sheet["name"], field=spec["header"]))
        return []
    present = []
    for spec in readable:
        col = positions.get(norm(spec["header"]))
        if col is None:
            out.findings.append(COLUMN_MISSING(
                file=file, sheet=sheet["name"], cell=a1(header_row, 0), field=spec["header"]))
        else:
            present.append((spec, col))
    counting = [c for s, c in present if s.get("counts", True)]
    pick = _picker(counting)
    empty = ("",) * len(counting)  # how python-calamine gives a row with nothing in these columns
    widest = max(counting, default=-1)
    key = sheet["key"]
    shown = [(spec, positions[norm(spec["header"])]) for spec in computed if norm(spec["header"]) in positions]
    # per column, what each row needs: its key, its reader (the inner loop runs per cell)
    plan = [(spec["key"], values.READERS[spec["type"]], spec, col) for spec, col in present]
    empty_record = {spec["key"]: ([] if spec["type"] == "list" else None) for spec in readable}
    numbers: list[str] = []  # each record's row number: with the columns' letters, its cells (CellMap)
    out.cells.add_table(key, sheet["name"], numbers, {spec["key"]: a1(0, col)[:-1] for spec, col in shown + present})
    records = []
    for r in range(header_row + 1, len(rows)):
        row = rows[r]
        if len(row) > widest and pick(row) == empty:
            continue
        if all(_blank(row, c) for c in counting):
            continue
        numbers.append(str(r + 1))
        width = len(row)
        record = {k: ([] if v == [] else None) for k, v in empty_record.items()}
        for field_key, parse, spec, col in plan:
            raw = row[col] if col < width else None
            try:
                record[field_key] = parse(raw)
            except values.Unreadable:
                record[field_key] = _unreadable(out, file, sheet, spec, raw, r, col)
        records.append(record)
    return records


def _picker(columns: list[int]):
    """The values of a row in these columns, as a tuple."""
    if len(columns) == 1:
        return lambda row, c=columns[0]: (row[c],)
    if not columns:
        return lambda row: ()
    return itemgetter(*columns)


def _blank(row, col) -> bool:
    if col >= len(row):
        return True
    value = row[col]
    if value is None or value == "":
        return True
    return isinstance(value, str) and values.clean_text(value) == ""


def schema_findings(name: str, data: dict, got: Read, spec: dict, file: str = "") -> list:
    """Every JSON Schema violation as a finding on the cell it came from."""
    try:
        quick_check(name)(data)
        return []
    except fastjsonschema.JsonSchemaException:
        pass
    labels = _labels(spec)
    reported = {(f.sheet, f.cell) for f in got.findings if f.cell}  # an unreadable value is reported once
    findings = []
    for error in sorted(validator(name).iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
        path = [str(p) for p in error.absolute_path]
        if error.validator == "required":
            missing = re.match(r"'([^']+)'", error.message)
            path.append(missing.group(1) if missing else "")
        pointer = "/" + "/".join(path)
        sheet_name, cell = got.where(pointer)
        if not sheet_name and path:
            sheet_name = labels.get(path[0], ("", ""))[0]
        key = path[-1] if path else ""
        label = labels.get((path[0] if path else "", key), key)
        if (sheet_name, cell) in reported:
            continue
        where = dict(file=file, sheet=sheet_name, cell=cell, field=label, value=error.instance)
        if error.validator == "required" or error.instance in (None, "", []):  # empty: "måste fyllas i"
            where["value"] = None
            findings.append(FIELD_REQUIRED(**where))
        elif error.validator == "enum":
            allowed = ", ".join(str(v) for v in error.validator_value if v is not None)
            findings.append(VALUE_NOT_ALLOWED(**where, params={"allowed": allowed}))
        elif error.validator in ("pattern", "format", "maxLength"):
            findings.append(VALUE_FORMAT(**where))
        elif error.validator in ("minimum", "maximum", "maxItems"):
            bound = {"minimum": "minst", "maximum": "högst", "maxItems": "högst antal"}[error.validator]
            findings.append(VALUE_RANGE(**where, params={"allowed": f"{bound} {error.validator_value}"}))
        else:
            findings.append(SCHEMA_INVALID(**where, params={"detail": _rule(error.validator)}))
    return findings


RULES = {"type": ("fel typ av värde", "the wrong kind of value"), "minLength": ("för kort", "too short"),
         "minItems": ("för få rader", "too few rows"), "uniqueItems": ("samma rad två gånger", "the same row twice"),
         "const": ("ett annat värde än det enda tillåtna", "another value than the only one allowed"),
         "additionalProperties": ("ett fält mallen inte har", "a field the contract does not have"),
         "oneOf": ("inget av de tillåtna slagen", "none of the kinds allowed"),
         "anyOf": ("inget av de tillåtna slagen", "none of the kinds allowed")}


def _rule(validator: str) -> Said:
    """The JSON Schema rule a value breaks, in words (jsonschema's own message is English and shows
    Python values)."""
    sv, en = RULES.get(validator, (f"regeln {validator}", f"the rule {validator}"))
    return Said(sv, en)


def _labels(spec: dict) -> dict:
    labels = {}
    for sheet in spec["sheets"]:
        labels[sheet["key"]] = (sheet["name"], "")
        for col in sheet.get("columns", []) + sheet.get("fields", []):
            labels[(sheet["key"], col["key"])] = _label(col)
    return labels
