"""A reference recomputation of the KF and board reports, independent of the roll-up.

It reads what the reports are made of on its own: the returned workbooks (openpyxl, never the
project's reader), the master data (styrmodell.xlsx, by its Swedish labels), the Kolada file and
the manifest (which files the consolidation took in; their SHA-256 is checked). It computes every
table with pandas (group-by over the organisation tree, the master data's aggregation and
threshold rules) and compares the result with the cells of the reports, cell by cell: amounts to
the öre, counts, lights, assessments, distributions and statuses.

Different code, same rules, same answer (DESIGN.md, "Independent checks"). What it does not
compare is listed in `NOT_COVERED`, with the reason.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from decimal import ROUND_HALF_UP, Decimal
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from openpyxl import load_workbook

GREEN, YELLOW, RED, NONE = "grön", "gul", "röd", "ej bedömt"
GRADE = {"Uppfyllt": GREEN, "Delvis uppfyllt": YELLOW, "Ej uppfyllt": RED}
WORD = {GREEN: "Uppfyllt", YELLOW: "Delvis uppfyllt", RED: "Ej uppfyllt", NONE: "Ej bedömt"}
SHORT = [(GREEN, "uppfyllt"), (YELLOW, "delvis"), (RED, "ej uppfyllt"), (NONE, "ej bedömt")]
BOARDS = ("nämnd", "styrelse", "koncern")
STATUS_ORDER = ["planerad", "låst", "Ej påbörjad", "Pågår", "Försenad", "Klar", "Avbruten"]
LEVEL = {"kf": "KF", "styrelse": "Styrelse", "nämnd": "Nämnd", "förvaltning": "Förvaltning", "verksamhet": "Verksamhet",
         "enhet": "Enhet", "koncern": "Koncern", "bolag": "Bolag"}
MONTHS = ["Jan", "Feb", "Mar", "Apr", "Maj", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dec"]

NOT_COVERED = {
    "Källor": "the lineage of each figure, not a figure (checked by test_audit's trace and verify)",
    "Texter": "the units' free texts, copied as written",
    "Sammanfattning/EkonomiSammanfattning chart": "a chart drawn from the table checked here",
    "Målkompass charts": "the radar and bars drawn from the Målkompass table checked here",
}
TEXT_COLUMNS = {"Förklaring", "Enheternas bidrag", "Text", "Resultat", "Åtgärd", "Aktivitet", "Kommentar", "Mål",
                "Uppdrag", "Risk", "Kontrollmoment", "Ansvarig", "Chef", "E-post", "Nyckeltal", "Kolada: jämförelse",
                "Namn", "Nämndens / förvaltningens analys"}


# -- reading, with openpyxl only ----------------------------------------------------------------

def _id(value):
    """An id as a list shows it ("P3 – Verksamhet ...", "U3 – text"): the id."""
    if value is None or value == "":
        return None
    return str(value).split(" – ", 1)[0].strip()


def _rows(ws, header_row: int = 4) -> list[dict]:
    rows = list(ws.iter_rows(min_row=header_row, values_only=True))
    if not rows:
        return []
    header = [h for h in rows[0]]
    out = []
    for r in rows[1:]:
        d = {h: v for h, v in zip(header, r) if h}
        first = header[0]
        if d.get(first) in (None, "") or all(v in (None, "") for k, v in d.items() if k != first):
            continue
        out.append(d)
    return out


def _keyvalue(ws) -> dict:
    return {r[0]: r[1] for r in ws.iter_rows(values_only=True) if r and r[0] is not None}


def _num(v):
    if v is None or v == "":
        return None
    if isinstance(v, (int, float)):
        return v
    try:
        return float(str(v).replace(" ", "").replace(",", "."))
    except ValueError:
        return None


@dataclass
class Master:
    org: pd.DataFrame
    goals: pd.DataFrame
    indicators: pd.DataFrame
    uppdrag: pd.DataFrame
    locked: pd.DataFrame
    accounts: dict
    people: pd.DataFrame
    perspectives: dict
    periods: pd.DataFrame
    rules: dict
    closing: dict
    municipality: dict
    commitments: pd.DataFrame
    words: dict  # the sheet Begrepp: the model's own words, by their Swedish labels

    def word(self, label_start: str, default: str) -> str:
        """The model's word for a concept (its label on Begrepp starts with `label_start`), else Exempelkommun's."""
        said = next((v for k, v in self.words.items() if str(k).startswith(label_start) and v), None)
        return str(said).strip() if said else default

    @classmethod
    def read(cls, path: Path) -> "Master":
        wb = load_workbook(path, read_only=True)

        def table(name):
            rows = list(wb[name].iter_rows(values_only=True)) if name in wb.sheetnames else []
            if not rows:
                return pd.DataFrame()
            header = list(rows[0])
            body = [r for r in rows[1:] if r and r[0] not in (None, "")]
            return pd.DataFrame(body, columns=header).astype(object)

        org = table("Organisation")
        goals = table("Mål")
        goals["parents"] = goals["Överordnade mål"].map(lambda v: [p.strip() for p in str(v or "").split(",") if p.strip()])
        goals["Ägare"] = goals["Ägare"].map(str)
        ind = table("Indikatorer")
        ind["goals"] = ind["Mål"].map(lambda v: [p.strip() for p in str(v or "").split(",") if p.strip()])
        upp = table("Uppdrag")
        upp["boards"] = upp["Nämnder"].map(lambda v: [p.strip() for p in str(v or "").split(",") if p.strip()])
        locked = table("Låsta aktiviteter")
        locked["scope"] = locked["Enheter"].map(lambda v: [p.strip() for p in str(v or "").split(",") if p.strip()])
        people = table("Personal")
        people["Ansvarskod"] = people["Ansvarskod"].map(str)
        rules = _keyvalue(wb["Regler"])
        closing = _keyvalue(wb["Balanskrav"]) if "Balanskrav" in wb.sheetnames else {}
        persp = {r["Id"]: r["Perspektiv"] for _, r in table("Perspektiv").iterrows()}
        accounts = {str(r["Konto"]): r["Kontonamn"] for _, r in table("Konton").iterrows()}
        commitments = table("Åtaganden")
        if len(commitments):
            commitments["goals"] = commitments["Mål"].map(lambda v: [p.strip() for p in str(v or "").split(",") if p.strip()])
        words = _keyvalue(wb["Begrepp"]) if "Begrepp" in wb.sheetnames else {}
        return cls(org, goals, ind, upp, locked, accounts, people, persp, table("Perioder"), rules, closing,
                   _keyvalue(wb["Kommun"]), commitments, words)

    def __post_init__(self):
        # the tree as plain mappings: asked for per node, many times
        self.parent = {str(r["Ansvarskod"]): (None if r["Överordnad"] in (None, "") or pd.isna(r["Överordnad"])
                                               else str(r["Överordnad"])) for _, r in self.org.iterrows()}
        self.rows_by_id = {str(r["Ansvarskod"]): r for _, r in self.org.iterrows()}
        self.kids = defaultdict(list)
        for node, parent in self.parent.items():
            if parent:
                self.kids[parent].append(node)
        self._subtrees, self._units = {}, {}

    # the tree
    def children(self, node: str) -> list[str]:
        return self.kids.get(node, [])

    def subtree(self, node: str, depth: int = 0) -> list[tuple[int, str]]:
        out = [(depth, node)]
        for c in self.children(node):
            out += self.subtree(c, depth + 1)
        return out

    def level(self, node: str) -> str:
        return self.row(node)["Nivå"]

    def row(self, node: str):
        return self.rows_by_id[node]

    def name(self, node: str) -> str:
        return self.row(node)["Namn"]

    def is_unit(self, node: str) -> bool:
        return not self.children(node) and self.level(node) not in ("kf",) + BOARDS

    def units_under(self, node: str) -> list[str]:
        if node not in self._units:
            self._units[node] = [n for _, n in self.subtree(node) if self.is_unit(n)]
        return self._units[node]

    def ancestors(self, node: str) -> list[str]:
        out, parent = [], self.parent[node]
        while parent:
            out.append(parent)
            parent = self.parent[parent]
        return out

    @property
    def root(self) -> str:
        return next(n for n, p in self.parent.items() if p is None)

    def period(self, pid: str):
        return self.periods.loc[self.periods["Id"] == pid].iloc[0]

    def perspective_name(self, pid):
        return self.perspectives.get(pid, "")


@dataclass
class Returned:
    """What the consolidation took in for a period, read from the workbooks as DataFrames."""

    units: list[str]  # included units
    levels: list[str]  # förvaltningar and boards whose own follow-up was taken in
    economy: pd.DataFrame  # unit, account, frame, budget, outcome, forecast, m01..m12
    indicators: pd.DataFrame  # unit, id, value
    goals: pd.DataFrame  # unit, id, parent, board_row, grade
    activities: pd.DataFrame  # unit, id, link, perspective, status, locked
    uppdrag: pd.DataFrame  # unit, id, answered, status
    risks: pd.DataFrame  # unit, probability, consequence, performed, deviation
    actions: pd.DataFrame  # unit, effect
    own_economy: pd.DataFrame  # the levels': unit, account, budget, forecast
    own_goals: pd.DataFrame  # unit, id, grade
    own_actions: pd.DataFrame  # unit, effect
    submissions: dict  # unit -> status


def read_returned(root: Path, master: Master, pid: str, follow: bool) -> Returned:
    manifest = json.loads((root / "rapporter" / pid / "manifest.json").read_text(encoding="utf-8"))
    plan_locked = _plan_locked(root, master) if follow else {}
    frames = defaultdict(list)
    units, levels, verdicts = [], [], defaultdict(list)
    for entry in manifest["inputs"]:
        path = root / entry["path"]
        if entry.get("unit"):
            verdicts[entry["unit"]].append(entry.get("verdict"))
        if not entry.get("consolidated"):
            continue
        wb = _book(path, entry["sha256"])
        meta = wb.meta
        unit, level = str(meta["Ansvarskod"]), meta.get("Nivå") or "enhet"
        if level == "enhet":
            units.append(unit)
            _unit(wb, unit, follow, frames, plan_locked.get(unit, set()), master)
        else:
            levels.append(unit)
            _level(wb, unit, frames)
    cols = {"economy": ["unit", "account", "frame", "budget", "outcome", "forecast", *[f"m{i:02d}" for i in range(1, 13)]],
            "indicators": ["unit", "id", "value"], "goals": ["unit", "id", "parent", "board_row", "grade"],
            "activities": ["unit", "id", "link", "perspective", "status", "locked"],
            "uppdrag": ["unit", "id", "answered", "status"],
            "risks": ["unit", "probability", "consequence", "performed", "deviation"], "actions": ["unit", "effect"],
            "own_economy": ["unit", "account", "budget", "forecast"], "own_goals": ["unit", "id", "grade"],
            "own_actions": ["unit", "effect"]}
    dfs = {k: pd.DataFrame(frames[k], columns=c) for k, c in cols.items()}
    for k, columns in (("goals", ["id", "parent", "grade"]), ("activities", ["id", "link", "perspective", "status"]),
                       ("uppdrag", ["id", "status"])):  # a missing link or status is None, not NaN (NaN is true)
        for c in columns:
            dfs[k][c] = dfs[k][c].astype(object).where(dfs[k][c].notna(), None)
    subs = {}
    for unit in master.units_under(master.root):
        said = verdicts.get(unit, [])
        subs[unit] = "godkänd" if "godkänd" in said else ("fel" if said else "saknas")
    return Returned(units=units, levels=levels, submissions=subs, **dfs)


class _Book:
    """A returned workbook's sheets as rows by header (and its _meta), read once: several periods'
    recomputations read the same plan."""

    def __init__(self, path: Path):
        wb = load_workbook(path, read_only=True)
        self.meta = _keyvalue(wb["_meta"])
        self.sheets = {name: _rows(wb[name]) for name in wb.sheetnames if name not in IGNORED}
        wb.close()

    def rows(self, name: str) -> list[dict]:
        return self.sheets[name]

    def __contains__(self, name: str) -> bool:
        return name in self.sheets


IGNORED = {"Instruktioner", "Översikt", "Målkedja", "Kontroll", "Fel", "_meta", "_listor", "SWOT",
           "Utvecklingsområden", "Enheternas bedömningar"}
_BOOKS: dict[str, _Book] = {}


def _book(path: Path, sha256: str) -> _Book:
    """A workbook the manifest names, its SHA-256 checked first (what was consolidated, unchanged)."""
    data = path.read_bytes()
    assert hashlib.sha256(data).hexdigest() == sha256, path
    if sha256 not in _BOOKS:
        _BOOKS[sha256] = _Book(path)
    return _BOOKS[sha256]


def _plan_locked(root: Path, master: Master) -> dict[str, set]:
    """Each unit's locked activities as its plan carried them: the Låst column of its returned plan,
    or where no plan was taken in, the master data's locked activities for the unit."""
    plan = master.periods.loc[master.periods["Typ"] == "plan", "Id"].iloc[0]
    out: dict[str, set] = {}
    manifest = root / "rapporter" / plan / "manifest.json"
    if manifest.exists():
        for entry in json.loads(manifest.read_text(encoding="utf-8"))["inputs"]:
            if entry.get("consolidated"):
                wb = _book(root / entry["path"], entry["sha256"])
                out[str(entry["unit"])] = {r["Id"] for r in wb.rows("Aktiviteter") if r.get("Låst") == "Ja"}
    for unit in master.units_under(master.root):
        if unit not in out:
            scope = {unit, "alla", *master.ancestors(unit)}
            out[unit] = {r["Id"] for _, r in master.locked.iterrows() if scope & set(r["scope"])}
    return out


