"""Ledger import: outcome and budget per unit, account and month, from SIE 4 or a flat CSV.

Ansvar objects map to units by their code (the organisation's ansvarskod). Only result accounts
(3000–8999) are kept: they are what a unit's economy follows up. Amounts are kr (debit +, credit −).

What an import covers (`Coverage`) is worked out from the file itself, and storing it replaces
exactly that (see `changes.py`): a file of period balances (SIE types 1–3 and 4E, or the flat CSV)
covers every unit in each of its months; a file of vouchers only (SIE 4I, e.g. from a payroll
system) covers the units it names in its months. Nothing else of the workspace's ledger changes.
"""
from __future__ import annotations

import csv
import io
import re
from functools import lru_cache
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from rodtrad.consolidator.model import values
from rodtrad.consolidator.model.findings import ERROR, INFO, WARNING, define
from rodtrad.consolidator.model.masterdata import MasterData
from rodtrad.consolidator.imports import sie as sie_reader
from rodtrad.consolidator.imports.text import decode
from rodtrad.consolidator.model.words import Said

UNKNOWN_UNIT = define("ledger.unknown_unit", WARNING,
                      "Ansvar {value} (rad {line}) finns inte i styrmodellen; dess belopp importeras inte.",
                      "Ansvar {value} (line {line}) is not in the master data; its amounts are not imported.",
                      "Lägg till ansvaret i styrmodellens organisation, eller kontrollera kodplanen.",
                      "Add the ansvar to the master data's organisation, or check the chart of accounts.")
UNATTRIBUTED = define("ledger.unattributed", WARNING,
                      "{amount} kr på konto {account} i {month} kunde inte föras till någon enhet (bokfört utan "
                      "ansvar) och importeras inte.",
                      "{amount} kr on account {account} in {month} could not be attributed to a unit (booked without "
                      "an ansvar) and is not imported.",
                      "Bokför beloppet på ett ansvar i ekonomisystemet, eller godta att det inte följs upp per enhet.",
                      "Book the amount on an ansvar in the ledger, or accept that no unit follows it up.")
UNATTRIBUTED_ERROR = define("ledger.unattributed_error", ERROR,
                            "{amount} kr på konto {account} i {month} är bokfört utan ansvar; styrmodellen kräver att "
                            "allt har ett ansvar, så inget ur filen importeras.",
                            "{amount} kr on account {account} in {month} is booked without an ansvar; the master data "
                            "requires one for everything, so nothing of the file is imported.",
                            "Bokför beloppet på ett ansvar och exportera på nytt, eller ändra regeln på styrmodellens "
                            "blad Regler.", "Book the amount on an ansvar and export again, or change the rule.")
FROM_VOUCHERS = define("ledger.from_vouchers", INFO,
                       "Periodsaldona (#PSALDO) saknar dimensionen {value} (ansvar) men verifikationerna har den: "
                       "utfallet per enhet räknas ur verifikationerna.",
                       "The period balances (#PSALDO) lack dimension {value} (ansvar) but the vouchers carry it: the "
                       "outcome per unit is summed from the vouchers.")
UNKNOWN_PROJECT = define("ledger.unknown_project", WARNING,
                         "Projektet {value} finns inte på styrmodellens blad Investeringar; dess belopp importeras inte.",
                         "The project {value} is not on the master data's Investeringar sheet; its amounts are not imported.",
                         "Lägg till projektet på bladet Investeringar, eller kontrollera projektkoden i ekonomisystemet.",
                         "Add the project to the Investeringar sheet, or check the project code in the ledger.")
CSV_ROW = define("ledger.csv_row", ERROR, "Rad {line}: {detail}", "Line {line}: {detail}",
                 "Kolumnerna ska vara ar;period;ansvar;verksamhet;konto;utfall;budget med decimalkomma.",
                 "The columns are ar;period;ansvar;verksamhet;konto;utfall;budget with decimal commas.")
CSV_HEADER_MISSING = define("ledger.csv_header", ERROR,
                            "Rubrikraden saknar kolumnen {value} (rubrikerna är: {detail}).",
                            "The header lacks the column {value} (the headers are: {detail}).",
                            "Kolumnerna ska heta ar;period;ansvar;verksamhet;konto;utfall;budget (i valfri ordning).",
                            "The columns are ar;period;ansvar;verksamhet;konto;utfall;budget (in any order).")
