"""check-master finds master data that makes a valid return impossible, with sheet and cell; and the
property behind it: for master data drawn at random within the schema (goals, commitments, uppdrag,
locked activities, minimums, plan years, the calendar), either check-master reports a finding, or every
unit's workbook of every period (the plan and each follow-up of the calendar) can be filled so that it
validates without errors.

`make test` runs a few derandomised examples; `make fuzz` many random ones."""
from __future__ import annotations

import datetime as dt
import os
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, example, given, settings, strategies as st
from openpyxl import load_workbook

from rodtrad.consolidator.model import document
from rodtrad.consolidator.model.workspace import workbook_name
from rodtrad.consolidator.reading import masterfile, sent
from rodtrad.consolidator.reading.validate import validate_file
from rodtrad.consolidator.workbooks import followdocs, masterbook, planbook
from rodtrad.consolidator.workbooks.generate import generate
from rodtrad.samples import build, filler, followfill

FUZZ = os.environ.get("RODTRAD_FUZZ") == "1"
N = int(os.environ.get("RODTRAD_FUZZ_EXAMPLES", 200)) if FUZZ else None


def load(data: dict, tmp_path, name="styrmodell.xlsx"):
    """check-master's answer on the master data written as the economy department keeps it (a
    `_typed` entry: cells then typed over by hand, as (sheet, cell, value))."""
    path = tmp_path / name
    typed = data.pop("_typed", [])
    masterbook.write(data, path)
    if typed:
        wb = load_workbook(path)
        for sheet, cell, value in typed:
            wb[sheet][cell] = value
        wb.save(path)
    return masterfile.load(path)


def found(findings) -> list[tuple]:
    return sorted((f.sheet, f.cell, f.code) for f in findings)


def ostersund_as_published(data):  # the case: LÅ1 with neither goal link nor perspective
    data["locked_activities"][0].update(link=None, perspective=None)
    return [("Låsta aktiviteter", "C2", "master.locked_incomplete"), ("Låsta aktiviteter", "D2", "master.locked_incomplete")]


def locked_without_dates(data):
    data["locked_activities"][0].update(start=None)
    return [("Låsta aktiviteter", "F2", "master.locked_incomplete")]


def locked_ends_before_it_starts(data):
    data["locked_activities"][0].update(start="2027-06-01", end="2027-05-01")
    return [("Låsta aktiviteter", "G2", "master.locked_dates")]


def locked_after_the_plan_years(data):
    data["locked_activities"][0].update(end="2031-03-31")
    return [("Låsta aktiviteter", "G2", "master.locked_dates")]


def locked_linked_to_another_boards_goal(data):
    data["locked_activities"][0].update(link="VON-N1")  # set for every unit, a goal of one board only
    return [("Låsta aktiviteter", "C2", "master.locked_link_outside")]


def more_goals_than_rows(data):
    data["rules"]["min_goals"] = 16
    return [("Regler", "B6", "master.minimum_too_high")]


def more_activities_than_rows(data):
    data["rules"]["min_activities"] = 61
    return [("Regler", "B5", "master.minimum_too_high")]


def plan_years_before_the_budget_year(data):
    data["municipality"]["plan_years"] = ["2026"]
    return [("Kommun", "B4", "master.plan_years")]


def a_board_without_goals(data):
    data["goals"] = [g for g in data["goals"] if g["owner"] != "100"]
    data["indicators"] = [dict(i, goals=[g for g in i["goals"] if not g.startswith("KS-")]) for i in data["indicators"]]
    data["commitments"] = [c for c in data["commitments"] if c["owner"] != "110"]
    # per unit under the board: nothing to link own goals (B6) nor activities (B5) to
    return [("Regler", "B6", "master.nothing_to_link"), ("Regler", "B5", "master.nothing_to_link")] * 3


# -- the calendar (Perioder: plan, T1, delår, helår in rows 2-5) and the plan years' frames --------

def period_without_a_date(data):
    data["periods"][1].update(date=None)
    return [("Perioder", "C3", "field.required")]


def period_date_that_is_not_a_date(data):
    data["_typed"] = [("Perioder", "C3", "30 april")]
    return [("Perioder", "C3", "value.unreadable")]


def follow_up_after_the_budget_year(data):
    data["periods"][1].update(date="2028-04-30", deadline="2028-05-12")
    return [("Perioder", "C3", "master.period_outside_year")]


