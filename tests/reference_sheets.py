"""More of the reference recomputation (tests/reference.py): the sheets Föregående år and Målkompass.

Föregående år: last year's outcome for the same months, summed here from the SIE files the manifest
says the consolidation rests on (parsed on their own: no code of the project's importer), beside
this year's outcome to date from the returned workbooks. Målkompass (a model that draws itself as
a compass, Sollefteå's): per area its delmål (the units' own goals, by the area of the goal they
serve) and the share of its activities done, from the returned workbooks read with openpyxl.
"""
from __future__ import annotations

import re
import shlex
from collections import defaultdict
from pathlib import Path

import reference as ref

PSALDO = re.compile(r"^#PSALDO\s+(-?\d+)\s+(\d{4})(\d{2})\s+(\S+)\s+\{([^}]*)\}\s+(-?[\d.]+)")
DIM = re.compile(r"^#DIM\s+(\S+)\s+(.*)$")
DONE = "Klar"

_LEDGERS: dict = {}


def ledger(root: Path, imports: list[dict], units: set) -> dict:
    """(year, month, unit) -> outcome in kr, from the #PSALDO rows of the imported SIE files (SIE 4
    spec: `#PSALDO year-index YYYYMM account {dim object ...} amount`), result accounts 3000–8999 on
    the ansvar dimension (the #DIM named ansvar, else 1). A unit's amount is its row with the fewest
    dimensions (balances repeat an amount per combination of objects). A later import replaces the
    months it covers, as the manifest lists them in order."""
    key = (str(root), tuple(i["sha256"] for i in imports))
    if key in _LEDGERS:
        return _LEDGERS[key]
    out: dict = {}
    for item in imports:
        path = next((p for p in (root / "ekonomi").glob(item["file"])), None)
        if item.get("kind") != "ekonomi" or path is None or path.suffix.lower() not in (".se", ".si", ".sie"):
            continue
        text = path.read_bytes().decode("cp437")
        dims = dict(DIM.match(line).groups() for line in text.splitlines() if DIM.match(line))
        dim = next((d for d, name in dims.items() if "ansvar" in name.lower()), "1")
        rows = defaultdict(dict)  # (year, month, unit, account) -> {number of dims: amount}
        for line in text.splitlines():
            m = PSALDO.match(line.strip())
            if not m:
                continue
            _, year, month, account, objects, amount = m.groups()
            if not account.isdigit() or not 3000 <= int(account) <= 8999:
                continue
            parts = shlex.split(objects)
            objs = dict(zip(parts[0::2], parts[1::2]))
            if dim in objs and objs[dim] in units:
                here = rows[(int(year), int(month), objs[dim], account)]
                here[len(objs)] = here.get(len(objs), 0.0) + float(amount)
        mine = defaultdict(float)
        for (year, month, unit, _), amounts in rows.items():
            mine[(year, month, unit)] += amounts[min(amounts)]
        months = {(y, m) for y, m, _ in mine}
        out = {k: v for k, v in out.items() if (k[0], k[1]) not in months}  # the newer file replaces its months
        out.update(mine)
    _LEDGERS[key] = out
    return out


def previous_year(check) -> None:
    """The sheet Föregående år of a follow-up's report: per level shown, this year's outcome to date
    (the units taken in) and the same months last year for the same units, the change in kr and %.
    No sheet when the ledger lacks last year's months."""
    rc, m = check.rc, check.m
    if not check.follow:
        return
    date = str(rc.period["Avser datum"])[:10]
    year, month = int(date[:4]), int(date[5:7])
    manifest = ref.json.loads((rc.root / "rapporter" / rc.pid / "manifest.json").read_text(encoding="utf-8"))
    book = ledger(rc.root, manifest.get("imports") or [], set(m.units_under(m.root)))
    before = defaultdict(float)
    for (y, mo, unit), amount in book.items():
        if y == year - 1 and mo <= month:
            before[unit] += amount
    if not before:
        if "Föregående år" in check.k.wb.sheetnames:
            check.k.c.differences.append((check.k.report.name, "Föregående år", "-", "blad", "inget", "finns"))
        return
    taken = set(rc.data.units)
    rows = []
    for _, nid in check.shown:
        now = round(check.eco.loc[nid]["outcome"]) / 100
        then = round(sum(before.get(u, 0.0) for u in m.units_under(nid) if u in taken), 2)
        change = round(now - then, 2)
        rows.append({"Nivå": ref.LEVEL.get(m.level(nid), m.level(nid)), "Ansvarskod": nid, f"Utfall {year} (kr)": now,
                     f"Utfall {year - 1} (kr)": then, "Förändring (kr)": change,
                     "Förändring %": change / abs(then) if then else None})
    check.k.table("Föregående år", "ForegaendeAr", rows, ["Ansvarskod"])


def compass(check) -> None:
    """The sheet Målkompass, when the master data asks for the compass (Begrepp: Modellens bild)."""
    rc, m = check.rc, check.m
    wanted = str(m.word("Modellens bild", "") or "").strip().lower() in ("ja", "true", "1", "sant")
    if not wanted:
        if "Målkompass" in check.k.wb.sheetnames:
            check.k.c.differences.append((check.k.report.name, "Målkompass", "-", "blad", "inget", "finns"))
        return
    area_of = dict(zip(m.goals["Id"], m.goals["Perspektiv"]))
    units = set(m.units_under(check.node))
    goals = rc.data.goals
    own = goals[goals["unit"].isin(units) & ~goals["board_row"].astype(bool)]  # the units' own goals: delmål
    acts = rc.activities(check.node)
    area, unit_goal = m.word("Perspektiv", "Perspektiv"), m.word("Enhetens egna mål", "Enhetens mål")
    rows = []
    for pid, name in m.perspectives.items():
        mine = acts[acts["perspective"] == pid]
        done = int((mine["status"] == DONE).sum())
        rows.append({area: name, unit_goal: int((own["parent"].map(area_of) == pid).sum()), "Aktiviteter": len(mine),
                     "Klara": done, "Andel klara": done / len(mine) if len(mine) else 0.0})
    check.k.table("Målkompass", "Malkompass", rows, [area])
