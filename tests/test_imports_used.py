"""An old follow-up's Kolada values and last year's ledger outcome hold after later imports: the
consolidation keeps what it used (historik.sqlite, imports_used), and verify and the archive rebuild
with it. Without the kept row, verify reads the imports as they are now and names every figure they
moved; the amounts expected there are worked out here from the changes made to the imported files."""
import json
import re
import shutil
import sqlite3

import pytest
from click.testing import CliRunner
from openpyxl.utils import get_column_letter
from python_calamine import CalamineWorkbook

from rodtrad.consolidator.audit.archive import archive
from rodtrad.consolidator.audit.verify import verify
from rodtrad.consolidator.cli import main
from rodtrad.consolidator.rollup import snapshot
from rodtrad.consolidator.rollup.store import History
from rodtrad.consolidator.workbooks import followdocs

PERIOD, UNIT, MONTH, ACCOUNT = "2027-delar", "2111", "202603", "5010"  # a unit taken in; a month before April
FOLLOW_UPS = ("2027-T1", "2027-05", PERIOD)  # the demo's tertial, month and delår
LAST_YEAR_CHANGE = 123_456.78  # kr added to the unit's March 2026 outcome by the corrected SIE file
KOLADA_CHANGE = 1.0  # added to each of the municipality's own Kolada values (gender T) by the newer file


def _run(*args):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture(scope="module")
def changed(demo_cycle, tmp_path_factory):
    """A copy of the demo's year after delår was consolidated: a newer Kolada file (the municipality's
    values one higher) and a corrected SIE file for last year (March higher for one unit) imported."""
    root = tmp_path_factory.mktemp("imports-used") / "exempelkommun"
    shutil.copytree(demo_cycle["workspace"].root, root)
    code = str(demo_cycle["master"].municipality["code"]).zfill(4)
    (kolada_file,) = (root / "kolada").glob("*.json")
    data = json.loads(kolada_file.read_text(encoding="utf-8"))
    for entry in data["values"]:
        if entry["municipality"] == code:
            for value in entry["values"]:
                if value["gender"] == "T":
                    value["value"] = round(value["value"] + KOLADA_CHANGE, 1)
    newer = root / "kolada" / "kolada-ny.json"
    newer.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    _run("import", "kolada", newer, "-w", root)
    (previous,) = (root / "ekonomi").glob("*2026.se")
    text = previous.read_bytes().decode("cp437")

    def more(match):
        return f"{match.group(1)}{float(match.group(2)) + LAST_YEAR_CHANGE:.2f}"

    for pattern in (rf'(#PSALDO 0 {MONTH} {ACCOUNT} {{1 "{UNIT}"}} )(-?[\d.]+)', rf"(#PSALDO 0 {MONTH} {ACCOUNT} {{}} )(-?[\d.]+)"):
        text, n = re.subn(pattern, more, text)
        assert n == 1, pattern
    corrected = root / "ekonomi" / "exempelkommun-2026-rättad.se"
    corrected.write_bytes(text.encode("cp437"))
    _run("import", "ledger", corrected, "-w", root)
    return root, demo_cycle["master"]


def test_the_imports_changed_since_the_consolidation_and_it_kept_what_it_used(changed):
    """The premise: the workspace's imports now give other figures than those the period kept."""
    root, master = changed
    period = master.period(PERIOD)
    with History(root / "historik.sqlite", write=False) as h:
        kept = h.used(PERIOD)
        data = followdocs.sources(root / "historik.sqlite", master, period)
        now = snapshot.live(h, master, 2027, 8, data.kolada, data.kolada_from)
    assert kept is not None and kept.kolada and kept.compared and kept.last_year
    for ind, (value, year) in kept.kolada.items():
        assert now.kolada[ind] == (pytest.approx(value + KOLADA_CHANGE), year)
    assert now.last_year[UNIT] == pytest.approx(kept.last_year[UNIT] + LAST_YEAR_CHANGE)
    assert {u: v for u, v in now.last_year.items() if u != UNIT} == {u: v for u, v in kept.last_year.items() if u != UNIT}


@pytest.mark.parametrize("period", FOLLOW_UPS)
def test_verify_of_an_old_period_finds_no_difference_after_the_imports(changed, period):
    root, _ = changed
    verdict = verify(root, period, jobs=1)
    assert verdict.ok, verdict.memo()


def test_the_archive_made_after_the_imports_verifies_elsewhere(changed, tmp_path):
    root, _ = changed
    path, _ = archive(root, PERIOD, tmp_path / "revision" / "arkiv.zip")
    result = CliRunner().invoke(main, ["verify", str(path), "--period", PERIOD])
    assert result.exit_code == 0, result.output


def _cell(path, sheet, header, row_key, column, key_column):
    """The A1 address of `column` in the row whose `key_column` is `row_key`, on a report's table."""
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    top = next(i for i, r in enumerate(rows) if r and r[0] == header)
    r = next(i for i, row in enumerate(rows) if i > top and row[rows[top].index(key_column)] == row_key)
    return f"{sheet}!{get_column_letter(rows[top].index(column) + 1)}{r + 1}", rows[r][rows[top].index(column)]


def _number(text):
    return float(text.replace(",", "."))


def _verified_after(changed, tmp_path, period: str, edit):
    """verify of `period` in a copy of the changed workspace whose historik.sqlite `edit(con)` has
    changed: (the verdict, the KF report, its cells verify names as differing, where -> detail)."""
    root = tmp_path / "kommun"
    shutil.copytree(changed[0], root)
    with sqlite3.connect(root / "historik.sqlite") as con:
        edit(con)
    verdict = verify(root, period, jobs=1)
    (kf,) = (root / "rapporter" / period).glob("KF-rapport *.xlsx")
    found = {d.where.removeprefix(f"{kf.name} "): d.detail for d in verdict.differences if d.kind == "siffra stämmer inte"}
    return verdict, kf, found


