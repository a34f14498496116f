"""The data API (analysis.load, analysis.history): the CSV export's tables as typed DataFrames, for a
plan and for a follow-up, and a follow-up's figures as the units and boards wrote them in their
returned workbooks (read with openpyxl by tests/reference.py, not by the project's reader)."""
import csv
import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest

import reference
from rodtrad.consolidator import analysis

PLAN_TABLES = {"goals": "mal", "activities": "aktiviteter", "uppdrag": "uppdrag", "indicators": "nyckeltal",
               "swot": "swot", "development": "utveckling", "budget": "budget", "risks": "risker"}
FOLLOW_TABLES = {"summaries": "sammanfattning", "assessments": "bedomningar", "activities": "aktiviteter",
                 "uppdrag": "uppdrag", "indicators": "nyckeltal", "economy": "ekonomi", "actions": "atgarder",
                 "controls": "kontroller", "investments": "investeringar"}


def csv_rows(path: Path) -> tuple[list, list]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        header, *rows = list(csv.reader(handle, delimiter=";"))
    return header, rows


def same(value, text: str, dtype: str) -> bool:
    """A frame's cell is the CSV cell, read by its column's dtype: a number, a date, ja/nej, or the
    text (without the guard the export puts before a formula-shaped text)."""
    if text == "":
        return bool(pd.isna(value))
    if dtype == "boolean":
        return bool(value) == (text == "ja") and text in ("ja", "nej")
    if dtype.startswith("datetime64"):
        return value.date() == dt.date.fromisoformat(text)
    if dtype in ("float64", "Int64"):
        return float(value) == float(text.replace(",", "."))
    assert dtype == "string", dtype
    return value == (text[1:] if text[:1] == "'" and text[1:2] in "=+-@" else text)


@pytest.mark.parametrize("period, tables", [("2027-plan", PLAN_TABLES), ("2027-delar", FOLLOW_TABLES)])
def test_the_data_apis_frames_equal_the_csv_export_with_proper_types(demo_cycle, period, tables):
    """analysis.load gives the CSV export's tables cell for cell, typed: ids and texts as strings (leading
    zeros kept), amounts as numbers, dates as dates, yes/no as booleans; a plan's tables and a follow-up's."""
    root = demo_cycle["workspace"].root
    frames = analysis.load(root, period)
    export = root / "rapporter" / period / "export"
    assert set(frames) == set(tables)
    for key, frame in frames.items():
        header, rows = csv_rows(export / f"{tables[key]}.csv")
        assert list(frame.columns) == header and len(frame) == len(rows) > 0, key
        for i, row in enumerate(rows):
            for column, text in zip(header, row):
                assert same(frame.at[i, column], text, str(frame[column].dtype)), (key, i, column, text)
    typed = {"2027-plan": {"budget": {"m01": "float64", "frame": "float64"}, "activities": {"start": "datetime64"},
                           "risks": {"probability": "Int64"}, "indicators": {"unit_target": "float64"}},
             "2027-delar": {"economy": {"outcome": "float64", "forecast": "float64", "deviation": "float64",
                                        "budget_to_date": "float64", "o08": "float64"},
                            "indicators": {"outcome": "float64", "from_source": "boolean"},
                            "uppdrag": {"deadline": "datetime64"}, "activities": {"end": "datetime64", "carried": "boolean"},
                            "actions": {"effect": "float64"},
                            "investments": {"forecast": "float64", "deviation": "float64", "end": "datetime64"}}}[period]
    for key, columns in typed.items():
        for column, dtype in columns.items():
            assert str(frames[key][column].dtype).startswith(dtype), (key, column, frames[key][column].dtype)
    for frame in frames.values():
        assert str(frame["unit"].dtype) == "string"
    assert "0121" in set(frames["budget" if period == "2027-plan" else "economy"]["unit"])


def test_history_has_every_stored_period_and_an_unconsolidated_period_is_refused(demo_cycle):
    root = demo_cycle["workspace"].root
    history = analysis.history(root)
    assert list(history["runs"]["period"]) == ["2027-plan", "2027-T1", "2027-05", "2027-delar"]
    assert history["economy"].groupby("period")["unit"].nunique().to_dict() == {
        "2027-plan": 43, "2027-T1": 44, "2027-05": 49, "2027-delar": 49}
    with pytest.raises(analysis.NotConsolidated):
        analysis.load(root, "2027-helar")


