"""The model's words in the workbook layouts (model/wording.py): Exempelkommun's render the JSON's own
texts, and any words a master data may hold give sheet names Excel accepts and headers the reader can
tell apart."""
from __future__ import annotations

import re

from hypothesis import given, settings, strategies as st

from rodtrad.consolidator.model import contract, document, wording
from rodtrad.consolidator.model.terms import DEFAULTS, Terms

TEMPLATES = (document.PLAN, document.FOLLOW)


def test_exempelkommuns_words_render_exactly_the_layouts_own_sheet_names_headers_and_list_titles():
    w = wording.words(Terms())
    for (name, key, column), parts in wording.WORDED.items():
        layout = contract.layout(name)
        if key == "lists":
            assert parts["title"].format_map(w) == layout["lists"][column], (name, column)
            continue
        sheet = next(s for s in layout["sheets"] if s["key"] == key)
        if column:
            assert parts["header"].format_map(w) == next(c["header"] for c in sheet["columns"] if c["key"] == column)
        elif "name" in parts:
            assert parts["name"].format_map(w) == sheet["name"]


def test_a_models_words_reach_the_sheet_the_headers_and_the_lists_and_leave_the_json_untouched():
    t = Terms(board_goal="Nämndens mål", unit_goal="Delmål", perspective="Område")
    plan = document.spec(document.PLAN, words=t)
    goals = next(s for s in plan["sheets"] if s["key"] == "goals")
    assert goals["name"] == "Delmål"
    assert [c["header"] for c in goals["columns"]][2:4] == ["Kopplat till nämndens mål", "Område"]
    assert plan["lists"]["perspektiv"] == "Område" and plan["lists"]["namndmal"] == "Nämndens mål"
    assert next(s for s in contract.layout(document.PLAN)["sheets"] if s["key"] == "goals")["name"] == "Enhetens mål"
    assert "Delmål" in document.sheet_names(t) and "Delmål" not in document.sheet_names()


def test_a_word_that_would_name_another_sheet_or_column_keeps_the_layouts_own():
    t = Terms(unit_goal="Aktiviteter", perspective="Kommentar")
    plan = document.spec(document.PLAN, words=t)
    goals = next(s for s in plan["sheets"] if s["key"] == "goals")
    assert goals["name"] == "Enhetens mål"
    assert [c["header"] for c in goals["columns"]].count("Kommentar") == 1
    assert wording.safe_sheet_name("Mål: [2027]/*?\\' enhet" + "x" * 40) == ("Mål 2027 enhet" + "x" * 40)[:31]


WORD = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=45)


@settings(max_examples=150, deadline=None)
@given(st.fixed_dictionaries({k: WORD for k in DEFAULTS}))
def test_any_words_give_excel_sheet_names_and_headers_the_reader_tells_apart(said):
    t = Terms(**{k: v.strip() or DEFAULTS[k] for k, v in said.items()})
    for name in TEMPLATES:
        for kind, level in ((None, None), *((k, lv) for k in document.KINDS for lv in document.LEVELS)):
            layout = document.spec(name, kind, level, words=t) if name == document.FOLLOW or kind is None else None
            if layout is None:
                continue
            names = [s["name"] for s in layout["sheets"]]
            fixed = [n.casefold() for n in wording.FIXED_SHEETS]
            assert len({n.casefold() for n in names}) == len(names) and not {n.casefold() for n in names} & set(fixed)
            for n in names:
                assert 0 < len(n) <= 31 and not re.search(r"[\[\]:*?/\\']", n), n
            for sheet in (s for s in layout["sheets"] if s["kind"] == "table"):
                headers = [contract.norm(c["header"]) for c in sheet["columns"]]
                assert all(headers) and len(set(headers)) == len(headers), (sheet["key"], headers)
                grid = [[None] * 3, [c["header"] for c in sheet["columns"]]]
                row, found = contract.find_header(grid, [c["header"] for c in sheet["columns"]])
                assert row == 1 and len(found) == len(headers)


def test_hostile_words_become_text_and_safe_sheet_names_and_the_filled_workbook_still_validates(tmp_path):
    """Words typed on Begrepp that look like formulas or break Excel's sheet name rules: generated,
    filled and read back, they are plain text and an Excel-safe sheet name, and the plan validates."""
    import random

    from openpyxl import load_workbook

    from rodtrad.consolidator.model.masterdata import MasterData
    from rodtrad.consolidator.reading.validate import validate_file
    from rodtrad.consolidator.workbooks.generate import generate
    from rodtrad.samples import build, filler

    data = build("exempelkommun")
    data["terms"] = {"unit_goal": "Mål: [2027]/enhet", "perspective": "=HYPERLINK(\"x\")", "board_goal": "+Nämndens mål"}
    master = MasterData(data)
    plan = master.period(None)
    (sent,) = generate(master, plan.id, tmp_path / "ut", units=["2111"], jobs=1)
    wb = load_workbook(sent)
    assert "Mål 2027enhet" in wb.sheetnames
    formulas = [c.value for ws in wb for row in ws.iter_rows() for c in row if c.data_type == "f"]
    assert not [f for f in formulas if "HYPERLINK" in f or "Nämndens" in f]
    headers = [c.value for c in next(r for r in wb["Mål 2027enhet"].iter_rows() if "Mål" in [c.value for c in r])]
    assert "=HYPERLINK(\"x\")" in headers and "Kopplat till +Nämndens mål" in headers
    filled = tmp_path / "in" / sent.name
    assert filler.fill(sent, filled, random.Random(1), master=master) == []
    assert validate_file(filled, master).findings == []


def test_check_master_warns_with_begrepps_cell_when_a_word_cannot_name_a_sheet_or_column(tmp_path):
    from rodtrad.consolidator.reading import masterfile
    from rodtrad.consolidator.workbooks.masterbook import init
    from rodtrad.samples import build

    data = build("solleftea")
    data["terms"] = {**data["terms"], "unit_goal": "Aktiviteter", "perspective": "Kommentar"}
    ws = init(tmp_path / "kommun", data)
    master, findings = masterfile.load(ws.master_file)
    assert master is not None
    said = {(f.field, f.sheet): f for f in findings if f.code == "master.term_unusable"}
    assert set(said) == {("unit_goal", "Begrepp"), ("perspective", "Begrepp")}
    assert all(f.cell for f in said.values())
    assert said[("unit_goal", "Begrepp")].message() == (
        "Begreppet Aktiviteter kan inte användas som bladnamn i arbetsböckerna; de skriver Enhetens mål.")
    _, fine = masterfile.load(init(tmp_path / "sollefteå", build("solleftea")).master_file)
    assert fine == []
