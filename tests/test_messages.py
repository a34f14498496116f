"""Messages say what the unit did and what to do, in Swedish, with names and Swedish numbers."""
import re

import pytest

from rodtrad.consolidator.model.findings import number
from rodtrad.consolidator.reading.sent import SentCopies
from rodtrad.consolidator.reading.validate import validate_file

import kontroll_corpus as kc
from kontroll_corpus import _first, carried, empty, mutate


def findings(path, master, code, sent=None):
    return [f for f in validate_file(path, master, sent=sent).findings if f.code == code]


@pytest.fixture
def changed(year, tmp_path):
    master, books = year

    def _change(kind, *mutations):
        dst = tmp_path / f"{kind}.xlsx"
        mutate(books[kind], dst, mutations)
        return dst
    return master, _change


def test_a_new_activity_past_its_end_date_still_pagar_says_so_and_offers_both_ways_out(changed):
    master, change = changed
    (f,) = findings(change("delår", kc.late_still_going), master, "followup.overdue")
    assert re.fullmatch(r"Aktiviteten A\d+ \(Ny aktivitet som skulle vara klar i februari\) skulle vara klar "
                        r"2027-02-01, men statusen är fortfarande ”Pågår” och kommentar saknas\.", f.message())
    assert f.hint() == ("Är den klar: välj Klar. Annars: skriv i Kommentar vad som har hänt och när den blir klar, "
                        "eller ändra slutdatumet.")


def test_a_carried_activity_past_its_end_date_is_not_told_to_move_the_locked_date(changed):
    master, change = changed

    def overdue_carried(s):
        act = s["activities"]
        row_id = _first(act, lambda sh, r: carried(sh, r) and str(sh.get(r, "end"))[:10] < "2027-08-31")
        act.set(row_id, "status", "Pågår")
        act.set(row_id, "comment", None)
    (f,) = findings(change("delår", overdue_carried), master, "followup.overdue")
    assert "fortfarande ”Pågår”" in f.message() and "(" in f.message()
    assert "slutdatum" not in f.hint() and "välj Klar" in f.hint()


def test_an_activity_marked_forsenad_without_comment_is_told_what_to_write(changed):
    master, change = changed
    (f,) = findings(change("delår", kc.late_marked), master, "followup.late_comment")
    assert "har status Försenad men ingen kommentar" in f.message() and "när aktiviteten blir klar" in f.hint()


def test_an_empty_choice_must_be_filled_in_rather_than_being_an_unallowed_value(changed):
    master, change = changed

    def swot_without_kind(s):
        swot = s["swot"]
        swot.set(_first(swot, empty("kind")), "text", "Ny lokal till hösten.")
    found = validate_file(change("plan", swot_without_kind), master).findings
    assert [f.message() for f in found] == ["Typ måste fyllas i."]


def test_too_few_own_goals_does_not_advise_adding_rows_to_a_protected_sheet(changed):
    master, change = changed
    (f,) = findings(change("plan", kc.no_own_goals), master, "plan.too_few")
    assert "Lägg till" not in f.hint() and "gula raderna" in f.hint()


def test_a_changed_ledger_outcome_shows_the_old_amount_in_swedish(changed, year):
    master, change = changed

    def outcome(s):
        eco = s["economy"]
        row_id = _first(eco, lambda sh, r: isinstance(sh.get(r, "outcome"), (int, float)) and sh.get(r, "outcome") > 10_000)
        eco.set(row_id, "outcome", 1.5)
    root = year[1]["tertial"].parents[2]
    (f,) = findings(change("tertial", outcome), master, "followup.outcome_changed", SentCopies(root))
    was = f.message().split("(var: ")[1]
    assert re.fullmatch(r"\d{1,3}( \d{3})+(,\d{1,2})?\)\.", was), f.message()


def test_goals_and_accounts_are_named_not_only_numbered(changed):
    master, change = changed
    (goal,) = findings(change("tertial", kc.blank("assessments", "assessment")), master, "followup.assessment_missing")
    assert goal.message().startswith("Målet ") and "(" in goal.message()
    (account,) = findings(change("månad", kc.blank("economy", "forecast")), master, "followup.forecast_missing")
    assert account.message().startswith("Konto 3100 (")


@pytest.mark.parametrize("value, text", [(1691001.59, "1 691 001,59"), (-151000.0, "−151 000"), (75.9, "75,9"),
                                         (0.693, "0,693"), (2027, "2027"), (5010, "5010"), (250000, "250 000")])
def test_numbers_in_messages_are_written_the_swedish_way(value, text):
    assert number(value) == text


@pytest.mark.parametrize("content", [b"PK\x03\x04" + b"\x00" * 40, b"PK\x05\x06" + b"\x00" * 18,
                                     b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + b"garbage" * 20])
def test_a_broken_file_is_described_in_swedish_without_library_names(content, year, tmp_path):
    master, _ = year
    path = tmp_path / "2111 trasig.xlsx"
    path.write_bytes(content)
    (f,) = validate_file(path, master).findings
    text = f.message() + " " + f.hint()
    assert "BadZip" not in text and "Error" not in text and "zip" not in text.split("(")[0].lower()
    assert f.message().startswith("Filen ")


def test_a_perspective_or_goal_typed_by_its_name_is_read_as_its_id(changed):
    master, change = changed
    perspective = master.perspectives[1]
    goal = master.board_goals("2111")[0]

    def by_name(s):
        act, goals = s["activities"], s["goals"]
        act.set(_first(act, kc.own_activity), "perspective", f"  {perspective.name.upper()} ")
        goals.set(_first(goals, kc.filled("text")), "parent", goal.text)
    path = change("plan", by_name)
    task = validate_file(path, master, keep_document=True)
    assert task.findings == []
    assert perspective.id in [a["perspective"] for a in task.document["activities"]]
    assert task.document["goals"][0]["parent"] == goal.id


def test_a_name_that_names_nothing_is_still_a_finding(changed):
    master, change = changed
    path = change("plan", kc.put("activities", "perspective", "Något helt annat", kc.own_activity))
    assert [f.code for f in validate_file(path, master).findings] == ["link.unknown"]