def _unit(wb, unit, follow, frames, locked: set, master: Master) -> None:
    # the workbook's sheet and headers in the model's words (Begrepp), as a unit sees them
    persp = master.word("Perspektiv", "Perspektiv")
    unit_goal = master.word("Enhetens egna mål", "Enhetens mål")
    board_goal = master.word("Nämndens mål", "Nämndmål")
    board_goal = board_goal if board_goal[1:2].isupper() else board_goal[:1].lower() + board_goal[1:]
    if follow:
        for r in wb.rows("Ekonomi"):
            budget = _num(r.get("Budget helår")) or 0
            forecast = _num(r.get("Helårsprognos"))
            frames["economy"].append([unit, str(r["Konto"]), budget, budget, _num(r.get("Utfall t.o.m. perioden")) or 0,
                                      budget if forecast is None else forecast,
                                      *[_num(r.get(f"Utfall {m.lower()}")) or 0 for m in MONTHS]])
        if "Nyckeltal" in wb:
            for r in wb.rows("Nyckeltal"):
                if _num(r.get("Utfall")) is not None:
                    frames["indicators"].append([unit, r["Id"], _num(r["Utfall"])])
        if "Måluppföljning" in wb:
            for r in wb.rows("Måluppföljning"):
                own = r["Nivå"] == unit_goal  # a unit's own goal, in the model's word
                frames["goals"].append([unit, r["Id"], _id(r.get("Kopplat till")) if own else r["Id"], not own,
                                        GRADE.get(r.get("Bedömning"), NONE)])
        if "Aktiviteter" in wb:
            for r in wb.rows("Aktiviteter"):
                if r.get("Aktivitet"):
                    frames["activities"].append([unit, r["Id"], _id(r.get("Kopplad till")), _id(r.get(persp)),
                                                 r.get("Status"), r["Id"] in locked])
        if "Uppdrag" in wb:
            for r in wb.rows("Uppdrag"):
                frames["uppdrag"].append([unit, r["Id"], bool(r.get("Kommentar")), r.get("Status")])
        if "Intern kontroll" in wb:
            for r in wb.rows("Intern kontroll"):
                frames["risks"].append([unit, None, None, r.get("Utförd"), r.get("Avvikelse")])
        if "Åtgärdsplan" in wb:
            for r in wb.rows("Åtgärdsplan"):
                frames["actions"].append([unit, _num(r.get("Effekt helår (kr)"))])
        return
    for r in wb.rows("Budget"):
        months = [_num(r.get(m)) or 0 for m in MONTHS]
        frames["economy"].append([unit, str(r["Konto"]), _num(r.get("Ram (kr)")) or 0, sum(months), None, None, *months])
    for r in wb.rows("Nyckeltal"):
        if _num(r.get("Enhetens målvärde")) is not None:
            frames["indicators"].append([unit, r["Id"], _num(r["Enhetens målvärde"])])
    for r in wb.rows(unit_goal):
        if r.get("Mål"):
            frames["goals"].append([unit, r["Id"], _id(r.get(f"Kopplat till {board_goal}")), False, NONE])
    for r in wb.rows("Aktiviteter"):
        if r.get("Aktivitet"):
            is_locked = r.get("Låst") == "Ja"
            frames["activities"].append([unit, r["Id"], _id(r.get("Kopplad till")), _id(r.get(persp)),
                                         "låst" if is_locked else "planerad", is_locked])
    for r in wb.rows("Uppdrag"):
        frames["uppdrag"].append([unit, r["Id"], bool(r.get("Enhetens bidrag")), None])
    for r in wb.rows("Intern kontroll"):
        if r.get("Risk"):
            p, c = r.get("Sannolikhet (1–4)"), r.get("Konsekvens (1–4)")
            frames["risks"].append([unit, p if isinstance(p, int) else None, c if isinstance(c, int) else None, None, None])


