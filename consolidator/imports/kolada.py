"""Kolada import: indicator values in the shape of Kolada's API v3, for indicators whose source is a
Kolada KPI, including other municipalities' values (a peer group for omvärldsanalys)."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from rodtrad.consolidator.model.files import relative, sha256
from rodtrad.consolidator.model.findings import ERROR, INFO, WARNING, define
from rodtrad.consolidator.model.masterdata import MasterData
from rodtrad.consolidator.imports.text import decode
from rodtrad.consolidator.model.words import Said, explain

SHAPE = define("kolada.shape", ERROR, "Filen följer inte Koladas format ({detail}).",
               "The file does not follow Kolada's format ({detail}).",
               "Väntat: {{\"values\": [{{\"kpi\", \"municipality\", \"period\", \"values\": [{{\"gender\", \"value\"}}]}}]}}",
               "Expected: {{\"values\": [{{\"kpi\", \"municipality\", \"period\", \"values\": [...]}}]}}")
UNKNOWN_KPI = define("kolada.unknown_kpi", WARNING, "Nyckeltalet {value} används inte av något nyckeltal i styrmodellen; "
                     "värdena importeras inte.", "The KPI {value} is not used by any indicator in the master data; "
                     "its values are not imported.", "Ange Kolada-id på bladet Indikatorer om det ska följas.")
BAD_VALUE = define("kolada.value", ERROR, "{value}: {detail}", "{value}: {detail}")
NO_VALUES = define("kolada.no_values", WARNING, "Nyckeltalet {value} ({detail}) har inga värden i filen.",
                   "The KPI {value} ({detail}) has no values in the file.",
                   "Kontrollera Kolada-id på bladet Indikatorer, och att filen hämtats för rätt år och kommuner.",
                   "Check the Kolada id on the Indikatorer sheet, and that the file covers the right years and municipalities.")
OUTSIDE_PEERS = define("kolada.outside_peers", INFO,
                       "{value} värden gäller {count} kommuner utanför jämförelsegruppen {group} ({detail}); de "
                       "importeras men ingår inte i jämförelsen.",
                       "{value} values concern {count} municipalities outside the peer group {group} ({detail}); they are "
                       "imported but not compared with.",
                       "Vill ni jämföra med dem: lägg till kommunkoderna i styrmodellens Jämförelsekommuner.",
                       "To compare with them, add their codes to the master data's peers.")

SCHEMA = """CREATE TABLE IF NOT EXISTS kolada (kpi TEXT, municipality TEXT, period INTEGER, gender TEXT, value REAL,
                                             PRIMARY KEY (kpi, municipality, period, gender));