def plan_sent_two_years_early(data):
    data["periods"][0].update(date="2025-10-31", deadline="2025-12-15")
    return [("Perioder", "C2", "master.period_outside_year")]


def deadline_before_the_period_ends(data):
    data["periods"][1].update(deadline="2027-04-15")
    return [("Perioder", "D3", "master.period_deadline")]


def periods_of_one_kind_out_of_order(data):
    data["periods"].append({"id": "2027-T0", "name": "Tertial 0", "date": "2027-03-31", "deadline": "2027-04-12",
                            "kind": "tertial"})
    return [("Perioder", "C6", "master.period_order")]


def two_periods_of_one_kind_in_one_month(data):
    data["periods"].append({"id": "2027-T1b", "name": "Tertial 1 igen", "date": "2027-04-15",
                            "deadline": "2027-05-12", "kind": "tertial"})
    return [("Perioder", "C6", "master.period_order")]


def a_second_helar(data):
    data["periods"].append(dict(data["periods"][3], id="2027-helar2"))
    return [("Perioder", "C6", "master.period_order")]


def calendar_without_helar(data):
    data["periods"] = [p for p in data["periods"] if p["kind"] != "helår"]
    return [("Perioder", "", "master.no_year_end_period")]


def frames_for_a_year_the_plan_lacks(data):
    data["budget_plan"] = [{"unit": "111", "account": "5010", "year": 2028, "amount": 1000.0},
                           {"unit": "111", "account": "5010", "year": 2031, "amount": 1000.0}]
    return [("Budget planår", "C3", "master.budget_plan_year")]


def plan_year_frames_for_a_unit_not_in_the_organisation(data):
    data["budget_plan"] = [{"unit": "999", "account": "5010", "year": 2028, "amount": 1000.0}]
    return [("Budget planår", "A2", "master.unknown_ref")]


KINDS = [period_without_a_date, period_date_that_is_not_a_date, follow_up_after_the_budget_year,
         plan_sent_two_years_early, deadline_before_the_period_ends, periods_of_one_kind_out_of_order,
         two_periods_of_one_kind_in_one_month, a_second_helar, calendar_without_helar,
         frames_for_a_year_the_plan_lacks, plan_year_frames_for_a_unit_not_in_the_organisation,
         ostersund_as_published, locked_without_dates, locked_ends_before_it_starts, locked_after_the_plan_years,
         locked_linked_to_another_boards_goal, more_goals_than_rows, more_activities_than_rows,
         plan_years_before_the_budget_year, a_board_without_goals]


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.__name__)
def test_check_master_names_the_cell_of_master_data_no_unit_can_answer(kind, tmp_path):
    data = build("ostersund")
    want = kind(data)
    master, findings = load(data, tmp_path)
    assert master is None
    assert found(findings) == sorted(want)


def test_every_preset_can_be_answered(tmp_path):
    for preset in ("exempelkommun", "ostersund", "vimmerby", "solleftea"):
        master, findings = load(build(preset), tmp_path, f"{preset}.xlsx")
        assert master is not None and findings == [], preset


# -- the property -------------------------------------------------------------------------------

DATES = st.sampled_from([None, "2026-06-01", "2027-01-01", "2027-03-15", "2027-06-30", "2027-12-31", "2028-03-01",
                         "2030-01-01", "2027-09-01", "2027-02-01"])
LOCKED = st.fixed_dictionaries({
    "text": st.sampled_from(["Arbetsplatsträff varje månad.", "Medarbetarsamtal med alla.", "Servicemätning."]),
    "link": st.sampled_from([None, "M1", "M2", "M6", "M1", "UN-1", "SN-2", "KS-6", "ÅT1", "UPP1"]),
    "perspective": st.sampled_from([None, "K1", "K2", "K6"]),
    "units": st.sampled_from([["alla"], ["2"], ["201"], ["3", "1"], ["30"]]),
    "start": DATES, "end": DATES})
FITTING = st.fixed_dictionaries({  # a locked activity every unit can carry, so that the follow-ups are reached
    "text": st.sampled_from(["Arbetsplatsträff varje månad.", "Medarbetarsamtal med alla."]),
    "link": st.sampled_from(["M1", "M2"]), "perspective": st.sampled_from(["K1", "K2"]),
    "units": st.sampled_from([["alla"], ["2"]]), "start": st.sampled_from(["2027-01-01", "2027-03-15"]),
    "end": st.sampled_from(["2027-06-30", "2027-12-31"])})
