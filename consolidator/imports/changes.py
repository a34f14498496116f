"""What a ledger import changes in the workspace, worked out before anything is written.

An import replaces exactly what its file covers (`ledger.Coverage`): the rows it brings are added
or replace the same (year, month, unit, account) for the kinds it carries (outcome, budget); rows
of a covered month, unit and kind that the file does not bring are *kept* and reported, and are
removed only when the user asks for it (`remove_missing`). Months, units and kinds the file does
not cover are never touched: a one-month payroll file never replaces the year.

Every import is logged in the history store (table `imports`: file, SHA-256, time, coverage, what
it changed), which `rodtrad import list` shows and every later consolidation's manifest lists.
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from rodtrad.consolidator.model.findings import WARNING, define
from rodtrad.consolidator.model.words import capped, count
from rodtrad.consolidator.imports.ledger import BUDGET, INVEST, OUTCOME, Ledger, month_name

KEPT = define("ledger.kept", WARNING,
              "{value} tidigare importerade rader i månader och enheter som filen täcker finns inte i filen; de "
              "behålls ({detail}).",
              "{value} earlier rows in months and units the file covers are not in the file; they are kept ({detail}).",
              "Kontrollera att filen är hel. Ska raderna bort: importera igen med --remove-missing "
              "(provkör först med --dry-run).",
              "Check that the file is complete. To remove them, import again with --remove-missing (try --dry-run first).")

SCHEMA = """CREATE TABLE IF NOT EXISTS ledger (year INTEGER, month INTEGER, unit TEXT, account TEXT,
                                             outcome REAL, budget REAL, source TEXT);
