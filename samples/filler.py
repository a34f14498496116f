"""The sample filler: answers generated workbooks as units would (deterministic with a seed).

A few units make the mistakes units typically make; each planted mistake is recorded as
(file name, sheet, cell, finding code) so the demo and the tests can check that validation
finds exactly those.
"""
from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from openpyxl import load_workbook

from rodtrad.consolidator.model import contract, document, terms

GOALS = [
    "Alla medarbetare ska känna till nämndens mål och hur enheten bidrar.",
    "Minska sjukfrånvaron på enheten genom tidiga insatser.",
    "Öka andelen brukare och invånare som är nöjda med bemötandet.",
    "Hålla budget genom att planera bemanningen varje månad.",
    "Minska enhetens klimatavtryck genom färre resor och mindre matsvinn.",
    "Fler ärenden ska hanteras digitalt från start till slut.",
]
ACTIVITIES = [
    "Införa veckovisa avstämningar i arbetslagen om mål och resultat.",
    "Genomföra en workshop om bemötande med all personal.",
    "Ta fram rutin för introduktion av nyanställda och vikarier.",
    "Följa upp sjukfrånvaron månadsvis och erbjuda tidig kontakt med företagshälsovården.",
    "Kartlägga matsvinnet under fyra veckor och sätta in åtgärder.",
    "Införa e-tjänst för ansökningar och bokningar.",
    "Se över schemaläggningen så att fler kan arbeta heltid.",
    "Genomföra brukarenkät och återkoppla resultatet på APT.",
    "Planera kompetensutveckling utifrån medarbetarsamtalen.",
    "Samverka med föreningslivet kring aktiviteter på loven.",
]
SWOT = {
    "Styrka": ["Erfaren och engagerad personal.", "God samverkan med andra enheter."],
    "Svaghet": ["Hög sjukfrånvaro under vintern.", "Svårt att rekrytera vikarier."],
    "Möjlighet": ["Nya digitala verktyg kan frigöra tid.", "Statsbidrag för kompetensutveckling."],
    "Hot": ["Kostnadsökningar på material och energi.", "Pensionsavgångar de närmaste åren."],
}
RISKS = [
    ("Fel i utbetalning av ersättningar", "Stickprov varje månad på utbetalningar"),
    ("Bristande följsamhet till delegationsordningen", "Genomgång av delegationsbeslut per tertial"),
    ("Personuppgifter hanteras felaktigt", "Kontroll av behörigheter två gånger per år"),
    ("Inköp sker utanför avtal", "Uppföljning av avtalstrohet per kvartal"),
]
COMMENTS = ["Följs upp på APT.", "Ansvarig rapporterar i delåret.", "Görs tillsammans med verksamhetschef.", None]


class Sheet:
    """Cells of one worksheet addressed as a unit thinks of them: row id and column header."""

    def __init__(self, ws, spec):
        self.ws, self.spec = ws, spec
        rows = [[c.value for c in r] for r in ws.iter_rows(max_row=min(ws.max_row, 30))]
        self.header_row, positions = contract.find_header(rows, [c["header"] for c in spec["columns"]])
        self.col = {c["key"]: positions[contract.norm(c["header"])] + 1 for c in spec["columns"]
                    if contract.norm(c["header"]) in positions}
        id_col = self.col.get("id") or self.col.get("account")
        self.rows = {}
        for r in range(self.header_row + 2, ws.max_row + 1):
            key = ws.cell(row=r, column=id_col).value
            if key is not None:
                self.rows[str(key)] = r

    def cell(self, row_id, key):
        return self.ws.cell(row=self.rows[row_id], column=self.col[key])

    def set(self, row_id, key, value):
        self.cell(row_id, key).value = value

    def get(self, row_id, key):
        return self.cell(row_id, key).value

    def ids(self, locked=None):
        out = []
        for row_id in self.rows:
            if locked is not None and "locked" in self.col:
                if (self.get(row_id, "locked") == "Ja") != locked:
                    continue
            out.append(row_id)
        return out


def _sheets(wb, master=None) -> dict[str, Sheet]:
    """The plan's tables, found by the model's sheet names and headers (None: Exempelkommun's)."""
    words = terms.of(master) if master is not None else None
    return {s["key"]: Sheet(wb[s["name"]], s) for s in document.tables(document.spec(words=words))}


def own_parts(master) -> dict[str, int]:
    """Summed indicators (aggregation "summa"): id -> how many units answer it. Its target is the
    municipality's total (60 e-tjänster, 40 000 mil), so a unit's target and outcome are its own part
    of that total, never the total itself (49 units each answering 60 made KF's 60 a 1 918). Empty
    without master data."""
    if master is None:
        return {}
    summed = {i.id for i in master.indicators if i.aggregation == "summa"}
    counts = dict.fromkeys(summed, 0)
    for unit in master.units():
        for ind in master.indicators_for(unit.id):
            if ind.id in summed:
                counts[ind.id] += 1
    return {k: n for k, n in counts.items() if n}