FOLLOW_UPS = st.sampled_from([("månad", "2027-01-31"), ("månad", "2027-02-28"), ("månad", "2027-06-15"),
                              ("månad", "2027-11-30"), ("tertial", "2027-04-30"), ("tertial", "2027-12-31"),
                              ("delår", "2027-08-31"), ("delår", "2027-07-31"),
                              ("tertial", "2027-11-15")])  # a new activity then may run into next year
FAULTS = st.sampled_from([None] * 6 + ["after the year", "plan too early", "deadline first", "out of order",
                                       "two helår", "no helår"])


@st.composite
def calendars(draw, faulty: bool = True) -> list[dict]:
    """A plan, up to three follow-ups and a helår in date order, now and then with one fault of the kinds
    check-master knows (or with none and still a trap: a tertial on the year's last day beside the helår)."""
    rows = [("plan", "2026-10-31")] + sorted(draw(st.lists(FOLLOW_UPS, max_size=3, unique=True)), key=lambda r: r[1])
    rows.append(("helår", "2027-12-31"))
    fault = draw(FAULTS) if faulty else None
    late = {"deadline first": draw(st.integers(0, len(rows) - 1))}.get(fault)
    if fault == "after the year":
        rows.insert(-1, ("tertial", "2028-04-30"))
    elif fault == "plan too early":
        rows[0] = ("plan", "2025-10-31")
    elif fault == "out of order" and len(rows) > 3:
        rows[1], rows[2] = rows[2], rows[1]
    elif fault == "two helår":
        rows.append(("helår", "2027-12-31"))
    elif fault == "no helår":
        rows.pop()
    out = []
    for i, (kind, date) in enumerate(rows):
        deadline = dt.date.fromisoformat(date) + dt.timedelta(days=-5 if i == late else 12)
        out.append({"id": f"P{i}", "name": f"{kind.capitalize()} {date}", "date": date, "deadline": deadline.isoformat(),
                    "kind": kind, "asks": None})
    return out


def one_unit_per_board() -> dict:
    data = build("solleftea")
    keep = {"101", "201", "301"}
    data["org"] = [r for r in data["org"] if r["level"] != "enhet" or r["id"] in keep]
    data["people"] = [p for p in data["people"] if p["unit"] in keep]
    data["budget"] = [b for b in data["budget"] if b["unit"] in keep]
    return data


def every_kind_of_period() -> dict:
    """The example `make test` always runs: a month, a tertial, a delår and a helår, and a locked
    activity due before the delår (its follow-ups must say why it is not done)."""
    data = one_unit_per_board()
    data["periods"] = [p for p in data["periods"] if p["kind"] != "månad" or p["date"] == "2027-01-31"]
    data["locked_activities"] = [{"id": "GEM1", "text": "Arbetsplatsträff varje månad.", "link": "M1",
                                  "perspective": "K1", "units": ["alla"], "start": "2027-01-01", "end": "2027-06-30"}]
    return data


TRAPS = ("rules", "plan years", "goals", "locked", "calendar", "budget plan")


