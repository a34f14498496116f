"""nytt-år's rules on the master data alone (workbooks/rollover.next_year): what is carried into the new
year, what is dropped, and why. The demo's whole roll-over (workspace, history, prefilled plans) is
tests/test_presets.py's."""
from __future__ import annotations

import pytest

from rodtrad.consolidator.reading import masterfile
from rodtrad.consolidator.workbooks import masterbook
from rodtrad.consolidator.workbooks.rollover import Summary, next_year
from rodtrad.samples import PRESETS, build


def roll(data: dict, docs=(), to: int = 2028) -> tuple[dict, Summary]:
    summary = Summary(to)
    return next_year(data, to, list(docs), summary), summary


def answers(*said: tuple[str, str]) -> list[dict]:
    """Returned documents whose uppdrag rows say (id, status)."""
    return [{"unit": f"U{i}", "document": {"uppdrag": [{"id": u, "status": s}]}} for i, (u, s) in enumerate(said)]


@pytest.mark.parametrize("preset", PRESETS)
def test_every_preset_rolled_into_the_next_year_passes_check_master(preset, tmp_path):
    new, _ = roll(build(preset))
    masterbook.write(new, tmp_path / "styrmodell.xlsx")
    master, findings = masterfile.load(tmp_path / "styrmodell.xlsx")
    assert findings == [] and master.years[0] == 2028


def test_a_goal_whose_years_end_is_dropped_with_what_hangs_on_it_alone():
    data = build("exempelkommun")
    for g in data["goals"]:
        if g["id"] in ("KF3", "SN1"):
            g["to_year"] = 2027
    new, summary = roll(data)
    goals = {g["id"]: g for g in new["goals"]}
    assert "KF3" not in goals and "SN1" not in goals and goals["KS2"]["parents"] == []  # KS2 was under KF3 alone
    indicators = {i["id"]: i["goals"] for i in new["indicators"]}
    assert "N5" not in indicators and "N6" not in indicators  # linked to SN1 only
    assert indicators["N7"] == ["SN3"]  # SN3 and KF3: KF3 removed, the indicator kept
    assert "Å5" not in {c["id"] for c in new["commitments"]}  # Å5 is linked to SN1 only
    assert "L1" not in {a["id"] for a in new["locked_activities"]}  # L1 is linked to KF3
    said = "\n".join(summary.dropped)
    for line in ("Mål KF3: gäller 2027–2027, inte 2028", "Nyckeltal N5: alla dess mål har upphört",
                 "Åtagande Å5: alla dess mål har upphört", "Låst aktivitet L1: kopplad till KF3"):
        assert line in said


@pytest.mark.parametrize("status, docs, carried", [
    ("genomfört", [], None),  # closed in the master data
    ("avslutat", answers(("U1", "Pågår")), None),
    ("ej påbörjat", answers(("U1", "Klart"), ("U1", "Klart")), None),  # every answer said Klart
    ("ej påbörjat", answers(("U1", "Klart"), ("U1", "Pågår")), "pågår"),  # someone still works on it
    ("ej påbörjat", [], "ej påbörjat"),  # nobody answered: its own status
])
def test_an_uppdrag_is_carried_with_its_status_until_it_is_closed(status, docs, carried):
    data = build("exempelkommun")
    data["uppdrag"][0]["status"] = status
    new, summary = roll(data, docs)
    kept = {u["id"]: u["status"] for u in new["uppdrag"]}
    assert kept.get("U1") == carried
    lines = summary.carried if carried else summary.dropped
    assert any(line.startswith("Uppdrag U1: ") for line in lines)


def test_frames_come_from_budget_planar_and_without_it_this_year_s_stay_with_a_note():
    data = build("exempelkommun")
    new, summary = roll(data)
    assert sorted((b["unit"], b["account"], b["amount"]) for b in new["budget"]) == \
        sorted((b["unit"], b["account"], b["amount"]) for b in data["budget_plan"] if b["year"] == 2028)
    assert {b["year"] for b in new["budget_plan"]} == {2029}
    data["budget_plan"] = []
    new, summary = roll(data)
    assert new["budget"] == data["budget"]
    assert any("uppdatera dem innan planerna skickas ut" in line for line in summary.carried)