def _level(wb, node, frames) -> None:
    for r in wb.rows("Ekonomi"):
        budget = _num(r.get("Budget helår")) or 0
        forecast = _num(r.get("Helårsprognos"))
        frames["own_economy"].append([node, str(r["Konto"]), budget, budget if forecast is None else forecast])
    if "Måluppföljning" in wb:
        for r in wb.rows("Måluppföljning"):
            frames["own_goals"].append([node, r["Id"], GRADE.get(r.get("Bedömning"), NONE)])
    if "Åtgärdsplan" in wb:
        for r in wb.rows("Åtgärdsplan"):
            frames["own_actions"].append([node, _num(r.get("Effekt helår (kr)"))])


def kolada_values(root: Path, master: Master, year: int) -> dict:
    """Indicator id -> the municipality's latest Kolada value up to `year` (total, gender T)."""
    code = str(master.municipality.get("Kommunkod") or "").zfill(4)
    found: dict[str, tuple] = {}
    for path in sorted((root / "kolada").glob("*.json")):
        for v in json.loads(path.read_text(encoding="utf-8")).get("values", []):
            if v["municipality"] != code or int(v["period"]) > year:
                continue
            for g in v["values"]:
                if g["gender"] == "T" and g["value"] is not None:
                    if v["kpi"] not in found or int(v["period"]) > found[v["kpi"]][0]:
                        found[v["kpi"]] = (int(v["period"]), g["value"])
    out = {}
    for _, ind in master.indicators.iterrows():
        if str(ind["Källa"] or "").lower() == "kolada" and ind["Kolada-id"] in found:
            out[ind["Id"]] = found[ind["Kolada-id"]][1]
    return out


# -- the recomputation ----------------------------------------------------------------------------

def light(ind, value) -> str:
    """Green at or beyond the green limit (the target without one), red at or beyond the red limit."""
    if value is None:
        return NONE
    green = ind["Grön gräns"] if _num(ind["Grön gräns"]) is not None else ind["Målvärde"]
    if _num(green) is None:
        return NONE
    higher = ind["Riktning"] == "högre"
    if (value >= green) if higher else (value <= green):
        return GREEN
    red = _num(ind["Röd gräns"])
    if red is not None and ((value <= red) if higher else (value >= red)):
        return RED
    return YELLOW


def words(value) -> str:
    """A figure as the reports write it in text: 4 200; 75,9; 2,31 (two decimals at most)."""
    if value is None:
        return "-"
    whole, _, dec = f"{round(value, 2):.2f}".partition(".")
    sign, whole = ("-", whole[1:]) if whole.startswith("-") else ("", whole)
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    dec = dec.rstrip("0")
    return sign + " ".join(groups) + ("," + dec if dec else "")


def two_decimals(x: float) -> float:
    """Two decimals, half away from zero, of the value as a decimal (12 significant digits: the
    order of adding never decides 73.575)."""
    d = Decimal(f"{x:.12g}").quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return float(d)


def combine(lights: list[str]) -> str:
    judged = [x for x in lights if x != NONE]
    if not judged:
        return NONE
    if RED in judged:
        return RED
    return GREEN if all(x == GREEN for x in judged) else YELLOW


def distribution(counts) -> str:
    return " · ".join(f"{counts.get(k, 0)} {w}" for k, w in SHORT)


class Recomputed:
    """The figures of one period, recomputed from `Returned` with pandas."""

    def __init__(self, root: Path, master: Master, pid: str):
        self.root, self.m, self.pid = root, master, pid
        self.period = master.period(pid)
        self.follow = self.period["Typ"] != "plan"
        self.data = read_returned(root, master, pid, self.follow)
        d = self.data
        # the node of every unit on every level: one row per (unit, ancestor or itself)
        links = [(u, u) for u in d.units] + [(u, a) for u in d.units for a in master.ancestors(u)]
        self.under = pd.DataFrame(links, columns=["unit", "node"])
        self.outcomes = self._outcomes()

    # -- economy
    def economy(self) -> pd.DataFrame:
        """Per node: frame, budget, outcome, forecast summed over its included units, in öre."""
        e = self.data.economy.copy()
        for c in ["frame", "budget", "outcome", "forecast", *[f"m{i:02d}" for i in range(1, 13)]]:
            e[c] = e[c].fillna(0).map(lambda x: round(x * 100))
        per_unit = e.groupby("unit").sum(numeric_only=True)
        out = self.under.merge(per_unit, left_on="unit", right_index=True).groupby("node").sum(numeric_only=True)
        return out.reindex(list(self.m.parent), fill_value=0)

    def by_account(self, node: str) -> pd.DataFrame:
        e = self.data.economy[self.data.economy["unit"].isin(self.m.units_under(node))].copy()
        for c in ["frame", "budget", "outcome", "forecast", *[f"m{i:02d}" for i in range(1, 13)]]:
            e[c] = e[c].fillna(0).map(lambda x: round(x * 100))
        return e.groupby("account").sum(numeric_only=True).sort_index()

    def money(self, row) -> dict:
        """(the two amounts, deviation, deviation %) of an öre row as the reports show them, in kr."""
        a, b = (row["budget"], row["forecast"]) if self.follow else (row["frame"], row["budget"])
        dev = b - a
        return {"a": a / 100, "b": b / 100, "dev": dev / 100, "pct": None if not a else dev / abs(a)}

    def action_plan(self, row) -> str:
        r = self.m.rules
        money = self.money(row)
        sek, pct = r.get("Avvikelse som kräver åtgärdsplan (kr)"), r.get("Avvikelse som kräver åtgärdsplan (%)")
        if self.follow:
            limits = ([sek] if sek else []) + ([abs(money["a"]) * pct / 100] if pct and money["a"] else [])
            return "Ja" if limits and money["dev"] > min(limits) else "Nej"
        over = (sek is not None and abs(money["dev"]) > sek) or \
               (pct is not None and money["pct"] is not None and abs(money["pct"]) * 100 > pct)
        return "Ja" if over else "Nej"

    # -- indicators and goals
    def indicator_value(self, node: str, ind) -> tuple:
        v = self.data.indicators
        v = v[(v["id"] == ind["Id"]) & v["unit"].isin(self.m.units_under(node))]
        agg = ind["Aggregering"]
        if v.empty or agg == "ingen":
            return None, len(v)
        if agg == "summa":
            return float(f"{v['value'].sum():.14g}"), len(v)
        if agg == "viktat":
            what = str(ind["Vikt"] or "").lower()
            if "budget" in what or "kostnad" in what:
                e = self.data.economy
                w = v["unit"].map(lambda u: e.loc[(e["unit"] == u) & (e["budget"] > 0), "budget"].sum())
            else:
                w = v["unit"].map(self.staff)
            if w.sum():  # means are shown with two decimals (0.4, 75.9 and 7.5 stay themselves)
                return two_decimals((v["value"] * w).sum() / w.sum()), len(v)
        return two_decimals(v["value"].mean()), len(v)

    def staff(self, unit: str) -> int:
        names = list(self.m.people.loc[self.m.people["Ansvarskod"] == unit, "Namn"])
        manager = self.m.row(unit)["Chef"]
        return len(names) + (1 if manager and manager not in names else 0)

    def _outcomes(self) -> dict:
        m = self.m
        if not self.follow:
            return {r["Id"]: _num(r["Utgångsvärde"]) for _, r in m.indicators.iterrows()}
        kolada = kolada_values(self.root, m, int(str(self.period["Avser datum"])[:4]))
        out = {}
        e = self.economy().loc[m.root]
        final = self.period["Typ"] == "helår"
        net = (e["outcome"] if final else e["forecast"]) / 100
        c = m.closing
        taxes = _num(c.get("Skatteintäkter och generella statsbidrag (kr)"))
        share = None
        if taxes:
            result = taxes + (_num(c.get("Finansnetto (kr)")) or 0) - net - (_num(c.get("Nettokostnad utanför enheterna (kr)")) or 0)
            share = 100 * result / taxes
        for _, ind in m.indicators.iterrows():
            value, _ = self.indicator_value(m.root, ind)
            out[ind["Id"]] = kolada.get(ind["Id"], value if value is not None else _num(ind["Utgångsvärde"]))
            if ind["Id"] == c.get("Nyckeltal för årets resultat i % av skatter (id)") and share is not None:
                out[ind["Id"]] = round(share, 2)
        degree_id = c.get("Nyckeltal för självfinansieringsgrad (id)")
        if degree_id in out and taxes:
            degree = self._self_financing(final, result + (_num(c.get("Avskrivningar (kr)")) or 0),
                                          _num(c.get("Investeringsinkomster (kr)")) or 0)
            if degree is not None:
                out[degree_id] = round(degree, 2)
        return out

    def _self_financing(self, final: bool, result_and_depreciation: float, income: float):
        """Självfinansieringsgrad (%) = 100 × (årets resultat + avskrivningar) / nettoinvesteringar, with
        the projects' forecasts worked out here (`investment_figures`: the follow-ups' answers, the
        outcome summed from the imported SIE files)."""
        net = net_investments(self, income)
        return 100 * result_and_depreciation / net if net else None

    def goal_inds(self, goal_id: str) -> pd.DataFrame:
        return self.m.indicators[self.m.indicators["goals"].map(lambda g: goal_id in g)]

    def goal_light(self, goal_id: str) -> str:
        """The goal's light from its indicators, or in words why there is none."""
        inds = self.goal_inds(goal_id)
        found = combine([light(ind, self.outcomes.get(ind["Id"])) for _, ind in inds.iterrows()])
        if found != NONE:
            return found
        if inds.empty:
            return "inget nyckeltal"
        return "inget utfall" if all(self.outcomes.get(i) is None for i in inds["Id"]) else "inget målvärde"

    def ind_light(self, ind) -> str:
        found = light(ind, self.outcomes.get(ind["Id"]))
        if found != NONE:
            return found
        return "inget utfall" if self.outcomes.get(ind["Id"]) is None else "inget målvärde"

    def basis(self, goal_id: str) -> str:
        parts = []
        for _, ind in self.goal_inds(goal_id).iterrows():
            v = self.outcomes.get(ind["Id"])
            parts.append(f"{ind['Id']}: inget utfall" if v is None else
                         f"{ind['Id']}: {words(v)} mot målvärdet {words(_num(ind['Målvärde']))} → {self.ind_light(ind)}")
        return "; ".join(parts) or "Inget nyckeltal är kopplat till målet."

    def goals_of(self, node: str) -> tuple[pd.DataFrame, pd.DataFrame]:
        g = self.m.goals
        owners = {n for _, n in self.m.subtree(node)}
        kf = g[g["Nivå"] == "kf"]
        boards = g[(g["Nivå"] != "kf") & g["Ägare"].isin(owners)]
        if self.m.level(node) != "kf":
            served = {p for ps in boards["parents"] for p in ps}
            kf = kf[kf["Id"].isin(served)]
        return kf, boards

    def assessments(self, node: str, goal_id: str) -> Counter:
        g = self.data.goals
        g = g[(g["parent"] == goal_id) & g["unit"].isin(self.m.units_under(node))]
        counts = Counter({GREEN: 0, YELLOW: 0, RED: 0, NONE: 0})
        for _, mine in g.groupby("unit"):
            own = mine[mine["board_row"]] if mine["board_row"].any() else mine
            counts.update(own["grade"])
        return counts

    def own_grade(self, node: str, goal_id: str):
        g = self.data.own_goals
        hit = g[(g["unit"] == node) & (g["id"] == goal_id)]
        return None if hit.empty else hit["grade"].iloc[0]

    def own_word(self, goal, boards: pd.DataFrame):
        if goal["Nivå"] != "kf":
            if goal["Ägare"] not in self.data.levels:
                return None
            return WORD[self.own_grade(goal["Ägare"], goal["Id"]) or NONE]
        counts = Counter()
        for _, bg in boards[boards["parents"].map(lambda p: goal["Id"] in p)].iterrows():
            if bg["Ägare"] in self.data.levels and self.own_grade(bg["Ägare"], bg["Id"]) is not None:
                counts[self.own_grade(bg["Ägare"], bg["Id"])] += 1
        return distribution(counts) if counts else None

    # -- activities
    def served(self, link) -> list[str]:
        m = self.m
        if link in set(m.goals["Id"]):
            todo = [link]
        elif len(m.commitments) and link in set(m.commitments["Id"]):
            todo = list(m.commitments.loc[m.commitments["Id"] == link, "goals"].iloc[0])
        else:
            todo = []
        out = []
        while todo:
            g = todo.pop(0)
            if g not in out:
                out.append(g)
                todo += list(m.goals.loc[m.goals["Id"] == g, "parents"].iloc[0]) if g in set(m.goals["Id"]) else []
        return out

    def activities(self, node: str) -> pd.DataFrame:
        a = self.data.activities
        return a[a["unit"].isin(self.m.units_under(node))]

    def uppdrag_rows(self, node: str) -> list[dict]:
        m = self.m
        boards = {n for _, n in m.subtree(node)} | set(m.ancestors(node))
        u = self.data.uppdrag
        u = u[u["unit"].isin(m.units_under(node))]
        rows = []
        for _, upp in m.uppdrag.iterrows():
            if not boards & set(upp["boards"]):
                continue
            mine = u[u["id"] == upp["Id"]]
            statuses = Counter(s for s in mine["status"] if s)
            rows.append({"upp": upp, "units": len(mine), "answered": int(mine["answered"].sum()), "statuses": statuses})
        return rows


