"""Ledger files as ledgers really write them (SIE 4B, CSV from Swedish Excel), each kind a family.

The case files in tests/data/ledger/ are copies of ../shared/cases/ledger/ (the README there says
each one's right answer); every family below holds its case and more members of the same kind.
"""
import re
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from rodtrad.consolidator.cli import main
from rodtrad.consolidator.imports import changes, ledger, sie

DATA = Path(__file__).parent / "data" / "ledger"
HEAD = '#FLAGGA 0\r\n#FORMAT PC8\r\n#SIETYP {typ}\r\n#PROGRAM "Test" 1.0\r\n#GEN 20270905\r\n#FNAMN "Exempelkommun"\r\n'


def _write(tmp_path, name: str, text: str, encoding: str = "cp437") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def _rows(result) -> dict:
    return {k: [round(v[0], 2), round(v[1], 2)] for k, v in result.rows.items()}


# -- fields split on any whitespace -------------------------------------------------------------

TAB_VARIANTS = {
    "the case: February's #PSALDO tab-separated": (DATA / "tab-separated-fields.se").read_bytes().decode("cp437"),
    "every field tab-separated": HEAD.format(typ=3) + "#RAR\t0\t20270101\t20271231\r\n#DIM\t1\t\"Ansvar\"\r\n"
    "#PSALDO\t0\t202701\t5010\t{}\t1000.00\r\n#PSALDO\t0\t202701\t5010\t{1\t\"2111\"}\t1000.00\r\n"
    "#PSALDO\t0\t202702\t5010\t{}\t2000.00\r\n#PSALDO 0\t202702  5010 \t {1 \"2111\"}\t\t2000.00\r\n",
    "tabs and runs of spaces, LF line ends, indented": HEAD.format(typ=3).replace("\r\n", "\n")
    + "#RAR 0 20270101 20271231\n  #DIM   1   Ansvar\n\t#PSALDO 0 202701 5010 {1 2111}   1000.00\n"
    "#PSALDO  0  202702\t 5010 {\"1\"\t\"2111\"}  2000.00  \n",
}


@pytest.mark.parametrize("text", TAB_VARIANTS.values(), ids=TAB_VARIANTS.keys())
def test_fields_separated_by_tabs_or_runs_of_spaces_are_read_like_single_spaces(tmp_path, master, text):
    result = ledger.from_sie(_write(tmp_path, "tab.se", text), master)
    assert result.findings == []
    assert _rows(result) == {(2027, 1, "2111", "5010"): [1000.0, 0.0], (2027, 2, "2111", "5010"): [2000.0, 0.0]}


# -- vouchers balance --------------------------------------------------------------------------

def _voucher(*amounts, line_text="") -> str:
    rows = "".join(f'\t#TRANS {account} {{}} {amount}\r\n' for account, amount in amounts)
    return f'#VER "K" "" 20270502 "Försäljning{line_text}"\r\n{{\r\n{rows}}}\r\n'


UNBALANCED = {
    "the case: two till vouchers, +0,55 and −0,14": ((DATA / "unbalanced-voucher.si").read_bytes().decode("cp437"),
                                                     [(8, "0,55"), (14, "−0,14")]),
    "one öre off in a three-row voucher": (HEAD.format(typ=4) + _voucher(("1930", "100.00"), ("3100", "-99.99")),
                                           [(7, "0,01")]),
    "the second of three vouchers, a missing credit": (
        HEAD.format(typ=4) + _voucher(("1930", "5.00"), ("3100", "-5.00")) + _voucher(("1930", "1250.00"))
        + _voucher(("1930", "1.00"), ("3100", "-1.00")), [(12, "1 250,00")]),
}


@pytest.mark.parametrize("text,expected", UNBALANCED.values(), ids=UNBALANCED.keys())
def test_a_voucher_that_does_not_balance_is_an_error_naming_its_ver_line_and_difference(tmp_path, master, text, expected):
    result = ledger.from_sie(_write(tmp_path, "kassa.si", text), master)
    found = [(f.value, f.params["difference"]) for f in result.findings if f.code == "sie.unbalanced"]
    assert found == expected
    assert {f.code for f in result.findings} == {"sie.unbalanced"}
    assert result.rows == {}  # an error: nothing is imported
    assert all(re.search(r"Rad \d+: verifikationen .* balanserar inte", f.message()) for f in result.findings)


def test_balanced_vouchers_with_added_and_removed_rows_are_counted_once(tmp_path, master):
    text = HEAD.format(typ=4) + '#DIM 1 "Ansvar"\r\n#VER A 1 20270110 "Rättad"\r\n{\r\n#TRANS 1930 {} 300.00\r\n' \
        '#BTRANS 3100 {1 "2112"} -300.00\r\n#RTRANS 3100 {1 "2111"} -300.00\r\n#TRANS 3100 {1 "2111"} -300.00\r\n}\r\n'
    result = ledger.from_sie(_write(tmp_path, "r.si", text), master)
    assert result.findings == [] and _rows(result) == {(2027, 1, "2111", "3100"): [-300.0, 0.0]}


