"""A strict, streaming reader of SIE files of types 1, 2, 3 and 4 (4E and 4I), as specified in
"SIE filformat, utgåva 4B" (SIE-gruppen, 2008-09-30).

No maintained Python library reads SIE, so this one does. What the specification says and we follow:

- A record is one line: a label (`#PSALDO`) and fields separated by one or more spaces **or tabs**.
  A field may be quoted (`"Förskolan Solrosen"`, with `\\"` for a quote inside); an object list is
  `{dimension object …}` in braces, itself of (possibly quoted) fields. Lines end with CR LF or LF.
- Code page 437 (`#FORMAT PC8`) is the format's encoding; other encodings are read when told.
- A voucher is `#VER` followed by a block `{` … `}` of `#TRANS`, `#RTRANS` (an added row; the
  specification repeats it as a `#TRANS` for older readers, so it is counted once, through that
  `#TRANS`) and `#BTRANS` (a removed row, not counted). Every voucher must balance (its `#TRANS`
  sum to 0,00); one that does not is an error naming its `#VER` line and the difference.
- Labels the specification does not know are skipped (its rule for forward compatibility) and
  counted in `Sie.skipped`; every label it does know is checked for its mandatory fields.

A file cut short (the last line without a line end, a voucher block or object list not closed, a
`#KSUMMA` opened and not closed) is an error: nothing of a cut file may be imported. `#KSUMMA`'s
CRC-32 itself is deliberately not verified (the bracket is checked, the checksum is not).

The file is streamed line by line: pass `sink` and the period balances, budgets and transactions
go to it as they are read (the memory then stays flat in the file's size); without `sink` they are
collected in the returned `Sie` (small files, tests). Errors are findings with their line number,
in Swedish; no Python message reaches a user.
"""
from __future__ import annotations

import codecs
import re
from functools import lru_cache
from dataclasses import dataclass, field
from pathlib import Path

from rodtrad.consolidator.model.findings import ERROR, define

SYNTAX = define("sie.syntax", ERROR, "Rad {value}: {detail}", "Line {value}: {detail}",
                "Rätta raden i exportfilen eller exportera på nytt ur ekonomisystemet.",
                "Correct the line or export the file again from the ledger system.")
ENCODING = define("sie.encoding", ERROR, "Filen går inte att läsa som {detail}.", "The file cannot be read as {detail}.",
                  "Ange teckenkodningen (--encoding cp1252 eller utf-8).", "Give the encoding (--encoding cp1252 or utf-8).")
CUT = define("sie.cut", ERROR, "Filen slutar {detail}: den är avkapad, och inget ur den importeras.",
             "The file ends {detail_en}: it is cut short, and nothing of it is imported.",
             "Exportera filen på nytt ur ekonomisystemet och kontrollera att den kopierats hel.",
             "Export the file again and check that it was copied whole.")
MORE_SYNTAX = define("sie.more_syntax", ERROR,
                     "Ytterligare {value} rader har fel; bara de första {limit} visas.",
                     "{value} more lines have errors; only the first {limit} are shown.",
                     "Så många fel betyder oftast att filen inte är en SIE-export eller att den skadats: exportera på "
                     "nytt ur ekonomisystemet.",
                     "So many errors usually mean the file is not an SIE export or is damaged: export it again.",
                     example={"value": 4711, "limit": 1000})
MAX_SYNTAX = 1000  # syntax findings kept; the rest are counted (a file of a million bad lines stays small)
UNBALANCED = define("sie.unbalanced", ERROR,
                    "Rad {value}: verifikationen {voucher} balanserar inte: transaktionerna summerar till {difference} kr.",
                    "Line {value}: voucher {voucher} does not balance: its transactions add up to {difference} kr.",
                    "SIE-formatet kräver att varje verifikation balanserar (summan 0,00). Rätta verifikationen i "
                    "systemet som skrev filen och exportera på nytt.",
                    "The SIE format requires every voucher to balance; correct it at the source and export again.")

