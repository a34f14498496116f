"""The one place where a model's own words (model/terms.py) enter the workbook layouts.

templates/*.layout.json are written in Exempelkommun's words. `worded(name, layout, t)` gives the same
layout in another model's words: the sheet names, titles, column headers and list titles named in
`WORDED` below, each a pattern of placeholders (`words(t)`). Generation (workbooks/planbook.py) and
reading (model/document.from_grid, reading/validate.py) both take the layout through
`document.spec(..., words=t)` with the Terms of the same master data, so a header written is a
header found. With Exempelkommun's terms the worded layout equals the JSON (tests/test_wording.py).

A word that becomes a sheet name is made safe for Excel (at most 31 characters, none of
`[ ] : * ? / \\`; no apostrophe, which formulas would have to double: Excel's rules, see ../shared/EXCEL-NOTES.md); a
name that would collide with another sheet of the workbook keeps the JSON's name.
"""
from __future__ import annotations

import re

from rodtrad.consolidator.model.terms import Terms
from rodtrad.consolidator.model.values import clean_text

# (template, sheet key, column key or "" for the sheet itself) -> {part: pattern}. A sheet's parts are
# "name" and "title", a column's "header"; lists are keyed ("lists", list key).
WORDED: dict[tuple[str, str, str], dict[str, str]] = {
    ("plan", "chain", ""): {"title": "Målkedjan: {kf_goal} > {board_goal_lc} > {commitment_lc} (läses, ändras inte)"},
    ("plan", "chain", "perspective"): {"header": "{perspective}"},
    ("plan", "goals", ""): {"name": "{unit_goal}", "title": "{unit_goal}: egna mål, vart och ett kopplat till {board_goal_lc}"},
    ("plan", "goals", "parent"): {"header": "Kopplat till {board_goal_lc}"},
    ("plan", "goals", "perspective"): {"header": "{perspective}"},
    ("plan", "activities", "perspective"): {"header": "{perspective}"},
    ("plan", "lists", "perspektiv"): {"title": "{perspective}"},
    ("plan", "lists", "namndmal"): {"title": "{board_goal}"},
    ("follow", "underlying", "text"): {"header": "{unit_goal}"},
    ("follow", "activities", "perspective"): {"header": "{perspective}"},
    ("follow", "lists", "perspektiv"): {"title": "{perspective}"},
}

# Sheets every workbook has besides the layout's (workbooks/planbook.py) and Excel's reserved name:
# a term never renames a sheet onto one of them.
FIXED_SHEETS = ("Instruktioner", "Kontroll", "Fel", "_listor", "History")

# Values the documents keep in Exempelkommun's words (facts.py and rules/removed.py tell a unit's own
# goals by grading.OWN_GOAL) but a workbook shows in the model's: (template, sheet key, column key) ->
# {canonical value: term}. The writer shows them (`shown`), the reader takes them back (`canonical`).
OWN_GOAL = "Enhetens mål"  # grading.OWN_GOAL
VALUES: dict[tuple[str, str, str], dict[str, str]] = {("follow", "assessments", "level"): {OWN_GOAL: "unit_goal"}}

BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
SHEET_NAME_MAX = 31


def words(t: Terms | None = None) -> dict[str, str]:
    """Placeholder -> word: each term as a heading starts it (`board_goal`: "Nämndsmål") and inside a
    sentence (`board_goal_lc`: "nämndsmål"), and the goal chain (`chain`). Finding
    templates (model/findings.py) and the layout patterns above use these names."""
    t = t or Terms()
    out = {}
    for key in ("kf_goal", "board_goal", "commitment", "unit_goal", "perspective"):
        word = re.sub(r"\s+", " ", clean_text(getattr(t, key)))  # no control characters: a cell and a header hold it
        out[key], out[f"{key}_lc"] = word, Terms.lower(word)
    out["chain"] = t.chain
    return out


def safe_sheet_name(word: str) -> str:
    """A word as an Excel sheet name: Excel's forbidden characters and apostrophes dropped (a formula
    quotes a sheet name in apostrophes), spaces collapsed, at most 31 characters ("" when nothing is left)."""
    name = re.sub(r"\s+", " ", BAD_SHEET_CHARS.sub("", clean_text(word)).replace("'", "")).strip()
    return name[:SHEET_NAME_MAX].rstrip()