CREATE TABLE IF NOT EXISTS kolada_groups (id TEXT, title TEXT, member TEXT, PRIMARY KEY (id, member));"""
GENDERS = {"T", "K", "M"}


def read(path: Path, master: MasterData) -> tuple[list[tuple], list]:
    """Rows (kpi, municipality, period, gender, value) for the master data's Kolada indicators, and
    findings: unknown KPIs, KPIs without values, values outside the declared peer group."""
    rows, findings, _ = read_with_groups(path, master)
    return rows, findings


def _shown(value) -> str:
    """A value from the file as the file writes it (JSON), never as Python would (None, ['x'])."""
    return "inget" if value is None else json.dumps(value, ensure_ascii=False)[:60]


def read_with_groups(path: Path, master: MasterData, known_groups=()) -> tuple[list[tuple], list, list[dict]]:
    """`read`, plus the municipality groups a fetch kept in the file (`peer_groups`); `known_groups`
    (from earlier fetches, `stored_groups`) resolve a peer group id the file does not carry."""
    name, findings, rows, unknown = Path(path).name, [], [], set()
    wanted = {i.kolada for i in master.indicators if i.source == "kolada" and i.kolada}
    try:
        text, problem = decode(Path(path).read_bytes())  # Windows tools save JSON with a BOM or as UTF-16
        if text is None:
            return [], [problem(file=name)], []
        data = json.loads(text)
        entries = data["values"]
    except (OSError, ValueError, KeyError, TypeError, RecursionError) as exc:
        return [], [SHAPE(file=name, params={"detail": explain(exc, Said("filen har fel form", "the file has the wrong form"))})], []
    if not isinstance(entries, list):
        return [], [SHAPE(file=name, params={"detail": Said("values är ingen lista", "values is not a list")})], []
    for i, entry in enumerate(entries):
        where = f"values[{i}]"
        try:
            kpi, municipality = str(entry["kpi"]), str(entry["municipality"]).zfill(4)
            period = int(str(entry["period"]))
            if kpi not in wanted:
                if kpi not in unknown:
                    unknown.add(kpi)
                    findings.append(UNKNOWN_KPI(file=name, value=kpi))
                continue
            for value in entry["values"]:
                gender = value.get("gender")
                if gender not in GENDERS:
                    findings.append(BAD_VALUE(file=name, value=where, params={"detail": Said(f"okänt kön {_shown(gender)} (T, K eller M)", f"unknown gender {_shown(gender)} (T, K or M)")}))
                    continue
                number = value.get("value")
                if number is not None and not isinstance(number, (int, float)):
                    findings.append(BAD_VALUE(file=name, value=where, params={"detail": Said(f"värdet {_shown(number)} är inget tal", f"the value {_shown(number)} is not a number")}))
                    continue
                rows.append((kpi, municipality, period, gender, number))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            said = explain(exc, Said("ett värde har fel form", "a value has the wrong form"))
            findings.append(SHAPE(file=name, value=where, params={"detail": Said(f"{where}: {said}", f"{where}: {said.en}")}))
    found = {r[0] for r in rows if r[4] is not None}
    names = {i.kolada: i.name for i in master.indicators if i.source == "kolada" and i.kolada}
    findings += [NO_VALUES(file=name, value=kpi, params={"detail": names[kpi]}) for kpi in sorted(wanted - found)]
    groups = groups_in(data.get("peer_groups"))
    codes, title = peer_codes(master, [*known_groups, *groups])
    if codes is not None:
        own = str(master.municipality.get("code") or "").zfill(4)
        outside = [r for r in rows if r[1] != own and r[1] not in codes]
        if outside:
            others = sorted({r[1] for r in outside})
            findings.append(OUTSIDE_PEERS(file=name, value=len(outside), params={
                "count": len(others), "group": title, "detail": ", ".join(others[:10]) + (" …" if len(others) > 10 else "")}))
    return rows, findings, groups


def groups_in(data) -> list[dict]:
    """Kolada municipality groups as v3 serves them ({id, title, members: [{member_id|id, …}]}) ->
    [{'id', 'title', 'members': [code, …]}]; anything else is left out."""
    out = []
    for group in data if isinstance(data, list) else []:
        try:
            members = [str(m.get("member_id", m.get("id")) if isinstance(m, dict) else m).zfill(4)
                       for m in group.get("members") or []]
            out.append({"id": str(group["id"]), "title": str(group.get("title") or group["id"]), "members": members})
        except (AttributeError, KeyError, TypeError):
            continue
    return out


def peer_codes(master: MasterData, groups: list[dict]):
    """(the peer group's kommunkoder as a set, its name) from the master data, a group id resolved
    through `groups` (as `groups_in` gives them); (None, '') when the master data declares no peers.
    A group id not among `groups` contributes no codes (the comparison then says so)."""
    if not master.peers:
        return None, ""
    codes, titles = set(), []
    by_id = {g["id"]: g for g in groups}
    for peer in master.peers:
        if peer.upper().startswith("G"):
            group = by_id.get(peer.upper()) or by_id.get(peer)
            if group:
                codes |= set(group["members"])
                titles.append(group["title"])
        else:
            codes.add(peer.zfill(4))
    return codes, master.peer_group or (", ".join(titles) if titles else "enligt styrmodellen")


SOURCES = """CREATE TABLE IF NOT EXISTS kolada_source (kpi TEXT, municipality TEXT, period INTEGER, gender TEXT,
                                                    file TEXT, sha256 TEXT, PRIMARY KEY (kpi, municipality, period, gender));"""


def store(rows: list[tuple], db: Path, file: Path | None = None, groups: list[dict] = ()) -> int:
    """Store rows from `read` in the history database `db` (historik.sqlite in the workspace).
    With the `file` they were read from, each value also records that file (its path relative to
    the workspace, or its name when it lies outside) and SHA-256: a report's Kolada figure then
    points to the file, KPI, municipality and year it came from. `groups`: the municipality groups a
    fetch resolved (peer groups), kept in `kolada_groups`."""
    con = sqlite3.connect(db, isolation_level=None)
    try:
        con.executescript(SCHEMA + SOURCES)
        con.execute("BEGIN")
        con.executemany("INSERT OR REPLACE INTO kolada VALUES (?, ?, ?, ?, ?)", rows)
        for group in groups:
            con.execute("DELETE FROM kolada_groups WHERE id = ?", (group["id"],))
            con.executemany("INSERT INTO kolada_groups VALUES (?, ?, ?)", [(group["id"], group["title"], m) for m in group["members"]])
        if file is not None:
            name = relative(Path(db).parent, file)
            name = Path(file).name if name.startswith("../") else name
            digest = sha256(file)
            con.executemany("INSERT OR REPLACE INTO kolada_source VALUES (?, ?, ?, ?, ?, ?)",
                            [(*r[:4], name, digest) for r in rows])
        con.execute("COMMIT")
    finally:
        con.close()
    return len(rows)


# -- fetching from Kolada's API (when there is a network) --------------------------------------

API = "https://api.kolada.se/v3"
MAX_BYTES = 64 * 2**20  # one answer; Kolada pages its answers well below this
MAX_PAGES = 100


class FetchError(Exception):
    """Why Kolada could not be reached or answered something unusable, in Swedish for the user."""


LIMIT = 25  # ids per dimension in one request, as Kolada's clients split them


def chunks(items: list, size: int = LIMIT) -> list[list]:
    return [items[i:i + size] for i in range(0, len(items), size)] or [[]]


def fetch_url(base: str, kpis: list[str], municipalities: list[str], years: list[int]) -> str:
    """Kolada v3's data endpoint: /data/kpi/<ids>/municipality/<ids>/year/<years>."""
    return (f"{base.rstrip('/')}/data/kpi/{','.join(kpis)}/municipality/{','.join(municipalities)}"
            f"/year/{','.join(map(str, years))}")


def fetch_urls(base: str, kpis: list[str], municipalities: list[str], years: list[int]) -> list[str]:
    """One URL per combination of at most 25 KPIs, 25 municipalities and 25 years."""
    return [fetch_url(base, k, m, y) for k in chunks(kpis) for m in chunks(municipalities) for y in chunks(years)]


def _get_pages(url: str, timeout: float) -> list:
    """Every page's `values` from `url` on, following `next_url` (Kolada v3's paging)."""
    import urllib.error  # noqa: PLC0415 - only a fetch needs the network
    import urllib.request  # noqa: PLC0415

    values, pages = [], 0
    while url:
        pages += 1
        if pages > MAX_PAGES:
            raise FetchError(f"Kolada svarade med fler än {MAX_PAGES} sidor; begränsa år eller kommuner.")
        request = urllib.request.Request(url, headers={"Accept": "application/json", "User-Agent": "rodtrad"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310 - https, a fixed host
                body = answer.read(MAX_BYTES + 1)
        except urllib.error.HTTPError as exc:
            raise FetchError(f"Kolada: {explain(exc)}, på {url}") from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise FetchError(f"Kunde inte nå Kolada ({explain(exc)}). Finns det nätverk? "
                             "Utan nätverk: hämta filen på annat sätt och kör rodtrad import kolada.") from None
        if len(body) > MAX_BYTES:
            raise FetchError(f"Kolada svarade med mer än {MAX_BYTES // 2**20} MiB på en sida.")
        try:
            data = json.loads(body.decode("utf-8-sig"))
            values += list(data["values"])
        except (ValueError, KeyError, TypeError) as exc:
            raise FetchError(f"Koladas svar gick inte att läsa som JSON i API v3:s form ({explain(exc)}).") from None
        url = data.get("next_url") or data.get("next_page")
    return values


def fetch(master: MasterData, dest: Path, peers=(), years=None, base: str = API, timeout: float = 30) -> Path:
    """Fetch the values of the master data's Kolada indicators for the municipality and its peers
    (the master data's peer group, kommunkoder and Kolada group ids resolved through
    /municipality_groups, plus `peers`) and write them, in the API's own shape with the resolved
    groups under `peer_groups`, to `dest` (what `read` then imports, and what is kept).

    Requests are split to at most 25 KPIs, municipalities and years each, and every page is followed.
    Raises FetchError (Swedish) when Kolada cannot be reached or answers something unusable."""
    kpis = sorted({i.kolada for i in master.indicators if i.source == "kolada" and i.kolada})
    if not kpis:
        raise FetchError("Styrmodellen har inga nyckeltal med Kolada-id (bladet Indikatorer).")
    own = str(master.municipality.get("code") or "").zfill(4)
    year = int(master.municipality.get("budget_year") or master.years[0])
    years = sorted(years or range(year - 4, year))
    wanted_groups = [p.upper() for p in master.peers if p.upper().startswith("G")]
    groups = []
    if wanted_groups:
        groups = [g for g in groups_in(_get_pages(f"{base.rstrip('/')}/municipality_groups", timeout))
                  if g["id"] in wanted_groups]
        missing = sorted(set(wanted_groups) - {g["id"] for g in groups})
        if missing:
            raise FetchError(f"Kolada känner inte kommungruppen {', '.join(missing)} (styrmodellens Jämförelsekommuner).")
    codes, _ = peer_codes(master, groups)
    municipalities = [own] + sorted({str(p).zfill(4) for p in [*peers, *(codes or ())]} - {own})
    urls = fetch_urls(base, kpis, municipalities, years)
    values = []
    for url in urls:
        values += _get_pages(url, timeout)
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.tmp")
    answer = {"source": urls[0] if len(urls) == 1 else urls, "count": len(values), "values": values}
    if groups:
        answer["peer_groups"] = groups
    tmp.write_text(json.dumps(answer, ensure_ascii=False, sort_keys=True, indent=1) + "\n", encoding="utf-8")
    tmp.replace(dest)
    return dest


def stored_groups(con) -> list[dict]:
    """The municipality groups kept in the history store (an open sqlite3 connection)."""
    if not con.execute("SELECT 1 FROM sqlite_master WHERE name = 'kolada_groups'").fetchone():
        return []
    groups: dict = {}
    for gid, title, member in con.execute("SELECT id, title, member FROM kolada_groups ORDER BY id, member"):
        groups.setdefault(gid, {"id": gid, "title": title, "members": []})["members"].append(member)
    return list(groups.values())
