"""What a follow-up's reports took from the imports, kept with the period in the history store.

A follow-up's reports show figures the consolidation read from `rodtrad import kolada` and
`rodtrad import ledger`: each Kolada indicator's value and the file it came from (the Nyckeltal
sheet's Utfall), the Kolada comparison with the peer group (its Kolada column), and the units'
outcome of the previous year for the same months (the Föregående år sheet). Those imports can be
replaced later (a corrected SIE file for last year, a newer Kolada file); the consolidation then
used something the workspace no longer holds. So the consolidation stores what it used, in one
row per period (`imports_used`, JSON) staged and committed with the period's other history, and a
rebuild (`rodtrad verify`, `rodtrad rapport`) reads it back (`consolidate._used`). A period
consolidated before this was kept has no row; its rebuild reads the imports as they are now.
The manifest records the row's SHA-256 (`imports_used`), so `verify` names a row changed or
removed since the consolidation.
The investment outcome is kept the same way in its own table (store.History.invested).
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

TABLE = "imports_used"
SCHEMA = f"CREATE TABLE IF NOT EXISTS {TABLE} (period TEXT PRIMARY KEY, used TEXT);"


@dataclass
class Used:
    """The imported figures one follow-up's reports rest on (all from historik.sqlite's import tables)."""

    kolada: dict = field(default_factory=dict)  # indicator id -> (value, year): the municipality's latest value
    kolada_from: dict = field(default_factory=dict)  # indicator id -> (file, sha256, KPI, municipality, year)
    compared: dict = field(default_factory=dict)  # KPI -> (year, own value, peers' mean or None, how many peers)
    group: tuple = (None, "")  # the peer group: (kommunkoder as a sorted list, or None without one; its name)
    last_year: dict = field(default_factory=dict)  # unit -> the previous year's ledger outcome, same months (kr)

    def to_json(self) -> str:
        codes, name = self.group
        return json.dumps({"kolada": self.kolada, "kolada_from": self.kolada_from, "compared": self.compared,
                           "group": [None if codes is None else sorted(codes), name], "last_year": self.last_year},
                          ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> "Used":
        data = json.loads(text)
        codes, name = data["group"]
        return cls(kolada={k: tuple(v) for k, v in data["kolada"].items()},
                   kolada_from={k: tuple(v) for k, v in data["kolada_from"].items()},
                   compared={k: tuple(v) for k, v in data["compared"].items()},
                   group=(None if codes is None else set(codes), name), last_year=dict(data["last_year"]))


def live(history, master, year: int, month: int, kolada: dict, kolada_from: dict) -> Used:
    """What the imports hold now for a follow-up ending in `month` of `year`: `kolada` and
    `kolada_from` as workbooks.followdocs.sources read them, the comparison and peer group from
    `history` (an open store.History), and the previous year's ledger outcome per unit."""
    group = history.peer_group(master)
    code = str(master.municipality.get("code") or "").zfill(4)
    compared = {}
    for kpi in sorted({i.kolada for i in master.indicators if i.kolada}):
        known = history.kolada(kpi, code, year, group[0])
        if known is not None:
            compared[kpi] = known
    return Used(kolada=dict(kolada), kolada_from=dict(kolada_from), compared=compared, group=group,
                last_year=outcome_by_unit(history.con, year - 1, month))


def outcome_by_unit(con, year: int, month: int) -> dict[str, float]:
    """The ledger's outcome per unit for `year`, months 1..`month` (kr), from the history store's
    open connection; {} when it holds none."""
    if not con.execute("SELECT 1 FROM sqlite_master WHERE name = 'ledger'").fetchone():
        return {}
    return dict(con.execute("SELECT unit, round(sum(outcome), 2) FROM ledger WHERE year = ? AND month <= ? "
                            "GROUP BY unit", (year, month)).fetchall())


def write(con, period: str, used: Used | None) -> None:
    """Keep `used` for `period` in the open connection's transaction (None: nothing kept, and
    nothing of an earlier run of the period either)."""
    con.execute(SCHEMA)
    con.execute(f"DELETE FROM {TABLE} WHERE period = ?", (period,))
    if used is not None:
        con.execute(f"INSERT INTO {TABLE} VALUES (?, ?)", (period, used.to_json()))


def read(con, period: str) -> Used | None:
    """What the period's consolidation kept; None when it kept nothing (consolidated before this was
    kept, a plan period, or no such period) or what is kept cannot be read (changed by hand: the
    rebuild then reads the imports, and `verify` says the row changed, see `kept_digest`)."""
    text = _text(con, period)
    if text is None:
        return None
    try:
        return Used.from_json(text)
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def digest(used: Used) -> str:
    """SHA-256 (hex) of what is kept for a period, as the manifest records it (`imports_used`)."""
    return hashlib.sha256(used.to_json().encode("utf-8")).hexdigest()


def invested_digest(invested: dict[str, float] | None) -> str | None:
    """SHA-256 (hex) of the investment outcome per project (kr) a follow-up used (store.History.invested),
    as the manifest records it (`invested`); None when none was kept."""
    if invested is None:
        return None
    text = json.dumps(sorted((str(p), float(v)) for p, v in invested.items()), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def kept_digest(con, period: str) -> str | None:
    """SHA-256 (hex) of the row kept for `period` as it is now; None without one."""
    text = _text(con, period)
    return None if text is None else hashlib.sha256(str(text).encode("utf-8")).hexdigest()


def _text(con, period: str):
    if not con.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (TABLE,)).fetchone():
        return None
    row = con.execute(f"SELECT used FROM {TABLE} WHERE period = ?", (period,)).fetchone()
    return row[0] if row else None