def risk_class(p, c) -> str:
    if p is None or c is None or (isinstance(p, float) and math.isnan(p)) or (isinstance(c, float) and math.isnan(c)):
        return NONE
    s = p * c
    return RED if s >= 9 else YELLOW if s >= 4 else GREEN


# -- comparing with the report cells ----------------------------------------------------------------

@dataclass
class Comparison:
    cells: Counter = field(default_factory=Counter)  # (report, sheet) -> cells compared
    differences: list = field(default_factory=list)  # (report, sheet, row key, column, expected, reported)
    sheets: set = field(default_factory=set)  # (report, sheet) of every sheet in the reports

    def note(self) -> str:
        lines = [f"{sum(self.cells.values())} cells compared in {len(self.cells)} sheets of "
                 f"{len({r for r, _ in self.sheets})} reports; {len(self.differences)} differences."]
        per_sheet = Counter()
        for (_, sheet), n in self.cells.items():
            per_sheet[sheet] += n
        lines += [f"  {sheet}: {n}" for sheet, n in sorted(per_sheet.items())]
        uncovered = sorted({s for _, s in self.sheets} - {s for _, s in self.cells})
        lines += [f"  not compared: {s} ({NOT_COVERED.get(s, 'no reference yet')})" for s in uncovered]
        lines.append("  not compared in any sheet: free-text columns (names, goal and activity texts, comments, "
                     "explanations, contributions), copied as written")
        return "\n".join(lines)


def _same(expected, reported, money: bool) -> bool:
    if expected in (None, "") and reported in (None, ""):
        return True
    if isinstance(expected, (dt.date, dt.datetime)):
        expected = expected.isoformat()[:10]
    if isinstance(reported, (dt.date, dt.datetime)):
        reported = reported.isoformat()[:10]
    if isinstance(expected, bool) or isinstance(reported, bool):
        return expected == reported
    if isinstance(expected, (int, float)) and isinstance(reported, (int, float)):
        if money:
            return round(expected * 100) == round(reported * 100)
        return math.isclose(expected, reported, rel_tol=1e-9, abs_tol=1e-9)
    return expected == reported


def report_table(wb, sheet: str, table: str) -> tuple[list[str], list[list]]:
    ws = wb[sheet]
    ref = ws.tables[table].ref
    rows = [[c.value for c in r] for r in ws[ref]]
    header, body = rows[0], [r for r in rows[1:] if any(v is not None for v in r)]
    return header, body


class Checker:
    def __init__(self, comparison: Comparison, report: Path):
        self.c, self.report = comparison, report
        self.wb = load_workbook(report)
        for ws in self.wb.worksheets:
            self.c.sheets.add((report.name, ws.title))

    def table(self, sheet: str, table: str, expected: list[dict], key: list[str]) -> None:
        """Compare a report table with expected rows (dicts by header), matched by `key` columns,
        in order; every column the expected rows name is compared, and the row count too."""
        header, body = report_table(self.wb, sheet, table)
        got = [dict(zip(header, r)) for r in body]
        where = (self.report.name, sheet)
        self.c.cells[where] += 1
        if len(got) != len(expected):
            self.c.differences.append((*where, table, "rader", len(expected), len(got)))
        for exp, rep in zip(expected, got):
            k = tuple(exp.get(h) for h in key)
            for col, value in exp.items():
                if col not in rep:
                    self.c.differences.append((*where, k, col, value, "(ingen kolumn)"))
                    continue
                self.c.cells[where] += 1
                if not _same(value, rep[col], "(kr)" in col or col.startswith("Utfall ") or col in MONTHS):
                    self.c.differences.append((*where, k, col, value, rep[col]))


