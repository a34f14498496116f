"""The differential corpus of the Kontroll sheet: returned workbooks of every period kind, each
mutated one rule at a time (and a few at once), recalculated by LibreOffice in one batch.

A mutation is a function of the workbook's tables (filler.Sheet by key) that breaks one rule the
way a unit would; it returns the Kontroll rows it must raise, so a mutation that triggers nothing
fails the test instead of passing it vacuously.
"""
from __future__ import annotations

import csv
import datetime as dt
import random
import shutil
import subprocess
from pathlib import Path

from openpyxl import load_workbook

from rodtrad.consolidator.consolidation.consolidate import consolidate
from rodtrad.consolidator.model import document, masterdata
from rodtrad.consolidator.reading import masterfile
from rodtrad.consolidator.workbooks import planbook
from rodtrad.consolidator.workbooks.generate import generate
from rodtrad.consolidator.workbooks.masterbook import init
from rodtrad.samples import filler, followfill
from rodtrad.samples.demo import _import_kolada, _import_ledger
from rodtrad.samples import build

from spreadsheet_engine import PROFILE_XCU, soffice

UNIT, BOARD = "2111", "2000"  # Förskolan Solrosen and its board, Barn- och utbildningsnämnden
KINDS = {"plan": "2027-plan", "månad": "2027-05", "tertial": "2027-T1", "delår": "2027-delar", "helår": "2027-helar",
         "nämnd": "2027-delar"}


def build_corpus(root: Path) -> tuple[masterdata.MasterData, dict[str, Path]]:
    """One unit through the year (plan, T1, May, delår, helår; each answered and consolidated, so the
    next is prefilled from it) and its board's own delår follow-up: {kind: returned workbook}."""
    data = build("exempelkommun")
    ws = init(root, data)
    master, _ = masterfile.load(ws.master_file)
    corpus = {}
    for kind, period in KINDS.items():
        if kind == "nämnd":
            (path,) = [p for p in generate(master, period, ws.outbox(period) / "nämnd", root=root, level="nämnd", jobs=1)
                       if p.name.startswith(BOARD)]
            dst = ws.inbox(period) / "nämnd" / path.name
            followfill.fill(path, dst, random.Random(1), master)
        else:
            (path,) = generate(master, period, ws.outbox(period), units=[UNIT], jobs=1, root=root,
                               now=f"{master.period(period).date} 08:00:00")
            dst = ws.inbox(period) / path.name
            if kind == "plan":
                filler.fill(path, dst, random.Random(1))
            else:
                followfill.fill(path, dst, random.Random(1), master)
        corpus[kind] = dst
        if kind == "plan":
            consolidate(root, period)
            _import_ledger(ws, master, data, "exempelkommun", 8)  # January–August, as the shipped file
            _import_kolada(ws, master, data, "exempelkommun")
        elif kind in ("tertial", "delår"):
            consolidate(root, period)
    return master, corpus


def tables(wb) -> dict[str, filler.Sheet]:
    meta = {r[0].value: r[1].value for r in wb["_meta"].iter_rows(max_col=2)}
    if meta.get("Mall") == "rodtrad.plan":
        layout = document.spec()
    else:
        layout = document.spec(document.FOLLOW, meta["Periodtyp"], meta.get("Nivå") or document.UNIT_LEVEL)
    return {s["key"]: filler.Sheet(wb[s["name"]], s) for s in document.tables(layout) if s["name"] in wb.sheetnames}


def mutate(src: Path, dst: Path, mutations) -> None:
    wb = load_workbook(src)
    s = tables(wb)
    for m in mutations:
        m(s)
    wb.save(dst)


CSV_ALL_SHEETS = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"


def recalculate_all(paths: list[Path], workdir: Path) -> dict[Path, Path]:
    """Open and recalculate every file in ONE LibreOffice run (one start-up for all), and save each
    sheet's computed values as CSV (cheaper than writing .xlsx; -1: every sheet, named
    "<stem>-<sheet>.csv"): {original: its Kontroll sheet's CSV}. Stems must be unique."""
    profile = workdir / "lo-profile"
    (profile / "user").mkdir(parents=True, exist_ok=True)
    (profile / "user" / "registrymodifications.xcu").write_text(PROFILE_XCU, encoding="utf-8")
    out = workdir / "recalculated"
    out.mkdir(exist_ok=True)
    subprocess.run([soffice(), f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                    "--convert-to", CSV_ALL_SHEETS, "--outdir", str(out), *map(str, paths)],
                   check=True, capture_output=True, timeout=900)
    result = {p: out / f"{p.stem}-{planbook.CHECK_SHEET}.csv" for p in paths}
    missing = [p.name for p, r in result.items() if not r.exists()]
    assert not missing, f"LibreOffice wrote nothing for {missing}"
    return result