def worded(name: str, layout: dict, t: Terms | None) -> dict:
    """`layout` (of template `name`, possibly already cut to a period kind and level) in the words
    of `t`: a new dict, the JSON's own dict untouched. `t` None or Exempelkommun's terms: `layout` itself."""
    if t is None or t == Terms():
        return layout
    w = words(t)
    taken = {n.casefold() for n in [*(s["name"] for s in layout["sheets"]), *FIXED_SHEETS]}
    sheets = []
    for sheet in layout["sheets"]:
        own = WORDED.get((name, sheet["key"], ""), {})
        sheet = dict(sheet)
        if "name" in own:
            candidate = safe_sheet_name(own["name"].format_map(w))
            if candidate and (candidate.casefold() == sheet["name"].casefold() or candidate.casefold() not in taken):
                sheet["name"] = candidate
        if "title" in own and sheet.get("title") is not None:
            sheet["title"] = own["title"].format_map(w)
        if "columns" in sheet:
            sheet["columns"] = _headers(name, sheet, w)
        sheets.append(sheet)
    lists = {key: WORDED[(name, "lists", key)]["title"].format_map(w) if (name, "lists", key) in WORDED else title
             for key, title in layout.get("lists", {}).items()}
    return {**layout, "sheets": sheets, "lists": lists}


def _norm(text: str) -> str:
    """A header as the reader compares it (contract.norm: case, spacing and a trailing '*' ignored)."""
    return re.sub(r"\s+", " ", clean_text(text)).strip(" *").lower()


def _headers(name: str, sheet: dict, w: dict) -> list[dict]:
    """A sheet's columns with the model's headers; a header that would be blank or the same as another
    column's (the reader finds columns by header) keeps the JSON's."""
    columns = list(sheet["columns"])
    for i, c in enumerate(columns):
        pattern = WORDED.get((name, sheet["key"], c["key"]), {}).get("header")
        if pattern is None:
            continue
        text = re.sub(r"\s+", " ", pattern.format_map(w)).strip()
        others = {_norm(o["header"]) for j, o in enumerate(columns) if j != i}
        if _norm(text) and _norm(text) not in others:
            columns[i] = {**c, "header": text}
    return columns


def sheet_name(layout: dict, sheet_key: str) -> str:
    """The name of a sheet in a (worded) layout, by its key ("" when the layout has no such sheet)."""
    return next((s["name"] for s in layout["sheets"] if s["key"] == sheet_key), "")


def _values(name: str, sheet_key: str, t: Terms | None) -> dict[str, dict[str, str]]:
    """column key -> {canonical value: the model's word} for one sheet (empty when the words are Exempelkommun's)."""
    if t is None or t == Terms():
        return {}
    return {col: {value: getattr(t, term) for value, term in words_.items() if getattr(t, term) != value}
            for (tpl, key, col), words_ in VALUES.items() if tpl == name and key == sheet_key}


def shown(name: str, sheet_key: str, record: dict, t: Terms | None) -> dict:
    """A document's row as the model's workbook shows it (a unit's own goal: "Delmål", not "Enhetens mål")."""
    changes = {col: table[record[col]] for col, table in _values(name, sheet_key, t).items() if record.get(col) in table}
    return {**record, **changes} if changes else record


def canonical(name: str, doc: dict, t: Terms | None) -> None:
    """The reader's side of `shown`, in place: the model's word back to the document's value. A word
    that is also another row's value (the model calls its unit goals what it calls its board goals)
    is left as read."""
    for (tpl, key, col), _ in VALUES.items():
        if tpl != name:
            continue
        back = {word: value for value, word in _values(name, key, t).get(col, {}).items()}
        taken = set(back) & {getattr(t, term) for term in ("kf_goal", "board_goal", "commitment")} if back else set()
        for row in doc.get(key) or []:
            if isinstance(row, dict) and row.get(col) in back and row.get(col) not in taken:
                row[col] = back[row[col]]