def check_period(root: Path, pid: str, comparison: Comparison | None = None, nodes: set | None = None) -> Comparison:
    """Recompute every report of a period in `root` (or the reports of `nodes`) and compare it with
    the reports' cells."""
    root = Path(root)
    comparison = comparison or Comparison()
    master = Master.read(root / "styrmodell.xlsx")
    rc = recomputed(root, master, pid)
    folder = root / "rapporter" / pid
    every = [master.root] + [n for _, n in master.subtree(master.root) if master.level(n) in BOARDS]
    for node in [n for n in every if nodes is None or n in nodes]:
        if node == master.root:
            (path,) = folder.glob(f"{master.word('Rapporten till fullmäktige', 'KF-rapport')} {pid}.xlsx")
        else:
            (path,) = folder.glob(f"{master.word('Nämndens rapport', 'Nämndrapport')} {node} *.xlsx")
        checker = Checker(comparison, path)
        NodeCheck(rc, node, checker).run()
        check_investments(rc, node, checker)
    return comparison


_DONE: dict = {}


def recomputed(root: Path, master: Master, pid: str) -> Recomputed:
    """A period's recomputation, made once per state of its inputs (the manifest names them by hash)."""
    manifest = root / "rapporter" / pid / "manifest.json"
    key = (str(root), pid, hashlib.sha256(manifest.read_bytes()).hexdigest(),
           hashlib.sha256((root / "styrmodell.xlsx").read_bytes()).hexdigest())
    if key not in _DONE:
        _DONE[key] = Recomputed(root, master, pid)
    return _DONE[key]


