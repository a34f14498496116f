"""Ledger (SIE 4, CSV) and Kolada imports: real files written here, read as specified."""
import json
import sqlite3

import pytest
from click.testing import CliRunner

from rodtrad.consolidator.cli import main
from rodtrad.consolidator.imports import kolada, ledger, sie

SIE = """#FLAGGA 0
#PROGRAM "Ekonomisystem" 1.0
#FORMAT PC8
#GEN 20270205
#SIETYP 4
#FNAMN "Exempelkommun"
#RAR 0 20270101 20271231
#RAR -1 20260101 20261231
#DIM 1 "Ansvar"
#DIM 20 "Verksamhet"
#OBJEKT 1 "2111" "Förskolan Solrosen"
#OBJEKT 1 "2112" "Förskolan Blåklockan"
#OBJEKT 20 "410" "Förskola"
#KONTO 3100 "Taxor och avgifter"
#KONTO 5010 "Löner"
#KONTO 1910 "Kassa"
#RES 0 5010 245000.00
#PSALDO 0 202701 5010 {} 245000.00
#PSALDO 0 202701 5010 {1 "2111"} 120000.00
#PSALDO 0 202701 5010 {1 "2112" 20 "410"} 125000.00
#PSALDO 0 202701 3100 {1 "2111"} -8000.50
#PSALDO 0 202701 1910 {1 "2111"} 999.00
#PBUDGET 0 202701 5010 {1 "2111"} 118000.00
#VER A 1 20270115 "Löner januari"
{
#TRANS 5010 {1 "2111"} 120000.00
#TRANS 1910 {} -120000.00
}
"""


@pytest.fixture
def sie_file(tmp_path):
    path = tmp_path / "export.se"
    path.write_bytes(SIE.encode("cp437"))
    return path


def test_every_record_type_is_read_from_a_code_page_437_file(sie_file):
    parsed = sie.read(sie_file)
    assert parsed.findings == [] and parsed.sie_type == "4"
    assert parsed.years == {0: ("20270101", "20271231"), -1: ("20260101", "20261231")}
    assert parsed.dimensions == {"1": "Ansvar", "20": "Verksamhet"}
    assert parsed.objects[("1", "2112")] == "Förskolan Blåklockan"  # å from code page 437
    assert parsed.accounts["5010"] == "Löner"
    assert (0, "202701", "5010", {"1": "2112", "20": "410"}, 125000.0, 20) in parsed.balances
    assert parsed.budgets == [(0, "202701", "5010", {"1": "2111"}, 118000.0, 23)]
    assert parsed.results == [(0, "5010", 245000.0, 17)]
    assert parsed.transactions[0] == ("20270115", "5010", {"1": "2111"}, 120000.0, 26)


def test_the_ledger_maps_ansvar_to_units_and_keeps_result_accounts(sie_file, master):
    result = ledger.from_sie(sie_file, master)
    assert result.findings == []
    assert dict(result.rows) == {(2027, 1, "2111", "5010"): [120000.0, 118000.0], (2027, 1, "2111", "3100"): [-8000.5, 0.0],
                                 (2027, 1, "2112", "5010"): [125000.0, 0.0]}


def test_objects_that_do_not_add_up_to_the_account_total_are_named_by_line(tmp_path, master):
    path = tmp_path / "fel.se"
    path.write_bytes(SIE.replace("#PSALDO 0 202701 5010 {} 245000.00", "#PSALDO 0 202701 5010 {} 250000.00").encode("cp437"))
    findings = ledger.from_sie(path, master).findings
    assert [(f.code, f.value) for f in findings] == [("sie.totals", 18)]


def test_a_malformed_line_gives_a_finding_with_its_line_number(tmp_path, master):
    path = tmp_path / "trasig.se"
    path.write_bytes(SIE.replace('#PSALDO 0 202701 3100 {1 "2111"} -8000.50', '#PSALDO 0 202701 3100 {1 "2111"} -8 000,50')
                     .replace("#KONTO 1910", "KONTO 1910").encode("cp437"))
    found = [(f.code, f.value) for f in sie.read(path).findings]
    assert found == [("sie.syntax", 16), ("sie.syntax", 21)]


def test_an_unknown_ansvar_is_reported_once_and_not_imported(tmp_path, master):
    path = tmp_path / "okand.se"
    path.write_bytes((SIE + '#PSALDO 0 202702 5010 {1 "9999"} 5.00\n#PSALDO 0 202703 5010 {1 "9999"} 5.00\n').encode("cp437"))
    result = ledger.from_sie(path, master)
    assert [(f.code, f.value) for f in result.findings] == [("ledger.unknown_unit", "9999")]
    assert not any(k[2] == "9999" for k in result.rows)