ENCODINGS = {"cp437": "cp437", "pc8": "cp437", "ibm437": "cp437", "cp1252": "cp1252", "windows-1252": "cp1252",
             "utf-8": "utf-8", "utf8": "utf-8", "latin-1": "latin-1", "iso-8859-1": "latin-1"}
# One field: "quoted (with \" escapes)", {an object list, possibly with quoted fields}, or bare.
_TOKEN = re.compile(r'("(?:[^"\\]|\\.)*")|(\{(?:[^}"]|"(?:[^"\\]|\\.)*")*\})|([^ \t]+)')
_SPECIAL = re.compile(r'[{}"]').search
_LABEL = re.compile(r"(#[^ \t]*)[ \t]*(.*)")
_AMOUNT = re.compile(r"-?\d+(\.\d+)?")
_INT = re.compile(r"-?\d+")
_DATE = re.compile(r"\d{8}")
_PERIOD = re.compile(r"\d{4}(0[1-9]|1[0-2])")

# Every label of SIE 4B with its mandatory field count. The reader stores what Röd tråd uses and
# checks the rest for their mandatory fields, then skips them deliberately.
FIELDS = {
    "#FLAGGA": 1, "#FORMAT": 1, "#SIETYP": 1, "#PROGRAM": 2, "#GEN": 1, "#FNAMN": 1, "#FNR": 1, "#ORGNR": 1,
    "#ADRESS": 4, "#BKOD": 1, "#FTYP": 1, "#KPTYP": 1, "#VALUTA": 1, "#TAXAR": 1, "#PROSA": 1, "#OMFATTN": 1,
    "#RAR": 3, "#DIM": 2, "#UNDERDIM": 3, "#OBJEKT": 3, "#KONTO": 2, "#KTYP": 2, "#ENHET": 2, "#SRU": 2,
    "#IB": 3, "#UB": 3, "#OIB": 4, "#OUB": 4, "#RES": 3, "#PSALDO": 5, "#PBUDGET": 5,
    "#VER": 3, "#TRANS": 3, "#RTRANS": 3, "#BTRANS": 3, "#KSUMMA": 0,
}
HEADER = ("#FLAGGA", "#FORMAT", "#PROGRAM", "#GEN", "#FNAMN", "#FNR", "#ORGNR", "#ADRESS", "#BKOD", "#FTYP",
          "#KPTYP", "#VALUTA", "#TAXAR", "#PROSA")
IN_VOUCHER = ("#TRANS", "#RTRANS", "#BTRANS")


class _Bad(ValueError):
    """A field that breaks the specification; the message is Swedish and goes into a finding."""


@dataclass
class Sie:
    """What a file says, by record type; amounts as in the file (debit +, credit −), in kr.

    Rows: balances/budgets (year index, 'YYYYMM', account, {dim: object}, amount, line);
    transactions ('YYYYMMDD', account, {dim: object}, amount, line); results and year balances
    (year index, account, amount, line); object balances (year index, account, {dim: object}, amount, line).
    """

    years: dict = field(default_factory=dict)  # year index (0, -1 …) -> (start, end) as 'YYYYMMDD'
    dimensions: dict = field(default_factory=dict)  # dim no -> name
    subdimensions: dict = field(default_factory=dict)  # dim no -> (name, superior dim no)
    objects: dict = field(default_factory=dict)  # (dim no, object no) -> name
    accounts: dict = field(default_factory=dict)  # account -> name
    account_types: dict = field(default_factory=dict)  # account -> T, S, K or I (#KTYP)
    info: dict = field(default_factory=dict)  # header label -> its fields (#FNAMN, #ORGNR …)
    opening: list = field(default_factory=list)  # #IB
    closing: list = field(default_factory=list)  # #UB
    object_opening: list = field(default_factory=list)  # #OIB
    object_closing: list = field(default_factory=list)  # #OUB
    results: list = field(default_factory=list)  # #RES
    balances: list = field(default_factory=list)  # #PSALDO (when read without a sink)
    budgets: list = field(default_factory=list)  # #PBUDGET (when read without a sink)
    transactions: list = field(default_factory=list)  # #TRANS of balanced vouchers (when read without a sink)
    vouchers: int = 0
    sie_type: str = ""
    covers_to: str = ""  # #OMFATTN: the balances include everything up to this date ('YYYYMMDD')
    skipped: dict = field(default_factory=dict)  # unknown label -> how many times (skipped as the spec says)
    findings: list = field(default_factory=list)

    @property
    def is_import_file(self) -> bool:
        """SIE 4I: vouchers only, no financial year (#RAR) and no balances."""
        return self.sie_type == "4" and not self.years and not self.results


