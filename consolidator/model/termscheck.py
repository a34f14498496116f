"""check-master: words on Begrepp that the workbooks cannot use as given (model/wording.py).

A word that becomes a sheet name must follow Excel's rules (at most 31 characters, none of
`[ ] : * ? / \\`; Röd tråd also drops apostrophes, which formulas would have to double), and a sheet
name or column header must not be one the workbook already has (the reader finds sheets and columns
by name). The workbooks then use a safe form or Exempelkommun's word; this says so, with the cell.
"""
from __future__ import annotations

import string

from rodtrad.consolidator.model import contract, terms, wording
from rodtrad.consolidator.model.findings import WARNING, define

TERM_UNUSABLE = define(
    "master.term_unusable", WARNING,
    "Begreppet {value} kan inte användas som {what} i arbetsböckerna; de skriver {used}.",
    "The term {value} cannot be used as {what_en} in the workbooks; they write {used}.",
    "Ett bladnamn har högst 31 tecken och inte tecknen [ ] : * ? / \\ '; ett blad eller en kolumn får inte "
    "heta som ett annat blad eller en annan kolumn i arbetsboken. Välj ett annat ord.",
    "A sheet name has at most 31 characters and none of [ ] : * ? / \\ '; a sheet or column must not be "
    "named like another sheet or column of the workbook. Choose another word.",
    example={"value": "Aktiviteter", "what": "bladnamn", "what_en": "sheet name", "used": "Enhetens mål",
             "sheet": "Begrepp", "cell": "B5"})


def _term(pattern: str) -> str | None:
    """The term a pattern names first ("Kopplat till {board_goal_lc}" -> "board_goal")."""
    names = [n for _, n, _, _ in string.Formatter().parse(pattern) if n]
    return names[0].removesuffix("_lc") if names else None


def check(data: dict, got: contract.Read, file: str) -> list:
    """Findings (Begrepp's cell) for each term a workbook writes otherwise than the master data says."""
    t = terms.of(data)
    if t == terms.Terms():
        return []
    w, out, seen = wording.words(t), [], set()
    for name in ("plan", "follow"):  # document.PLAN, document.FOLLOW: every sheet of either
        layout = wording.worded(name, contract.layout(name), t)
        for (tpl, key, column), parts in wording.WORDED.items():
            if tpl != name or key == "lists":
                continue
            sheet = next((s for s in layout["sheets"] if s["key"] == key), None)
            if sheet is None:
                continue
            if column:
                col = next((c for c in sheet["columns"] if c["key"] == column), None)
                pattern, used, what = parts.get("header"), col and col["header"], ("kolumnrubrik", "column header")
            else:
                pattern, used, what = parts.get("name"), sheet["name"], ("bladnamn", "sheet name")
            term = _term(pattern) if pattern else None
            if term is None or used is None or (term, what[0]) in seen:
                continue
            if " ".join(pattern.format_map(w).split()) != used:
                seen.add((term, what[0]))
                sheet_name, cell = got.where(f"/terms/{term}")
                out.append(TERM_UNUSABLE(file=file, sheet=sheet_name or "Begrepp", cell=cell, field=term,
                                         value=getattr(t, term),
                                         params={"what": what[0], "what_en": what[1], "used": used}))
    return out