# -- a cut file imports nothing ------------------------------------------------------------------

FULL = (HEAD.format(typ=4) + '#RAR 0 20270101 20271231\r\n#DIM 1 "Ansvar"\r\n#KONTO 5010 "Löner"\r\n'
        '#PSALDO 0 202701 5010 {} 1000.00\r\n#PSALDO 0 202701 5010 {1 "2111"} 1000.00\r\n'
        '#VER A 1 20270125 "Lön januari"\r\n{\r\n#TRANS 5010 {1 "2111"} 1000.00\r\n#TRANS 1930 {} -1000.00\r\n}\r\n')
CUTS = {
    "mid-line, inside an amount": (FULL.index("1000.00\r\n#PSALDO 0 202701 5010 {1") + 4, "mitt i rad 10"),
    "mid-object-list": (FULL.index('{1 "2111"} 1000.00\r\n#VER') + 3, "mitt i en objektlista på rad 11"),
    "mid-quoted text": (FULL.index('"Lön januari"') + 5, "mitt i en text på rad 12"),
    "mid-voucher, at a line end": (FULL.index("#TRANS 1930"), "inne i verifikationen på rad 12"),
    "after #VER, before its block": (FULL.index("{\r\n#TRANS"), "inne i verifikationen på rad 12"),
    "mid-line, inside a #TRANS": (FULL.index("#TRANS 1930") + 9, "mitt i rad 15"),
}


@pytest.mark.parametrize("cut,where", CUTS.values(), ids=CUTS.keys())
def test_a_file_cut_at_any_kind_of_boundary_is_an_error_and_nothing_of_it_is_imported(tmp_path, master, cut, where):
    result = ledger.from_sie(_write(tmp_path, "cut.se", FULL[:cut]), master)
    cut_findings = [f for f in result.findings if f.code == "sie.cut"]
    assert cut_findings and where in cut_findings[0].message(), [f.message() for f in result.findings]
    assert result.rows == {}


def test_the_whole_file_the_cuts_are_made_from_imports(tmp_path, master):
    result = ledger.from_sie(_write(tmp_path, "hel.se", FULL), master)
    assert result.findings == [] and _rows(result) == {(2027, 1, "2111", "5010"): [1000.0, 0.0]}


def test_a_ksumma_bracket_opened_and_not_closed_is_a_cut_file(tmp_path, master):
    text = "#KSUMMA\r\n" + FULL
    assert [f.code for f in sie.read(_write(tmp_path, "k.se", text)).findings] == ["sie.cut"]
    assert sie.read(_write(tmp_path, "k2.se", text + "#KSUMMA 1234567\r\n")).findings == []


def test_a_cut_file_leaves_the_workspace_as_it_was(tmp_path, master):
    root = _workspace(tmp_path)
    whole = _write(tmp_path, "hel.se", FULL)
    assert CliRunner().invoke(main, ["import", "ledger", str(whole), "-w", str(root)]).exit_code == 0
    before = _table(root)
    cut = _write(tmp_path, "cut.se", FULL.replace("1000.00", "7000.00")[:FULL.index("#TRANS 1930") + 9])
    result = CliRunner().invoke(main, ["import", "ledger", str(cut), "-w", str(root)])
    assert result.exit_code == 1 and "avkapad" in result.output and "inget importerades" in result.output
    assert _table(root) == before and len(changes.log(root / "historik.sqlite")) == 1


# -- every record type of SIE 4B: read, or checked and deliberately skipped ----------------------

VALID = {
    "#FLAGGA": ["0"], "#FORMAT": ["PC8"], "#SIETYP": ["4"], "#PROGRAM": ['"Prog"', "1.0"], "#GEN": ["20270101", '"Anna"'],
    "#FNAMN": ['"Exempelkommun"'], "#FNR": ["EXK"], "#ORGNR": ["212000-0000"],
    "#ADRESS": ['"Anna"', '"Box 1"', '"123 45 Staden"', '"012-34"'], "#BKOD": ["84110"], "#FTYP": ["KOMMUN"],
    "#KPTYP": ["BAS2014"], "#VALUTA": ["SEK"], "#TAXAR": ["2028"], "#PROSA": ['"Fri text"'], "#OMFATTN": ["20270831"],
    "#RAR": ["0", "20270101", "20271231"], "#DIM": ["1", '"Ansvar"'], "#UNDERDIM": ["21", '"Avdelning"', "1"],
    "#OBJEKT": ["1", '"2111"', '"Förskolan"'], "#KONTO": ["5010", '"Löner"'], "#KTYP": ["5010", "K"],
    "#ENHET": ["5010", "st"], "#SRU": ["5010", "7513"], "#IB": ["0", "1930", "100.00"], "#UB": ["0", "1930", "200.00", "3"],
    "#OIB": ["0", "1930", '{1 "2111"}', "100.00"], "#OUB": ["0", "1930", '{1 "2111"}', "100.00"],
    "#RES": ["0", "5010", "245000.00"], "#PSALDO": ["0", "202701", "5010", "{}", "1.00", "2"],
    "#PBUDGET": ["0", "202701", "5010", '{1 "2111"}', "1.00"], "#KSUMMA": [],
}


