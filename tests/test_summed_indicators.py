"""A summed indicator (aggregation "summa": e-tjänster, deltagartillfällen, körda mil) has the
municipality's total as its target, so each unit answers its own part. The kind of defect: units
answering the total itself (49 units × 60 e-tjänster gave KF 1 918 against a target of 60, and a
light turned on nonsense). Shown for every summed indicator of the demo's periods and the presets:
the council's sum is the target's share of the units that answered, never a multiple of it."""
import pytest
from openpyxl import load_workbook

import reference
from rodtrad.consolidator.reading import masterfile
from rodtrad.samples.filler import own_part, own_parts


def answering(master) -> dict:
    """Summed indicator id -> the units whose workbooks carry it (from the master data)."""
    return {i.id: sum(i in master.indicators_for(u.id) for u in master.units())
            for i in master.indicators if i.aggregation == "summa"}


def council_sums(root, period: str, plan: bool) -> dict:
    """Summed indicator id -> (the KF report's value, target, units that answered)."""
    name = reference.Master.read(root / "styrmodell.xlsx").word("Rapporten till fullmäktige", "KF-rapport")
    wb = load_workbook(root / "rapporter" / period / f"{name} {period}.xlsx")  # the model's name for it
    header, rows = reference.report_table(wb, "Nyckeltal", "Nyckeltal")
    value = "Enheternas målvärde" if plan else "Utfall"
    return {r[0]: (r[header.index(value)], r[header.index("Målvärde")], r[header.index("Antal enheter")])
            for r in rows if r[header.index("Aggregering")] == "summa"}


def assert_parts(root, period: str, plan: bool) -> int:
    master, _ = masterfile.load(root / "styrmodell.xlsx")
    whole = answering(master)
    checked = 0
    for ind, (value, target, answered) in council_sums(root, period, plan).items():
        if not answered:
            continue
        share = target * answered / whole[ind]  # what the units that answered are expected to sum to
        assert 0.5 * share <= value <= 1.5 * share, (period, ind, value, target, answered, whole[ind])
        checked += 1
    return checked


@pytest.mark.parametrize("period", ["2027-plan", "2027-T1", "2027-delar"])
def test_the_demos_summed_indicators_sum_the_units_parts_to_about_the_target(demo_cycle, period):
    assert assert_parts(demo_cycle["workspace"].root, period, plan=period.endswith("plan")) == 2  # N10, N11


def test_a_presets_summed_indicator_sums_the_parts_of_the_units_that_answered(preset_cycle):
    root, plan, follow = preset_cycle("ostersund")  # I5, körda mil: every unit answers its part
    assert assert_parts(root, plan, plan=True) == 1
    assert assert_parts(root, follow, plan=False) == 1


@pytest.mark.parametrize("total, units, part", [(60, 49, 1), (5000, 6, 833), (40000, 37, 1081), (3, 49, 0.1)])
def test_a_units_part_of_a_total_is_whole_when_at_least_one(total, units, part):
    assert own_part(total, units) == part


def test_the_sample_answers_know_which_indicators_are_summed_and_by_how_many_units(master):
    assert own_parts(master) == {"N10": 6, "N11": 49}
    assert own_parts(None) == {}


def instruction_lines(path) -> list[str]:
    ws = load_workbook(path, read_only=True)["Instruktioner"]
    return [str(row[0]) for row in ws.iter_rows(values_only=True) if row and row[0]]


@pytest.mark.parametrize("period", ["2027-plan", "2027-T1", "2027-delar"])
def test_a_units_workbook_says_which_indicators_it_answers_its_own_part_of(demo_cycle, period):
    """Every unit with a summed indicator of its own is told, on its Instruktioner sheet, that the
    Målvärde is the whole municipality's and it writes its own part; a unit without one is not."""
    root = demo_cycle["workspace"].root
    master, _ = masterfile.load(root / "styrmodell.xlsx")
    told = untold = 0
    for path in sorted((root / "utskick" / period).glob("*.xlsx")):
        unit = path.name.split(" ")[0]
        if not master.is_unit(unit):
            continue
        summed = [i.id for i in master.indicators if i.aggregation == "summa" and i.source == "manuell"
                  and i in master.indicators_for(unit)]  # independently of MasterData.own_parts
        said = [line for line in instruction_lines(path) if "summeras över enheterna" in line]
        if summed:
            assert len(said) == 1 and all(i in said[0] for i in summed) and "egen del" in said[0], (path.name, said)
            told += 1
        else:
            assert said == [], path.name
            untold += 1
    assert told >= 6  # N10's six units and N11's 49
