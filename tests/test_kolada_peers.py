"""Kolada as it is served: requests split to 25 ids per dimension, pages followed, a peer group from
the master data (kommunkoder or a Kolada group id) — against a local HTTP server, never the internet."""
import copy
import json
import re
import sqlite3

import pytest
from click.testing import CliRunner

from rodtrad.consolidator.cli import main
from rodtrad.consolidator.imports import kolada
from rodtrad.consolidator.model.masterdata import MasterData
from rodtrad.samples import build

GROUP = {"id": "G12345", "title": "Liknande kommuner, Exempelkommun 2026",
         "members": [{"member_id": "0884", "member_title": "Vimmerby"}, {"member_id": "2283", "member_title": "Sollefteå"}]}


@pytest.fixture
def server():
    """A Kolada v3 stand-in: /data answers every requested (kpi, municipality, year) with a value, in
    two pages; /municipality_groups lists GROUP and one other. Records every path asked."""
    from json_server import serving

    def answer(path, port):
        if path.startswith("/v3/municipality_groups"):
            return {"count": 2, "values": [GROUP, {"id": "G1", "title": "Annan", "members": []}]}
        m = re.fullmatch(r"/v3/data/kpi/([^/]+)/municipality/([^/]+)/year/([^/?]+)(\?page=2)?", path)
        values = [{"kpi": k, "municipality": c, "period": int(y), "values": [{"gender": "T", "value": float(len(c))}]}
                  for k in m[1].split(",") for c in m[2].split(",") for y in m[3].split(",")]
        half = len(values) // 2
        if m[4]:
            return {"count": len(values), "values": values[half:]}
        return {"count": len(values), "values": values[:half], "next_url": f"http://127.0.0.1:{port}{path}?page=2"}

    with serving(answer) as (port, asked):
        yield f"http://127.0.0.1:{port}/v3", asked


def _master(kpis: int, peers: list[str]) -> MasterData:
    data = copy.deepcopy(build("exempelkommun"))
    template = next(i for i in data["indicators"] if i["source"] == "kolada")
    data["indicators"] += [dict(template, id=f"X{n}", kolada=f"N9{n:04d}") for n in range(kpis)]
    data["municipality"]["peers"] = peers
    return MasterData(data)