CSV_DUPLICATE = define("ledger.csv_duplicate", WARNING,
                       "Rad {line} är en exakt kopia av rad {value}; den räknas bara en gång.",
                       "Line {line} is an exact copy of line {value}; it is counted once.",
                       "Kontrollera exporten: en rad som kommit med två gånger skulle annars dubblera beloppet.",
                       "Check the export: a line included twice would otherwise double its amount.")
CSV_HEADER = ["ar", "period", "ansvar", "verksamhet", "konto", "utfall", "budget"]
_ALIASES = {"år": "ar", "ar": "ar", "period": "period", "månad": "period", "manad": "period", "ansvar": "ansvar",
            "verksamhet": "verksamhet", "konto": "konto", "utfall": "utfall", "budget": "budget",
            "projekt": "projekt"}
OUTCOME, BUDGET, INVEST = 0, 1, 2  # kinds an import may cover: outcome, budget, investment outcome per project
PROJECT_DIM = "6"  # SIE 4B reserves dimension 6 for projects
MONTHS = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober",
          "november", "december")


@dataclass
class Coverage:
    """What an import covers, per kind (OUTCOME, BUDGET): (year, month) -> the units it covers, or
    None for every unit (a file of period balances is the whole ledger for its months)."""

    cells: dict = field(default_factory=lambda: {OUTCOME: {}, BUDGET: {}, INVEST: {}})

    def cover(self, kind: int, year: int, month: int, unit: str | None) -> None:
        units = self.cells[kind].setdefault((year, month), set())
        if units is not None:
            if unit is None:
                self.cells[kind][(year, month)] = None
            else:
                units.add(unit)

    def covers(self, kind: int, year: int, month: int, unit: str) -> bool:
        if (year, month) not in self.cells[kind]:
            return False
        units = self.cells[kind][(year, month)]
        return units is None or unit in units

    @property
    def months(self) -> set:
        return set(self.cells[OUTCOME]) | set(self.cells[BUDGET])

    @property
    def invest_months(self) -> set:
        return set(self.cells[INVEST])

    def describe(self) -> dict:
        """JSON-ready: per kind, its months ('YYYY-MM') and units ('alla' or the list)."""
        out = {}
        for kind, name in ((OUTCOME, "utfall"), (BUDGET, "budget"), (INVEST, "investeringar")):
            if kind == INVEST and not self.cells[kind]:
                continue
            out[name] = {f"{y}-{m:02d}": ("alla" if units is None else sorted(units))
                         for (y, m), units in sorted(self.cells[kind].items())}
        return out


@dataclass
class Ledger:
    rows: dict = field(default_factory=lambda: defaultdict(lambda: [0.0, 0.0]))  # (year, month, unit, account) -> [outcome, budget]
    projects: dict = field(default_factory=lambda: defaultdict(float))  # (year, month, project) -> investment outcome, kr
    findings: list = field(default_factory=list)
    coverage: Coverage = field(default_factory=Coverage)

    @property
    def years(self) -> set[int]:
        return {y for y, _ in self.coverage.months} | {k[0] for k in self.rows}


def _kr(amount: float) -> str:
    return f"{amount:,.2f}".replace(",", " ").replace(".", ",").replace("-", "−")


def month_name(year: int, month: int) -> str:
    return f"{MONTHS[month - 1]} {year}"


def result_account(account: str) -> bool:
    return account.isdigit() and 3000 <= int(account[:4].ljust(4, "0")) <= 8999


def investment_account(account: str) -> bool:
    """Immateriella and materiella anläggningstillgångar (BAS and Kommun-BAS classes 10–12): where an
    investment's expenditure is booked (debit +; an investment grant credited there nets it)."""
    return account.isdigit() and 1000 <= int(account[:4].ljust(4, "0")) <= 1299