def own_part(total, units: int):
    """One unit's part of a summed total: whole numbers where a unit's part is at least one
    (e-tjänster, mil), one decimal below."""
    part = total / units
    return int(round(part)) if part >= 1 else round(part, 1)


def _list(wb, key) -> list:
    dn = wb.defined_names[f"lista_{key}"]
    (sheet, ref), = dn.destinations
    return [c.value for row in wb[sheet][ref.replace("$", "")] for c in row if c.value is not None]


def fill(src: Path, dst: Path, rng: random.Random, mistakes: list[str] = (), master=None) -> list[tuple]:
    """Fill one workbook like a careful unit, within the model's rules (`master`: its minimums of own
    goals and activities, and its budget and plan years); then plant the named mistakes. Returns what
    was planted: (file name, sheet, cell, finding code)."""
    rules = master.rules if master is not None else {}
    min_goals, min_activities = int(rules.get("min_goals") or 0), int(rules.get("min_activities") or 0)
    wb = load_workbook(src)
    s = _sheets(wb, master)
    people = _list(wb, "personal") or ["Okänd"]
    links, goals, persp = _list(wb, "kopplingar"), _list(wb, "namndmal"), _list(wb, "perspektiv")
    overview = wb["Översikt"]
    for row in overview.iter_rows(min_row=1, max_col=2):
        if row[0].value == "Enhetens sammanfattning av planen":
            row[1].value = "Enheten fokuserar på trygghet, kvalitet och en budget i balans."
    count = max(rng.randint(1, 3), min_goals) if goals and persp else 0  # no goal can be linked without them
    for i, row_id in enumerate(s["goals"].ids()[:count]):
        s["goals"].set(row_id, "text", GOALS[(i + rng.randrange(len(GOALS))) % len(GOALS)])
        s["goals"].set(row_id, "parent", rng.choice(goals) if goals else None)
        s["goals"].set(row_id, "perspective", rng.choice(persp))
    for row_id in s["activities"].ids(locked=True):
        s["activities"].set(row_id, "responsible", people[0])
    meta = {r[0].value: r[1].value for r in wb["_meta"].iter_rows(max_col=2)}
    year = master.years[0] if master is not None else int(str(meta["Period"])[:4])  # the budget year (ids are free)
    last = dt.date(master.years[-1] if master is not None else year + 2, 12, 31)  # the plan's last year
    carried = [r for r in s["activities"].ids(locked=False) if s["activities"].get(r, "text")]  # from last year
    for row_id in carried:  # the unit keeps them, choosing a link or perspective where none was left
        for key, choices in (("link", links), ("perspective", persp)):
            if not s["activities"].get(row_id, key) and choices:
                s["activities"].set(row_id, key, rng.choice(choices))
        s["activities"].set(row_id, "responsible", s["activities"].get(row_id, "responsible") or people[0])
    count = max(rng.randint(3, 5), min_activities) if links and persp else 0
    blank = [r for r in s["activities"].ids(locked=False) if r not in carried]
    for i, row_id in enumerate(blank[:count]):
        start = dt.date(year, rng.randint(1, 6), rng.randint(1, 28))
        s["activities"].set(row_id, "text", ACTIVITIES[(i * 3 + rng.randrange(len(ACTIVITIES))) % len(ACTIVITIES)])
        s["activities"].set(row_id, "link", rng.choice(links))
        s["activities"].set(row_id, "perspective", rng.choice(persp))
        s["activities"].set(row_id, "start", start)
        s["activities"].set(row_id, "end", min(start + dt.timedelta(days=rng.randint(30, 200)), last))
        s["activities"].set(row_id, "responsible", rng.choice(people))
        s["activities"].set(row_id, "comment", rng.choice(COMMENTS))
    for row_id in s["uppdrag"].ids():
        s["uppdrag"].set(row_id, "contribution", "Enheten deltar i arbetet och rapporterar läget till förvaltningen.")
    parts = own_parts(master)
    for row_id in s["indicators"].ids():
        target = s["indicators"].get(row_id, "target")
        chosen = rng.random() < 0.5
        if isinstance(target, (int, float)) and (chosen or row_id in parts):
            # a summed indicator's target is the municipality's total: every unit states its own part
            s["indicators"].set(row_id, "unit_target", own_part(target, parts[row_id]) if row_id in parts else target)
    for row_id, kind in zip(s["swot"].ids(), SWOT):
        s["swot"].set(row_id, "kind", kind)
        s["swot"].set(row_id, "text", rng.choice(SWOT[kind]))
    first_dev = s["development"].ids()[0]
    s["development"].set(first_dev, "text", "Utveckla det systematiska kvalitetsarbetet.")
    s["development"].set(first_dev, "link", rng.choice(links) if links else None)
    _budget(s["budget"], rng)
    for row_id, (risk, control) in zip(s["risks"].ids(), rng.sample(RISKS, 2)):
        s["risks"].set(row_id, "risk", risk)
        s["risks"].set(row_id, "probability", rng.randint(1, 4))
        s["risks"].set(row_id, "consequence", rng.randint(1, 4))
        s["risks"].set(row_id, "control", control)
        s["risks"].set(row_id, "responsible", people[0])
    planted = [PLANT[m](s, rng) for m in mistakes]
    dst.parent.mkdir(parents=True, exist_ok=True)
    wb.save(dst)
    return [(dst.name, *p) for p in planted]


