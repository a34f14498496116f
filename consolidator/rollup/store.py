"""The history store: every consolidation's figures per period and unit, in SQLite in the workspace.

SQLite over DuckDB, measured (benchmarks/history.py, 2,000 units × 13 periods): replacing a
period took 52 ms in SQLite and 6.9 s in DuckDB through the same row inserts; the reports'
aggregate query took 61 ms and 6 ms. Consolidation writes far more than it queries, and SQLite
ships with Python, so it is one dependency fewer.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

from rodtrad.consolidator.rollup import snapshot
from rodtrad.consolidator.rollup.facts import UnitFacts

FILE_NAME = "historik.sqlite"
WRITE_WAIT = 600  # seconds a writer waits for another's transaction
SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (period TEXT PRIMARY KEY, period_date TEXT, master_sha256 TEXT,
                                 tool_version TEXT, inputs INTEGER, consolidated INTEGER);
CREATE TABLE IF NOT EXISTS economy (period TEXT, unit TEXT, account TEXT, frame REAL, budget REAL,
                                    outcome REAL, forecast REAL);
CREATE TABLE IF NOT EXISTS indicators (period TEXT, unit TEXT, indicator TEXT, kind TEXT, value REAL);
CREATE TABLE IF NOT EXISTS activities (period TEXT, unit TEXT, id TEXT, link TEXT, status TEXT);
CREATE TABLE IF NOT EXISTS invested (period TEXT, project TEXT, outcome REAL);
CREATE INDEX IF NOT EXISTS economy_period ON economy (period);
CREATE INDEX IF NOT EXISTS indicators_period ON indicators (period);
CREATE INDEX IF NOT EXISTS activities_period ON activities (period);
"""