class _Sums:
    """The SIE reader's sink: sums per (kind, year, month, account, object list), so the memory is
    bounded by the ledger's combinations, not by the file's length."""

    def __init__(self):
        self.sums = {"psaldo": defaultdict(float), "pbudget": defaultdict(float), "trans": defaultdict(float)}
        self.first_line: dict = {}  # (kind, objects) -> the first line it was seen on
        self.months = {"psaldo": set(), "pbudget": set(), "trans": set()}
        self._keys: dict = {}  # id(object list) -> (the list, its sorted items)

    def __call__(self, kind: str, row: tuple) -> None:
        if kind == "trans":
            date, account, objects, amount, line = row
            year, month = int(date[:4]), int(date[4:6])
        else:
            _, period, account, objects, amount, line = row
            year, month = int(period[:4]), int(period[4:])
        self.months[kind].add((year, month))
        if not _result_account(account) and not (objects and _investment_account(account)):
            return
        known = self._keys.get(id(objects))
        if known is None or known[0] is not objects:  # the reader shares one dict per distinct object list
            known = self._keys[id(objects)] = (objects, tuple(sorted(objects.items())))
            for dim_obj in objects.items():
                self.first_line.setdefault(dim_obj, line)
        self.sums[kind][(year, month, account, known[1])] += amount


@lru_cache(maxsize=1 << 14)
def _result_account(account: str) -> bool:
    return result_account(account)


@lru_cache(maxsize=1 << 14)
def _investment_account(account: str) -> bool:
    return investment_account(account)


def from_sie(path: Path, master: MasterData, encoding: str = "cp437", dim: str | None = None) -> Ledger:
    """Outcome (from #PSALDO, or from the vouchers when the balances lack the ansvar dimension or are
    absent) and budget (#PBUDGET) per unit, account and month. `dim` is the ansvar dimension (default:
    the #DIM whose name says ansvar, else 1). Findings: the reader's, unknown units, unattributed
    remainders per account and month, each in Swedish."""
    sums = _Sums()
    sie = sie_reader.read(path, encoding, sink=sums)
    name = Path(path).name
    ledger = Ledger(findings=list(sie.findings))
    if any(f.severity == ERROR for f in sie.findings):
        return ledger
    dim = dim or next((d for d, label in sie.dimensions.items() if "ansvar" in label.lower()), "1")
    reported: set = set()

    def unit_of(code: str) -> str | None:
        if master.is_unit(code):
            return code
        if code not in reported:
            reported.add(code)
            ledger.findings.append(UNKNOWN_UNIT(file=name, value=code, params={"line": sums.first_line.get((dim, code), "?")}))
        return None

    def attribute(kind: int, rows: dict, nested: bool) -> None:
        """Per (year, month, account): each unit's amount, and the account total's unattributed rest.
        `nested`: period balances, where one amount may be repeated per combination of dimensions,
        so each unit's amount is taken from its rows with the fewest dimensions."""
        totals, per_unit = {}, defaultdict(dict)  # (y, m, account) -> total; -> {code: {dimset: sum}}
        for (year, month, account, objects), amount in rows.items():
            if not _result_account(account):  # investment rows are the projects' (see _projects)
                continue
            objs = dict(objects)
            if nested and not objs:
                totals[(year, month, account)] = amount
            elif dim in objs:
                dims = frozenset(objs)
                groups = per_unit[(year, month, account)].setdefault(objs[dim], {})
                groups[dims] = groups.get(dims, 0.0) + amount
            elif not nested:
                totals[(year, month, account)] = totals.get((year, month, account), 0.0) + amount
        keys = set(totals) | set(per_unit)
        for key in sorted(keys):
            year, month, account = key
            attributed = 0.0
            for code, groups in sorted(per_unit.get(key, {}).items()):
                amount = groups[min(groups, key=lambda d: (len(d), sorted(d)))]
                attributed += amount
                unit = unit_of(code)
                if unit:
                    ledger.rows[(year, month, unit, account)][kind] += amount
            # balances: the account's total less what its units carry; vouchers: the rows without ansvar
            rest = round(totals[key] - attributed, 2) if nested and key in totals else round(totals.get(key, 0.0), 2) if not nested else 0
            if rest:
                kind_of = UNATTRIBUTED_ERROR if master.rules.get("unattributed_is_error") else UNATTRIBUTED
                ledger.findings.append(kind_of(file=name, value=account, params={
                    "amount": _kr(rest), "account": account, "month": month_name(year, month)}))

    psaldo_has_dim = any(dim in dict(k[3]) and _result_account(k[2]) for k in sums.sums["psaldo"])
    trans_has_dim = any(dim in dict(k[3]) and _result_account(k[2]) for k in sums.sums["trans"])
    if psaldo_has_dim or (sums.months["psaldo"] and not trans_has_dim):
        attribute(OUTCOME, sums.sums["psaldo"], nested=True)
        outcome_months = set(sums.months["psaldo"])
        if sie.covers_to and 0 in sie.years:  # #OMFATTN: the balances are complete up to that date
            start, _ = sie.years[0]
            outcome_months |= _months_between(start, sie.covers_to)
        for year, month in outcome_months:
            ledger.coverage.cover(OUTCOME, year, month, None)
    else:
        if sums.months["psaldo"] and trans_has_dim:
            ledger.findings.append(FROM_VOUCHERS(file=name, value=dim))
        attribute(OUTCOME, sums.sums["trans"], nested=False)
        if sie.years:  # a 4E export with a financial year is the whole ledger for its months
            for year, month in sums.months["trans"]:
                ledger.coverage.cover(OUTCOME, year, month, None)
        else:  # a file of vouchers only (4I) covers the units it names, in its months
            ledger.coverage.cells[OUTCOME] = {ym: set() for ym in sums.months["trans"]}
            for year, month, unit, _ in ledger.rows:
                ledger.coverage.cover(OUTCOME, year, month, unit)
    attribute(BUDGET, sums.sums["pbudget"], nested=True)
    for year, month in sums.months["pbudget"]:
        ledger.coverage.cover(BUDGET, year, month, None)
    _projects(ledger, master, sums.sums["trans"], sums.sums["psaldo"], sie, name)
    return ledger


