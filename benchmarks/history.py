"""Benchmark: the history store's workload in SQLite (stdlib) and DuckDB, to choose one.

    .venv/bin/pip install duckdb && .venv/bin/python benchmarks/history.py --units 2000 --periods 13

Workload per consolidation: replace one period's rows (units × accounts economy rows, units ×
indicators), then the queries a report makes: totals per board for every stored period.
"""
from __future__ import annotations

import argparse
import random
import sqlite3
import tempfile
import time
from pathlib import Path

SCHEMA = [
    "CREATE TABLE economy (period TEXT, unit TEXT, account TEXT, frame DOUBLE, budget DOUBLE, outcome DOUBLE, forecast DOUBLE)",
    "CREATE TABLE indicators (period TEXT, unit TEXT, indicator TEXT, kind TEXT, value DOUBLE)",
    "CREATE TABLE units (unit TEXT, board TEXT)",
]


def rows(units: int, period: str, rng: random.Random):
    economy = [(period, f"U{u}", str(acc), 1e6, 1e6 + rng.random(), None, None) for u in range(units) for acc in range(7)]
    indicators = [(period, f"U{u}", f"N{i}", "target", rng.random()) for u in range(units) for i in range(12)]
    return economy, indicators


def run(connect, units: int, periods: int) -> tuple[float, float]:
    rng = random.Random(1)
    con = connect()
    for statement in SCHEMA:
        con.execute(statement)
    con.executemany("INSERT INTO units VALUES (?, ?)", [(f"U{u}", f"B{u % 5}") for u in range(units)])
    write = read = 0.0
    for p in range(periods):
        period = f"2027-{p:02d}"
        economy, indicators = rows(units, period, rng)
        start = time.perf_counter()
        con.execute("BEGIN")
        con.execute("DELETE FROM economy WHERE period = ?", [period])
        con.execute("DELETE FROM indicators WHERE period = ?", [period])
        con.executemany("INSERT INTO economy VALUES (?, ?, ?, ?, ?, ?, ?)", economy)
        con.executemany("INSERT INTO indicators VALUES (?, ?, ?, ?, ?)", indicators)
        con.execute("COMMIT")
        write += time.perf_counter() - start
        start = time.perf_counter()
        con.execute("SELECT e.period, u.board, sum(e.budget), sum(e.frame) FROM economy e JOIN units u USING (unit) "
                    "GROUP BY e.period, u.board ORDER BY 1, 2").fetchall()
        read += time.perf_counter() - start
    con.close()
    return write / periods, read / periods


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=2000)
    parser.add_argument("--periods", type=int, default=13)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    engines = {"sqlite": lambda: sqlite3.connect(folder / "h.sqlite", isolation_level=None)}
    try:
        import duckdb
        engines["duckdb"] = lambda: duckdb.connect(str(folder / "h.duckdb"))
    except ImportError:
        print("duckdb not installed; measuring SQLite only")
    for name, connect in engines.items():
        start = time.perf_counter()
        write, read = run(connect, args.units, args.periods)
        print(f"{name:7} replace one period: {1000 * write:7.1f} ms   board totals over all periods: "
              f"{1000 * read:6.1f} ms   whole run: {time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    main()