class NodeCheck:
    def __init__(self, rc: Recomputed, node: str, checker: Checker):
        self.rc, self.m, self.node, self.k = rc, rc.m, node, checker
        self.is_kf = self.m.level(node) == "kf"
        self.follow = rc.follow
        self.eco = rc.economy()
        self.shown = [(d, n) for d, n in self.m.subtree(node) if not (self.is_kf and self.m.is_unit(n))]
        self.boards = [n for _, n in self.m.subtree(node) if self.m.level(n) in BOARDS and n != node]

    def run(self):
        for part in (self.summary, self.indicators, self.economy, self.accounts, self.deviations, self.activities,
                     self.activity_goals, self.uppdrag, self.internal_control, self.submissions, self.goal_chain,
                     self.history, self.legend):
            part()
        import reference_sheets  # noqa: PLC0415 (it imports this module)

        reference_sheets.previous_year(self)
        reference_sheets.compass(self)
        if self.follow:
            self.action_plans()
            if self.rc.data.levels and any(n in self.rc.data.levels for _, n in self.m.subtree(self.node)):
                self.own_texts()
        if self.is_kf and self.rc.period["Typ"] in ("delår", "helår"):
            self.management_report()
            self.balance()

    def money_cols(self):
        return ("Budget (kr)", "Prognos helår (kr)") if self.follow else ("Ram (kr)", "Budget (kr)")

    def summary(self):
        rc, m = self.rc, self.m
        kf, boards = rc.goals_of(self.node)
        rows = []
        for _, g in pd.concat([kf, boards]).iterrows():
            counts = rc.assessments(self.node, g["Id"])
            if g["Nivå"] == "kf":
                for _, bg in boards[boards["parents"].map(lambda p: g["Id"] in p)].iterrows():
                    counts.update(rc.assessments(self.node, bg["Id"]))
            row = {"Id": g["Id"], m.word("Perspektiv", "Perspektiv"): m.perspective_name(g["Perspektiv"]),
                   "Trafikljus": rc.goal_light(g["Id"]),
                   "Underlag för trafikljuset (nyckeltal)": rc.basis(g["Id"]),
                   "Enheter grön": counts[GREEN], "gul": counts[YELLOW], "röd": counts[RED], "ej bedömt": counts[NONE]}
            if self.follow:
                row["Nämndens bedömning" if not self.is_kf else "Nämndernas bedömning"] = rc.own_word(g, boards)
            rows.append(row)
        self.k.table("Sammanfattning", "Mal", rows, ["Id"])
        children = m.children(self.node) or [self.node]
        a, b = self.money_cols()
        rows = []
        for child in children:
            x = rc.money(self.eco.loc[child])
            row = {"Ansvarskod": child, a: x["a"], b: x["b"], "Avvikelse (kr)": x["dev"], "Avvikelse %": x["pct"]}
            if self.follow:
                row["Egen prognos (kr)"] = self.own_forecast(child)
            rows.append(row)
        self.k.table("Sammanfattning", "EkonomiSammanfattning", rows, ["Ansvarskod"])
        acts = rc.activities(self.node)
        rows = [{"Vad": "Aktiviteter", "Status": s, "Antal": n} for s, n in sorted(Counter(acts["status"]).items())]
        upp = rc.uppdrag_rows(self.node)
        if self.follow:
            said = Counter()
            for u in upp:
                said.update(u["statuses"])
            rows += [{"Vad": "Uppdrag", "Status": f"{s} (enheternas svar)", "Antal": n} for s, n in sorted(said.items())]
            silent = sum(1 for u in upp if not u["statuses"])
            if silent:
                rows.append({"Vad": "Uppdrag", "Status": "utan svar från enheterna", "Antal": silent})
        else:
            rows += [{"Vad": "Uppdrag", "Status": s or "-", "Antal": n}
                     for s, n in sorted(Counter(u["upp"]["Status"] for u in upp).items())]
        g = rc.data.goals
        own = g[g["unit"].isin(m.units_under(self.node)) & ~g["board_row"]]
        rows.append({"Vad": m.word("Enhetens egna mål", "Enhetens mål"), "Status": "antal", "Antal": len(own)})
        r = rc.data.risks[rc.data.risks["unit"].isin(m.units_under(self.node))]
        if self.follow:
            done = Counter(x or "ej svar" for x in r["performed"])
            rows += [{"Vad": "Intern kontroll", "Status": "kontroller utförda", "Antal": done["Ja"]},
                     {"Vad": "Intern kontroll", "Status": "kontroller ej utförda", "Antal": done["Nej"]}]
            if done["ej svar"]:
                rows.append({"Vad": "Intern kontroll", "Status": "kontroller utan svar", "Antal": done["ej svar"]})
            rows.append({"Vad": "Intern kontroll", "Status": "avvikelser", "Antal": int((r["deviation"] == "Ja").sum())})
        else:
            classes = Counter(risk_class(p, c) for p, c in zip(r["probability"], r["consequence"]))
            rows += [{"Vad": "Intern kontroll", "Status": f"risker {cls}", "Antal": n} for cls, n in sorted(classes.items())]
        self.k.table("Sammanfattning", "Antal", rows, ["Vad", "Status"])

    def own_forecast(self, node):
        o = self.rc.data.own_economy
        mine = o[o["unit"] == node]
        return None if node not in self.rc.data.levels else sum(round(x * 100) for x in mine["forecast"]) / 100

    def goal_chain(self):
        rc = self.rc
        kf, boards = rc.goals_of(self.node)
        rows = []
        for _, g in kf.iterrows():
            rows.append({"Id": g["Id"], "Trafikljus / bedömning": rc.goal_light(g["Id"])})
        self.k.c.cells[(self.k.report.name, "Målkedja")] += 0
        header, body = report_table(self.k.wb, "Målkedja", "Malkedja")
        levels = {self.m.word("Mål som fullmäktige", "KF-mål"), self.m.word("Nämndens mål", "Nämndmål")}
        got = {r[1]: dict(zip(header, r)) for r in body if str(r[0]).strip() in levels}
        where = (self.k.report.name, "Målkedja")
        for _, g in pd.concat([kf, boards]).iterrows():
            rep = got.get(g["Id"])
            if rep is None:
                self.k.c.differences.append((*where, g["Id"], "rad", "finns", None))
                continue
            expected = {"Trafikljus / bedömning": rc.goal_light(g["Id"])}
            if self.follow:
                expected["Nämndens / förvaltningens bedömning"] = rc.own_word(g, boards)
            if g["Nivå"] != "kf":
                expected["Ägare / enhet"] = self.m.name(g["Ägare"])
            for col, value in expected.items():
                self.k.c.cells[where] += 1
                if not _same(value, rep.get(col), False):
                    self.k.c.differences.append((*where, g["Id"], col, value, rep.get(col)))

    def indicators(self):
        rc, m = self.rc, self.m
        owners = {n for _, n in m.subtree(self.node)}
        goal_ids = set(m.goals.loc[(m.goals["Nivå"] == "kf") | m.goals["Ägare"].isin(owners), "Id"])
        rows = []
        for _, ind in m.indicators.iterrows():
            if not goal_ids & set(ind["goals"]):
                continue
            value, count = rc.indicator_value(self.node, ind)
            rows.append({"Id": ind["Id"], "Riktning": ind["Riktning"], "Utgångsvärde": _num(ind["Utgångsvärde"]),
                         "Målvärde": _num(ind["Målvärde"]), "Utfall": rc.outcomes.get(ind["Id"]),
                         "Trafikljus": rc.ind_light(ind),
                         ("Enheternas utfall" if self.follow else "Enheternas målvärde"): value,
                         "Aggregering": ind["Aggregering"], "Antal enheter": count})
        self.k.table("Nyckeltal", "Nyckeltal", rows, ["Id"])

    def economy(self):
        rc, m = self.rc, self.m
        a, b = self.money_cols()
        rows = []
        for _, nid in self.shown:
            e = self.eco.loc[nid]
            x = rc.money(e)
            row = {"Nivå": LEVEL.get(m.level(nid), m.level(nid)), "Ansvarskod": nid, a: x["a"], b: x["b"],
                   "Avvikelse (kr)": x["dev"], "Avvikelse %": x["pct"], "Åtgärdsplan krävs": rc.action_plan(e)}
            if self.follow:
                acts = rc.data.actions[rc.data.actions["unit"].isin(m.units_under(nid))]
                own = rc.data.own_actions[rc.data.own_actions["unit"] == nid]
                row.update({"Utfall t.o.m. perioden (kr)": e["outcome"] / 100, "Åtgärder (kr)": acts["effect"].fillna(0).sum(),
                            "Egen prognos (kr)": self.own_forecast(nid),
                            "Egna åtgärder (kr)": own["effect"].fillna(0).sum() if nid in rc.data.levels else None})
            rows.append(row)
        self.k.table("Ekonomi", "Ekonomi", rows, ["Ansvarskod"])

    def accounts(self):
        rc = self.rc
        a, b = self.money_cols()
        rows = []
        for acc, e in rc.by_account(self.node).iterrows():
            x = rc.money(e)
            row = {"Konto": acc, "Kontonamn": self.m.accounts.get(acc, ""), a: x["a"], b: x["b"], "Avvikelse (kr)": x["dev"]}
            for i, mo in enumerate(MONTHS, start=1):
                row[("Utfall " + mo.lower()) if self.follow else mo] = e[f"m{i:02d}"] / 100
            rows.append(row)
        self.k.table("Ekonomi per konto", "Konton", rows, ["Konto"])

    def deviations(self):
        rc, m = self.rc, self.m
        explain = m.rules.get("Avvikelse som ska förklaras (kr)") or 0
        rows = []
        for unit in [u for u in m.units_under(self.node) if u in rc.data.units]:
            e = self.eco.loc[unit]
            x = rc.money(e)
            if self.follow:
                if abs(x["dev"]) >= max(explain, 1):
                    acts = rc.data.actions[rc.data.actions["unit"] == unit]
                    rows.append({"Ansvarskod": unit, "Enhet": m.name(unit), "Budget (kr)": x["a"], "Prognos (kr)": x["b"],
                                 "Avvikelse (kr)": x["dev"], "Avvikelse %": x["pct"], "Åtgärdsplan krävs": rc.action_plan(e),
                                 "Åtgärder (kr)": acts["effect"].fillna(0).sum()})
            elif round(x["dev"]) != 0:
                rows.append({"Ansvarskod": unit, "Enhet": m.name(unit), "Ram (kr)": x["a"], "Budget (kr)": x["b"],
                             "Avvikelse (kr)": x["dev"], "Avvikelse %": x["pct"], "Åtgärdsplan krävs": rc.action_plan(e)})
        self.k.table("Avvikelser", "Avvikelser", rows, ["Ansvarskod"])

    def activities(self):
        rc, m = self.rc, self.m
        if self.is_kf:
            rows = []
            for board in self.boards:
                acts = rc.activities(board)
                rows += [{"Ansvarskod": board, "Nämnd": m.name(board), "Status": s, "Antal": n}
                         for s, n in sorted(Counter(acts["status"]).items())]
            self.k.table("Aktiviteter", "Aktiviteter", rows, ["Ansvarskod", "Status"])
            return
        rows = [{"Ansvarskod": a["unit"], "Enhet": m.name(a["unit"]), "Id": a["id"], "Låst": "Ja" if a["locked"] else "Nej",
                 "Kopplad till": a["link"], m.word("Perspektiv", "Perspektiv"): m.perspectives.get(a["perspective"], a["perspective"]),
                 "Status": a["status"]} for _, a in rc.activities(self.node).iterrows()]
        self.k.table("Aktiviteter", "Aktiviteter", rows, ["Ansvarskod", "Id"])

    def activity_goals(self):
        rc, m = self.rc, self.m
        acts = rc.activities(self.node)
        statuses = sorted(set(acts["status"]), key=lambda s: (STATUS_ORDER.index(s) if s in STATUS_ORDER else 99, s))
        by_goal, by_persp = Counter(), Counter()
        for _, a in acts.iterrows():
            for g in rc.served(a["link"]) or ["uppdrag" if a["link"] else "utan koppling"]:
                by_goal[g, a["status"]] += 1
            by_persp[a["perspective"] or "-", a["status"]] += 1

        def row(key, counts):
            n = {s: counts.get((key, s), 0) for s in statuses}
            return {"Id": key, **n, "Totalt": sum(n.values())}

        kf, boards = rc.goals_of(self.node)
        rows = [row(g, by_goal) for g in list(kf["Id"]) + list(boards["Id"])]
        rows += [r for r in (row("uppdrag", by_goal), row("utan koppling", by_goal)) if r["Totalt"]]
        self.k.table("Aktiviteter per mål", "AktiviteterPerMal", rows, ["Id"])
        used = {p for p, _ in by_persp}
        keys = [p for p in m.perspectives if p in used] + sorted(used - set(m.perspectives))
        self.k.table("Aktiviteter per mål", "AktiviteterPerPerspektiv", [row(p, by_persp) for p in keys], ["Id"])

    def uppdrag(self):
        m = self.m
        rows = []
        for u in self.rc.uppdrag_rows(self.node):
            upp = u["upp"]
            status = upp["Status"]
            if self.follow and u["statuses"]:
                status = ", ".join(f"{w} {n}" for w, n in sorted(u["statuses"].items(), key=lambda kv: (-kv[1], kv[0])))
            rows.append({"Id": upp["Id"], "Nämnder": ", ".join(m.name(b) for b in upp["boards"] if b in m.parent),
                         "Resurser (kr)": _num(upp["Resurser (kr)"]), "Deadline": upp["Deadline"], "Status": status,
                         "Enheter": u["units"], ("Med kommentar" if self.follow else "Med bidrag"): u["answered"]})
        self.k.table("Uppdrag", "Uppdrag", rows, ["Id"])

    def internal_control(self):
        rc, m = self.rc, self.m
        risks = rc.data.risks
        if self.is_kf:
            rows = []
            for board in self.boards:
                r = risks[risks["unit"].isin(m.units_under(board))]
                if self.follow:
                    rows.append({"Ansvarskod": board, "Kontrollmoment": len(r), "Utförda": int((r["performed"] == "Ja").sum()),
                                 "Ej utförda": int((r["performed"] == "Nej").sum()),
                                 "Avvikelser": int((r["deviation"] == "Ja").sum())})
                else:
                    cls = Counter(risk_class(p, c) for p, c in zip(r["probability"], r["consequence"]))
                    rows.append({"Ansvarskod": board, "röd": cls[RED], "gul": cls[YELLOW], "grön": cls[GREEN],
                                 "ej bedömd": cls[NONE]})
            self.k.table("Intern kontroll", "InternKontroll", rows, ["Ansvarskod"])
            return
        r = risks[risks["unit"].isin(m.units_under(self.node))]
        if self.follow:
            rows = [{"Ansvarskod": x["unit"], "Utförd": x["performed"], "Avvikelse": x["deviation"]} for _, x in r.iterrows()]
        else:
            rows = []
            for _, x in r.iterrows():
                p, c = x["probability"], x["consequence"]
                ok = risk_class(p, c) != NONE
                rows.append({"Ansvarskod": x["unit"], "Sannolikhet": int(p) if ok else None,
                             "Konsekvens": int(c) if ok else None, "Riskvärde": int(p * c) if ok else None,
                             "Klass": risk_class(p, c)})
            rows.sort(key=lambda row: (-(row["Riskvärde"] or 0), row["Ansvarskod"]))
            rows = [{k: v for k, v in row.items()} for row in rows]
        self.k.table("Intern kontroll", "InternKontroll", rows, ["Ansvarskod"])

    def action_plans(self):
        rc, m = self.rc, self.m
        acts, own = rc.data.actions, rc.data.own_actions
        if self.is_kf:
            rows = []
            for board in self.boards:
                mine = acts[acts["unit"].isin(m.units_under(board))]
                theirs = own[own["unit"].isin([n for _, n in m.subtree(board)])]
                rows.append({"Ansvarskod": board, "Avvikelse (kr)": rc.money(self.eco.loc[board])["dev"],
                             "Enheter med plan": mine["unit"].nunique(), "Åtgärder": len(mine),
                             "Effekt (kr)": mine["effect"].fillna(0).sum(), "Nämndens/förvaltningens åtgärder": len(theirs),
                             "Deras effekt (kr)": theirs["effect"].fillna(0).sum()})
            self.k.table("Åtgärdsplaner", "Atgardsplaner", rows, ["Ansvarskod"])
            return
        levels = [n for _, n in m.subtree(self.node) if n in rc.data.levels]
        rows = [{"Ansvarskod": a["unit"], "Effekt (kr)": a["effect"]} for n in levels
                for _, a in own[own["unit"] == n].iterrows()]
        rows += [{"Ansvarskod": a["unit"], "Effekt (kr)": a["effect"]}
                 for _, a in acts[acts["unit"].isin(m.units_under(self.node))].iterrows()]
        self.k.table("Åtgärdsplaner", "Atgardsplaner", rows, ["Ansvarskod"])

    def submissions(self):
        rc, m = self.rc, self.m
        subs = rc.data.submissions
        if self.is_kf:
            rows = []
            for board in self.boards:
                s = Counter(subs[u] for u in m.units_under(board))
                rows.append({"Ansvarskod": board, "Enheter": len(m.units_under(board)), "Godkända": s["godkänd"],
                             "Med fel": s["fel"], "Saknas": s["saknas"]})
            self.k.table("Inlämning", "Inlamning", rows, ["Ansvarskod"])
            return
        rows = [{"Ansvarskod": u, "Enhet": m.name(u), "Status": subs[u] if subs[u] != "fel" or u not in rc.data.units
                 else "fel, medräknad"} for u in m.units_under(self.node)]
        self.k.table("Inlämning", "Inlamning", rows, ["Ansvarskod"])

    def own_texts(self):
        rc, m = self.rc, self.m
        header, body = report_table(self.k.wb, "Nivåernas analyser", "NivaernasAnalyser")
        got = {(r[0], r[3]): r[4] for r in body if r[2] == "Mål"}
        where = (self.k.report.name, "Nivåernas analyser")
        og = rc.data.own_goals
        for n in [n for _, n in m.subtree(self.node) if n in rc.data.levels]:
            for _, g in og[og["unit"] == n].iterrows():
                self.k.c.cells[where] += 1
                if got.get((n, g["id"])) != WORD[g["grade"]]:
                    self.k.c.differences.append((*where, (n, g["id"]), "Bedömning", WORD[g["grade"]], got.get((n, g["id"]))))

    def management_report(self):
        rc, m = self.rc, self.m
        kf, boards = rc.goals_of(self.node)
        financial = kf["Perspektiv"].map(lambda p: "ekonomi" in str(m.perspective_name(p)).lower())
        kf = pd.concat([kf[financial], kf[~financial]])
        rows = []
        for _, g in kf.iterrows():
            counts = rc.assessments(self.node, g["Id"])
            for _, bg in boards[boards["parents"].map(lambda p: g["Id"] in p)].iterrows():
                counts.update(rc.assessments(self.node, bg["Id"]))
            light_ = rc.goal_light(g["Id"])
            boards_said = rc.own_word(g, boards)
            shown = "; ".join(f"{i['Id']}: {words(rc.outcomes.get(i['Id']))} (mål {words(_num(i['Målvärde']))})"
                              for _, i in rc.goal_inds(g["Id"]).iterrows()) or "-"
            rows.append({"Id": g["Id"], "Nyckeltal: utfall (mål)": shown, "Trafikljus": light_, "Nämndernas bedömning": boards_said,
                         "Enheternas bedömningar": distribution(counts),
                         "Måluppfyllelse": _fulfilment(light_, boards_said, counts)})
        self.k.table("Förvaltningsberättelse", "GodEkonomiskHushallning", rows, ["Id"])

    def history(self):
        """Every period consolidated up to this one, summed over the units under the node it took in."""
        rc, m = self.rc, self.m
        date = str(rc.period["Avser datum"])[:10]
        rows = []
        periods = m.periods.assign(date=m.periods["Avser datum"].map(lambda d: str(d)[:10])).sort_values(["date", "Id"])
        for _, p in periods.iterrows():
            if p["date"] > date or not (rc.root / "rapporter" / p["Id"] / "manifest.json").exists():
                continue
            other = rc if p["Id"] == rc.pid else recomputed(rc.root, m, p["Id"])
            e = other.economy().loc[self.node]
            follow = other.follow
            rows.append({"Period": p["Namn"], "Enheter": len(set(other.data.units) & set(m.units_under(self.node))),
                         "Ram (kr)": e["frame"] / 100, "Budget (kr)": e["budget"] / 100,
                         "Utfall (kr)": e["outcome"] / 100 if follow else None,
                         "Prognos (kr)": e["forecast"] / 100 if follow else None})
        self.k.table("Historik", "Historik", rows, ["Period"])

    def legend(self):
        rows = [{"Id": i["Id"], "Riktning": i["Riktning"], "Målvärde": _num(i["Målvärde"]),
                 "Grönt från": _num(i["Grön gräns"]) if _num(i["Grön gräns"]) is not None else _num(i["Målvärde"]),
                 "Rött från": _num(i["Röd gräns"])} for _, i in self.m.indicators.iterrows()]
        self.k.table("Teckenförklaring", "Granser", rows, ["Id"])

    def balance(self):
        c, rc = self.m.closing, self.rc
        final = rc.period["Typ"] == "helår"
        e = self.eco.loc[self.node]
        net = (e["outcome"] if final else e["forecast"]) / 100
        get = lambda label: _num(c.get(label)) or 0  # noqa: E731
        taxes = _num(c.get("Skatteintäkter och generella statsbidrag (kr)"))
        year = None if taxes is None else taxes + get("Finansnetto (kr)") - net - get("Nettokostnad utanför enheterna (kr)")
        adjust = (-get("Samtliga realisationsvinster (kr)") + get("Realisationsvinster enligt undantagsmöjlighet (kr)")
                  - get("Realisationsförluster enligt undantagsmöjlighet (kr)") + get("Orealiserade förluster i värdepapper (kr)")
                  - get("Återföring av orealiserade förluster i värdepapper (kr)"))
        after = None if year is None else year + adjust
        result = None if after is None else after - get("Medel till resultatutjämningsreserv (kr)") + \
            get("Medel från resultatutjämningsreserv (kr)")
        earlier = get("Balanskravsunderskott från tidigare år (kr)")
        left = None if result is None else max(0, -result) + max(0, earlier - max(result, 0))
        expected = [("Skatteintäkter och generella statsbidrag", taxes), ("Finansnetto", get("Finansnetto (kr)")),
                    (f"Verksamhetens nettokostnad, enheterna ({'utfall' if final else 'prognos'})", -net),
                    ("Nettokostnad utanför enheterna", -get("Nettokostnad utanför enheterna (kr)")),
                    ("Årets resultat", year), ("Årets resultat efter balanskravsjusteringar", after),
                    ("Årets balanskravsresultat", result), ("Balanskravsunderskott att återställa", left)]
        header, body = report_table(self.k.wb, "Balanskrav", "Balanskrav")
        got = {r[0]: r[1] for r in body}
        where = (self.k.report.name, "Balanskrav")
        for text, amount in expected:
            self.k.c.cells[where] += 1
            if not _same(amount, got.get(text), True):
                self.k.c.differences.append((*where, text, "Belopp (kr)", amount, got.get(text)))