def consolidated(root: Path, period: str) -> set:
    """(unit, file name) of every input the manifest says was consolidated."""
    manifest = json.loads((root / "rapporter" / period / "manifest.json").read_text(encoding="utf-8"))
    return {(str(e["unit"]), Path(e["path"]).name) for e in manifest["inputs"] if e.get("consolidated")}


def taken(frame: pd.DataFrame, keys: set) -> pd.DataFrame:
    return frame[[(u, f) in keys for u, f in zip(frame["unit"], frame["file"])]]


def as_dict(frame: pd.DataFrame, key: list, column: str) -> dict:
    return {tuple(str(k) for k in row[:-1]): (None if pd.isna(row[-1]) else row[-1])
            for row in frame[[*key, column]].itertuples(index=False)}


@pytest.mark.parametrize("period", ["2027-delar", "2027-05"])
def test_a_follow_ups_frames_hold_what_units_and_boards_wrote_in_their_returned_workbooks(demo_cycle, period):
    """Outcome to date, forecast, deviation and the months per unit and account; indicators' outcomes;
    activities' and uppdrag's statuses; goal assessments (the units' and the boards' own); control
    results: the data API against the returned workbooks read with openpyxl (tests/reference.py)."""
    root = demo_cycle["workspace"].root
    master = reference.Master.read(root / "styrmodell.xlsx")
    ref = reference.read_returned(root, master, period, follow=True)
    frames = {k: taken(f, consolidated(root, period)) for k, f in analysis.load(root, period).items()}
    units, levels = (frames["economy"][frames["economy"]["level"] == lv] for lv in ("enhet", "nämnd"))
    assert set(units["unit"]) == set(ref.units) and set(levels["unit"]) == set(ref.levels)
    economy = ref.economy.set_index(["unit", "account"])
    assert len(units) == len(economy)
    for row in units.itertuples(index=False):
        want = economy.loc[(row.unit, row.account)]
        assert round(row.outcome, 2) == round(want["outcome"], 2), (row.unit, row.account)
        assert round(row.budget, 2) == round(want["budget"], 2)
        forecast = want["budget"] if pd.isna(row.forecast) else row.forecast  # the reference reads a blank forecast as the budget
        assert round(forecast, 2) == round(want["forecast"], 2)
        assert pd.isna(row.deviation) if pd.isna(row.forecast) else round(row.deviation - (want["forecast"] - want["budget"]), 2) == 0
        months = [0 if pd.isna(getattr(row, f"o{i:02d}")) else getattr(row, f"o{i:02d}") for i in range(1, 13)]
        assert [round(m, 2) for m in months] == [round(want[f"m{i:02d}"], 2) for i in range(1, 13)]
    own = {(r.unit, r.account): r.budget if pd.isna(r.forecast) else r.forecast for r in levels.itertuples()}
    assert own == {(r.unit, r.account): r.forecast for r in ref.own_economy.itertuples()}
    if period == "2027-05":  # a month asks the units for the economy only
        assert all(frames[k].empty for k in ("assessments", "activities", "uppdrag", "indicators", "controls"))
        return
    unit_rows = {k: f[f["level"] == "enhet"] for k, f in frames.items()}
    outcomes = {k: v for k, v in as_dict(unit_rows["indicators"], ["unit", "id"], "outcome").items() if v is not None}
    assert outcomes == {(r.unit, r.id): r.value for r in ref.indicators.itertuples()} and outcomes
    statuses = as_dict(unit_rows["activities"], ["unit", "id"], "status")
    assert statuses == {(r.unit, r.id): r.status for r in ref.activities.itertuples()} and statuses
    assert as_dict(unit_rows["uppdrag"], ["unit", "id"], "status") == {(r.unit, r.id): r.status for r in ref.uppdrag.itertuples()}
    grade = {**reference.GRADE, None: reference.NONE}
    said = {k: grade.get(v, reference.NONE) for k, v in as_dict(unit_rows["assessments"], ["unit", "id"], "assessment").items()}
    assert said == {(r.unit, r.id): r.grade for r in ref.goals.itertuples()} and said
    boards = frames["assessments"][frames["assessments"]["level"] == "nämnd"]
    said = {k: grade.get(v, reference.NONE) for k, v in as_dict(boards, ["unit", "id"], "assessment").items()}
    assert said == {(r.unit, r.id): r.grade for r in ref.own_goals.itertuples()} and said
    controls = unit_rows["controls"]
    assert sorted(zip(controls["unit"], controls["performed"].fillna(""), controls["deviation"].fillna(""))) == \
        sorted((r.unit, r.performed or "", r.deviation or "") for r in ref.risks.itertuples())
    assert own  # the boards' own economy (their forecasts) in a delår
    summaries = frames["summaries"]
    assert set(summaries.loc[summaries["level"] == "nämnd", "unit"]) == set(ref.levels)