def test_the_table_of_record_types_is_the_specifications_list():
    assert set(VALID) | {"#VER", "#TRANS", "#RTRANS", "#BTRANS"} == set(sie.FIELDS)


@pytest.mark.parametrize("label", sorted(VALID))
def test_every_record_type_outside_vouchers_is_read_and_one_missing_its_mandatory_fields_is_named_by_line(tmp_path, label):
    line = f"{label} {' '.join(VALID[label])}\r\n"
    good = sie.read(_write(tmp_path, "ok.se", line * (2 if label == "#KSUMMA" else 1)))  # #KSUMMA comes in pairs
    assert good.findings == [], [f.message() for f in good.findings]
    need = sie.FIELDS[label]
    if need:
        bad = sie.read(_write(tmp_path, "bad.se", f'#FLAGGA 0\r\n{label} {" ".join(VALID[label][:need - 1])}\r\n'))
        assert [(f.code, f.value) for f in bad.findings] == [("sie.syntax", 2)]
        assert f"{label} ska ha minst {need} fält" in bad.findings[0].message()


@pytest.mark.parametrize("label", ["#TRANS", "#RTRANS", "#BTRANS"])
def test_every_voucher_row_type_is_read_and_one_missing_its_amount_is_named_by_line(tmp_path, label):
    rows = (f'{label} 1930 {{}} 5.00 20270102 "Text" 1 "Anna"\r\n' + ("#TRANS 1930 {} 5.00\r\n" if label != "#TRANS" else "")
            + "#TRANS 3100 {} -5.00\r\n")
    good = sie.read(_write(tmp_path, "ok.si", f'#VER A 1 20270102\r\n{{\r\n{rows}}}\r\n'))
    assert good.findings == [] and good.vouchers == 1
    bad = sie.read(_write(tmp_path, "bad.si", f'#VER A 1 20270102\r\n{{\r\n{label} 1930 {{}}\r\n}}\r\n'))
    assert [(f.code, f.value) for f in bad.findings] == [("sie.syntax", 3)]


def test_labels_the_specification_does_not_know_are_skipped_and_counted(tmp_path):
    got = sie.read(_write(tmp_path, "x.se", '#FLAGGA 0\r\n#NYETIKETT 1 2 3\r\n#NYETIKETT\r\n'))
    assert got.findings == [] and got.skipped == {"#NYETIKETT": 2}


@pytest.mark.parametrize("typ,lines", [
    ("1", ['#RAR 0 20270101 20271231', '#IB 0 1930 5.00', '#UB 0 1930 6.00', '#RES 0 5010 1.00']),
    ("2", ['#RAR 0 20270101 20271231', '#PSALDO 0 202701 5010 {} 1.00', '#PBUDGET 0 202701 5010 {} 2.00']),
    ("3", ['#RAR 0 20270101 20271231', '#DIM 1 Ansvar', '#OIB 0 1930 {1 "2111"} 1.00', '#PSALDO 0 202701 5010 {1 2111} 1.00']),
    ("4", ['#RAR 0 20270101 20271231', '#VER A 1 20270101', '{', '#TRANS 5010 {} 1.00', '#TRANS 1930 {} -1.00', '}']),
])
def test_every_sie_type_is_read_without_findings(tmp_path, typ, lines):
    got = sie.read(_write(tmp_path, f"t{typ}.se", HEAD.format(typ=typ) + "\r\n".join(lines) + "\r\n"))
    assert got.findings == [] and got.sie_type == typ


def test_4e_and_4i_are_told_apart_by_the_financial_year(tmp_path):
    body = '#VER A 1 20270101\r\n{\r\n#TRANS 5010 {} 1.00\r\n#TRANS 1930 {} -1.00\r\n}\r\n'
    assert sie.read(_write(tmp_path, "i.si", HEAD.format(typ=4) + body)).is_import_file
    assert not sie.read(_write(tmp_path, "e.se", HEAD.format(typ=4) + "#RAR 0 20270101 20271231\r\n" + body)).is_import_file


@pytest.mark.parametrize("text,detail", [
    ('#OBJEKT 1 "2111 "Förskolan"', "citattecken"),
    ('#PSALDO 0 202701 5010 {1 "2111" 20} 1.00', "udda antal"),
    ('#PSALDO 0 202701 5010 {1 {2 3}} 1.00', "objektlista"),
    ('#PSALDO 0 202713 5010 {} 1.00', "ÅÅÅÅMM"),
    ('#PSALDO 0 202701 5010 {} 1,00', "inget tal"),
    ('#PSALDO 0 202701 5010 "{}" 1.00', "objektlista"),
    ('PSALDO 0 202701 5010 {} 1.00', "börja med #"),
    ('#TRANS 5010 {} 1.00', "utanför en verifikation"),
    ('}', "} utan {"),
])
def test_a_malformed_record_is_a_swedish_finding_with_its_line_number(tmp_path, text, detail):
    got = sie.read(_write(tmp_path, "m.se", f"#FLAGGA 0\r\n{text}\r\n#FLAGGA 0\r\n"))
    assert [(f.code, f.value) for f in got.findings] == [("sie.syntax", 2)]
    assert detail in got.findings[0].message() and "Error" not in got.findings[0].message()