@pytest.mark.parametrize("period", FOLLOW_UPS)
def test_without_the_kept_row_verify_names_what_the_imports_moved(changed, tmp_path, period):
    """The kept row is what holds the period: deleted (as for a period consolidated before it was
    kept), verify reads the imports as they are now and names the KF report's cells they moved."""
    def delete(con):
        assert con.execute("DELETE FROM imports_used WHERE period = ?", (period,)).rowcount == 1

    verdict, kf, found = _verified_after(changed, tmp_path, period, delete)
    assert ("importerna i historiken saknas", "historik.sqlite") in [(d.kind, d.where) for d in verdict.differences]
    where, reported = _cell(kf, "Föregående år", "Nivå", "0000", "Utfall 2026 (kr)", "Ansvarskod")
    was, now = re.fullmatch(r"i rapporten: (\S+); omräknat: (\S+)", found[where]).groups()
    assert _number(was) == pytest.approx(reported)
    assert _number(now) == pytest.approx(reported + LAST_YEAR_CHANGE)
    where, reported = _cell(kf, "Nyckeltal", "Id", "N3", "Utfall", "Id")  # a Kolada indicator's outcome
    was, now = re.fullmatch(r"i rapporten: (\S+); omräknat: (\S+)", found[where]).groups()
    assert _number(now) == pytest.approx(reported + KOLADA_CHANGE)
    where, _ = _cell(kf, "Nyckeltal", "Id", "N3", "Kolada: jämförelse", "Id")
    assert where in found


def test_a_kept_row_changed_by_hand_is_named_and_so_is_every_figure_it_moved(changed, tmp_path):
    """The manifest records the kept row's SHA-256: a row edited in historik.sqlite (last year's
    outcome of one unit raised) is named, and the rebuild on it differs where the reports used it."""
    def raise_last_year(con):
        (text,) = con.execute("SELECT used FROM imports_used WHERE period = ?", (PERIOD,)).fetchone()
        data = json.loads(text)
        data["last_year"][UNIT] += LAST_YEAR_CHANGE
        con.execute("UPDATE imports_used SET used = ? WHERE period = ?", (json.dumps(data), PERIOD))

    verdict, kf, found = _verified_after(changed, tmp_path, PERIOD, raise_last_year)
    assert ("importerna i historiken ändrade", "historik.sqlite") in [(d.kind, d.where) for d in verdict.differences]
    where, reported = _cell(kf, "Föregående år", "Nivå", "0000", "Utfall 2026 (kr)", "Ansvarskod")
    _, now = re.fullmatch(r"i rapporten: (\S+); omräknat: (\S+)", found[where]).groups()
    assert _number(now) == pytest.approx(reported + LAST_YEAR_CHANGE)
    where, _ = _cell(kf, "Nyckeltal", "Id", "N3", "Utfall", "Id")
    assert where not in found  # the Kolada values kept were not touched


@pytest.mark.parametrize("change", ["raised", "removed"])
def test_the_investment_outcome_kept_changed_or_removed_by_hand_is_named(changed, tmp_path, change):
    """The manifest records the SHA-256 of the investment outcome a follow-up used (store.History.invested)
    as it does the imports'; a project's outcome edited in, or the rows deleted from, historik.sqlite is named."""
    assert json.loads((changed[0] / "rapporter" / PERIOD / "manifest.json").read_text("utf-8"))["invested"]

    def edit(con):
        if change == "raised":
            con.execute("UPDATE invested SET outcome = outcome + 1000 WHERE period = ? AND project <> ''", (PERIOD,))
        else:
            con.execute("DELETE FROM invested WHERE period = ?", (PERIOD,))

    verdict, _, _ = _verified_after(changed, tmp_path, PERIOD, edit)
    kind = {"raised": "investeringarna i historiken ändrade", "removed": "investeringarna i historiken saknas"}[change]
    assert (kind, "historik.sqlite") in [(d.kind, d.where) for d in verdict.differences]


@pytest.mark.parametrize("text", ["", "inte json", "[]", '{"kolada": {}}', '{"kolada": 1, "kolada_from": {}, '
                                  '"compared": {}, "group": [null, ""], "last_year": {}}'])
def test_a_kept_row_that_cannot_be_read_counts_as_none_kept(text):
    """A row edited by hand into something else reads as nothing kept (the rebuild takes the imports
    and verify names the row changed), never as an error; a kept row reads back as it was written."""
    con = sqlite3.connect(":memory:")
    con.execute(snapshot.SCHEMA)
    used = snapshot.Used(kolada={"N3": (75.9, 2026)}, kolada_from={"N3": ("kolada/k.json", "ab", "N15419", "9999", 2026)},
                         compared={"N15419": (2026, 75.9, 81.46000000000001, 5)}, group=({"0180", "2380"}, "Grupp"),
                         last_year={"2111": 1234567.89, "2112": -0.01})
    snapshot.write(con, "2027-05", used)
    assert snapshot.read(con, "2027-05") == used
    assert snapshot.kept_digest(con, "2027-05") == snapshot.digest(used)
    con.execute("UPDATE imports_used SET used = ?", (text,))
    assert snapshot.read(con, "2027-05") is None
    assert snapshot.kept_digest(con, "2027-05") != snapshot.digest(used)
    assert snapshot.read(con, "2027-T1") is None and snapshot.kept_digest(con, "2027-T1") is None