def test_a_plans_frames_hold_what_the_units_wrote_in_their_returned_workbooks(demo_cycle):
    """The plan's budget (frame and months per unit and account), the units' indicator targets and their
    activities, against the returned workbooks read with openpyxl (tests/reference.py)."""
    root = demo_cycle["workspace"].root
    master = reference.Master.read(root / "styrmodell.xlsx")
    ref = reference.read_returned(root, master, "2027-plan", follow=False)
    frames = {k: taken(f, consolidated(root, "2027-plan")) for k, f in analysis.load(root, "2027-plan").items()}
    months = [f"m{i:02d}" for i in range(1, 13)]
    got = {(r.unit, r.account): [round(r.frame, 2), *(round(getattr(r, m), 2) for m in months)]
           for r in frames["budget"].fillna(0).itertuples()}
    want = {(r.unit, r.account): [round(r.frame, 2), *(round(getattr(r, m), 2) for m in months)]
            for r in ref.economy.fillna(0).itertuples()}
    assert got == want and len(got) > 100
    targets = {k: v for k, v in as_dict(frames["indicators"], ["unit", "id"], "unit_target").items() if v is not None}
    assert targets == {(r.unit, r.id): r.value for r in ref.indicators.itertuples()} and targets
    assert set(zip(frames["activities"]["unit"], frames["activities"]["id"])) == \
        {(r.unit, r.id) for r in ref.activities.itertuples()}
    locked = frames["activities"][frames["activities"]["locked"].fillna(False)]
    assert set(zip(locked["unit"], locked["id"])) == {(r.unit, r.id) for r in ref.activities.itertuples() if r.locked}


def test_a_follow_ups_investment_answers_are_in_the_data_api_as_the_workbooks_hold_them(demo_cycle):
    """Each Investeringar row the period took in (a unit's, a förvaltning's or a board's): its forecast and
    comment as the returned workbook holds it (read here with openpyxl), and the deviation as the
    sheet defines it, budget − forecast (positive when a project spends less this year)."""
    from openpyxl import load_workbook

    root, period = demo_cycle["workspace"].root, "2027-delar"
    manifest = json.loads((root / "rapporter" / period / "manifest.json").read_text(encoding="utf-8"))
    want = {}
    for entry in manifest["inputs"]:
        if not entry.get("consolidated"):
            continue
        book = load_workbook(root / entry["path"], read_only=True, data_only=True)
        if "Investeringar" not in book.sheetnames:
            continue
        rows = [list(r) for r in book["Investeringar"].iter_rows(values_only=True)]
        head = next(i for i, r in enumerate(rows) if r and r[0] == "Projekt")
        at = {h: i for i, h in enumerate(rows[head]) if h}
        for r in rows[head + 1:]:
            if r and r[0]:
                want[(str(entry["unit"]), str(r[0]))] = (r[at["Prognos helår"]], r[at["Kommentar"]] or None)
    frame = taken(analysis.load(root, period)["investments"], consolidated(root, period))
    got = {(row.unit, row.id): (None if pd.isna(row.forecast) else row.forecast,
                                None if pd.isna(row.comment) else row.comment) for row in frame.itertuples()}
    assert got == want and want
    for row in frame.itertuples():
        assert pd.isna(row.forecast) and pd.isna(row.deviation) or round(row.deviation - (row.budget - row.forecast), 2) == 0