# -- what cannot be attributed to a unit ---------------------------------------------------------

BELOW = {
    "the case: 50 kr on 6100 without a kostnadsställe": (DATA / "objects-below-account-total.se", {
        (2027, 1, "2111", "5010"): [1000.0, 0.0], (2027, 1, "2111", "6100"): [200.0, 0.0]},
        [("6100", "50,00", "januari 2027")]),
}


@pytest.mark.parametrize("path,rows,rest", BELOW.values(), ids=BELOW.keys())
def test_objects_summing_below_the_account_total_import_what_is_attributed_and_warn_of_the_rest(master, path, rows, rest):
    result = ledger.from_sie(path, master)
    assert _rows(result) == rows
    assert [(f.code, f.severity) for f in result.findings] == [("ledger.unattributed", "warning")] * len(rest)
    assert [(f.params["account"], f.params["amount"], f.params["month"]) for f in result.findings] == rest
    assert "50,00 kr på konto 6100 i januari 2027" in result.findings[0].message()


def test_a_master_data_rule_makes_an_unattributed_amount_an_error(master):
    import copy

    from rodtrad.consolidator.model.masterdata import MasterData

    strict = MasterData({**copy.deepcopy(master.data), "rules": {**master.rules, "unattributed_is_error": True}})
    result = ledger.from_sie(DATA / "objects-below-account-total.se", strict)
    assert [(f.code, f.severity, f.params["amount"]) for f in result.findings] == [("ledger.unattributed_error", "error", "50,00")]


@pytest.mark.parametrize("shape", ["two accounts, two months", "a credit remainder"])
def test_the_remainder_is_given_per_account_and_month(tmp_path, master, shape):
    lines = ['#RAR 0 20270101 20271231', '#DIM 1 "Ansvar"']
    expected = []
    cases = [("5010", "202701", 300.0, 100.0), ("6100", "202702", 80.0, 80.0), ("6100", "202703", 90.0, 40.0)] \
        if shape == "two accounts, two months" else [("3100", "202701", -500.0, -450.0)]
    for account, period, total, attributed in cases:
        lines += [f"#PSALDO 0 {period} {account} {{}} {total:.2f}", f'#PSALDO 0 {period} {account} {{1 "2111"}} {attributed:.2f}']
        if total != attributed:
            expected.append((account, ledger._kr(total - attributed), ledger.month_name(2027, int(period[4:]))))
    result = ledger.from_sie(_write(tmp_path, "r.se", HEAD.format(typ=3) + "\r\n".join(lines) + "\r\n"), master)
    assert [(f.params["account"], f.params["amount"], f.params["month"]) for f in result.findings] == expected
    assert sum(v[0] for v in result.rows.values()) == sum(c[3] for c in cases)


def test_balances_without_the_ansvar_dimension_take_the_outcome_from_the_vouchers(tmp_path, master):
    text = HEAD.format(typ=4) + ('#RAR 0 20270101 20271231\r\n#DIM 1 "Ansvar"\r\n#DIM 6 "Projekt"\r\n'
                                 '#PSALDO 0 202701 5010 {} 1500.00\r\n#PSALDO 0 202701 5010 {6 "47"} 1500.00\r\n'
                                 '#VER A 1 20270125\r\n{\r\n#TRANS 5010 {1 "2111" 6 "47"} 1000.00\r\n'
                                 '#TRANS 5010 {1 "2112"} 400.00\r\n#TRANS 5010 {} 100.00\r\n#TRANS 1930 {} -1500.00\r\n}\r\n')
    result = ledger.from_sie(_write(tmp_path, "v.se", text), master)
    assert _rows(result) == {(2027, 1, "2111", "5010"): [1000.0, 0.0], (2027, 1, "2112", "5010"): [400.0, 0.0]}
    assert [(f.code, f.params.get("amount")) for f in result.findings] == [("ledger.from_vouchers", None),
                                                                           ("ledger.unattributed", "100,00")]


def test_a_payroll_import_file_covers_only_its_month_units_and_outcome(master):
    result = ledger.from_sie(DATA / "partial-one-voucher.si", master)
    assert result.findings == [] and _rows(result) == {(2027, 8, "2111", "5010"): [1000.0, 0.0]}
    assert result.coverage.describe() == {"utfall": {"2027-08": ["2111"]}, "budget": {}}


# -- an import never loses data without telling -------------------------------------------------

def _workspace(tmp_path) -> Path:
    root = tmp_path / "ws"
    assert CliRunner().invoke(main, ["init", str(root)]).exit_code == 0
    return root


def _table(root: Path) -> list:
    con = sqlite3.connect(root / "historik.sqlite")
    try:
        return con.execute("SELECT year, month, unit, account, outcome, budget FROM ledger "
                           "ORDER BY year, month, unit, account").fetchall()
    finally:
        con.close()


