"""Cell values as units type them."""
import datetime as dt

import pytest

from rodtrad.consolidator.model import values


@pytest.mark.parametrize("raw, expected", [
    ("1 234,50", 1234.5), ("1\u00a0234,50", 1234.5), ("−5", -5), ("-5", -5), ("+7", 7), ("12.5", 12.5),
    ("120 000 kr", 120000), (3.0, 3), (2.5, 2.5), ("", None), (None, None),
])
def test_numbers_as_swedes_type_them(raw, expected):
    assert values.as_number(raw) == expected


@pytest.mark.parametrize("raw", [":0", "1,2,3", "abc", "5%", "1-2", True])
def test_text_that_is_not_a_number_is_unreadable(raw):
    with pytest.raises(values.Unreadable):
        values.as_number(raw)


def test_dates_from_cells_serials_and_iso_text():
    assert values.as_date(dt.datetime(2027, 3, 1, 0, 0)) == "2027-03-01"
    assert values.as_date(46447.0) == "2027-03-01"
    assert values.as_date("2027-3-1") == "2027-03-01"
    for bad in ("2027-02-30", "1/3 2027", "snart"):
        with pytest.raises(values.Unreadable):
            values.as_date(bad)


def test_ids_keep_their_digits_and_dropdown_choices_give_their_id():
    assert values.as_id(101.0) == "101" and values.as_id("0101") == "0101"
    assert values.as_ref("NM1 – Trygg skola") == "NM1" and values.as_ref("KF3") == "KF3"
    assert values.as_list("11.2, 3.4;16.a") == ["11.2", "3.4", "16.a"]


def test_text_is_cleaned_of_control_characters_and_normalised():
    assert values.clean_text("  rad\u0007 ett\u200b ") == "rad ett"
    assert values.clean_text("o\u0308") == "ö"  # macOS-style decomposed becomes composed