@pytest.mark.parametrize("date, to, shifted", [
    ("2027-02-28", 2028, "2028-02-29"),  # the end of February is still the end of February
    ("2028-02-29", 2029, "2029-02-28"),
    ("2027-04-30", 2028, "2028-04-30"),
    ("2027-05-12", 2029, "2029-05-12"),
])
def test_the_calendar_moves_on_and_a_month_end_stays_a_month_end(date, to, shifted):
    data = build("vimmerby")
    data["municipality"]["budget_year"] = int(date[:4])
    data["periods"] = [{"id": f"{date[:4]}-02", "name": f"Februari {date[:4]}", "date": date, "deadline": None,
                        "kind": "månad"}]
    new, _ = roll(data, to=to)
    assert new["periods"][0]["date"] == shifted and new["periods"][0]["id"] == f"{to}-02"


def test_a_year_whose_goals_all_end_rolls_into_a_workspace_that_says_what_to_complete(tmp_path):
    from rodtrad.consolidator.workbooks.masterbook import init
    from rodtrad.consolidator.workbooks.rollover import roll as roll_workspace

    data = build("solleftea")
    for g in data["goals"]:
        g["to_year"] = 2027  # a model that decides its goals year by year
    old = init(tmp_path / "2027", data).root
    folder, summary = roll_workspace(old, 2028, tmp_path / "2028")
    assert (folder / "styrmodell.xlsx").exists() and not list(folder.glob("utskick/*/*.xlsx"))
    assert any(line.startswith("Regler!B6: ") and "inga nämndmål" in line for line in summary.to_do)
    text = (folder / "nytt-år-2028.txt").read_text("utf-8")
    assert "Att komplettera i nästa års styrmodell" in text and "Mål M1: gäller 2027–2027, inte 2028" in text


def test_activities_still_open_reach_the_plans_generated_once_next_years_model_is_completed(tmp_path, monkeypatch):
    """The council decides next year's goals after the roll-over: the workspace has no plans yet. The
    open activities wait in the new workspace and are prefilled when the completed model's plans are
    generated (and again if they are generated again), their links kept where the new model has them."""
    from openpyxl import load_workbook

    from rodtrad.consolidator.workbooks import carried, rollover
    from rodtrad.consolidator.workbooks.generate import generate
    from rodtrad.consolidator.workbooks.masterbook import init

    data = build("solleftea")
    completed, _ = roll(build("solleftea"))  # next year's model as the economy department completes it
    for g in data["goals"]:
        g["to_year"] = 2027
    old = init(tmp_path / "2027", data).root
    unit = next(u["id"] for u in data["org"] if u["level"] == "enhet")
    masterbook.write(completed, tmp_path / "klar.xlsx")
    link = masterfile.load(tmp_path / "klar.xlsx")[0].board_goals(unit)[0].id  # a goal the unit may link to
    docs = [{"unit": unit, "valid": True, "document": {"activities": [
        {"id": "A07", "text": "Bygga om skolgården.", "link": link, "perspective": None, "status": "Pågår",
         "start": "2027-03-01", "end": "2028-05-31", "responsible": "Rektor"},
        {"id": "A08", "text": "Klar sak.", "link": link, "status": "Klar", "start": "2027-01-01", "end": "2027-02-01"},
        {"id": "A09", "text": "Gammal länk.", "link": "FINNS-INTE", "status": "Försenad", "start": "2027-01-01",
         "end": "2027-10-01"}]}}]
    monkeypatch.setattr(rollover, "last_documents", lambda root, master: ("2027-helar", docs))
    folder, summary = rollover.roll(old, 2028, tmp_path / "2028")
    assert not list(folder.glob("utskick/*/*.xlsx")) and summary.to_do  # the model is to be completed first
    assert [r["id"] for r in carried.load(folder, 2028)[unit]] == ["A07", "A09"]
    masterbook.write(completed, folder / "styrmodell.xlsx")  # completed: its goals hold 2028
    master, findings = masterfile.load(folder / "styrmodell.xlsx")
    assert master is not None, findings
    plan = master.period(None)
    for run in ("first", "again"):
        paths = generate(master, plan.id, folder / "utskick" / plan.id, units=[unit], jobs=1, root=folder,
                         now="2027-11-01 08:00:00")
        ws = load_workbook(paths[0])["Aktiviteter"]
        rows = {r[2]: r for r in ws.iter_rows(values_only=True) if r and r[2] in ("Bygga om skolgården.", "Gammal länk.")}
        assert set(rows) == {"Bygga om skolgården.", "Gammal länk."}, run
        assert any(str(v).startswith(link) for v in rows["Bygga om skolgården."] if v), rows  # its link kept
        assert not any(str(v).startswith("FINNS-INTE") for v in rows["Gammal länk."] if v)  # the new model lacks it
