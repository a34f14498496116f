"""Ledger import: outcome and budget per unit, account and month, from SIE 4 or a flat CSV.

Ansvar objects map to units by their code (the organisation's ansvarskod). Only result accounts
(3000–8999) are kept: they are what a unit's economy follows up. Importing a year again replaces
that year, so a fresh export supersedes the previous one.
"""
from __future__ import annotations

import csv
import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from rodtrad.consolidator.model import values
from rodtrad.consolidator.model.findings import ERROR, WARNING, define
from rodtrad.consolidator.model.masterdata import MasterData
from rodtrad.consolidator.imports import sie as sie_reader

UNKNOWN_UNIT = define("ledger.unknown_unit", WARNING,
                      "Ansvar {value} (rad {line}) finns inte i styrmodellen; dess belopp importeras inte.",
                      "Ansvar {value} (line {line}) is not in the master data; its amounts are not imported.",
                      "Lägg till ansvaret i styrmodellens organisation, eller kontrollera kodplanen.",
                      "Add the ansvar to the master data's organisation, or check the chart of accounts.")
TOTALS = define("sie.totals", ERROR,
                "Rad {line}: konto {account} {period}: objekten summerar till {objects} men kontots total är {total}.",
                "Line {line}: account {account} {period}: the objects add up to {objects} but the account total is {total}.",
                "Exporten är ofullständig. Exportera på nytt med alla objekt.", "The export is incomplete; export again.")
CSV_ROW = define("ledger.csv_row", ERROR, "Rad {line}: {detail}", "Line {line}: {detail}",
                 "Kolumnerna ska vara ar;period;ansvar;verksamhet;konto;utfall;budget med decimalkomma.",
                 "The columns are ar;period;ansvar;verksamhet;konto;utfall;budget with decimal commas.")
CSV_HEADER = ["ar", "period", "ansvar", "verksamhet", "konto", "utfall", "budget"]

SCHEMA = """CREATE TABLE IF NOT EXISTS ledger (year INTEGER, month INTEGER, unit TEXT, account TEXT,
                                             outcome REAL, budget REAL, source TEXT);
CREATE INDEX IF NOT EXISTS ledger_year ON ledger (year, unit);"""


@dataclass
class Ledger:
    rows: dict = field(default_factory=lambda: defaultdict(lambda: [0.0, 0.0]))  # (year, month, unit, account) -> [outcome, budget]
    findings: list = field(default_factory=list)

    @property
    def years(self) -> set[int]:
        return {k[0] for k in self.rows}


def _kr(amount: float) -> str:
    return f"{amount:,.2f}".replace(",", " ").replace(".", ",")


def result_account(account: str) -> bool:
    return account.isdigit() and 3000 <= int(account[:4].ljust(4, "0")) <= 8999


def from_sie(path: Path, master: MasterData, encoding: str = "cp437", dim: str | None = None) -> Ledger:
    sie = sie_reader.read(path, encoding)
    ledger = Ledger(findings=list(sie.findings))
    dim = dim or next((d for d, name in sie.dimensions.items() if "ansvar" in name.lower()), "1")
    reported = set()

    def unit_of(objects: dict, line: int) -> str | None:
        code = objects.get(dim)
        if code is None:
            return None
        if not master.is_unit(code):
            if code not in reported:
                reported.add(code)
                ledger.findings.append(UNKNOWN_UNIT(file=Path(path).name, value=code, params={"line": line}))
            return None
        return code

    def add(kind: int, rows):
        totals, by_objects = {}, defaultdict(float)
        for _, period, account, objects, amount, line in rows:
            if not result_account(account):
                continue
            if not objects:
                totals[(period, account)] = (amount, line)
                continue
            if dim in objects:
                by_objects[(period, account)] += amount
            unit = unit_of(objects, line)
            if unit:
                ledger.rows[(int(period[:4]), int(period[4:]), unit, account)][kind] += amount
        for key, (total, line) in totals.items():
            if key in by_objects and round(by_objects[key] - total, 2) != 0:
                ledger.findings.append(TOTALS(file=Path(path).name, value=line, params={
                    "line": line, "account": key[1], "period": key[0], "objects": _kr(by_objects[key]), "total": _kr(total)}))

    add(0, sie.balances)
    add(1, sie.budgets)
    if not sie.balances:  # a file with vouchers only (SIE 4I style): outcome from the transactions
        for date, account, objects, amount, line in sie.transactions:
            unit = unit_of(objects, line) if result_account(account) else None
            if unit:
                ledger.rows[(int(date[:4]), int(date[4:6]), unit, account)][0] += amount
    return ledger


def from_csv(path: Path, master: MasterData, encoding: str = "utf-8-sig") -> Ledger:
    ledger = Ledger()
    name, reported = Path(path).name, set()
    with Path(path).open(encoding=encoding, newline="") as handle:
        reader = csv.reader(handle, delimiter=";")
        header = [h.strip().lower() for h in next(reader, [])]
        if header[:7] != CSV_HEADER:
            ledger.findings.append(CSV_ROW(file=name, value=1, params={"line": 1, "detail": f"rubrikerna är {header}"}))
            return ledger
        for line, row in enumerate(reader, start=2):
            if not any(cell.strip() for cell in row):
                continue
            try:
                year, period, unit, _, account = (values.as_id(c) for c in row[:5])
                month = int(period[-2:]) if len(period) == 6 else int(period)
                outcome, budget = values.as_number(row[5]) or 0, values.as_number(row[6]) or 0
                if not (1 <= month <= 12 and len(year) == 4):
                    raise values.Unreadable(period)
            except (values.Unreadable, ValueError, IndexError, TypeError):
                ledger.findings.append(CSV_ROW(file=name, value=line, params={"line": line, "detail": ";".join(row)}))
                continue
            if not master.is_unit(unit):
                if unit not in reported:
                    reported.add(unit)
                    ledger.findings.append(UNKNOWN_UNIT(file=name, value=unit, params={"line": line}))
                continue
            if result_account(account):
                cell = ledger.rows[(int(year), month, unit, account)]
                cell[0] += outcome
                cell[1] += budget
    return ledger


def store(ledger: Ledger, db: Path, source: str) -> int:
    """Replace the years in the import; returns the number of rows stored."""
    con = sqlite3.connect(db, isolation_level=None)
    try:
        con.executescript(SCHEMA)
        con.execute("BEGIN")
        for year in sorted(ledger.years):
            con.execute("DELETE FROM ledger WHERE year = ?", (year,))
        con.executemany("INSERT INTO ledger VALUES (?, ?, ?, ?, ?, ?, ?)",
                        [(y, m, u, a, round(o, 2), round(b, 2), source) for (y, m, u, a), (o, b) in sorted(ledger.rows.items())])
        con.execute("COMMIT")
    finally:
        con.close()
    return len(ledger.rows)
