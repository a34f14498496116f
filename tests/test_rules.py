"""Each rule: a small edit that triggers it, and the untouched returned workbook that does not."""
import datetime as dt

from conftest import PERIOD

# Layout of the generated workbook for unit 2111 (header in row 4, data from row 5):
# Aktiviteter: rows 5-7 are the locked activities L1-L3, own activities start in row 8;
# columns C text, D link, E perspective, F start, G end, H responsible.


def test_a_correctly_filled_workbook_has_no_findings(returned, check):
    assert check(returned, PERIOD) == []


def test_an_activity_that_ends_before_it_starts_is_an_error(edit, check):
    path = edit({"Aktiviteter": {"F8": dt.date(2027, 6, 1), "G8": dt.date(2027, 5, 1)}})
    assert check(path) == [("Aktiviteter", "G8", "activity.end_before_start")]


def test_an_activity_outside_the_plan_years_is_an_error(edit, check):
    path = edit({"Aktiviteter": {"F8": dt.date(2026, 6, 1)}})
    assert check(path) == [("Aktiviteter", "F8", "activity.outside_years")]


def test_a_link_to_a_goal_of_another_board_is_unknown(edit, check):
    path = edit({"Aktiviteter": {"D8": "SN1 – Äldre upplever trygghet"}})
    assert check(path) == [("Aktiviteter", "D8", "link.unknown")]


def test_an_own_goal_must_link_to_a_board_goal_not_a_council_goal(edit, check):
    path = edit({"Enhetens mål": {"C5": "KF1"}})
    assert check(path) == [("Enhetens mål", "C5", "link.unknown")]


def test_an_unknown_perspective_is_reported(edit, check):
    path = edit({"Aktiviteter": {"E8": "P9"}})
    assert check(path) == [("Aktiviteter", "E8", "link.unknown")]


def test_a_required_field_left_empty_points_at_its_cell(edit, check):
    path = edit({"Aktiviteter": {"H8": None}})
    assert check(path) == [("Aktiviteter", "H8", "field.required")]


def test_a_responsible_person_not_on_the_staff_list_is_a_warning(edit, master, check):
    path = edit({"Aktiviteter": {"H8": "Okänd Person"}})
    assert check(path) == [("Aktiviteter", "H8", "responsible.unknown")]


def test_a_risk_scored_outside_one_to_four_is_out_of_range(edit, check):
    path = edit({"Intern kontroll": {"C5": 5, "D5": 0}})
    assert check(path) == [("Intern kontroll", "C5", "value.range"), ("Intern kontroll", "D5", "value.range")]


def test_text_that_is_not_a_date_is_unreadable_once(edit, check):
    path = edit({"Aktiviteter": {"F8": "i vår"}})
    assert check(path) == [("Aktiviteter", "F8", "value.unreadable")]


def test_swedish_numbers_and_dates_typed_as_text_are_understood(edit, check, master):
    from rodtrad.consolidator.reading.validate import validate_file

    path = edit({"Aktiviteter": {"F8": "2027-03-01", "G8": "2027-04-30"},
                 "Budget": {"D5": "1 234,50", "O5": None}})
    task = validate_file(path, master, keep_document=True)
    doc = task.document
    assert doc["activities"][3]["start"] == "2027-03-01"
    assert doc["budget"][0]["m01"] == 1234.5
    assert [f.code for f in task.findings] == ["budget.frame_mismatch"]


def test_months_that_do_not_add_up_to_the_frame_point_at_the_sum(edit, check):
    path = edit({"Budget": {"D5": 0}})
    assert check(path) == [("Budget", "P5", "budget.frame_mismatch")]


def test_a_changed_locked_activity_is_reported_on_the_changed_cell(edit, check):
    path = edit({"Aktiviteter": {"C5": "Medarbetarsamtal om tid finns"}})
    assert check(path) == [("Aktiviteter", "C5", "prefilled.changed")]


def test_a_changed_frame_is_a_changed_prefilled_cell(edit, check):
    path = edit({"Budget": {"C5": 1}})
    findings = check(path)
    assert ("Budget", "C5", "prefilled.changed") in findings


def test_a_removed_locked_activity_is_missing(edit, check):
    path = edit({"Aktiviteter": {f"{col}5": None for col in "ABCDEFGHI"}})
    assert check(path) == [("Aktiviteter", "", "locked.missing")]


def test_a_duplicate_id_is_reported_on_the_second_row(edit, check):
    path = edit({"Aktiviteter": {"A9": "A01"}})
    assert ("Aktiviteter", "A9", "id.duplicate") in check(path)


def test_too_few_activities_is_reported_on_the_sheet(edit, check):
    empty = {f"{col}{row}": None for row in range(8, 14) for col in "CDEFGHI"}
    path = edit({"Aktiviteter": empty})
    assert check(path) == [("Aktiviteter", "", "plan.too_few")]


def test_a_unit_id_changed_on_the_overview_is_a_mismatch(edit, check):
    path = edit({"Översikt": {"B5": "2112"}})
    assert ("Översikt", "B5", "meta.unit_mismatch") in check(path)


def test_a_workbook_for_another_period_is_reported(returned, check):
    assert check(returned, "2027-T1") == [("_meta", "B5", "meta.period_unexpected")]


def test_an_unknown_unit_in_meta_is_reported(edit, check):
    path = edit({"_meta": {"B4": "7777"}})
    assert ("_meta", "B4", "meta.unit_unknown") in check(path)


def test_an_unsupported_template_version_is_reported(edit, check):
    path = edit({"_meta": {"B2": "0.9"}})
    assert check(path) == [("_meta", "B2", "meta.version")]


def test_a_municipality_can_add_its_own_rule(returned, master, monkeypatch):
    from rodtrad.consolidator import rules
    from rodtrad.consolidator.reading import validate
    from rodtrad.consolidator.model import findings
    from rodtrad.consolidator.model.findings import WARNING, define

    # the municipality's code lives as long as this test: the catalogue (docs/findings.md) is the product's
    monkeypatch.setattr(findings, "CATALOGUE", dict(findings.CATALOGUE))
    own = define("exempel.summary_short", WARNING, "Sammanfattningen är kort.", "The summary is short.")

    def summary_is_long_enough(ctx):
        if len(ctx.doc["header"].get("summary") or "") < 100:
            yield ctx.at(own, "/header/summary")

    rules.all_rules()
    monkeypatch.setattr(rules, "_registry", rules._registry + [(summary_is_long_enough, None)])
    task = validate.validate_file(returned, master)
    assert [f.flat() for f in task.findings] == [("Översikt", "B11", "exempel.summary_short")]