@st.composite
def models(draw) -> dict:
    """Sollefteå's model, one unit per board, varied within the schema where answerability is at stake.
    A third of the models are drawn where every unit can answer; the others have one aspect (a trap) drawn
    from its whole range, which may or may not make them unanswerable. Measured on 100 drawn models: 72 pass
    check-master and go on to answer the year, 28 get findings of eleven kinds. (Every aspect drawn
    from its whole range at once: 20 of 80 passed, so few models reached the year's answers.)"""
    trap = draw(st.sampled_from([None] * 3 + list(TRAPS)))
    data = one_unit_per_board()
    wide = trap == "rules"
    data["rules"].update(min_goals=draw(st.integers(0, 17) if wide else st.integers(0, 4)),
                         min_activities=draw(st.integers(0, 62) if wide else st.integers(0, 6)),
                         explain_sek=draw(st.sampled_from([None, 0, 50_000])),
                         action_plan_sek=draw(st.sampled_from([None, 0, 200_000])),
                         action_plan_pct=draw(st.sampled_from([None, 0.5, 2])),
                         budget_must_match_frame=draw(st.booleans()))
    data["municipality"]["plan_years"] = draw(st.sampled_from([[], ["2028"], ["2028", "2029"]] +
                                                              ([["2026"], ["2029"]] if trap == "plan years" else [])))
    without = draw(st.sampled_from(["1", "2", "3"])) if trap == "goals" else None  # a board without goals of its own
    data["goals"] = [g for g in data["goals"] if g["owner"] != without]
    if draw(st.booleans()):
        data["commitments"] = [{"id": "ÅT1", "owner": "20", "goals": ["UN-1"], "text": "Ett åtagande."}]
    if draw(st.booleans()):
        data["uppdrag"] = [{"id": "UPP1", "text": "Ett uppdrag.", "boards": ["3"], "resources": 0,
                            "start": "2027-01-01", "deadline": "2027-12-31", "status": "ej påbörjat"}]
    data["locked_activities"] = [dict(a, id=f"GEM{i}") for i, a in enumerate(
        draw(st.lists(st.one_of(FITTING, LOCKED) if trap == "locked" else FITTING, max_size=2)), 1)]
    data["periods"] = draw(calendars(faulty=trap == "calendar"))
    for ind in data["indicators"]:  # thresholds in any order, or none: a red one needs a comment, no more
        ind.update(direction=draw(st.sampled_from(["högre", "lägre"])),
                   green=draw(st.sampled_from([None, 1, 75, 1000])), red=draw(st.sampled_from([None, 1, 65, 1000])),
                   target=draw(st.sampled_from([None, 7, 75])))
    years = [int(y) for y in data["municipality"]["plan_years"]]
    data["budget_plan"] = [{"unit": "101", "account": "5010", "year": y, "amount": 1000.0}
                           for y in draw(st.sampled_from([[], years[:1]] + ([[2031]] if trap == "budget plan" else [])))]
    return data


def errors(task) -> list[tuple]:
    return [(task.file, f.sheet, f.cell, f.code, f.message()) for f in task.findings if f.severity == "error"]


def answer_the_year(master, folder: Path) -> list[tuple]:
    """Every unit answers every period of the calendar, in date order, as the samples' fillers do: the plan
    from its generated workbook; each follow-up prefilled from the unit's validated plan and its latest
    follow-ups (as generate does from a workspace's consolidations), its sent copy kept for validation.
    The errors found, [] when every workbook validates."""
    found, plans, last, full = [], {}, {}, {}
    plan = master.period(None).id
    for path in generate(master, plan, folder / "utskick" / plan, jobs=1):
        filled = folder / "inkorg" / plan / path.name
        filler.fill(path, filled, random.Random(path.name), master=master)
        task = validate_file(filled, master, keep_document=True)
        found += errors(task)
        plans[task.unit] = task.document
    for period in sorted((p for p in master.periods if p.kind != "plan"), key=lambda p: p.date):
        outbox, stamp = folder / "utskick" / period.id, f"{period.date} 08:00:00"
        docs = {u: followdocs.prefill(master, u, period.id, followdocs.Basis(
            plan=plans.get(u), last=last.get(u), last_full=full.get(u))) for u in master.unit_ids}
        for doc in docs.values():
            doc["meta"]["generated"], doc["meta"]["hash"] = stamp, document.content_hash(doc)
        outbox.mkdir(parents=True)
        sent.write_sent(outbox, list(docs.values()))
        for unit, doc in docs.items():
            path = outbox / workbook_name(unit, master.by_id[unit].name, period.id)
            planbook.write(doc, followdocs.lists(master, unit), master, path, stamp)
            filled = folder / "inkorg" / period.id / path.name
            followfill.fill(path, filled, random.Random(path.name), master)
            task = validate_file(filled, master, keep_document=True, sent=sent.SentCopies(folder))
            found += errors(task)
            last[unit] = task.document
            if period.kind != "månad":
                full[unit] = task.document
    return found


@settings(max_examples=N or 8, deadline=None, derandomize=not FUZZ,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=models())
@example(data=every_kind_of_period())
def test_either_check_master_finds_something_or_every_unit_answers_every_period_validly(data, tmp_path_factory):
    folder = tmp_path_factory.mktemp("modell")
    master, findings = load(data, folder)
    if master is None:
        assert findings  # check-master said why
        event(f"check-master: {sorted({f.code for f in findings})}")
        return
    event(f"every unit answered {len(master.periods)} periods")
    assert answer_the_year(master, folder) == [], (data["rules"], data["municipality"]["plan_years"],
                                                   data["locked_activities"], data["periods"])
