"""Plausibility, not only syntax: each rule with a triggering and a clean case, in a file and in the add-in."""
import pytest

from rodtrad.consolidator.reading.validate import validate_file

import kontroll_corpus as kc
from kontroll_corpus import _first, mutate

PLAUSIBLE = ("plausible.forecast_sign", "plausible.forecast_tkr", "plausible.percent_as_share")


def found(path, master):
    return [(f.sheet, f.cell, f.code, f.message()) for f in validate_file(path, master).findings]


def _set(key, column, value, where=lambda sh, r: True):
    def run(s):
        sheet = s[key]
        row_id = _first(sheet, where)
        sheet.set(row_id, column, value(sheet, row_id) if callable(value) else value)
        run.cell = sheet.cell(row_id, column).coordinate
    return run


def revenue(sh, r):
    return (sh.get(r, "budget") or 0) < 0


def big_cost(sh, r):
    return (sh.get(r, "budget") or 0) > 1_000_000


def own_percent(sh, r):
    return sh.get(r, "unit") == "%" and sh.get(r, "from_source") != "Ja" and (sh.get(r, "target") or 0) >= 5


CASES = [  # (period kind, mutation, code, in the message)
    ("delår", _set("economy", "forecast", lambda sh, r: abs(sh.get(r, "budget")), revenue),
     "plausible.forecast_sign", "intäkter skrivs med minus"),
    ("nämnd", _set("economy", "forecast", lambda sh, r: -sh.get(r, "budget"), big_cost),
     "plausible.forecast_sign", "kostnader skrivs utan minus"),
    ("tertial", _set("economy", "forecast", lambda sh, r: round(sh.get(r, "budget") / 1000), big_cost),
     "plausible.forecast_tkr", "Skrevs den i tkr?"),
    ("månad", _set("economy", "forecast", lambda sh, r: round(sh.get(r, "budget") / 1000), big_cost),
     "plausible.forecast_tkr", "Skrevs den i tkr?"),
    ("delår", _set("indicators", "outcome", 0.693, own_percent), "plausible.percent_as_share", "Menade du 69,3?"),
    ("plan", _set("indicators", "unit_target", 0.9, lambda sh, r: sh.get(r, "unit") == "%" and (sh.get(r, "target") or 0) >= 5),
     "plausible.percent_as_share", "Menade du 90?"),
]


@pytest.mark.parametrize("kind, mutation, code, words", CASES, ids=[f"{c[2]}-{c[0]}" for c in CASES])
def test_an_implausible_value_is_a_warning_on_its_cell_that_names_the_rule(year, tmp_path, kind, mutation, code, words):
    master, books = year
    path = tmp_path / f"{kind}.xlsx"
    mutate(books[kind], path, [mutation])
    warnings = [f for f in found(path, master) if f[2].startswith("plausible.")]
    assert [(cell, c) for _, cell, c, _ in warnings] == [(mutation.cell, code)]
    assert words in warnings[0][3]


@pytest.mark.parametrize("kind", list(kc.KINDS))
def test_plausible_returns_of_every_period_kind_raise_no_plausibility_warning(year, kind):
    master, books = year
    assert [f for f in found(books[kind], master) if f[2] in PLAUSIBLE] == []


def test_a_small_forecast_that_matches_a_small_outcome_is_kronor_not_tkr(year, tmp_path):
    master, books = year

    def small(s):
        eco = s["economy"]
        row_id = _first(eco, big_cost)
        eco.set(row_id, "forecast", round(eco.get(row_id, "budget") / 1000))
    path = tmp_path / "t1.xlsx"
    mutate(books["tertial"], path, [small])
    # the same forecast with an outcome to date of its own size (as a unit whose ledger is in tkr)
    from openpyxl import load_workbook

    wb = load_workbook(path)
    eco = kc.tables(wb)["economy"]
    row_id = _first(eco, big_cost)
    eco.set(row_id, "outcome", eco.get(row_id, "forecast") / 3)
    wb.save(path)
    assert [f for f in found(path, master) if f[2] == "plausible.forecast_tkr"] == []


def test_an_indicator_whose_values_are_small_percentages_is_not_taken_for_a_share(year, tmp_path):
    """Årets resultat, 2 % of taxes: an outcome of 0,8 is plausible percent, not a share."""
    master, books = year
    small = [i for i in master.indicators if i.unit == "%" and i.target is not None and abs(i.target) < 5]
    assert small  # Exempelkommun's N1
    from rodtrad.consolidator.rules import percent

    assert all(min(abs(v) for v in (i.target, i.baseline) if v is not None) < percent.SCALE for i in small)


def test_the_addin_runs_the_plausibility_rules_too(year):
    from test_addin import NOW, actions, payload, xw

    master, books = year
    sent = payload(books["delår"])
    sheet = next(s for s in sent["sheets"] if s["name"] == "Ekonomi")
    header = sheet["values"][3]
    row = next(r for r in sheet["values"][4:] if isinstance(r[header.index("Budget helår")], float)
               and r[header.index("Budget helår")] < 0)
    row[header.index("Helårsprognos")] = abs(row[header.index("Budget helår")])
    task = actions.validate(xw.Book(json=sent), master, NOW)
    assert "plausible.forecast_sign" in [f.code for f in task.findings]