def _totals(root: Path) -> tuple:
    rows = _table(root)
    return len(rows), round(sum(r[4] for r in rows), 2), round(sum(r[5] for r in rows), 2)


@pytest.fixture(scope="module")
def full_year(tmp_path_factory):
    from rodtrad.samples import ledgerdata

    path = tmp_path_factory.mktemp("ekonomi") / ledgerdata.SIE_FILE
    path.write_bytes(ledgerdata.sie_text().encode("cp437"))
    return path


def _expected_from_file(path: Path):
    """The file's result rows, summed independently of the importer: unit rows of #PSALDO/#PBUDGET."""
    rows = {}
    for line in path.read_bytes().decode("cp437").splitlines():
        m = re.fullmatch(r'#(PSALDO|PBUDGET) 0 (\d{4})(\d\d) (\d+) \{1 "(\d+)"\} (-?[\d.]+)', line)
        if m:
            cell = rows.setdefault((int(m[2]), int(m[3]), m[5], m[4]), [0.0, 0.0])
            cell[m[1] == "PBUDGET"] += float(m[6])
    return rows


def test_full_year_then_a_partial_month_then_the_full_year_again(tmp_path, full_year):
    root = _workspace(tmp_path)
    expected = _expected_from_file(full_year)
    outcome, budget = round(sum(v[0] for v in expected.values()), 2), round(sum(v[1] for v in expected.values()), 2)
    run = CliRunner().invoke(main, ["import", "ledger", str(full_year), "-w", str(root)])
    assert run.exit_code == 0, run.output
    assert _totals(root) == (len(expected), outcome, budget) == (2184, outcome, budget)

    august = expected[(2027, 8, "2111", "5010")]
    run = CliRunner().invoke(main, ["import", "ledger", str(DATA / "partial-one-voucher.si"), "-w", str(root)])
    assert run.exit_code == 0, run.output
    assert _totals(root) == (2184, round(outcome - august[0] + 1000.0, 2), budget)  # one row replaced, none lost
    others = sum(1 for (y, m, u, a) in expected if (y, m, u) == (2027, 8, "2111") and a != "5010")
    assert f"2111 augusti 2027: 0 tillagda, 1 ersatt, 0 borttagna, {others} behållna (saknas i filen)" in run.output
    assert "[ledger.kept]" in run.output and others > 0
    assert dict(((r[0], r[1], r[2], r[3]), r[4:]) for r in _table(root))[(2027, 8, "2111", "5010")] == (1000.0, august[1])

    run = CliRunner().invoke(main, ["import", "ledger", str(full_year), "-w", str(root)])
    assert run.exit_code == 0, run.output
    assert _totals(root) == (2184, outcome, budget)
    assert [e["file"] for e in changes.log(root / "historik.sqlite")] == [full_year.name, "partial-one-voucher.si", full_year.name]


def test_rows_missing_from_a_later_export_are_kept_and_reported_unless_removal_is_asked_for(tmp_path, master):
    root = _workspace(tmp_path)
    two = FULL.replace('#VER', '#PSALDO 0 202701 6100 {} 20.00\r\n#PSALDO 0 202701 6100 {1 "2111"} 20.00\r\n#VER')
    first = _write(tmp_path, "jan.se", two)
    assert CliRunner().invoke(main, ["import", "ledger", str(first), "-w", str(root)]).exit_code == 0
    later = _write(tmp_path, "jan2.se", FULL)
    run = CliRunner().invoke(main, ["import", "ledger", str(later), "-w", str(root)])
    assert run.exit_code == 0 and "ledger.kept" in run.output and "--remove-missing" in run.output
    assert len(_table(root)) == 2
    dry = CliRunner().invoke(main, ["import", "ledger", str(later), "-w", str(root), "--remove-missing", "--dry-run"])
    assert "2111 januari 2027: 0 tillagda, 1 ersatt, 1 borttagen" in dry.output and len(_table(root)) == 2
    run = CliRunner().invoke(main, ["import", "ledger", str(later), "-w", str(root), "--remove-missing"])
    assert run.exit_code == 0 and _table(root) == [(2027, 1, "2111", "5010", 1000.0, 0.0)]


def test_dry_run_prints_what_the_real_import_then_does(tmp_path, full_year):
    root = _workspace(tmp_path)
    CliRunner().invoke(main, ["import", "ledger", str(full_year), "-w", str(root)])
    for path in (DATA / "partial-one-voucher.si", DATA / "tab-separated-fields.se"):
        before = _table(root)
        dry = CliRunner().invoke(main, ["import", "ledger", str(path), "-w", str(root), "--dry-run"])
        assert dry.exit_code == 0 and "Provkörning: inget sparades." in dry.output and _table(root) == before
        real = CliRunner().invoke(main, ["import", "ledger", str(path), "-w", str(root)])
        assert real.exit_code == 0
        assert dry.output.replace("skulle ändra", "ändrar").replace("Provkörning: inget sparades.\n", "") == real.output
        logged = changes.log(root / "historik.sqlite")[-1]["changes"]
        totals = re.search(r"Totalt: (\d+) tillagda?, (\d+) ersatta?, (\d+) borttag(?:en|na), (\d+) behåll(?:en|na)", real.output)
        assert [logged[k] for k in changes.COUNTS] == [int(x) for x in totals.groups()]