def test_a_file_with_vouchers_only_takes_the_outcome_from_its_transactions(tmp_path, master):
    lines = [line for line in SIE.splitlines() if not line.startswith(("#PSALDO", "#PBUDGET"))]
    path = tmp_path / "ver.se"
    path.write_bytes("\n".join(lines).encode("cp437"))
    assert dict(ledger.from_sie(path, master).rows) == {(2027, 1, "2111", "5010"): [120000.0, 0.0]}


def test_windows_1252_and_utf8_exports_are_read_when_told(tmp_path, master):
    for encoding in ("cp1252", "utf-8"):
        path = tmp_path / f"{encoding}.se"
        path.write_bytes(SIE.replace("#FORMAT PC8\n", "").encode(encoding))
        assert sie.read(path, encoding).objects[("1", "2112")] == "Förskolan Blåklockan"


def test_the_flat_csv_with_decimal_commas(tmp_path, master):
    path = tmp_path / "huvudbok.csv"
    path.write_text("ar;period;ansvar;verksamhet;konto;utfall;budget\n2027;1;2111;410;5010;120 000,50;118 000\n"
                    "2027;202702;2111;410;5010;1,5;0\n2027;13;2111;410;5010;1;1\n", encoding="utf-8")
    result = ledger.from_csv(path, master)
    assert [(f.code, f.value) for f in result.findings] == [("ledger.csv_row", 4)]
    assert dict(result.rows) == {(2027, 1, "2111", "5010"): [120000.5, 118000.0], (2027, 2, "2111", "5010"): [1.5, 0.0]}


def test_importing_a_year_again_replaces_it(sie_file, workspace, tmp_path):
    root = tmp_path / "ws"
    CliRunner().invoke(main, ["init", str(root)])
    for _ in range(2):
        result = CliRunner().invoke(main, ["import", "ledger", str(sie_file), "-w", str(root)])
        assert result.exit_code == 0, result.output
    con = sqlite3.connect(root / "historik.sqlite")
    assert con.execute("SELECT count(*), sum(outcome) FROM ledger").fetchone() == (3, 236999.5)


KOLADA = {"values": [
    {"kpi": "N15419", "municipality": "9999", "period": 2026,
     "values": [{"gender": "T", "value": 81.2, "count": 1}, {"gender": "K", "value": 84.0}, {"gender": "M", "value": None}]},
    {"kpi": "N15419", "municipality": "1280", "period": "2025", "values": [{"gender": "T", "value": 79.5}]},
    {"kpi": "N00000", "municipality": "9999", "period": 2026, "values": [{"gender": "T", "value": 1}]},
]}


def test_kolada_values_in_both_period_shapes_and_all_genders_with_peers(tmp_path, master):
    path = tmp_path / "kolada.json"
    path.write_text(json.dumps(KOLADA), encoding="utf-8")
    rows, findings = kolada.read(path, master)
    assert [(f.code, f.value) for f in findings] == [("kolada.unknown_kpi", "N00000")]
    assert rows == [("N15419", "9999", 2026, "T", 81.2), ("N15419", "9999", 2026, "K", 84.0),
                    ("N15419", "9999", 2026, "M", None), ("N15419", "1280", 2025, "T", 79.5)]


def test_a_kolada_file_of_another_shape_is_refused(tmp_path, master):
    path = tmp_path / "fel.json"
    path.write_text('{"data": []}', encoding="utf-8")
    assert [f.code for f in kolada.read(path, master)[1]] == ["kolada.shape"]
    bad = {"values": [{"kpi": "N15419", "municipality": "9999", "period": 2026, "values": [{"gender": "X", "value": 1}]}]}
    path.write_text(json.dumps(bad), encoding="utf-8")
    assert [f.code for f in kolada.read(path, master)[1]] == ["kolada.value"]


def test_the_shipped_sample_files_are_what_their_generator_writes_and_import_cleanly(master):
    from rodtrad.samples import ledgerdata

    sie_path = ledgerdata.shipped(ledgerdata.SIE_FILE)
    assert sie_path.read_bytes() == ledgerdata.sie_text().encode("cp437")
    assert ledgerdata.shipped(ledgerdata.KOLADA_FILE).read_text(encoding="utf-8") == ledgerdata.kolada_json()
    result = ledger.from_sie(sie_path, master)
    assert result.findings == [] and result.years == {2027}
    frames = {(f.unit, f.account): f.amount for f in master.budget}
    assert {(u, a) for (_, _, u, a) in result.rows} == set(frames)
    rows, findings = kolada.read(ledgerdata.shipped(ledgerdata.KOLADA_FILE), master)
    assert findings == [] and {r[3] for r in rows} == {"T", "K", "M"}