CREATE INDEX IF NOT EXISTS ledger_year ON ledger (year, unit);
CREATE TABLE IF NOT EXISTS investments (year INTEGER, month INTEGER, project TEXT, outcome REAL, source TEXT);
CREATE TABLE IF NOT EXISTS imports (id INTEGER PRIMARY KEY, kind TEXT, file TEXT, sha256 TEXT, time TEXT,
                                    coverage TEXT, changes TEXT);"""
COUNTS = ("added", "replaced", "removed", "kept")
KINDS_SV = ("utfall", "budget", "investeringar")  # OUTCOME, BUDGET, INVEST as the lines name them
SV = {"added": ("tillagd", "tillagda"), "replaced": ("ersatt", "ersatta"), "removed": ("borttagen", "borttagna"),
      "kept": ("behållen (saknas i filen)", "behållna (saknas i filen)"), "värden": ("värde", "värden")}


def kr(amount: float) -> str:
    """An amount to the öre as a Swedish user reads it: "611 299,40 kr", "−1 000,00 kr"."""
    text = f"{abs(amount):,.2f}".replace(",", " ").replace(".", ",")
    return ("−" if round(amount, 2) < 0 else "") + text + " kr"


def _counted(n: int, what: str) -> str:
    return count(n, *SV[what]) if what in SV else f"{n} {what}"


def _listed(values) -> str:
    """A logged list in words: "N09805, N15419 … och 3 till", never a Python list."""
    if isinstance(values, dict):
        return ", ".join(f"{k} {_listed(v)}" for k, v in values.items())
    if isinstance(values, (list, tuple, set)):
        return ", ".join(capped([str(v) for v in values], 12))
    return str(values)


@dataclass
class Plan:
    """Per (unit, year, month): rows added, replaced, removed and kept, and the amounts they change
    (old kr → new kr); the merged rows to write."""

    counts: dict = field(default_factory=lambda: defaultdict(lambda: dict.fromkeys(COUNTS, 0)))
    rows: dict = field(default_factory=dict)  # (year, month, unit, account) -> (outcome, budget, source)
    months: set = field(default_factory=set)
    projects: dict = field(default_factory=dict)  # (year, month, project) -> (outcome, source), for invest_months
    invest_months: set = field(default_factory=set)
    findings: list = field(default_factory=list)
    # (unit or "projekt P1", year, month) -> [(account, kind, old kr, new kr)]: every amount a replaced or
    # removed row changes (a row replaced by the same amount is counted, not listed)
    amounts: dict = field(default_factory=lambda: defaultdict(list))

    def change(self, where: tuple, account: str, kind: str, old: float, new: float) -> None:
        if round(old, 2) != round(new, 2):
            self.amounts[where].append((account, kind, round(old, 2), round(new, 2)))

    def total(self, what: str) -> int:
        return sum(c[what] for c in self.counts.values())

    def lines(self) -> list[str]:
        """The change in Swedish, one line per unit and month the file changes, then the totals (rows
        only kept are counted in the totals and named by the ledger.kept warning, not listed: a
        two-row file must not print a line for every unit of the year)."""
        out = []
        for (unit, year, month), c in sorted(self.counts.items()):
            if c["added"] or c["replaced"] or c["removed"]:
                out.append(f"  {unit} {month_name(year, month)}: " + ", ".join(_counted(c[k], k) for k in COUNTS))
            for account, kind, old, new in sorted(self.amounts.get((unit, year, month), [])):
                what = f"konto {account} {kind}" if account else kind
                out.append(f"    {what}: {kr(old)} → {kr(new)} (skillnad {kr(new - old)})")
        out.append("  Totalt: " + ", ".join(_counted(self.total(k), k) for k in COUNTS))
        differences = self.differences()
        if differences:
            out.append("  Summa av skillnaderna: " + "; ".join(f"{kind} {kr(d)}" for kind, d in differences.items()))
        return out

    def differences(self) -> dict[str, float]:
        """Kind ("utfall", "budget", "investeringar") -> the sum of new − old over the changed amounts (kr)."""
        out: dict[str, float] = {}
        for changed in self.amounts.values():
            for _, kind, old, new in changed:
                out[kind] = round(out.get(kind, 0.0) + new - old, 2)
        return {kind: out[kind] for kind in sorted(out, key=KINDS_SV.index)}

    def summary(self) -> dict:
        return {k: self.total(k) for k in COUNTS}


def _connect(db: Path) -> sqlite3.Connection:
    con = sqlite3.connect(db, isolation_level=None)
    con.executescript(SCHEMA)
    return con


def plan(ledger: Ledger, db: Path, source: str, remove_missing: bool = False) -> Plan:
    """What storing `ledger` would do; reads the store, writes nothing."""
    result = Plan(months=set(ledger.coverage.months))
    existing = {}
    if Path(db).exists():
        con = _connect(db)
        try:
            for year, month in sorted(result.months):
                for y, m, u, a, o, b, s in con.execute("SELECT year, month, unit, account, outcome, budget, source "
                                                       "FROM ledger WHERE year = ? AND month = ?", (year, month)):
                    prev = existing.get((y, m, u, a))
                    existing[(y, m, u, a)] = (o, b, s) if prev is None else (prev[0] + o, prev[1] + b, s)
        finally:
            con.close()
    cover = ledger.coverage.covers
    merged = dict(existing)
    for key, amounts in ledger.rows.items():
        year, month, unit, _ = key
        old = existing.get(key)
        new = list(old or (0.0, 0.0, source))
        for kind in (OUTCOME, BUDGET):
            if cover(kind, year, month, unit):
                new[kind] = round(amounts[kind], 2)
                if old is not None:
                    result.change((unit, year, month), key[3], KINDS_SV[kind], old[kind], new[kind])
        new[2] = source
        merged[key] = tuple(new)
        result.counts[(unit, year, month)]["added" if old is None else "replaced"] += 1
    for key, old in existing.items():
        if key in ledger.rows:
            continue
        year, month, unit, _ = key
        kinds = [k for k in (OUTCOME, BUDGET) if cover(k, year, month, unit) and round(old[k], 2) != 0]
        if not kinds:
            continue
        if remove_missing:
            new = list(old)
            for kind in kinds:
                new[kind] = 0.0
                result.change((unit, year, month), key[3], KINDS_SV[kind], old[kind], 0.0)
            if new[0] == 0 and new[1] == 0:
                del merged[key]
            else:
                merged[key] = tuple(new)
            result.counts[(unit, year, month)]["removed"] += 1
        else:
            result.counts[(unit, year, month)]["kept"] += 1
    kept = result.total("kept")
    if kept:
        months = sorted({(y, m) for (_, y, m), c in result.counts.items() if c["kept"]})
        result.findings.append(KEPT(value=kept, params={"detail": ", ".join(month_name(y, m) for y, m in months)}))
    result.rows = {k: v for k, v in merged.items() if (k[0], k[1]) in result.months}
    _plan_projects(result, ledger, db, source, remove_missing)
    return result


def _plan_projects(result: Plan, ledger: Ledger, db: Path, source: str, remove_missing: bool) -> None:
    """The same rule for investment outcome per project and month (table `investments`)."""
    result.invest_months = set(ledger.coverage.invest_months)
    existing = {}
    if Path(db).exists() and result.invest_months:
        con = _connect(db)
        try:
            for year, month in sorted(result.invest_months):
                for y, m, p, o, s in con.execute("SELECT year, month, project, outcome, source FROM investments "
                                                 "WHERE year = ? AND month = ?", (year, month)):
                    existing[(y, m, p)] = (o, s)
        finally:
            con.close()
    merged = dict(existing)
    for key, amount in ledger.projects.items():
        year, month, project = key
        merged[key] = (round(amount, 2), source)
        result.counts[(f"projekt {project}", year, month)]["added" if key not in existing else "replaced"] += 1
        if key in existing:
            result.change((f"projekt {project}", year, month), "", KINDS_SV[INVEST], existing[key][0], amount)
    for key, (amount, _) in existing.items():
        year, month, project = key
        if key in ledger.projects or not ledger.coverage.covers(INVEST, year, month, project) or not round(amount, 2):
            continue
        if remove_missing:
            del merged[key]
            result.counts[(f"projekt {project}", year, month)]["removed"] += 1
            result.change((f"projekt {project}", year, month), "", KINDS_SV[INVEST], amount, 0.0)
        else:
            result.counts[(f"projekt {project}", year, month)]["kept"] += 1
    result.projects = {k: v for k, v in merged.items() if (k[0], k[1]) in result.invest_months}


def apply(change: Plan, ledger: Ledger, db: Path, file: Path, sha256: str, kind: str, now: datetime | None = None) -> None:
    """Write the plan's rows for its months in one transaction, and log the import."""
    con = _connect(db)
    try:
        con.execute("BEGIN")
        for year, month in sorted(change.months):
            con.execute("DELETE FROM ledger WHERE year = ? AND month = ?", (year, month))
        con.executemany("INSERT INTO ledger VALUES (?, ?, ?, ?, ?, ?, ?)",
                        [(y, m, u, a, round(o, 2), round(b, 2), s) for (y, m, u, a), (o, b, s) in sorted(change.rows.items())])
        for year, month in sorted(change.invest_months):
            con.execute("DELETE FROM investments WHERE year = ? AND month = ?", (year, month))
        con.executemany("INSERT INTO investments VALUES (?, ?, ?, ?, ?)",
                        [(y, m, p, round(o, 2), s) for (y, m, p), (o, s) in sorted(change.projects.items())])
        _log(con, kind, file, sha256, ledger.coverage.describe(), change.summary(), now)
        con.execute("COMMIT")
    finally:
        con.close()


