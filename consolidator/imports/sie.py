"""A small, strict reader of SIE 4 files (types 2, 3 and 4), as specified in SIE 4B.

No maintained Python library reads SIE, so this one does, for what Röd tråd needs: the financial
years (#RAR), dimensions and objects (#DIM, #OBJEKT), accounts (#KONTO), period balances and
budgets (#PSALDO, #PBUDGET), year results (#RES) and vouchers (#VER with #TRANS). Files are code
page 437 (IBM PC 8-bit, `#FORMAT PC8`) as the format requires; exports in Windows-1252 or UTF-8
are read with an explicit encoding. A malformed record is a finding with its line number; records
the specification allows but we do not use are skipped, as the specification says readers should.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from rodtrad.consolidator.model.findings import ERROR, define

SYNTAX = define("sie.syntax", ERROR, "Rad {value}: {detail}", "Line {value}: {detail}",
                "Rätta raden i exportfilen eller exportera på nytt ur ekonomisystemet.",
                "Correct the line or export the file again from the ledger system.")
ENCODING = define("sie.encoding", ERROR, "Filen går inte att läsa som {detail}.", "The file cannot be read as {detail}.",
                  "Ange teckenkodningen (--encoding cp1252 eller utf-8).", "Give the encoding (--encoding cp1252 or utf-8).")

ENCODINGS = {"cp437": "cp437", "pc8": "cp437", "cp1252": "cp1252", "windows-1252": "cp1252", "utf-8": "utf-8", "utf8": "utf-8"}
_TOKEN = re.compile(r'"((?:[^"\\]|\\.)*)"|(\{[^}]*\})|(\S+)')


@dataclass
class Record:
    line: int
    label: str
    fields: list


@dataclass
class Sie:
    """What a file says, by record type; amounts are as in the file (debit +, credit −)."""

    years: dict = field(default_factory=dict)  # year index (0, -1 …) -> (start, end) as 'YYYYMMDD'
    dimensions: dict = field(default_factory=dict)  # dim no -> name
    objects: dict = field(default_factory=dict)  # (dim no, object no) -> name
    accounts: dict = field(default_factory=dict)  # account -> name
    balances: list = field(default_factory=list)  # (year idx, 'YYYYMM', account, {dim: obj}, amount, line)
    budgets: list = field(default_factory=list)
    results: list = field(default_factory=list)  # (year idx, account, amount, line)
    transactions: list = field(default_factory=list)  # ('YYYYMMDD', account, {dim: obj}, amount, line)
    sie_type: str = ""
    findings: list = field(default_factory=list)


def tokens(text: str) -> list:
    """Fields of a record: quoted strings (with \\" escapes), object lists {…}, or bare words."""
    out = []
    for quoted, objects, bare in _TOKEN.findall(text):
        if objects:
            out.append(_objects(objects))
        elif bare:
            out.append(bare)
        else:
            out.append(quoted.replace('\\"', '"').replace("\\\\", "\\"))
    return out


def _objects(text: str) -> dict:
    """'{1 "2111" 20 "410"}' -> {'1': '2111', '20': '410'}"""
    parts = [q or b for q, _, b in _TOKEN.findall(text.strip("{} "))]
    if len(parts) % 2:
        raise ValueError("objektlistan har ett udda antal fält")
    return dict(zip(parts[::2], parts[1::2]))


def read(path: Path, encoding: str = "cp437") -> Sie:
    sie = Sie()
    codec = ENCODINGS.get(encoding.lower(), encoding)
    try:
        text = Path(path).read_bytes().decode(codec)
    except (UnicodeDecodeError, LookupError):
        sie.findings.append(ENCODING(file=Path(path).name, params={"detail": encoding}))
        return sie
    in_voucher, voucher_date = False, None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if line == "{":
            in_voucher = True
            continue
        if line == "}":
            in_voucher, voucher_date = False, None
            continue
        if not line.startswith("#"):
            sie.findings.append(SYNTAX(file=Path(path).name, value=number, params={"detail": "en post ska börja med #"}))
            continue
        label, _, rest = line.partition(" ")
        try:
            fields = tokens(rest)
            voucher_date = _record(sie, label.upper(), fields, number, in_voucher, voucher_date)
        except (ValueError, IndexError) as exc:
            sie.findings.append(SYNTAX(file=Path(path).name, value=number, params={"detail": f"{label}: {exc}"}))
    return sie


def _amount(text: str) -> float:
    if not re.fullmatch(r"-?\d+(\.\d+)?", text):
        raise ValueError(f"beloppet {text!r} är inget tal (decimalpunkt, inga tusentalsavgränsare)")
    return float(text)


def _period(text: str) -> str:
    if not re.fullmatch(r"\d{6}", text):
        raise ValueError(f"perioden {text!r} ska vara ÅÅÅÅMM")
    return text


def _date(text: str) -> str:
    if not re.fullmatch(r"\d{8}", text):
        raise ValueError(f"datumet {text!r} ska vara ÅÅÅÅMMDD")
    return text


def _record(sie: Sie, label: str, f: list, line: int, in_voucher: bool, voucher_date):
    if label == "#SIETYP":
        sie.sie_type = f[0]
    elif label == "#RAR":
        sie.years[int(f[0])] = (_date(f[1]), _date(f[2]))
    elif label == "#DIM":
        sie.dimensions[f[0]] = f[1]
    elif label == "#OBJEKT":
        sie.objects[(f[0], f[1])] = f[2]
    elif label == "#KONTO":
        sie.accounts[f[0]] = f[1]
    elif label in ("#PSALDO", "#PBUDGET"):
        if not isinstance(f[3], dict):
            raise ValueError("objektlista {…} saknas")
        row = (int(f[0]), _period(f[1]), f[2], f[3], _amount(f[4]), line)
        if len(f) > 5:
            _amount(f[5])  # the optional quantity: a split amount such as "-8 000,50" must not slip through
        (sie.balances if label == "#PSALDO" else sie.budgets).append(row)
    elif label == "#RES":
        sie.results.append((int(f[0]), f[1], _amount(f[2]), line))
    elif label == "#VER":
        return _date(f[2])
    elif label == "#TRANS":
        if not in_voucher or voucher_date is None:
            raise ValueError("#TRANS utanför en verifikation")
        if not isinstance(f[1], dict):
            raise ValueError("objektlista {…} saknas")
        date = _date(f[3]) if len(f) > 3 and re.fullmatch(r"\d{8}", f[3]) else voucher_date
        sie.transactions.append((date, f[0], f[1], _amount(f[2]), line))
    return voucher_date