def kontroll(path: Path) -> dict[str, object]:
    """The Kontroll sheet as LibreOffice computed it (its CSV): {row label: count, or the status
    text where the row has no count}."""
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    out = {}
    for row in rows[4:]:
        if row and row[0]:
            count = row[1] if len(row) > 1 else ""
            out[row[0]] = float(count) if count.strip() else (row[2] if len(row) > 2 else "")
    return out


# -- mutations: each breaks one rule as a unit would ---------------------------------------------------

def _first(sheet, want=lambda sheet, row_id: True):
    return next(r for r in sheet.ids() if want(sheet, r))


def blank(key, column, where=lambda s, r: True):
    def run(s):
        s[key].set(_first(s[key], where), column, None)
    run.__name__ = f"{key}.{column}=tomt"
    return run


def put(key, column, value, where=lambda s, r: True):
    def run(s):
        s[key].set(_first(s[key], where), column, value)
    run.__name__ = f"{key}.{column}={value}"
    return run


def filled(column):
    return lambda sheet, row_id: sheet.get(row_id, column) not in (None, "")


def empty(column):
    return lambda sheet, row_id: sheet.get(row_id, column) in (None, "")


def own_activity(sheet, row_id):
    return sheet.get(row_id, "text") not in (None, "") and sheet.get(row_id, "locked") == "Nej"


def carried(sheet, row_id):
    return sheet.get(row_id, "carried") == "Ja"


def late_still_going(s):
    """The issue's case: an activity whose end date has passed, still "Pågår", no comment. A new
    activity, since the plan's dates are locked."""
    act = s["activities"]
    source = _first(act, carried)
    row_id = _first(act, lambda sh, r: not carried(sh, r) and empty("text")(sh, r))
    for key in ("link", "perspective", "responsible"):
        act.set(row_id, key, act.get(source, key))
    act.set(row_id, "text", "Ny aktivitet som skulle vara klar i februari")
    act.set(row_id, "start", dt.date(2027, 1, 10))
    act.set(row_id, "end", dt.date(2027, 2, 1))
    act.set(row_id, "status", "Pågår")
    act.set(row_id, "comment", None)


def late_marked(s):
    act = s["activities"]
    row_id = _first(act, carried)
    act.set(row_id, "status", "Försenad")
    act.set(row_id, "comment", None)


def new_activity_half(s):
    """A new activity with a text and nothing else."""
    act = s["activities"]
    act.set(_first(act, lambda sh, r: not carried(sh, r) and empty("text")(sh, r)), "text", "Ny aktivitet utan detaljer")


def red_indicator(s):
    ind = s["indicators"]
    row_id = _first(ind, lambda sh, r: isinstance(sh.get(r, "red"), (int, float)) and sh.get(r, "from_source") != "Ja")
    higher = ind.get(row_id, "direction") == document.DIRECTIONS["högre"]
    red = ind.get(row_id, "red")
    ind.set(row_id, "outcome", red - 1 if higher else red + 1)
    ind.set(row_id, "comment", None)


def deviation_unexplained(s):
    eco = s["economy"]
    row_id = _first(eco, lambda sh, r: (sh.get(r, "budget") or 0) > 500_000)
    eco.set(row_id, "forecast", eco.get(row_id, "budget") - 200_000)
    eco.set(row_id, "explanation", None)


def investment_uncommented(s):
    """A project 300 000 kr under its year's budget (beyond the threshold for explaining), no comment."""
    inv = s["investments"]
    row_id = inv.ids()[0]
    inv.set(row_id, "forecast", (inv.get(row_id, "budget") or 0) - 300_000)
    inv.set(row_id, "comment", None)


def deficit_without_plan(s):
    """A forecast 1.5 million kronor over budget in total, no åtgärdsplan."""
    eco, actions = s["economy"], s["actions"]
    row_id = max(eco.ids(), key=lambda r: eco.get(r, "budget") or 0)
    total = sum((eco.get(r, "forecast") or 0) - (eco.get(r, "budget") or 0) for r in eco.ids())
    eco.set(row_id, "forecast", (eco.get(row_id, "forecast") or 0) - total + 1_500_000)
    eco.set(row_id, "explanation", "Fler barn än planerat.")
    for action in actions.ids():
        for key in ("measure", "effect", "account", "responsible", "date"):
            actions.set(action, key, None)


def action_without_effect(s):
    actions = s["actions"]
    row_id = _first(actions)
    actions.set(row_id, "measure", "Minska inköpen")
    actions.set(row_id, "effect", None)


def control_deviation(s):
    c = s["controls"]
    row_id = _first(c)
    c.set(row_id, "deviation", "Ja")
    c.set(row_id, "action", None)


def not_met_without_analysis(s):
    goals = s["assessments"]
    row_id = _first(goals)
    goals.set(row_id, "assessment", "Ej uppfyllt")
    goals.set(row_id, "analysis", None)


def no_own_goals(s):
    for row_id in s["goals"].ids():
        for key in ("text", "parent", "perspective"):
            s["goals"].set(row_id, key, None)