def _sv_kr(amount: float) -> str:
    sign = "−" if amount < 0 else ""
    return sign + f"{abs(amount):,.2f}".replace(",", " ").replace(".", ",") + " kr"


def test_dry_run_and_the_import_show_each_replaced_amount_old_and_new_and_the_sum_of_differences(tmp_path, full_year):
    """The one-voucher payroll file replaces 2111's August on 5010 (the old amount summed here from the
    full year's file) with 1 000 kr: the dry run says so, old → new, and the import prints the same."""
    root = _workspace(tmp_path)
    assert CliRunner().invoke(main, ["import", "ledger", str(full_year), "-w", str(root)]).exit_code == 0
    old = round(_expected_from_file(full_year)[(2027, 8, "2111", "5010")][0], 2)
    path = DATA / "partial-one-voucher.si"
    dry = CliRunner().invoke(main, ["import", "ledger", str(path), "-w", str(root), "--dry-run"])
    real = CliRunner().invoke(main, ["import", "ledger", str(path), "-w", str(root)])
    assert dry.exit_code == real.exit_code == 0
    said = f"    konto 5010 utfall: {_sv_kr(old)} → 1 000,00 kr (skillnad {_sv_kr(1000 - old)})"
    total = f"  Summa av skillnaderna: utfall {_sv_kr(1000 - old)}"
    for run in (dry, real):
        lines = run.output.splitlines()
        at = lines.index(said)
        assert lines[at - 1].startswith("  2111 augusti 2027: 0 tillagda, 1 ersatt,") and total in lines
    assert dry.output.replace("skulle ändra", "ändrar").replace("Provkörning: inget sparades.\n", "") == real.output
    assert dict(((r[0], r[1], r[2], r[3]), r[4]) for r in _table(root))[(2027, 8, "2111", "5010")] == 1000.0
    again = CliRunner().invoke(main, ["import", "ledger", str(path), "-w", str(root), "--dry-run"])
    assert "konto 5010" not in again.output and "Summa av skillnaderna" not in again.output  # the same amount again


def test_removed_rows_and_replaced_project_amounts_are_shown_old_and_new(tmp_path, master):
    root = _workspace(tmp_path)
    two = FULL.replace('#VER', '#PSALDO 0 202701 6100 {} 20.00\r\n#PSALDO 0 202701 6100 {1 "2111"} 20.00\r\n#VER')
    assert CliRunner().invoke(main, ["import", "ledger", str(_write(tmp_path, "jan.se", two)), "-w", str(root)]).exit_code == 0
    run = CliRunner().invoke(main, ["import", "ledger", str(_write(tmp_path, "jan2.se", FULL)), "-w", str(root),
                                    "--remove-missing"])
    assert "    konto 6100 utfall: 20,00 kr → 0,00 kr (skillnad −20,00 kr)" in run.output.splitlines()
    invoice = HEAD.format(typ=4) + _project_voucher(1, "20270825", "P101", "1000.00")
    assert CliRunner().invoke(main, ["import", "ledger", str(_write(tmp_path, "a.si", invoice)), "-w", str(root)]).exit_code == 0
    invoice = HEAD.format(typ=4) + _project_voucher(1, "20270825", "P101", "1500.00")
    run = CliRunner().invoke(main, ["import", "ledger", str(_write(tmp_path, "b.si", invoice)), "-w", str(root)])
    lines = run.output.splitlines()
    at = lines.index("    investeringar: 1 000,00 kr → 1 500,00 kr (skillnad 500,00 kr)")
    assert lines[at - 1].startswith("  projekt P101 augusti 2027: 0 tillagda, 1 ersatt,")
    assert "  Summa av skillnaderna: investeringar 500,00 kr" in lines


def test_import_list_shows_file_hash_time_coverage_and_changes(tmp_path, full_year):
    root = _workspace(tmp_path)
    CliRunner().invoke(main, ["import", "ledger", str(full_year), "-w", str(root)])
    CliRunner().invoke(main, ["import", "ledger", str(DATA / "partial-one-voucher.si"), "-w", str(root)])
    out = CliRunner().invoke(main, ["import", "list", "-w", str(root)]).output
    assert changes.sha256(DATA / "partial-one-voucher.si") in out and changes.sha256(full_year) in out
    assert "utfall 2027-01–2027-08 (8 mån, alla enheter)" in out and "utfall 2027-08 (1 mån, enhet 2111)" in out
    text = full_year.read_bytes().decode("cp437")
    projects = set(re.findall(r'#VER "I" "\d+" 2027(\d\d)\d\d .*\r\n\{\r\n#TRANS 1229 \{6 "(\w+)"\}', text))
    assert projects and f"{2184 + len(projects)} tillagda" in out and "1 ersatt," in out


# -- CSV as Swedish offices save it --------------------------------------------------------------

