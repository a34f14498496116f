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


def test_an_account_total_beyond_its_objects_is_a_warning_with_the_remainder(tmp_path, master):
    path = tmp_path / "fel.se"
    path.write_bytes(SIE.replace("#PSALDO 0 202701 5010 {} 245000.00", "#PSALDO 0 202701 5010 {} 250000.00").encode("cp437"))
    result = ledger.from_sie(path, master)
    assert [(f.code, f.value, f.params["amount"]) for f in result.findings] == [("ledger.unattributed", "5010", "5 000,00")]
    assert result.rows[(2027, 1, "2112", "5010")] == [125000.0, 0.0]


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
    missing = sorted({i.kolada for i in master.indicators if i.source == "kolada" and i.kolada} - {"N15419"})
    assert [(f.code, f.value) for f in findings] == [("kolada.unknown_kpi", "N00000")] + [
        ("kolada.no_values", kpi) for kpi in missing]
    assert rows == [("N15419", "9999", 2026, "T", 81.2), ("N15419", "9999", 2026, "K", 84.0),
                    ("N15419", "9999", 2026, "M", None), ("N15419", "1280", 2025, "T", 79.5)]


def test_a_kolada_file_of_another_shape_is_refused(tmp_path, master):
    path = tmp_path / "fel.json"
    path.write_text('{"data": []}', encoding="utf-8")
    assert [f.code for f in kolada.read(path, master)[1]] == ["kolada.shape"]
    bad = {"values": [{"kpi": "N15419", "municipality": "9999", "period": 2026, "values": [{"gender": "X", "value": 1}]}]}
    path.write_text(json.dumps(bad), encoding="utf-8")
    assert [f.code for f in kolada.read(path, master)[1] if f.severity == "error"] == ["kolada.value"]


def test_the_shipped_sample_files_are_what_their_generator_writes_and_import_cleanly(master):
    from rodtrad.samples import ledgerdata

    sie_path = ledgerdata.shipped(ledgerdata.SIE_FILE)
    assert sie_path.read_bytes() == ledgerdata.sie_text().encode("cp437")
    previous = ledger.from_sie(ledgerdata.shipped(ledgerdata.PREVIOUS_FILE), master)
    assert ledgerdata.shipped(ledgerdata.PREVIOUS_FILE).read_bytes() == ledgerdata.previous_year_text().encode("cp437")
    assert previous.findings == [] and previous.years == {2026} and len(previous.rows) == 12 * len(master.budget)
    assert ledgerdata.shipped(ledgerdata.KOLADA_FILE).read_text(encoding="utf-8") == ledgerdata.kolada_json()
    result = ledger.from_sie(sie_path, master)
    assert result.findings == [] and result.years == {2027}
    frames = {(f.unit, f.account): f.amount for f in master.budget}
    assert {(u, a) for (_, _, u, a) in result.rows} == set(frames)
    rows, findings = kolada.read(ledgerdata.shipped(ledgerdata.KOLADA_FILE), master)
    assert findings == [] and {r[3] for r in rows} == {"T", "K", "M"}


@pytest.fixture
def kolada_server():
    """A local HTTP server answering Kolada v3's data endpoint from the shipped sample, in two pages."""
    from json_server import serving

    from rodtrad.samples import ledgerdata

    values = json.loads(ledgerdata.shipped(ledgerdata.KOLADA_FILE).read_text(encoding="utf-8"))["values"]

    def answer(path, port):
        half = len(values) // 2
        if path.endswith("?page=2"):
            return {"count": len(values), "values": values[half:]}
        return {"count": len(values), "values": values[:half], "next_url": f"http://127.0.0.1:{port}{path}?page=2"}

    with serving(answer) as (port, asked):
        yield f"http://127.0.0.1:{port}/v3", asked, values


def test_fetch_kolada_asks_the_v3_endpoint_follows_pages_keeps_the_answer_and_imports_it(tmp_path, kolada_server):
    base, asked, values = kolada_server
    root = tmp_path / "ws"
    CliRunner().invoke(main, ["init", str(root)])
    result = CliRunner().invoke(main, ["fetch", "kolada", "-w", str(root), "--url", base, "--year", "2025",
                                       "--year", "2026", "--peer", "1280", "--peer", "2380"])
    assert result.exit_code == 0, result.output
    kpis = "N09805,N15419,N21812,N31807,U23471"  # Exempelkommun's Kolada indicators, sorted
    towns = "9999,0180,0884,1280,2283,2380"  # its own, then the peer group of the master data and --peer, sorted
    assert asked == [f"/v3/data/kpi/{kpis}/municipality/{towns}/year/2025,2026",
                     f"/v3/data/kpi/{kpis}/municipality/{towns}/year/2025,2026?page=2"]
    kept = json.loads((root / "kolada" / "kolada-9999-2025-2026.json").read_text(encoding="utf-8"))
    assert kept["values"] == values  # both pages, in order, as Kolada sent them
    con = sqlite3.connect(root / "historik.sqlite")
    expected = sum(len(v["values"]) for v in values)
    assert con.execute("SELECT count(*) FROM kolada").fetchone() == (expected,)