def no_own_activities(s):
    act = s["activities"]
    for row_id in [r for r in act.ids() if own_activity(act, r)]:
        for key in ("text", "link", "perspective", "start", "end", "responsible", "comment"):
            act.set(row_id, key, None)


def end_before_start(s):
    act = s["activities"]
    row_id = _first(act, own_activity)
    act.set(row_id, "start", dt.date(2027, 6, 15))
    act.set(row_id, "end", dt.date(2027, 5, 15))


def budget_off_frame(s):
    b = s["budget"]
    row_id = _first(b)
    b.set(row_id, "m12", (b.get(row_id, "m12") or 0) + 150_000)


PLAN = [
    put("goals", "parent", None, filled("text")), blank("goals", "perspective", filled("text")),
    blank("activities", "link", own_activity), blank("activities", "perspective", own_activity),
    blank("activities", "start", own_activity), blank("activities", "end", own_activity), end_before_start,
    blank("activities", "responsible", own_activity),
    blank("activities", "responsible", lambda sh, r: sh.get(r, "locked") == "Ja"),
    blank("uppdrag", "contribution"), blank("risks", "probability", filled("risk")),
    blank("risks", "consequence", filled("risk")), blank("risks", "control", filled("risk")),
    put("risks", "probability", 5, filled("risk")), put("risks", "consequence", 0, filled("risk")),
    no_own_goals, no_own_activities, budget_off_frame,
]
ECONOMY = [blank("economy", "forecast"), deviation_unexplained, deficit_without_plan, action_without_effect]
FULL = [
    blank("assessments", "assessment"),
    not_met_without_analysis,
    blank("activities", "status", carried), late_marked, late_still_going, new_activity_half,
    blank("uppdrag", "status"), red_indicator,
]
UNIT_ONLY = [blank("controls", "performed"), control_deviation]
INVESTMENTS = [blank("investments", "forecast"), investment_uncommented]  # the unit runs P101, the board has two
BOARD_ONLY = [blank("assessments", "assessment"), not_met_without_analysis,
              blank("uppdrag", "status"), red_indicator]


def started_without_text(key, column, text):
    """A row begun in another column than its text: the reader takes it in, so it counts."""
    def run(s):
        sheet = s[key]
        sheet.set(_first(sheet, lambda sh, r: empty(text)(sh, r) and empty(column)(sh, r)), column,
                  sheet.get(_first(sheet, filled(column)), column) if any(filled(column)(sheet, r) for r in sheet.ids())
                  else "Anna")
    run.__name__ = f"{key}.{column} utan {text}"
    return run


def text_in_number(s):
    """A forecast typed as words: one finding (unreadable), not also "saknar prognos"."""
    eco = s["economy"]
    eco.set(eco.ids()[1], "forecast", "ca 2 milj")


EDGES_PLAN = [started_without_text("activities", "responsible", "text"), started_without_text("swot", "kind", "text"),
              started_without_text("risks", "responsible", "risk"), started_without_text("development", "link", "text"),
              put("risks", "probability", "hög", filled("risk"))]
EDGES_FOLLOW = [text_in_number, started_without_text("actions", "account", "measure")]

# One rule at a time on the plan and the delår (the unit's fullest follow-up); the other kinds share
# the delår's formulas on fewer sheets, so they get every rule at once (and a clean copy each): the
# LibreOffice run is the test's cost, about a second a file.
BATCHES = {
    "plan": [[m] for m in PLAN] + [[PLAN[0], PLAN[2], PLAN[6], PLAN[13], PLAN[17]], EDGES_PLAN],
    "delår": [[m] for m in ECONOMY + FULL + UNIT_ONLY + INVESTMENTS]
    + [[ECONOMY[0], ECONOMY[2], FULL[1], FULL[4], FULL[7], UNIT_ONLY[1]], EDGES_FOLLOW],
    "månad": [ECONOMY + INVESTMENTS[:1]],
    "tertial": [ECONOMY + FULL + UNIT_ONLY + INVESTMENTS[:1]],
    "helår": [[ECONOMY[1], ECONOMY[2], ECONOMY[3]] + FULL + UNIT_ONLY + INVESTMENTS[:1]],
    "nämnd": [ECONOMY + BOARD_ONLY + INVESTMENTS, [ECONOMY[1], BOARD_ONLY[0], BOARD_ONLY[3]]],
}


def variants(corpus: dict[str, Path], folder: Path) -> list[tuple[str, str, Path]]:
    """Every mutated workbook: (period kind, what was done, path)."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for kind, src in corpus.items():
        clean = folder / f"{kind}-ren.xlsx"
        shutil.copyfile(src, clean)
        out.append((kind, "ren", clean))
        for i, batch in enumerate(BATCHES[kind]):
            path = folder / f"{kind}-{i:02d}.xlsx"
            mutate(src, path, batch)
            out.append((kind, " + ".join(m.__name__ for m in batch), path))
    return out