class History:
    """The store; `write=False` opens it read-only (a missing store reads as empty), so reports and
    auditors' re-runs never change it."""

    def __init__(self, path: Path, write: bool = True):
        self.path = Path(path)
        if write:
            # A writer waits for another run's transaction (another period being consolidated)
            # rather than failing after 5 s: that one is committed when its reports are in place.
            self.con = sqlite3.connect(self.path, isolation_level=None, timeout=WRITE_WAIT)
            self.con.executescript(SCHEMA + snapshot.SCHEMA)
        elif self.path.exists():
            self.con = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)
        else:
            self.con = sqlite3.connect(":memory:", isolation_level=None)
            self.con.executescript(SCHEMA)

    def close(self) -> None:
        self.con.close()  # a transaction not committed (`stage_period` without `commit`) is rolled back

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def replace_period(self, period: str, period_date: str, facts: list[UnitFacts], master_sha256: str,
                       tool_version: str, inputs: int, invested: dict | None = None,
                       used: snapshot.Used | None = None) -> None:
        """Store one consolidation; re-running a period replaces it whole, in one transaction."""
        self.stage_period(period, period_date, facts, master_sha256, tool_version, inputs, invested, used)
        self.commit()

    def stage_period(self, period: str, period_date: str, facts: list[UnitFacts], master_sha256: str,
                     tool_version: str, inputs: int, invested: dict | None = None,
                     used: snapshot.Used | None = None) -> None:
        """`replace_period` up to its commit, which `commit` makes (closing without it undoes it all).

        Consolidation stages the period while its report workers read earlier periods from the same
        file, and commits once the reports are in place. Readers go on reading the last committed
        state as long as the changes stay in this connection's memory: SQLite writes them to the
        file (and so locks readers out) when its page cache spills, so spilling is off for the
        transaction (the pages of a period: a few MB at 2,000 units).

        `invested`: project id -> the investment outcome to date (kr) the period's reports used
        (a follow-up; see `invested`); `used`: the Kolada values and last year's ledger outcome they
        used (snapshot.py; see `used`)."""
        con = self.con
        con.execute("PRAGMA cache_spill = OFF")
        con.execute("BEGIN IMMEDIATE")
        try:
            for table in ("runs", "economy", "indicators", "activities", "invested"):
                con.execute(f"DELETE FROM {table} WHERE period = ?", (period,))
            con.execute("INSERT INTO runs VALUES (?, ?, ?, ?, ?, ?)",
                        (period, period_date, master_sha256, tool_version, inputs, len(facts)))
            con.executemany("INSERT INTO economy VALUES (?, ?, ?, ?, ?, ?, ?)",
                            [(period, f.unit, acc, b["frame"], b["total"], b.get("outcome"), b.get("forecast"))
                             for f in facts for acc, b in sorted(f.budget.items())])
            con.executemany("INSERT INTO indicators VALUES (?, ?, ?, ?, ?)",
                            [(period, f.unit, ind, "outcome" if f.follow else "target", value) for f in facts
                             for ind, (value, _) in sorted(f.indicators.items())])
            con.executemany("INSERT INTO activities VALUES (?, ?, ?, ?, ?)",
                            [(period, f.unit, a["id"], a.get("link"), a.get("status")) for f in facts for a in f.activities])
            if invested is not None:  # project '' marks "kept for this period", even when nothing was invested
                con.executemany("INSERT INTO invested VALUES (?, ?, ?)",
                                [(period, "", 0.0)] + [(period, p, amount) for p, amount in sorted(invested.items())])
            snapshot.write(con, period, used)
        except BaseException:
            con.execute("ROLLBACK")
            raise

    def commit(self) -> None:
        self.con.execute("COMMIT")
        self.con.execute("PRAGMA cache_spill = ON")  # SQLite's default again, once nobody waits on us

    def invested(self, period: str) -> dict[str, float] | None:
        """The investment outcome to date per project (kr) that the period's consolidation used; None
        when it kept none (consolidated before it was kept, or a plan period). A ledger imported later
        changes the `investments` table, never this."""
        if not self.con.execute("SELECT 1 FROM sqlite_master WHERE name = 'invested'").fetchone():
            return None
        if not self.con.execute("SELECT 1 FROM runs WHERE period = ?", (period,)).fetchone():
            return None
        rows = self.con.execute("SELECT project, outcome FROM invested WHERE period = ?", (period,)).fetchall()
        return {p: v for p, v in rows if p} if rows else None

    def used(self, period: str) -> snapshot.Used | None:
        """The Kolada values, Kolada comparison and last year's ledger outcome per unit that the
        period's consolidation used; None when it kept none (consolidated before they were kept, or
        a plan period). A Kolada file or ledger imported later changes the import tables, never this."""
        return snapshot.read(self.con, period)

    def periods(self, up_to_date: str) -> list[str]:
        """Stored periods up to a date, oldest first."""
        rows = self.con.execute("SELECT period FROM runs WHERE period_date <= ? ORDER BY period_date, period", (up_to_date,))
        return [r[0] for r in rows]

    def economy_totals(self, units: list[str], periods: list[str]) -> dict[str, tuple]:
        """Period -> (frame, budget, outcome, forecast) summed over the units."""
        if not units or not periods:
            return {}
        self.con.execute("CREATE TEMP TABLE IF NOT EXISTS wanted (unit TEXT PRIMARY KEY)")  # temp: allowed read-only
        self.con.execute("DELETE FROM wanted")
        self.con.executemany("INSERT INTO wanted VALUES (?)", [(u,) for u in units])
        marks = ",".join("?" * len(periods))
        rows = self.con.execute(
            f"SELECT period, sum(frame), sum(budget), sum(outcome), sum(forecast) FROM economy "
            f"WHERE period IN ({marks}) AND unit IN (SELECT unit FROM wanted) GROUP BY period", periods)
        return {r[0]: r[1:] for r in rows}

    def units_in(self, units: list[str], periods: list[str]) -> dict[str, frozenset]:
        """Period -> which of the units were taken in (the Historik sheet says whether the totals
        compare the same units)."""
        if not units or not periods:
            return {}
        self.con.execute("CREATE TEMP TABLE IF NOT EXISTS wanted (unit TEXT PRIMARY KEY)")
        self.con.execute("DELETE FROM wanted")
        self.con.executemany("INSERT INTO wanted VALUES (?)", [(u,) for u in units])
        marks = ",".join("?" * len(periods))
        out: dict[str, set] = {}
        for period, unit in self.con.execute(f"SELECT DISTINCT period, unit FROM economy WHERE period IN ({marks}) "
                                             f"AND unit IN (SELECT unit FROM wanted)", periods):
            out.setdefault(period, set()).add(unit)
        return {p: frozenset(u) for p, u in out.items()}

    def indicator_trend(self, indicator: str, periods: list[str], kind: str | None = None) -> dict[str, float]:
        """Period -> the mean of the units' values (targets in plans, outcomes in follow-ups): the
        trend column of the reports' Nyckeltal sheet; `kind` "outcome" (or "target"): only those."""
        if not periods:
            return {}
        marks = ",".join("?" * len(periods))
        only = " AND kind = ?" if kind else ""
        rows = self.con.execute(f"SELECT period, avg(value) FROM indicators WHERE indicator = ? AND period IN ({marks})"
                                f"{only} GROUP BY period", [indicator, *periods, *([kind] if kind else [])])
        return dict(rows.fetchall())

    def kolada(self, kpi: str, municipality: str, year: int, peers=None) -> tuple | None:
        """(year, the municipality's value, the peers' mean, how many) for the latest year up to `year`
        that the imported Kolada values hold (total, gender T); None without any. `peers`: the peer
        group's kommunkoder (a set); None compares with every other municipality imported."""
        if not self.con.execute("SELECT 1 FROM sqlite_master WHERE name = 'kolada'").fetchone():
            return None
        row = self.con.execute("SELECT max(period) FROM kolada WHERE kpi = ? AND municipality = ? AND gender = 'T' "
                               "AND period <= ? AND value IS NOT NULL", (kpi, municipality, year)).fetchone()
        if not row or row[0] is None:
            return None
        own = self.con.execute("SELECT value FROM kolada WHERE kpi = ? AND municipality = ? AND period = ? AND gender = 'T'",
                               (kpi, municipality, row[0])).fetchone()[0]
        values = [v for m, v in self.con.execute(
            "SELECT municipality, value FROM kolada WHERE kpi = ? AND municipality <> ? AND period = ? "
            "AND gender = 'T' AND value IS NOT NULL", (kpi, municipality, row[0])) if peers is None or m in peers]
        return row[0], own, (sum(values) / len(values) if values else None), len(values)

    def peer_group(self, master):
        """(the master data's peer group as kommunkoder, its name); (None, '') when none is declared.
        Kolada group ids resolve through the groups a fetch kept (`kolada_groups`)."""
        from rodtrad.consolidator.imports import kolada  # noqa: PLC0415 - the store reads what the import kept

        return kolada.peer_codes(master, kolada.stored_groups(self.con))
