"""One rule, two faces: every Kontroll row counts exactly what the validator finds for its rule.

The corpus (kontroll_corpus.py) is one unit's plan, month, T1, delår and helår and its board's own
delår follow-up, each mutated one rule at a time and a few at once, and recalculated by LibreOffice
in one batch. For every file and every Kontroll row: the row's count == the validator's findings of
the row's codes; and every finding the validator makes is foreseen by some row (counted there, or
listed as "kontrolleras när du lämnar in").
"""
import re
from collections import Counter

import pytest

from rodtrad.consolidator.model import document
from rodtrad.consolidator.reading.validate import validate_file
from rodtrad.consolidator.workbooks.workbook import letters
from rodtrad.consolidator.workbooks import kontroll

from kontroll_corpus import BATCHES, KINDS, kontroll as read_kontroll, recalculate_all, variants
from spreadsheet_engine import soffice

pytestmark = pytest.mark.skipif(soffice() is None, reason="LibreOffice is installed by `make test`")


@pytest.fixture(scope="session")
def corpus(year, tmp_path_factory):
    root = tmp_path_factory.mktemp("kontroll")
    master, books = year
    files = variants(books, root / "varianter")
    recalculated = recalculate_all([path for _, _, path in files], root)
    return master, [(kind, what, path, recalculated[path]) for kind, what, path in files]


def _labels(finding, layout) -> set[str]:
    """The names a check may count a finding by: code, code@table, code@table.column."""
    out = {finding.code}
    sheet = next((s for s in layout["sheets"] if s["name"] == finding.sheet), None)
    if sheet is None:
        return out
    out.add(f"{finding.code}@{sheet['key']}")
    letters = "".join(ch for ch in finding.cell if ch.isalpha())
    if letters and sheet.get("columns"):
        index = _index(letters)
        if index < len(sheet["columns"]):
            out.add(f"{finding.code}@{sheet['key']}.{sheet['columns'][index]['key']}")
    return out


def _index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch.upper()) - 64
    return n - 1


def test_every_kontroll_row_counts_what_the_validator_finds(corpus):
    master, files = corpus
    failures = []
    for kind, what, path, recalculated in files:
        sheet = read_kontroll(recalculated)
        task = validate_file(path, master, keep_document=True)
        layout = document.spec_of(task.document)
        declared = _declared(task.document, master)
        counted = Counter()
        unforeseen = []
        for f in task.findings:
            labels = _labels(f, layout)
            owners = [c.label for c in declared if labels & set(c.codes)]
            if len(owners) != 1:
                unforeseen.append((f.code, f.sheet, f.cell, owners))
            else:
                counted[owners[0]] += 1
        assert set(sheet) >= {c.label for c in declared}, (kind, what)
        for check in declared:
            shown = sheet[check.label]
            if check.formula is None:
                if shown != kontroll.AT_SUBMISSION:
                    failures.append((kind, what, check.label, shown))
            elif shown != counted[check.label]:
                failures.append((kind, what, check.label, f"Kontroll {shown}, validatorn {counted[check.label]}"))
        if unforeseen:
            failures.append((kind, what, "oförutsett", unforeseen))
        total = sum(counted[c.label] for c in declared if c.formula)
        if sheet["Att åtgärda totalt"] != total:
            failures.append((kind, what, "totalt", sheet["Att åtgärda totalt"], total))
        if what != "ren" and not any(isinstance(v, float) and v > 0 for v in sheet.values()) \
                and not any(c.formula is None and counted[c.label] for c in declared):
            failures.append((kind, what, "mutationen bröt ingen regel"))
    assert failures == []


def _declared(doc, master):
    """The checks the workbook's writer declares for this document: their labels and codes do not
    depend on where the tables end, so any bounds will do."""
    layout = document.spec_of(doc)
    bounds = {s["key"]: {"first": 5, "last": 5, "sheet": s["name"], "at": letters(s["columns"])}
              for s in document.tables(layout) if not s.get("optional") or doc.get(s["key"])}
    if doc["meta"].get("template") == "rodtrad.plan":
        return kontroll.plan(bounds, master)
    return kontroll.follow(bounds, master, doc["header"]["period_end"], doc["meta"].get("kind"))


def test_the_corpus_covers_every_period_kind_and_clean_files_are_ready(corpus):
    _, files = corpus
    assert {kind for kind, *_ in files} == set(KINDS)
    assert len(files) == len(KINDS) + sum(len(b) for b in BATCHES.values())
    for kind, what, _, recalculated in files:
        if what == "ren":
            total = read_kontroll(recalculated)
            assert total["Att åtgärda totalt"] == 0, kind


def test_no_message_on_the_corpus_shows_a_raw_float_an_english_word_or_blames_an_empty_value(corpus):
    master, files = corpus
    seen = 0
    for kind, what, path, _ in files:
        for f in validate_file(path, master).findings:
            seen += 1
            text = f"{f.message()} {f.hint()}"
            assert not re.search(r"\d\.\d", text), (kind, what, text)
            assert "(tomt) är inte" not in text and "?" not in f.message(), (kind, what, text)
            assert not re.search(r"\b(Error|File|None|True|False|nan)\b", text), (kind, what, text)
    assert seen > 50