@pytest.mark.parametrize("kpis,peers,years", [(0, 5, 1), (60, 30, 2), (20, 24, 30), (25, 24, 25)])
def test_requests_are_split_to_25_ids_per_dimension_and_every_page_is_followed(tmp_path, server, kpis, peers, years):
    base, asked = server
    master = _master(kpis, [f"{1000 + n:04d}" for n in range(peers)])
    wanted_years = list(range(2000, 2000 + years))
    dest = kolada.fetch(master, tmp_path / "k.json", years=wanted_years, base=base)
    firsts = [p for p in asked if not p.endswith("?page=2")]
    assert len(asked) == 2 * len(firsts)  # every first page's next_url followed
    combos = []
    for path in firsts:
        k, c, y = re.fullmatch(r"/v3/data/kpi/([^/]+)/municipality/([^/]+)/year/([^/]+)", path).groups()
        assert max(len(k.split(",")), len(c.split(",")), len(y.split(","))) <= 25
        combos += [(a, b, int(d)) for a in k.split(",") for b in c.split(",") for d in y.split(",")]
    all_kpis = {i.kolada for i in master.indicators if i.source == "kolada"}
    expected = {(a, b, d) for a in all_kpis for b in ["9999", *master.peers] for d in wanted_years}
    assert sorted(combos) == sorted(expected)  # each combination asked exactly once
    kept = json.loads(dest.read_text(encoding="utf-8"))["values"]
    assert sorted((v["kpi"], v["municipality"], v["period"]) for v in kept) == sorted(expected)
    n = lambda count: -(-count // 25)  # noqa: E731 - ceil
    assert len(firsts) == n(len(all_kpis)) * n(peers + 1) * n(years)


def test_a_kolada_group_id_in_the_master_data_is_resolved_kept_and_named(tmp_path, server):
    base, asked = server
    root = tmp_path / "ws"
    CliRunner().invoke(main, ["init", str(root)])
    from openpyxl import load_workbook

    wb = load_workbook(root / "styrmodell.xlsx")
    sheet = wb["Kommun"]
    for row in sheet.iter_rows():
        if row[0].value == "Jämförelsekommuner":
            row[1].value = "G12345"
        if row[0].value == "Jämförelsegrupp":
            row[1].value = None
    wb.save(root / "styrmodell.xlsx")
    result = CliRunner().invoke(main, ["fetch", "kolada", "-w", str(root), "--url", base, "--year", "2026"])
    assert result.exit_code == 0, result.output
    assert asked[0] == "/v3/municipality_groups"
    assert "/municipality/9999,0884,2283/year/2026" in asked[1]
    con = sqlite3.connect(root / "historik.sqlite")
    assert con.execute("SELECT count(*) FROM kolada_groups WHERE id = 'G12345'").fetchone() == (2,)
    from rodtrad.consolidator.reading.masterfile import load
    from rodtrad.consolidator.rollup.store import History

    master, _ = load(root / "styrmodell.xlsx")
    with History(root / "historik.sqlite", write=False) as history:
        codes, name = history.peer_group(master)
        assert (codes, name) == ({"0884", "2283"}, GROUP["title"])
        known = history.kolada("N15419", "9999", 2026, codes)
    assert known == (2026, 4.0, 4.0, 2)  # the stand-in's value is the code's length


def test_an_unknown_group_id_is_said_plainly_and_nothing_is_written(tmp_path, server):
    base, _ = server
    master = _master(0, ["G999"])
    with pytest.raises(kolada.FetchError, match="känner inte kommungruppen G999"):
        kolada.fetch(master, tmp_path / "k.json", years=[2026], base=base)
    assert not (tmp_path / "k.json").exists()


VALUES = [{"kpi": "N15419", "municipality": m, "period": 2026, "values": [{"gender": "T", "value": 80.0}]}
          for m in ("9999", "0884", "2283", "0180", "1480", "2380")]


@pytest.mark.parametrize("peers,outside", [
    (["0884", "2283"], ["0180", "1480", "2380"]),
    (["0884", "2283", "0180", "1480", "2380"], []),
    (["G12345"], ["0180", "1480", "2380"]),
    ([], None),  # no peer group declared: nothing is "outside"
])
def test_values_outside_the_peer_group_and_kpis_without_values_are_reported(tmp_path, peers, outside):
    master = _master(0, peers)
    path = tmp_path / "k.json"
    path.write_text(json.dumps({"values": VALUES, "peer_groups": [GROUP]}), encoding="utf-8")
    rows, findings = kolada.read(path, master)
    assert len(rows) == 6  # imported all the same
    found = [f for f in findings if f.code == "kolada.outside_peers"]
    if outside:
        assert [(f.value, f.params["count"]) for f in found] == [(len(outside), len(outside))]
        assert ", ".join(outside) in found[0].message()
    else:
        assert found == []
    kpis = {i.kolada for i in master.indicators if i.source == "kolada"} - {"N15419"}
    assert sorted(f.value for f in findings if f.code == "kolada.no_values") == sorted(kpis)


@pytest.mark.parametrize("known,group,text", [
    ((2026, 81.2, 79.05, 5), ({"1"}, "Jämförelsegruppen X"), "2026: kommunen 81,2, jämförelsegruppen Jämförelsegruppen X (5 kommuner) 79,0"),
    ((2026, 81.2, None, 0), ({"1"}, "Grannarna"), "2026: kommunen 81,2; inga värden för jämförelsegruppen Grannarna"),
    ((2026, 81.2, 70.0, 289), (None, ""), "2026: kommunen 81,2, 289 andra kommuner i Kolada-filen 70,0 (styrmodellen anger ingen jämförelsegrupp)"),
    (None, ({"1"}, "X"), "-"),
])
def test_the_comparison_names_the_peer_group_or_says_there_is_none(known, group, text):
    from rodtrad.consolidator.reports.peers import peer_text

    assert peer_text(known, group) == text
