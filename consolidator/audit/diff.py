"""What changed between two documents, in domain terms: rows by id, fields by their Swedish names.

The comparison is driven by each document's own layout (document.spec_of: the plan, or a
follow-up of its period kind and level), so every field a template has is compared without a
list kept here: a new column in templates/*.layout.json is covered the day it is added.

Two submissions of one period: every field that is not a formula is compared (a unit that changes
prefilled content shows up too). Two periods of one unit (T1 against delår, the plan against T1):
only the fields the unit or level writes, on the sheets both layouts have; rows carried forward
are matched by id, and rows only in the newer document are shown as new.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from rodtrad.consolidator.model import values
from rodtrad.consolidator.model.document import spec_of

# A row's noun by sheet key (what a person calls one line of the sheet); a sheet not named here is
# called by its sheet name, so a new sheet is still shown.
NOUNS = {"chain": "Mål", "goals": "Mål", "assessments": "Mål", "underlying": "Enhetens bedömning",
         "activities": "Aktivitet", "uppdrag": "Uppdrag", "indicators": "Nyckeltal", "swot": "SWOT",
         "development": "Utvecklingsområde", "budget": "Konto", "economy": "Konto", "risks": "Risk",
         "controls": "Kontroll", "actions": "Åtgärd"}
MONEY_SHEETS = {"budget", "economy", "actions"}  # their number columns are kronor
KR = "(kr)"


@dataclass
class Change:
    sheet: str  # the sheet's name in the workbook
    row: str  # the row's id (or account); "" for a field of a key-value sheet
    field: str  # the field's name as the sheet's header says it, lower case; "" when a row is added or removed
    old: object
    new: object
    noun: str = ""  # what one row of the sheet is called ("Mål", "Konto")
    unit: str = ""  # " kr" for amounts
    quoted: bool = False  # free text, shown in quotes so where it ends is plain

    def line(self) -> str:
        """One line in Swedish: "Mål EM01: bedömning Uppfyllt → Ej uppfyllt",
        "Konto 5010: helårsprognos 7 307 000 → 7 500 000 kr", "Aktivitet A07: ny (Läsa med barnen)"."""
        who = f"{self.noun or self.sheet} {self.row}".strip() if self.row else self.sheet
        if self.field == "":
            if self.old is None:
                return f"{who}: ny" + (f" ({_show(self.new)})" if self.new not in (None, "") else "")
            return f"{who}: borttagen" + (f" (var {_show(self.old)})" if self.old not in (None, "") else "")
        old, new = _show(self.old), _show(self.new)
        if self.quoted:
            old, new = (f"”{v}”" if v != "(tomt)" else v for v in (old, new))
        return f"{who}: {self.field} {old} → {new}{self.unit}"

    def to_dict(self) -> dict:
        return {"sheet": self.sheet, "row": self.row, "field": self.field, "old": _plain(self.old),
                "new": _plain(self.new), "line": self.line()}


def _plain(value):
    return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else value


def _show(value) -> str:
    """A value as a Swedish reader reads it: 7 307 000, 75,9, Ja, 2027-05-31, (tomt)."""
    if value is None or value == "":
        return "(tomt)"
    if isinstance(value, bool):
        return "Ja" if value else "Nej"
    if isinstance(value, (int, float)):
        if float(value).is_integer():
            return f"{value:,.0f}".replace(",", " ")
        return f"{round(value, 6):,}".replace(",", " ").replace(".", ",")
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return ", ".join(_show(v) for v in value) or "(tomt)"
    return " ".join(str(value).split())


def _same(a, b) -> bool:
    """Equal as a reader sees it: empty is empty, 7307000.0 is 7307000, text without stray spaces."""
    return _canon(a) == _canon(b)


def _canon(value):
    if value is None or value == "" or value == []:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return round(float(value), 6)
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date()
    if isinstance(value, str):
        return values.clean_text(value) or None
    if isinstance(value, list):
        return [_canon(v) for v in value]
    return value


def _natural(text: str) -> list:
    """N2 before N11: digits compared as numbers."""
    return [(0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"(\d+)", text)]


def _key(row: dict) -> str:
    return str(row.get("id") or row.get("account") or "")


def _label(item: dict) -> tuple[str, str]:
    """A column's or field's name as text in a sentence, and its unit: "Ram (kr)" -> ("ram", " kr")."""
    text = item.get("header") or item.get("label") or item["key"]
    unit = ""
    if KR in text:
        text, unit = text.replace(KR, "").strip(), " kr"
    if not (len(text) > 1 and text[:2].isupper()):  # keep "SWOT", lower "Helårsprognos"
        text = text[:1].lower() + text[1:]
    return text, unit


def editable(item: dict) -> bool:
    """A field the unit (or level) writes: an input, or an input unless the row is locked or carried."""
    return bool(item.get("input")) and not item.get("formula")


def fields(sheet: dict, same_period: bool) -> list[dict]:
    """The columns (or fields) of a sheet that diff compares."""
    items = sheet.get("columns") or sheet.get("fields") or []
    return [c for c in items if not c.get("formula") and c["key"] not in ("id", "account")
            and (same_period or editable(c))]


def diff(old: dict, new: dict, words=None) -> list[Change]:
    """Compare two documents sheet by sheet by their own layouts; rows are matched by id, so
    re-sorting is not a change. Returns the changes in the newer layout's sheet order, rows in id
    order. Documents are as `validate_file(..., keep_document=True).document` gives them; `words`
    (terms.of(master)) names sheets and columns in the model's words."""
    before_layout, after_layout = spec_of(old, words), spec_of(new, words)
    same_period = (old.get("meta") or {}).get("period") == (new.get("meta") or {}).get("period")
    before_sheets = {s["key"]: s for s in before_layout["sheets"]}
    changes: list[Change] = []
    for sheet in after_layout["sheets"]:
        key = sheet["key"]
        if key == "meta" or key not in before_sheets:
            continue
        known = {c["key"] for c in fields(before_sheets[key], same_period)}
        compared = [c for c in fields(sheet, same_period) if c["key"] in known]
        noun, money = NOUNS.get(key, sheet["name"]), key in MONEY_SHEETS
        if sheet["kind"] == "keyvalue":
            a, b = old.get(key) or {}, new.get(key) or {}
            seen = set()
            for f in compared:
                if f["key"] in seen:  # a field with one label per level: the document has one value
                    continue
                seen.add(f["key"])
                if not _same(a.get(f["key"]), b.get(f["key"])):
                    label, unit = _label(f)
                    changes.append(Change(sheet["name"], "", label, a.get(f["key"]), b.get(f["key"]), sheet["name"], unit,
                                          f.get("type") == "text"))
            continue
        before = {_key(r): r for r in old.get(key) or []}
        after = {_key(r): r for r in new.get(key) or []}
        first = next((c["key"] for c in sheet["columns"] if c.get("type") == "text"), None)
        for rid in sorted(set(before) | set(after), key=_natural):
            if rid not in after:
                changes.append(Change(sheet["name"], rid, "", (before[rid].get(first) if first else None) or "", None, noun))
            elif rid not in before:
                changes.append(Change(sheet["name"], rid, "", None, (after[rid].get(first) if first else None) or "", noun))
            else:
                for c in compared:
                    a, b = before[rid].get(c["key"]), after[rid].get(c["key"])
                    if not _same(a, b):
                        label, unit = _label(c)
                        if money and c.get("type") == "number":
                            unit = " kr"
                        changes.append(Change(sheet["name"], rid, label, a, b, noun, unit, c.get("type") == "text"))
    return changes
