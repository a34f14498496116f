"""Kolada import: indicator values in the shape of Kolada's API v3, for indicators whose source is a
Kolada KPI, including other municipalities' values (a peer group for omvärldsanalys)."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from rodtrad.consolidator.model.files import relative, sha256
from rodtrad.consolidator.model.findings import ERROR, WARNING, define
from rodtrad.consolidator.model.masterdata import MasterData

SHAPE = define("kolada.shape", ERROR, "Filen följer inte Koladas format ({detail}).",
               "The file does not follow Kolada's format ({detail}).",
               "Väntat: {{\"values\": [{{\"kpi\", \"municipality\", \"period\", \"values\": [{{\"gender\", \"value\"}}]}}]}}",
               "Expected: {{\"values\": [{{\"kpi\", \"municipality\", \"period\", \"values\": [...]}}]}}")
UNKNOWN_KPI = define("kolada.unknown_kpi", WARNING, "Nyckeltalet {value} används inte av något nyckeltal i styrmodellen; "
                     "värdena importeras inte.", "The KPI {value} is not used by any indicator in the master data; "
                     "its values are not imported.", "Ange Kolada-id på bladet Indikatorer om det ska följas.")
BAD_VALUE = define("kolada.value", ERROR, "{value}: {detail}", "{value}: {detail}")

SCHEMA = """CREATE TABLE IF NOT EXISTS kolada (kpi TEXT, municipality TEXT, period INTEGER, gender TEXT, value REAL,
                                             PRIMARY KEY (kpi, municipality, period, gender));"""
GENDERS = {"T", "K", "M"}


def read(path: Path, master: MasterData) -> tuple[list[tuple], list]:
    """Rows (kpi, municipality, period, gender, value) for the master data's Kolada indicators."""
    name, findings, rows, unknown = Path(path).name, [], [], set()
    wanted = {i.kolada for i in master.indicators if i.source == "kolada" and i.kolada}
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        entries = data["values"]
        if not isinstance(entries, list):
            raise TypeError("values är ingen lista")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return [], [SHAPE(file=name, params={"detail": str(exc)[:80]})]
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
                    findings.append(BAD_VALUE(file=name, value=where, params={"detail": f"okänt kön {gender!r} (T, K eller M)"}))
                    continue
                number = value.get("value")
                if number is not None and not isinstance(number, (int, float)):
                    findings.append(BAD_VALUE(file=name, value=where, params={"detail": f"värdet {number!r} är inget tal"}))
                    continue
                rows.append((kpi, municipality, period, gender, number))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            findings.append(SHAPE(file=name, value=where, params={"detail": f"{where}: {exc}"}))
    return rows, findings


SOURCES = """CREATE TABLE IF NOT EXISTS kolada_source (kpi TEXT, municipality TEXT, period INTEGER, gender TEXT,
                                                    file TEXT, sha256 TEXT, PRIMARY KEY (kpi, municipality, period, gender));"""


def store(rows: list[tuple], db: Path, file: Path | None = None) -> int:
    """Store rows from `read` in the history database `db` (historik.sqlite in the workspace).
    With the `file` they were read from, each value also records that file (its path relative to
    the workspace, or its name when it lies outside) and SHA-256: a report's Kolada figure then
    points to the file, KPI, municipality and year it came from."""
    con = sqlite3.connect(db, isolation_level=None)
    try:
        con.executescript(SCHEMA + SOURCES)
        con.execute("BEGIN")
        con.executemany("INSERT OR REPLACE INTO kolada VALUES (?, ?, ?, ?, ?)", rows)
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


def fetch_url(base: str, kpis: list[str], municipalities: list[str], years: list[int]) -> str:
    """Kolada v3's data endpoint: /data/kpi/<ids>/municipality/<ids>/year/<years>."""
    return (f"{base.rstrip('/')}/data/kpi/{','.join(kpis)}/municipality/{','.join(municipalities)}"
            f"/year/{','.join(map(str, years))}")


def fetch(master: MasterData, dest: Path, peers=(), years=None, base: str = API, timeout: float = 30) -> Path:
    """Fetch the values of the master data's Kolada indicators for the municipality and its peers and
    write them, in the API's own shape, to `dest` (what `read` then imports, and what is kept)."""
    import urllib.error  # noqa: PLC0415 - only a fetch needs the network
    import urllib.request  # noqa: PLC0415

    kpis = sorted({i.kolada for i in master.indicators if i.source == "kolada" and i.kolada})
    if not kpis:
        raise FetchError("Styrmodellen har inga nyckeltal med Kolada-id (bladet Indikatorer).")
    own = str(master.municipality.get("code") or "").zfill(4)
    year = int(master.municipality.get("budget_year") or master.years[0])
    years = sorted(years or range(year - 4, year))
    url, values, pages = fetch_url(base, kpis, [own, *[str(p).zfill(4) for p in peers if str(p).zfill(4) != own]], years), [], 0
    first = url
    while url:
        pages += 1
        if pages > MAX_PAGES:
            raise FetchError(f"Kolada svarade med fler än {MAX_PAGES} sidor; begränsa år eller kommuner.")
        request = urllib.request.Request(url, headers={"Accept": "application/json", "User-Agent": "rodtrad"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310 - https, a fixed host
                body = answer.read(MAX_BYTES + 1)
        except urllib.error.HTTPError as exc:
            raise FetchError(f"Kolada svarade {exc.code} {exc.reason} på {url}") from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise FetchError(f"Kunde inte nå Kolada ({getattr(exc, 'reason', exc)}). Finns det nätverk? "
                             "Utan nätverk: hämta filen på annat sätt och kör rodtrad import kolada.") from None
        if len(body) > MAX_BYTES:
            raise FetchError(f"Kolada svarade med mer än {MAX_BYTES // 2**20} MiB på en sida.")
        try:
            data = json.loads(body.decode("utf-8"))
            values += list(data["values"])
        except (ValueError, KeyError, TypeError) as exc:
            raise FetchError(f"Koladas svar gick inte att läsa som JSON i API v3:s form ({str(exc)[:80]}).") from None
        url = data.get("next_url") or data.get("next_page")
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.tmp")
    tmp.write_text(json.dumps({"source": first, "count": len(values), "values": values}, ensure_ascii=False,
                              sort_keys=True, indent=1) + "\n", encoding="utf-8")
    tmp.replace(dest)
    return dest