ASSESSED = {GREEN: "Uppfyllt", YELLOW: "Delvis uppfyllt", RED: "Ej uppfyllt"}


def _fulfilment(light_: str, boards: str | None, units: Counter) -> str:
    if light_ in ASSESSED:
        return ASSESSED[light_]
    said = Counter()
    for part in (boards or "").split(" · "):
        n, _, word = part.partition(" ")
        grade = {w: k for k, w in SHORT}.get(word)
        if n.isdigit() and grade:
            said[grade] += int(n)
    for source in (said, units):
        judged = {k: v for k, v in source.items() if k in ASSESSED and v}
        if judged:
            return ASSESSED[max(judged, key=lambda k: (judged[k], k == YELLOW))]
    return "Ej bedömt"


# -- investments (issue 20): the Investeringar sheet, from the SIE files and the returned workbooks ---

INVESTMENT_ACCOUNTS = range(1000, 1300)  # BAS: materiella anläggningstillgångar, where projects are booked
ANSWERING = {"nämnd": 0, "förvaltning": 1, "enhet": 2}  # whose forecast counts: the board's own first
_TOKEN = r'"(?:[^"\\]|\\.)*"|\{[^}]*\}|\S+'


def _unquote(field: str) -> str:
    return field[1:-1].replace('\\"', '"') if len(field) > 1 and field[0] == field[-1] == '"' else field