CSV_TEXT = "ar;period;ansvar;verksamhet;konto;utfall;budget\r\n2027;202701;2111;Förskola;5010;616 500,00;616 500,00\r\n" \
           "2027;202702;2111;Förskola;5010;-1 234,50;0\r\n"
CSV_ROWS = {(2027, 1, "2111", "5010"): [616500.0, 616500.0], (2027, 2, "2111", "5010"): [-1234.5, 0.0]}
CSV_FILES = {
    "the case: Excel's CSV (semikolonavgränsad), Windows-1252": (DATA / "excel-semicolon-cp1252.csv").read_bytes(),
    "UTF-8": CSV_TEXT.encode("utf-8"),
    "UTF-8 with BOM (Excel's CSV UTF-8)": CSV_TEXT.encode("utf-8-sig"),
    "UTF-16 with BOM (Notepad's Unicode)": CSV_TEXT.encode("utf-16"),
    "UTF-16 big-endian with BOM": b"\xfe\xff" + CSV_TEXT.encode("utf-16-be"),
    "headers in another case, order and spacing": ("Konto; År ;Period;ANSVAR;Verksamhet;Utfall;Budget \r\n"
                                                   "5010;2027;202701;2111;x;616 500,00;616 500,00\r\n"
                                                   "5010;2027;2;2111;x;-1 234,50;\r\n").encode("cp1252"),
    "tab-separated": CSV_TEXT.replace(";", "\t").encode("utf-8-sig"),
}


@pytest.mark.parametrize("data", CSV_FILES.values(), ids=CSV_FILES.keys())
def test_the_flat_csv_is_read_in_every_encoding_and_header_shape_offices_save(tmp_path, master, data):
    path = tmp_path / "huvudbok.csv"
    path.write_bytes(data)
    result = ledger.from_csv(path, master)
    assert result.findings == [] and _rows(result) == CSV_ROWS


def test_a_csv_no_known_encoding_reads_is_a_swedish_finding_naming_the_option(tmp_path, master):
    path = tmp_path / "trasig.csv"
    path.write_bytes(CSV_TEXT.encode("cp1252") + b"\x81\x8d\x90")  # bytes neither UTF-8 nor Windows-1252 has
    findings = ledger.from_csv(path, master).findings
    assert [f.code for f in findings] == ["import.encoding"] and "--encoding" in findings[0].hint()
    root = _workspace(tmp_path)
    run = CliRunner().invoke(main, ["import", "ledger", str(path), "-w", str(root)])
    assert run.exit_code == 1 and "UnicodeDecodeError" not in run.output and "Traceback" not in run.output


@pytest.mark.parametrize("copies", [[2], [2, 2], [1, 2]])
def test_duplicated_csv_lines_are_reported_and_counted_once(tmp_path, master, copies):
    lines = CSV_TEXT.splitlines()
    body = lines + [lines[i] for i in copies]
    path = tmp_path / "dubbel.csv"
    path.write_text("\r\n".join(body) + "\r\n", encoding="utf-8")
    result = ledger.from_csv(path, master)
    assert [(f.code, f.value, f.params["line"]) for f in result.findings] == [
        ("ledger.csv_duplicate", i + 1, len(lines) + n + 1) for n, i in enumerate(copies)]
    assert _rows(result) == CSV_ROWS


def test_a_csv_missing_a_column_names_it(tmp_path, master):
    path = tmp_path / "fel.csv"
    path.write_text("ar;period;ansvar;konto;belopp\n2027;1;2111;5010;1\n", encoding="utf-8")
    assert [(f.code, f.value) for f in ledger.from_csv(path, master).findings] == [("ledger.csv_header", "utfall")]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-8"])
def test_a_kolada_json_saved_with_a_bom_or_as_utf16_is_read(tmp_path, master, encoding):
    import json

    from rodtrad.consolidator.imports import kolada

    path = tmp_path / "kolada.json"
    data = {"values": [{"kpi": "N15419", "municipality": "1280", "period": 2025, "values": [{"gender": "T", "value": 79.5}]}]}
    path.write_bytes(json.dumps(data, ensure_ascii=False).encode(encoding))
    rows, findings = kolada.read(path, master)
    assert [f for f in findings if f.severity == "error"] == [] and rows == [("N15419", "1280", 2025, "T", 79.5)]


# -- investment projects -------------------------------------------------------------------------

def _project_voucher(number: int, date: str, project: str, amount: str, dim: str = "6") -> str:
    return (f'#VER I {number} {date} "Faktura"\r\n{{\r\n#TRANS 1229 {{{dim} "{project}"}} {amount}\r\n'
            f'#TRANS 2440 {{}} {-float(amount):.2f}\r\n}}\r\n')


PROJECT_FILES = {
    "4I: one invoice, dimension 6": (HEAD.format(typ=4) + '#DIM 6 "Projekt"\r\n' + _project_voucher(1, "20270825", "P101", "1500.00"),
                                     {(2027, 8, "P101"): 1500.0}, {"2027-08": ["P101"]}),
    "4E: a financial year, two months, the project dimension named elsewhere": (
        HEAD.format(typ=4) + '#RAR 0 20270101 20271231\r\n#DIM 7 "Investeringsprojekt"\r\n'
        + _project_voucher(1, "20270110", "P102", "100.00", "7") + _project_voucher(2, "20270210", "P102", "250.50", "7")
        + _project_voucher(3, "20270211", "P102", "-50.50", "7"),
        {(2027, 1, "P102"): 100.0, (2027, 2, "P102"): 200.0}, {"2027-01": "alla", "2027-02": "alla"}),
}


