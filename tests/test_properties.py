"""Property: whatever a unit or a transfer does to a workbook, validation never raises and always answers.

`make test` runs a fixed, derandomised set of examples so CI is repeatable; `make fuzz` runs many
random ones (RODTRAD_FUZZ=1, RODTRAD_FUZZ_EXAMPLES) to look for new cases."""
import random
import zipfile

import os

from hypothesis import HealthCheck, given, settings, strategies as st
from openpyxl import load_workbook
from openpyxl.utils.exceptions import IllegalCharacterError

from rodtrad.consolidator.reading.validate import validate_file

SHEETS = ["Översikt", "Enhetens mål", "Aktiviteter", "Uppdrag", "Nyckeltal", "Budget", "Intern kontroll", "_meta"]
FUZZ = os.environ.get("RODTRAD_FUZZ") == "1"
N = int(os.environ.get("RODTRAD_FUZZ_EXAMPLES", 1000)) if FUZZ else None


def examples(n: int) -> int:
    return N or n


VALUES = st.one_of(st.none(), st.text(max_size=40), st.integers(-10**12, 10**12), st.floats(allow_nan=True),
                   st.booleans(), st.dates(), st.datetimes(), st.sampled_from(["=1/0", "1 234,50", "2027-13-45", "NM1 – x"]))
EDITS = st.lists(st.one_of(
    st.tuples(st.just("cell"), st.sampled_from(SHEETS), st.integers(1, 70), st.integers(1, 20), VALUES),
    st.tuples(st.just("insert_rows"), st.sampled_from(SHEETS), st.integers(1, 70), st.integers(1, 3)),
    st.tuples(st.just("delete_cols"), st.sampled_from(SHEETS), st.integers(1, 12), st.integers(1, 2)),
    st.tuples(st.just("drop_sheet"), st.sampled_from(SHEETS)),
    st.tuples(st.just("rename_sheet"), st.sampled_from(SHEETS), st.text(min_size=1, max_size=10).filter(
        lambda t: not set(t) & set("[]:*?/\\'"))),
), max_size=6)


def outcome_is_sound(task):
    assert isinstance(task.findings, list)
    for f in task.findings:
        assert f.code and f.severity in ("error", "warning", "info")
        assert f.message("sv") and f.message("en")
    assert task.valid == (task.errors == 0)
    # the safety net catches crashes; a sound outcome never needs it
    assert not {"file.internal_error", "rule.failed"} & {f.code for f in task.findings}, task.findings


@settings(max_examples=examples(60), deadline=None, derandomize=not FUZZ,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=EDITS)
def test_validate_never_raises_on_edited_workbooks(edits, returned, master, tmp_path):
    wb = load_workbook(returned)
    for edit in edits:
        kind, name = edit[0], edit[1]
        if name not in wb.sheetnames:
            continue
        ws = wb[name]
        if kind == "cell":
            try:
                ws.cell(row=edit[2], column=edit[3]).value = edit[4]
            except IllegalCharacterError:
                pass  # openpyxl refuses control characters; Excel would too
        elif kind == "insert_rows":
            ws.insert_rows(edit[2], edit[3])
        elif kind == "delete_cols":
            ws.delete_cols(edit[2], edit[3])
        elif kind == "drop_sheet" and len(wb.sheetnames) > 1:
            del wb[name]
        elif kind == "rename_sheet" and edit[2] not in wb.sheetnames:
            ws.title = edit[2]
    path = tmp_path / "muterad.xlsx"
    try:
        wb.save(path)
    except (ValueError, TypeError):
        return  # openpyxl itself refused the edit (e.g. an illegal character); nothing reached us
    outcome_is_sound(validate_file(path, master))


@settings(max_examples=examples(60), deadline=None, derandomize=not FUZZ,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32), flips=st.integers(1, 50), cut=st.floats(0.05, 1.0))
def test_validate_never_raises_on_damaged_bytes(seed, flips, cut, returned, master, tmp_path):
    data = bytearray(returned.read_bytes()[: max(1, int(returned.stat().st_size * cut))])
    rng = random.Random(seed)
    for _ in range(flips):
        data[rng.randrange(len(data))] = rng.randrange(256)
    path = tmp_path / "skadad.xlsx"
    path.write_bytes(bytes(data))
    outcome_is_sound(validate_file(path, master))


@settings(max_examples=examples(15), deadline=None, derandomize=not FUZZ,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(member=st.sampled_from(["xl/workbook.xml", "xl/styles.xml", "[Content_Types].xml", "xl/worksheets/sheet5.xml"]),
       junk=st.binary(max_size=200))
def test_validate_never_raises_when_a_part_of_the_package_is_garbage(member, junk, returned, master, tmp_path):
    path = tmp_path / "del.xlsx"
    with zipfile.ZipFile(returned) as zin, zipfile.ZipFile(path, "w") as zout:
        for item in zin.infolist():
            zout.writestr(item, junk if item.filename == member else zin.read(item.filename))
    task = validate_file(path, master)
    outcome_is_sound(task)