def _projects(ledger: Ledger, master: MasterData, trans: dict, psaldo: dict, sie, name: str) -> None:
    """Investment outcome per project and month, on investment accounts with a project object
    (dimension 6, or the #DIM named projekt; SIE 4B): from the vouchers' rows, and for a project no
    voucher row carries, from the period balances (#PSALDO with the project in its object list,
    each project's amount taken from its rows with the fewest dimensions, as for units). Where both
    carry a project the vouchers win: a voucher row is unambiguous (its date, account and objects),
    while balances may repeat an amount per combination of dimensions and are summed from the very
    vouchers. A file with a financial year covers every project in those months; a 4I file the
    projects it names."""
    dim = next((d for d, label in sie.dimensions.items() if "projekt" in label.lower()), PROJECT_DIM)
    known, reported = {p.id for p in master.projects}, set()
    from_vouchers, voucher_months = _project_amounts(trans, dim, nested=False)
    from_balances, balance_months = _project_amounts(psaldo, dim, nested=True)
    carried = {project for (_, _, project) in from_vouchers}
    months = set(voucher_months)
    for source in (from_vouchers, {k: v for k, v in from_balances.items() if k[2] not in carried}):
        for (year, month, project), amount in source.items():
            if project not in known:
                if project not in reported:
                    reported.add(project)
                    ledger.findings.append(UNKNOWN_PROJECT(file=name, value=project))
                continue
            if source is not from_vouchers:
                months.add((year, month))
            ledger.projects[(year, month, project)] += amount
    if not ledger.projects and not reported:
        return
    for year, month in months:
        if sie.years:
            ledger.coverage.cover(INVEST, year, month, None)
        else:
            ledger.coverage.cells[INVEST].setdefault((year, month), set())
    if not sie.years:
        for year, month, project in ledger.projects:
            ledger.coverage.cover(INVEST, year, month, project)


def _project_amounts(rows: dict, dim: str, nested: bool) -> tuple[dict, set]:
    """((year, month, project) -> kr, the months with investment rows) from the reader's sums.
    `nested` (period balances): a project's amount from its rows with the fewest dimensions."""
    groups: dict = defaultdict(dict)  # (y, m, account, project) -> {dimensions: kr}
    months = set()
    for (year, month, account, objects), amount in rows.items():
        if not investment_account(account):
            continue
        objs = dict(objects)
        if not nested or dim in objs:
            months.add((year, month))
        if dim not in objs:
            continue
        dims = frozenset(objs) if nested else frozenset()
        found = groups[(year, month, account, objs[dim])]
        found[dims] = found.get(dims, 0.0) + amount
    out: dict = defaultdict(float)
    for (year, month, _, project), found in groups.items():
        out[(year, month, project)] += found[min(found, key=lambda d: (len(d), sorted(d)))]
    return out, months