def test_fetch_kolada_without_a_network_says_so_and_imports_nothing(tmp_path):
    root = tmp_path / "ws"
    CliRunner().invoke(main, ["init", str(root)])
    result = CliRunner().invoke(main, ["fetch", "kolada", "-w", str(root), "--url", "http://127.0.0.1:9/v3"])
    assert result.exit_code == 1 and "Kunde inte nå Kolada" in result.output and "Traceback" not in result.output
    assert not list((root / "kolada").glob("*.json"))


# Every record form the SIE 4B specification describes for what we read, in the order and shape of
# its example file (section "Exempel"): quoted and bare dimension numbers in object lists, the
# optional quantity after #PSALDO amounts, #VER with quoted series/number, registration date and
# sign, #TRANS with date, text (with an escaped quote) and quantity, and #RTRANS/#BTRANS (an added
# transaction repeated as #TRANS for older readers; a removed one). Written from the specification's
# description, not copied from it; the records we do not use (#IB, #UB, #OIB, #KTYP, #SRU …) must be
# skipped without findings.
SIE_4B = """#FLAGGA 0
#PROGRAM "SIE-testprogram" 1.0
#FORMAT PC8
#GEN 20080204 "Anna Andersson"
#SIETYP 4
#PROSA "Exempel enligt SIE 4B"
#FNR "OVNING"
#ORGNR 555555-5555
#ADRESS "Kontaktperson" "Box 1" "123 45 Staden" "012-345 67"
#FNAMN "Övningsbolaget AB"
#RAR 0 20080101 20081231
#RAR -1 20070101 20071231
#TAXAR 2009
#KPTYP EUBAS97
#VALUTA SEK
#DIM 1 "Resultatenhet"
#DIM 6 "Projekt"
#OBJEKT 1 "Nord" "Kontor Nord"
#OBJEKT 1 "Syd" "Kontor Syd"
#OBJEKT 6 "47" "Sommarprojektet"
#KONTO 1910 "Kassa"
#KONTO 3010 "Försäljning"
#KONTO 7690 "Övriga personalkostnader"
#KTYP 1910 T
#KTYP 3010 I
#KTYP 7690 K
#SRU 3010 7410
#ENHET 3010 st
#IB 0 1910 1000.00
#UB 0 1910 -200.00
#OIB 0 1910 {1 "Nord"} 1000.00
#RES 0 3010 -1000.00
#RES 0 7690 195.00
#PSALDO 0 200801 3010 {} -1000.00 5
#PSALDO 0 200801 3010 {"1" "Nord"} -1000.00 5
#PSALDO 0 200801 7690 {1 "Nord"} 195.00
#PBUDGET 0 200801 7690 {1 "Nord"} 200.00
#VER "A" "1" 20080105 "Kaffebröd" 20080202 "Anna"
{
#TRANS 1910 {} -195.00 20080105 "Kaffebröd \\"Wienerbröd\\""
#TRANS 7690 {"1" "Nord" "6" "47"} 195.00 "" "" 1
}
#VER A 2 20080110 "Försäljning"
{
#TRANS 1910 {} 1000.00
#BTRANS 3010 {1 "Nord"} -1000.00 20080111 "" "" "Anna"
#RTRANS 3010 {1 "Syd"} -1000.00 20080111 "" "" "Anna"
#TRANS 3010 {1 "Syd"} -1000.00
}
"""


def test_a_file_in_the_shape_of_the_sie_4b_specification_example(tmp_path):
    path = tmp_path / "sie4b.se"
    path.write_bytes(SIE_4B.encode("cp437"))
    got = sie.read(path)
    assert got.findings == [] and got.sie_type == "4"
    assert got.years == {0: ("20080101", "20081231"), -1: ("20070101", "20071231")}
    assert got.objects == {("1", "Nord"): "Kontor Nord", ("1", "Syd"): "Kontor Syd", ("6", "47"): "Sommarprojektet"}
    assert got.accounts["7690"] == "Övriga personalkostnader"
    assert [b[:5] for b in got.balances] == [(0, "200801", "3010", {}, -1000.0), (0, "200801", "3010", {"1": "Nord"}, -1000.0),
                                             (0, "200801", "7690", {"1": "Nord"}, 195.0)]
    assert [b[:5] for b in got.budgets] == [(0, "200801", "7690", {"1": "Nord"}, 200.0)]
    assert [t[:4] for t in got.transactions] == [
        ("20080105", "1910", {}, -195.0), ("20080105", "7690", {"1": "Nord", "6": "47"}, 195.0),
        ("20080110", "1910", {}, 1000.0),
        ("20080110", "3010", {"1": "Syd"}, -1000.0)]  # moved Nord -> Syd: #RTRANS counted once, through its #TRANS; #BTRANS not
    assert sum(t[3] for t in got.transactions) == 0  # every voucher balances