def _budget(sheet: Sheet, rng: random.Random) -> None:
    """Move money between months (more in autumn), keeping each account's total equal to its frame."""
    for row_id in sheet.ids():
        amount = sheet.get(row_id, "m01") or 0
        shift = int(amount * rng.choice([0, 0.1, 0.2]))
        sheet.set(row_id, "m07", (sheet.get(row_id, "m07") or 0) - shift)
        sheet.set(row_id, "m09", (sheet.get(row_id, "m09") or 0) + shift)


# -- the mistakes units make -------------------------------------------------------------------

def _where(sheet: Sheet, row_id, key):
    return sheet.spec["name"], sheet.cell(row_id, key).coordinate


def _end_before_start(s, rng):
    act = s["activities"]
    row_id = act.ids(locked=False)[0]
    year = act.get(row_id, "start").year
    act.set(row_id, "start", dt.date(year, 6, 15))
    act.set(row_id, "end", dt.date(year, 5, 15))
    return (*_where(act, row_id, "end"), "activity.end_before_start")


def _missing_link(s, rng):
    act = s["activities"]
    row_id = act.ids(locked=False)[1]
    act.set(row_id, "link", None)
    return (*_where(act, row_id, "link"), "field.required")


def _bad_date(s, rng):
    act = s["activities"]
    row_id = act.ids(locked=False)[2]
    act.set(row_id, "start", "snart")
    return (*_where(act, row_id, "start"), "value.unreadable")


def _risk_out_of_range(s, rng):
    risks = s["risks"]
    row_id = risks.ids()[0]
    risks.set(row_id, "probability", 5)
    return (*_where(risks, row_id, "probability"), "value.range")


def _budget_off_frame(s, rng):
    budget = s["budget"]
    row_id = next(r for r in budget.ids() if r == "5010")
    budget.set(row_id, "m12", (budget.get(row_id, "m12") or 0) + 150_000)
    return (*_where(budget, row_id, "total"), "budget.frame_mismatch")


def _unknown_goal(s, rng):
    goals = s["goals"]
    row_id = goals.ids()[0]
    goals.set(row_id, "parent", "NM99 – Ett mål som inte finns")
    return (*_where(goals, row_id, "parent"), "link.unknown")


def _changed_locked(s, rng):
    act = s["activities"]
    row_id = act.ids(locked=True)[0]
    act.set(row_id, "text", act.get(row_id, "text") + " (om tid finns)")
    return (*_where(act, row_id, "text"), "prefilled.changed")


PLANT = {
    "end_before_start": _end_before_start, "missing_link": _missing_link, "bad_date": _bad_date,
    "risk_out_of_range": _risk_out_of_range, "budget_off_frame": _budget_off_frame,
    "unknown_goal": _unknown_goal, "changed_locked": _changed_locked,
}

# Which units of Exempelkommun make which mistakes in the demo (by position among the units).
DEMO_MISTAKES = {
    3: ["end_before_start"],
    9: ["missing_link", "risk_out_of_range"],
    17: ["bad_date"],
    25: ["budget_off_frame"],
    33: ["unknown_goal"],
    41: ["changed_locked"],
}


def fill_all(paths: list[Path], inbox: Path, seed: int = 2027, mistakes: dict | None = None,
             master=None) -> list[tuple]:
    """Fill every generated workbook into the inbox (within `master`'s rules); returns every planted mistake."""
    mistakes = DEMO_MISTAKES if mistakes is None else mistakes
    planted = []
    for i, path in enumerate(sorted(paths)):
        rng = random.Random(f"{seed}:{path.name}")
        planted += fill(path, Path(inbox) / path.name, rng, mistakes.get(i, []), master)
    return planted