def _months_between(start: str, end: str) -> set:
    out, year, month = set(), int(start[:4]), int(start[4:6])
    while (year, month) <= (int(end[:4]), int(end[4:6])):
        out.add((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def _column(name: str) -> str:
    """A header as spreadsheets vary it ('År ', ' UTFALL', a BOM) -> its canonical name."""
    key = re.sub(r"\s+", "", values.clean_text(name).lower())
    return _ALIASES.get(key, key)


UNREADABLE_ROW = Said("raden går inte att läsa som CSV (ett fält är för långt eller ett citattecken saknar sitt par); "
                      "resten av filen läses inte",
                      "the line cannot be read as CSV (a field is too long or a quote has no pair); the rest of the "
                      "file is not read")


def _whole_rows(reader, ledger: Ledger, name: str):
    """The CSV reader's rows until one cannot be read as CSV (a field longer than the csv module's
    limit, a quote never closed): that one is a finding, and reading stops there."""
    while True:
        try:
            yield next(reader)
        except StopIteration:
            return
        except csv.Error:
            ledger.findings.append(CSV_ROW(file=name, value=reader.line_num, params={
                "line": reader.line_num, "detail": UNREADABLE_ROW}))
            return


def from_csv(path: Path, master: MasterData, encoding: str | None = None) -> Ledger:
    """The flat CSV (semicolon-separated as Swedish Excel saves it; tab and comma also recognised),
    columns ar, period, ansvar, verksamhet, konto, utfall, budget in any order with the small
    variations spreadsheets make. Encoding: UTF-8 with or without BOM, UTF-16 with BOM or
    Windows-1252, recognised; `encoding` forces one. Amounts in kr with decimal comma."""
    name = Path(path).name
    text, problem = decode(Path(path).read_bytes(), encoding)
    if text is None:
        return Ledger(findings=[problem(file=name)])
    ledger, reported, seen, projects_reported = Ledger(), set(), {}, set()
    first = text.split("\n", 1)[0]
    delimiter = max(";\t,", key=first.count) if first else ";"
    reader = _whole_rows(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), ledger, name)
    raw_header = next(reader, [])
    header = [_column(h) for h in raw_header]
    missing = [c for c in CSV_HEADER if c not in header and c != "verksamhet"]
    if missing:
        ledger.findings.append(CSV_HEADER_MISSING(file=name, value=missing[0], params={"detail": ";".join(raw_header)}))
        return ledger
    at = {c: header.index(c) for c in CSV_HEADER + ["projekt"] if c in header}
    for line, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        fingerprint = tuple(cell.strip() for cell in row)
        if fingerprint in seen:
            ledger.findings.append(CSV_DUPLICATE(file=name, value=seen[fingerprint], params={"line": line}))
            continue
        seen[fingerprint] = line
        try:
            year, period, unit, account = (values.as_id(row[at[c]]) for c in ("ar", "period", "ansvar", "konto"))
            month = int(period[-2:]) if len(period) == 6 else int(period)
            outcome, budget = values.as_number(row[at["utfall"]]) or 0, values.as_number(row[at["budget"]]) or 0
            if not (1 <= month <= 12 and len(year) == 4 and year.isdigit()):
                raise values.Unreadable(period)
        except (values.Unreadable, ValueError, IndexError, TypeError):
            ledger.findings.append(CSV_ROW(file=name, value=line, params={"line": line, "detail": delimiter.join(row)}))
            continue
        ledger.coverage.cover(OUTCOME, int(year), month, None)
        ledger.coverage.cover(BUDGET, int(year), month, None)
        _csv_project(ledger, master, name, row, at, int(year), month, account, outcome, projects_reported)
        if investment_account(account):
            continue  # an investment row belongs to its project, not to the unit's operating economy
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


def _csv_project(ledger: Ledger, master: MasterData, name: str, row: list, at: dict, year: int, month: int,
                 account: str, outcome: float, reported: set) -> None:
    """The CSV's optional column projekt: investment outcome per project (investment accounts only)."""
    if "projekt" not in at or not investment_account(account):
        return
    ledger.coverage.cover(INVEST, year, month, None)
    project = values.as_id(row[at["projekt"]]) if len(row) > at["projekt"] else None
    if not project:
        return
    if project not in {p.id for p in master.projects}:
        if project not in reported:
            reported.add(project)
            ledger.findings.append(UNKNOWN_PROJECT(file=name, value=project))
        return
    ledger.projects[(year, month, project)] += outcome