@pytest.mark.parametrize("text,projects,coverage", PROJECT_FILES.values(), ids=PROJECT_FILES.keys())
def test_investment_outcome_is_read_per_project_from_the_vouchers(tmp_path, master, text, projects, coverage):
    result = ledger.from_sie(_write(tmp_path, "inv.si", text), master)
    assert result.findings == [] and result.rows == {}  # an investment is not the unit's operating outcome
    assert dict(result.projects) == projects
    assert result.coverage.describe()["investeringar"] == coverage


YEAR_HEAD = HEAD.format(typ=4) + '#RAR 0 20270101 20271231\r\n#DIM 1 "Ansvar"\r\n#DIM 6 "Projekt"\r\n'
BALANCES = ('#PSALDO 0 202703 1229 {} 5000.00\r\n#PSALDO 0 202703 1229 {6 "P101"} 5000.00\r\n'
            '#PSALDO 0 202703 1229 {1 "2111" 6 "P101"} 5000.00\r\n#PSALDO 0 202704 1229 {6 "P102"} 250.50\r\n')
SOURCES = {  # SIE 4B: #PSALDO's object list may name the project; a voucher row names it per row
    "balances only: each project once, however many combinations repeat it": (
        YEAR_HEAD + BALANCES, {(2027, 3, "P101"): 5000.0, (2027, 4, "P102"): 250.5}),
    "vouchers only": (
        YEAR_HEAD + _project_voucher(1, "20270310", "P101", "1500.00") + _project_voucher(2, "20270320", "P101", "500.00"),
        {(2027, 3, "P101"): 2000.0}),
    "both: the vouchers win for the project they carry, the balances give the other": (
        YEAR_HEAD + BALANCES + _project_voucher(1, "20270310", "P101", "1500.00"),
        {(2027, 3, "P101"): 1500.0, (2027, 4, "P102"): 250.5}),
}


@pytest.mark.parametrize("text,projects", SOURCES.values(), ids=SOURCES.keys())
def test_project_outcome_comes_from_the_vouchers_or_else_the_period_balances(tmp_path, master, text, projects):
    result = ledger.from_sie(_write(tmp_path, "p.se", text), master)
    assert [f.code for f in result.findings if f.severity == "error"] == []
    assert dict(result.projects) == projects
    assert set(result.coverage.describe()["investeringar"]) == {f"{y}-{m:02d}" for y, m, _ in projects}


def test_an_unknown_project_is_reported_once_and_not_imported(tmp_path, master):
    text = HEAD.format(typ=4) + _project_voucher(1, "20270825", "P999", "1.00") + _project_voucher(2, "20270826", "P999", "2.00")
    result = ledger.from_sie(_write(tmp_path, "x.si", text), master)
    assert [(f.code, f.value) for f in result.findings] == [("ledger.unknown_project", "P999")] and not result.projects


def test_the_csv_projekt_column_gives_investment_outcome(tmp_path, master):
    path = tmp_path / "inv.csv"
    path.write_text("ar;period;ansvar;verksamhet;konto;utfall;budget;projekt\n2027;3;2111;x;1229;10 000,00;0;P101\n"
                    "2027;3;2111;x;5010;5,00;0;\n", encoding="utf-8")
    result = ledger.from_csv(path, master)
    assert result.findings == [] and dict(result.projects) == {(2027, 3, "P101"): 10000.0}
    assert _rows(result) == {(2027, 3, "2111", "5010"): [5.0, 0.0]}


def test_a_project_invoice_file_replaces_only_its_project_and_month(tmp_path):
    root = _workspace(tmp_path)
    year = HEAD.format(typ=4) + '#RAR 0 20270101 20271231\r\n' + "".join(
        _project_voucher(n, f"2027{m:02d}15", p, "1000.00") for n, (m, p) in enumerate(
            [(m, p) for m in (7, 8) for p in ("P101", "P102")], start=1))
    assert CliRunner().invoke(main, ["import", "ledger", str(_write(tmp_path, "ar.se", year)), "-w", str(root)]).exit_code == 0
    one = HEAD.format(typ=4) + _project_voucher(1, "20270825", "P101", "1500.00")
    run = CliRunner().invoke(main, ["import", "ledger", str(_write(tmp_path, "en.si", one)), "-w", str(root)])
    assert run.exit_code == 0 and "projekt P101 augusti 2027: 0 tillagda, 1 ersatt," in run.output
    con = sqlite3.connect(root / "historik.sqlite")
    assert con.execute("SELECT month, project, outcome FROM investments ORDER BY month, project").fetchall() == [
        (7, "P101", 1000.0), (7, "P102", 1000.0), (8, "P101", 1500.0), (8, "P102", 1000.0)]