def _log(con, kind: str, file: Path, digest: str, coverage: dict, counts: dict, now: datetime | None = None) -> None:
    when = (now or datetime.now(timezone.utc)).strftime("%Y-%m-%dT%H:%M:%SZ")
    con.execute("INSERT INTO imports (kind, file, sha256, time, coverage, changes) VALUES (?, ?, ?, ?, ?, ?)",
                (kind, Path(file).name, digest, when, json.dumps(coverage, ensure_ascii=False), json.dumps(counts)))


def record(db: Path, kind: str, file: Path, coverage: dict, counts: dict) -> None:
    """Log an import made elsewhere (Kolada): its file's hash, coverage and counts."""
    con = _connect(db)
    try:
        _log(con, kind, file, sha256(file), coverage, counts)
    finally:
        con.close()


def for_manifest(db: Path) -> list[dict]:
    """The log as a consolidation's manifest refers to it: which file (name, SHA-256) was imported when."""
    return [{"kind": e["kind"], "file": e["file"], "sha256": e["sha256"], "time": e["time"]} for e in log(db)]


def log(db: Path) -> list[dict]:
    """Every import logged, oldest first: kind, file, sha256, time (UTC), coverage, changes."""
    if not Path(db).exists():
        return []
    con = sqlite3.connect(db)
    try:
        if not con.execute("SELECT 1 FROM sqlite_master WHERE name = 'imports'").fetchone():
            return []
        rows = con.execute("SELECT kind, file, sha256, time, coverage, changes FROM imports ORDER BY id").fetchall()
    finally:
        con.close()
    return [{"kind": k, "file": f, "sha256": s, "time": t, "coverage": json.loads(c), "changes": json.loads(ch)}
            for k, f, s, t, c, ch in rows]


def store(ledger: Ledger, db: Path, file: Path, remove_missing: bool = False) -> Plan:
    """Plan and apply in one call (the demo's and tests' way); returns the plan."""
    change = plan(ledger, db, Path(file).name, remove_missing)
    apply(change, ledger, db, file, sha256(file), "ekonomi")
    return change


def sha256(path: Path) -> str:
    with Path(path).open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def describe_coverage(coverage: dict) -> str:
    """A logged coverage in one Swedish line: per kind, its months and units."""
    parts = []
    for kind, months in coverage.items():
        if not months:
            continue
        if isinstance(months, dict) and all(isinstance(v, (str, list)) for v in months.values()):
            units = sorted({u for v in months.values() if isinstance(v, list) for u in v})
            whole = any(v == "alla" for v in months.values())
            things = ("projekt", "projekt") if kind == "investeringar" else ("enheter", "enhet")
            who = f"alla {things[0]}" if whole else (f"{things[1]} " + _listed(units) if units else f"inga {things[0]}")
            keys = sorted(months)
            parts.append(f"{kind} {keys[0]}" + (f"–{keys[-1]}" if len(keys) > 1 else "") + f" ({len(keys)} mån, {who})")
        else:
            parts.append(f"{kind} {_listed(months)}")
    return "; ".join(parts) or "inget"


def describe_changes(counts: dict) -> str:
    return ", ".join(_counted(counts.get(k, 0), k) for k in counts)