def _unquote(text: str) -> str:
    return text.replace('\\"', '"').replace("\\\\", "\\") if "\\" in text else text


@lru_cache(maxsize=1 << 16)
def _objects(text: str) -> dict:
    """'{1 "2111" 20 "410"}' -> {'1': '2111', '20': '410'}. Cached: a ledger repeats a few thousand
    object lists over millions of rows (callers must not change the dict)."""
    parts = []
    for quoted, inner, bare in _TOKEN.findall(text[1:-1]):
        if inner or bare[:1] == "{" or (bare and _SPECIAL(bare)):
            raise _Bad("en objektlista kan inte innehålla en objektlista eller ett ofullständigt fält")
        parts.append(bare or _unquote(quoted[1:-1]))
    if len(parts) % 2:
        raise _Bad("objektlistan har ett udda antal fält (dimension och objekt i par)")
    return dict(zip(parts[::2], parts[1::2]))


def tokens(text: str) -> list:
    """Fields of a record: quoted strings (with \\" escapes), object lists {…} as dicts, bare words.
    "" is an empty text and {} an empty object list. Raises `_Bad` (a ValueError, in Swedish) for
    an unclosed quote or object list, a stray } or ", or an object list with an odd number of fields."""
    out = []
    for quoted, objects, bare in _TOKEN.findall(text):
        if bare:
            if _SPECIAL(bare):
                if bare[0] == "{":
                    raise _Bad("objektlistan { … } avslutas inte med }")
                if bare[0] == '"':
                    raise _Bad("en text inom citattecken avslutas inte")
                raise _Bad(f"fältet {bare!r} har en }} eller ett citattecken mitt i sig")
            out.append(bare)
        elif objects:
            out.append(_objects(objects))
        else:
            out.append(_unquote(quoted[1:-1]))
    return out


def _amount(text) -> float:
    if not isinstance(text, str) or not _AMOUNT.fullmatch(text):
        raise _Bad(f"beloppet {text!r} är inget tal (decimalpunkt, inga tusentalsavgränsare)")
    return float(text)


def _int(text) -> int:
    if not isinstance(text, str) or not _INT.fullmatch(text):
        raise _Bad(f"{text!r} är inget heltal")
    return int(text)


def _date(text) -> str:
    if not isinstance(text, str) or not _DATE.fullmatch(text):
        raise _Bad(f"datumet {text!r} ska vara ÅÅÅÅMMDD")
    return text


def _period(text) -> str:
    if not isinstance(text, str) or not _PERIOD.fullmatch(text):
        raise _Bad(f"perioden {text!r} ska vara ÅÅÅÅMM")
    return text


def _text(value) -> str:
    if not isinstance(value, str):
        raise _Bad("en objektlista { … } står där en text eller ett nummer ska stå")
    return value


def _object_list(value) -> dict:
    if not isinstance(value, dict):
        raise _Bad(f"objektlista {{ … }} saknas (står {value!r})")
    return value


def _kr(amount: float) -> str:
    """1234.5 -> '1 234,50' (kr, Swedish)."""
    return f"{amount:,.2f}".replace(",", " ").replace(".", ",").replace("-", "−")


def _codec(path: Path, encoding: str) -> str:
    codec = ENCODINGS.get(encoding.lower(), encoding)
    codecs.lookup(codec)  # LookupError for an unknown name
    with Path(path).open("rb") as handle:
        if handle.read(3) == codecs.BOM_UTF8:  # a byte-order mark says UTF-8 whatever the label
            return "utf-8-sig"
    return codec