def sie_projects(path: Path) -> dict[tuple, float]:
    """(year, month, project) -> kr, summed here from a SIE file's vouchers: every #TRANS on an
    investment account that carries an object of the project dimension (6, or the #DIM named
    projekt), by its own date or else its voucher's (SIE 4B; code page 437)."""
    import re

    dim, date, out = "6", None, defaultdict(float)
    for line in path.read_bytes().decode("cp437").splitlines():
        f = re.findall(_TOKEN, line.strip())
        if not f:
            continue
        label = f[0].upper()
        if label == "#DIM" and len(f) > 2 and _unquote(f[2]).strip().lower().startswith("projekt"):
            dim = _unquote(f[1])
        elif label == "#VER":
            date = _unquote(f[3])
        elif label == "#TRANS" and _unquote(f[1])[:4].isdigit() and int(_unquote(f[1])[:4]) in INVESTMENT_ACCOUNTS:
            parts = [_unquote(t) for t in re.findall(_TOKEN, f[2].strip("{}"))]
            project = dict(zip(parts[::2], parts[1::2])).get(dim)
            when = _unquote(f[4]) if len(f) > 4 and _unquote(f[4]) else date
            if project:
                out[(int(when[:4]), int(when[4:6]), project)] += float(_unquote(f[3]).replace(",", "."))
    return out


def project_outcome(root: Path, pid: str, year: int, month: int) -> dict[str, float]:
    """Outcome per project for January..`month` of `year` from the SIE files the period's manifest lists
    as imported (ekonomi/<file>, SHA-256 checked), in the order imported: a later file's (month,
    project) replaces an earlier one's, as an import does."""
    manifest = json.loads((root / "rapporter" / pid / "manifest.json").read_text(encoding="utf-8"))
    sums: dict[tuple, float] = {}
    for entry in manifest.get("imports", []):
        if entry.get("kind") != "ekonomi" or Path(entry["file"]).suffix.lower() not in (".se", ".si", ".sie"):
            continue
        path = root / "ekonomi" / entry["file"]
        assert hashlib.sha256(path.read_bytes()).hexdigest() == entry["sha256"], path
        sums.update(sie_projects(path))
    out: dict[str, float] = defaultdict(float)
    for (y, m, project), amount in sums.items():
        if y == year and m <= month:
            out[project] += amount
    return dict(out)


def master_projects(root: Path) -> list[dict]:
    """The master data's Investeringar sheet, by its headers (styrmodell.xlsx, openpyxl)."""
    wb = load_workbook(root / "styrmodell.xlsx", read_only=True, data_only=True)
    if "Investeringar" not in wb.sheetnames:
        return []
    rows = list(wb["Investeringar"].iter_rows(values_only=True))
    head = next(i for i, r in enumerate(rows) if r and r[0] == "Projekt")
    return [dict(zip(rows[head], r)) for r in rows[head + 1:] if r and r[0] not in (None, "")]


def project_answers(root: Path, pid: str) -> dict[str, dict]:
    """Project -> the answer the reports must use, from the Investeringar sheets of the workbooks the
    period's consolidation took in: the board's forecast, else a förvaltning's, else the unit's; its
    comment, or the next answer's."""
    manifest = json.loads((root / "rapporter" / pid / "manifest.json").read_text(encoding="utf-8"))
    given = defaultdict(list)
    for entry in manifest["inputs"]:
        if not entry.get("consolidated"):
            continue
        book = _book(root / entry["path"], entry["sha256"])
        if "Investeringar" not in book:
            continue
        node, level = str(book.meta["Ansvarskod"]), book.meta.get("Nivå") or "enhet"
        for row in book.rows("Investeringar"):
            forecast = _num(row.get("Prognos helår"))
            given[str(row["Projekt"])].append((ANSWERING.get(level, 3), forecast is None, node, level, forecast,
                                               row.get("Kommentar") or None))
    out = {}
    for project, answers in given.items():
        answers.sort(key=lambda a: a[:3])
        chosen = next((a for a in answers if a[4] is not None), answers[0])
        comment = chosen[5] or next((a[5] for a in answers if a[5]), None)
        out[project] = {"node": chosen[2], "level": chosen[3], "forecast": chosen[4], "comment": comment}
    return out


def investment_figures(rc) -> list[dict]:
    """Every project of the master data with budget, outcome, forecast, deviation, who answered and the
    comment, worked out here (kr); cached on the recomputation."""
    if getattr(rc, "_investments", None) is not None:
        return rc._investments
    date = str(rc.period["Avser datum"])
    spent = project_outcome(rc.root, rc.pid, int(date[:4]), int(date[5:7]))
    answers = project_answers(rc.root, rc.pid) if rc.follow else {}
    final = rc.period["Typ"] == "helår"
    out = []
    for p in master_projects(rc.root):
        project, year = str(p["Projekt"]), _num(p["Årets budget (kr)"])
        done = spent.get(project, 0.0)
        answer = answers.get(project) or {}
        if answer.get("forecast") is not None:
            forecast, node = answer["forecast"], rc.m.name(answer["node"])
            who = {"nämnd": f"nämnden ({node})", "förvaltning": f"förvaltningen ({node})"}.get(answer["level"],
                                                                                                f"enheten {node}")
        else:
            forecast = done if final else (None if year is None else max(year, done))
            who = "ingen prognos lämnad: " + ("utfallet" if final else "projektets budget för året (minst utfallet hittills)")
        out.append({"Projekt": project, "board": str(p["Nämnd"]), "Nämnd": rc.m.name(str(p["Nämnd"])),
                    "Total budget (kr)": _num(p["Total budget (kr)"]), "Årets budget (kr)": year,
                    "Utfall t.o.m. perioden (kr)": done, "Prognos helår (kr)": forecast,
                    "Avvikelse mot budget (kr)": None if year is None or forecast is None else year - forecast,
                    "Prognos lämnad av": who, "Kommentar": answer.get("comment"), "Start": p["Start"], "Slut": p["Slut"]})
    rc._investments = out
    return out


def net_investments(rc, income: float) -> float | None:
    """The year's net investments (kr): the projects' forecasts less investment income."""
    forecasts = [p["Prognos helår (kr)"] for p in investment_figures(rc) if p["Prognos helår (kr)"] is not None]
    return sum(forecasts) - income if forecasts else None


def check_investments(rc, node: str, checker: "Checker") -> None:
    """The report's Investeringar sheet, cell by cell: the node's projects (every one in the KF
    report, a board's own in its report), their sum, and in the KF report the self-financing degree."""
    m = rc.m
    if not rc.follow:
        return
    is_kf = m.level(node) == "kf"
    under = {n for _, n in m.subtree(node)}
    projects = [p for p in investment_figures(rc) if is_kf or p["board"] in under]
    if not projects:
        return
    rows = [{k: v for k, v in p.items() if k != "board"} for p in projects]
    total = {h: sum(p[h] or 0 for p in projects) for h in ("Total budget (kr)", "Årets budget (kr)",
                                                           "Utfall t.o.m. perioden (kr)", "Prognos helår (kr)")}
    rows.append({"Projekt": "Summa", **total,
                 "Avvikelse mot budget (kr)": total["Årets budget (kr)"] - total["Prognos helår (kr)"]})
    checker.table("Investeringar", "Investeringar", rows, ["Projekt"])
    if not is_kf:
        return
    c = m.closing
    get = lambda label: _num(c.get(label)) or 0  # noqa: E731
    taxes = _num(c.get("Skatteintäkter och generella statsbidrag (kr)"))
    e = rc.economy().loc[node]
    units = (e["outcome"] if rc.period["Typ"] == "helår" else e["forecast"]) / 100
    result = None if taxes is None else taxes + get("Finansnetto (kr)") - units - get("Nettokostnad utanför enheterna (kr)")
    net = net_investments(rc, get("Investeringsinkomster (kr)"))
    degree = None if result is None or not net else (result + get("Avskrivningar (kr)")) / net
    expected = {"Årets resultat (kr)": result, "Avskrivningar (kr)": get("Avskrivningar (kr)"),
                "Nettoinvesteringar (kr)": net, "Självfinansieringsgrad": degree}
    got = {r[0]: r[1] for r in checker.wb["Investeringar"].iter_rows(values_only=True) if r and r[0] in expected}
    where = (checker.report.name, "Investeringar")
    for label, value in expected.items():
        checker.c.cells[where] += 1
        if not _same(value, got.get(label), "(kr)" in label):
            checker.c.differences.append((*where, label, "Belopp", value, got.get(label)))
