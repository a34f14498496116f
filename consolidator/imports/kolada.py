"""Kolada import: indicator values in the shape of Kolada's API v3, for indicators whose source is a
Kolada KPI, including other municipalities' values (a peer group for omvärldsanalys)."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from ..findings import ERROR, WARNING, define
from ..masterdata import MasterData

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


def store(rows: list[tuple], db: Path) -> int:
    con = sqlite3.connect(db, isolation_level=None)
    try:
        con.executescript(SCHEMA)
        con.execute("BEGIN")
        con.executemany("INSERT OR REPLACE INTO kolada VALUES (?, ?, ?, ?, ?)", rows)
        con.execute("COMMIT")
    finally:
        con.close()
    return len(rows)