def read(path: Path, encoding: str = "cp437", sink=None) -> Sie:
    """Read a SIE file. `sink(kind, row)` receives 'psaldo', 'pbudget' and 'trans' rows as they are
    read (a voucher's rows once its block is closed and balanced); without it they are collected.

    Never raises for the file's content: every problem is a finding in `Sie.findings`."""
    state = _State(Sie(), Path(path).name, sink)
    try:
        codec = _codec(path, encoding)
        with Path(path).open(encoding=codec, newline=None) as handle:
            last, number = "", 0
            for number, raw in enumerate(handle, start=1):
                last = raw
                if raw.endswith("\n"):
                    state.line(raw.strip(" \t\r\n"), number)
            if last and not last.endswith("\n"):  # the last line has no line end
                state.final(last.strip(" \t\r\n"), number)
            state.end(number)
    except (UnicodeDecodeError, LookupError):
        return Sie(findings=[ENCODING(file=Path(path).name, params={"detail": encoding})])
    return state.sie


class _State:
    """The reader's state between lines: the open voucher, the #KSUMMA bracket."""

    def __init__(self, sie: Sie, name: str, sink):
        self.sie, self.name, self.sink = sie, name, sink
        self.voucher = None  # (line of #VER, 'series number', date) between #VER and its block's end
        self.block = False  # inside { … }
        self.rows: list = []  # the open voucher's #TRANS rows
        self.ksumma = 0  # #KSUMMA records seen
        self.syntax_errors = 0

    def syntax(self, number: int, detail: str) -> None:
        self.syntax_errors += 1
        if self.syntax_errors <= MAX_SYNTAX:
            self.sie.findings.append(SYNTAX(file=self.name, value=number, params={"detail": detail}))

    def line(self, text: str, number: int) -> None:
        if not text:
            return
        if text == "{":
            if self.voucher is None or self.block:
                self.syntax(number, "{ utan en #VER före")
            self.block = True
            return
        if text == "}":
            if not self.block:
                self.syntax(number, "} utan { före")
                return
            self._close()
            return
        if self.voucher is not None and not self.block:
            self.syntax(self.voucher[0], "#VER ska följas av ett block { … } med transaktionerna")
            self.voucher = None
        if not text.startswith("#"):
            self.syntax(number, "en post ska börja med #")
            return
        label, rest = _LABEL.match(text).groups()
        label = label.upper()
        try:
            fields = tokens(rest)
            need = FIELDS.get(label)
            if need is None:
                self.sie.skipped[label] = self.sie.skipped.get(label, 0) + 1
                return
            if len(fields) < need:
                raise _Bad(f"{label} ska ha minst {need} fält, har {len(fields)}")
            self._record(label, fields, number)
        except _Bad as exc:
            self.syntax(number, f"{label}: {exc}")

    def final(self, text: str, number: int) -> None:
        """The file's last line, which has no line end: a closing brace is whole, anything else cut."""
        if text in ("", "}"):
            self.line(text, number)
            return
        if text.count('"') % 2:
            where = ("mitt i en text på rad {n}", "inside a quoted text on line {n}")
        elif "{" in text and "}" not in text[text.rindex("{"):]:
            where = ("mitt i en objektlista på rad {n}", "inside an object list on line {n}")
        else:
            where = ("mitt i rad {n} (raden saknar radslut)", "in the middle of line {n} (no line end)")
        self._cut(*where, n=number)

    def end(self, number: int) -> None:
        if self.syntax_errors > MAX_SYNTAX:
            self.sie.findings.append(MORE_SYNTAX(file=self.name, value=self.syntax_errors - MAX_SYNTAX,
                                                 params={"limit": MAX_SYNTAX}))
        if self.block or self.voucher is not None:
            self._cut("inne i verifikationen på rad {n} (dess } saknas)",
                      "inside the voucher on line {n} (its } is missing)", n=self.voucher[0])
        if self.ksumma == 1:
            self._cut("innan den avslutande #KSUMMA", "before its closing #KSUMMA", n=number)

    def _cut(self, sv: str, en: str, n: int) -> None:
        self.sie.findings.append(CUT(file=self.name, value=n, params={"detail": sv.replace("{n}", str(n)),
                                                                        "detail_en": en.replace("{n}", str(n))}))

    def _close(self) -> None:
        line, voucher, _ = self.voucher
        total = round(sum(r[3] for r in self.rows), 2)
        if total:
            self.sie.findings.append(UNBALANCED(file=self.name, value=line, params={
                "voucher": voucher, "difference": _kr(total)}))
        else:
            for row in self.rows:
                self._emit("trans", row)
        self.sie.vouchers += 1
        self.voucher, self.block, self.rows = None, False, []

    def _emit(self, kind: str, row: tuple) -> None:
        if self.sink is not None:
            self.sink(kind, row)
        else:
            {"psaldo": self.sie.balances, "pbudget": self.sie.budgets, "trans": self.sie.transactions}[kind].append(row)

    def _record(self, label: str, f: list, number: int) -> None:
        sie = self.sie
        if label in IN_VOUCHER:
            if not self.block:
                raise _Bad("transaktionen står utanför en verifikations block { … }")
            account, objects, amount = _text(f[0]), _object_list(f[1]), _amount(f[2])
            date = _date(f[3]) if len(f) > 3 and f[3] != "" else self.voucher[2]
            if len(f) > 5 and f[5] != "":
                _amount(f[5])  # the optional quantity
            if label == "#TRANS":
                self.rows.append((date, account, objects, amount, number))
            return
        if self.block:
            raise _Bad(f"{label} kan inte stå inne i en verifikation")
        if label == "#VER":
            _text(f[0]), _text(f[1])
            self.voucher = (number, " ".join(x for x in (f[0], f[1]) if x) or "utan nummer", _date(f[2]))
        elif label in ("#PSALDO", "#PBUDGET"):
            row = (_int(f[0]), _period(f[1]), _text(f[2]), _object_list(f[3]), _amount(f[4]), number)
            if len(f) > 5:
                _amount(f[5])  # the optional quantity: a split amount such as "-8 000,50" must not slip through
            self._emit("psaldo" if label == "#PSALDO" else "pbudget", row)
        elif label in ("#IB", "#UB", "#RES"):
            row = (_int(f[0]), _text(f[1]), _amount(f[2]), number)
            {"#IB": sie.opening, "#UB": sie.closing, "#RES": sie.results}[label].append(row)
        elif label in ("#OIB", "#OUB"):
            row = (_int(f[0]), _text(f[1]), _object_list(f[2]), _amount(f[3]), number)
            (sie.object_opening if label == "#OIB" else sie.object_closing).append(row)
        elif label == "#SIETYP":
            if f[0] not in ("1", "2", "3", "4"):
                raise _Bad(f"SIE-typen {f[0]!r} finns inte (1, 2, 3 eller 4)")
            sie.sie_type = f[0]
        elif label == "#RAR":
            sie.years[_int(f[0])] = (_date(f[1]), _date(f[2]))
        elif label == "#OMFATTN":
            sie.covers_to = _date(f[0])
        elif label == "#DIM":
            sie.dimensions[_text(f[0])] = _text(f[1])
        elif label == "#UNDERDIM":
            sie.subdimensions[_text(f[0])] = (_text(f[1]), _text(f[2]))
        elif label == "#OBJEKT":
            sie.objects[(_text(f[0]), _text(f[1]))] = _text(f[2])
        elif label == "#KONTO":
            sie.accounts[_text(f[0])] = _text(f[1])
        elif label == "#KTYP":
            if f[1] not in ("T", "S", "K", "I"):
                raise _Bad(f"kontotypen {f[1]!r} ska vara T, S, K eller I")
            sie.account_types[_text(f[0])] = f[1]
        elif label == "#KSUMMA":
            self.ksumma += 1
        elif label in ("#ENHET", "#SRU") or label in HEADER:
            sie.info.setdefault(label, [_text(x) if not isinstance(x, dict) else x for x in f])
