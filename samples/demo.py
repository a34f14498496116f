"""`rodtrad demo`: a preset's whole year end to end — plan, every follow-up period its calendar has,
every level's own assessment — with sample answers that fit the model's rules."""
from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from rodtrad.consolidator.model.workspace import Workspace
from rodtrad.consolidator.reading import masterfile
from rodtrad.consolidator.workbooks.generate import generate
from rodtrad.consolidator.workbooks.masterbook import init
from rodtrad.samples import build, filler
from rodtrad.consolidator.model import words

MARKER = ".rodtrad-demo"
LEVELS = ("förvaltning", "nämnd")  # every level above the units assesses its own part, after the units


@dataclass(frozen=True)
class Mistakes:
    """Which units (by position among the sorted workbooks) make which typical mistakes: in the plan,
    and in the first follow-up that assesses goals (a tertial or delår)."""
    plan: dict = field(default_factory=dict)
    follow: dict = field(default_factory=dict)


def mistakes(preset: str) -> Mistakes:
    """The demo's planted mistakes for a preset; every other unit must be valid at every period."""
    from rodtrad.samples import followfill

    return {
        "exempelkommun": Mistakes(filler.DEMO_MISTAKES, followfill.DEMO_MISTAKES),
        "ostersund": Mistakes({2: ["end_before_start"], 6: ["unknown_goal", "changed_locked"]},
                              {4: ["no_forecast"], 8: ["late_without_comment"]}),
        "vimmerby": Mistakes({1: ["missing_link", "risk_out_of_range"], 5: ["budget_off_frame"]},
                             {3: ["edited_outcome"], 6: ["relinked"]}),
        "solleftea": Mistakes({3: ["bad_date"], 5: ["changed_locked"]}, {1: ["no_action_plan"]}),
    }.get(preset, Mistakes())


def _ledger_files(ws: Workspace, data: dict, preset: str, months: int) -> Path:
    """The preset's ledger export of the year's first `months` months (SIE 4, code page 437) in
    ekonomi/; Exempelkommun's January–August file is the one shipped with the samples."""
    from rodtrad.samples import ledgerdata

    year = data["municipality"]["budget_year"]
    path = ws.root / "ekonomi" / f"{preset}-{year}-{months:02d}.se"
    if preset == "exempelkommun" and path.name == ledgerdata.SIE_FILE:
        shutil.copyfile(ledgerdata.shipped(ledgerdata.SIE_FILE), path)
    else:
        path.write_bytes(ledgerdata.sie_text(months=months, data=data).encode("cp437"))
    return path


def _import_ledger(ws: Workspace, master, data: dict, preset: str, months: int) -> str:
    """Import the preset's ledger export as the economy department would (`import ledger`: it replaces
    what the file covers and is logged); Exempelkommun's previous year first, once (the same period
    last year beside this year's)."""
    from rodtrad.samples import ledgerdata

    from rodtrad.consolidator.imports import changes, ledger
    from rodtrad.consolidator.rollup.store import FILE_NAME

    said = ""
    previous = ws.root / "ekonomi" / ledgerdata.PREVIOUS_FILE
    if preset == "exempelkommun" and not previous.exists():
        shutil.copyfile(ledgerdata.shipped(ledgerdata.PREVIOUS_FILE), previous)
        changes.store(ledger.from_sie(previous, master), ws.root / FILE_NAME, previous)
        said = f" och föregående år ur {previous.name}"
    path = _ledger_files(ws, data, preset, months)
    imported = ledger.from_sie(path, master)
    changes.store(imported, ws.root / FILE_NAME, path)
    return f"{words.count(len(imported.rows), 'rad', 'rader')} utfall och budget (enhet, konto, månad) ur {path.name}{said}"


def _import_kolada(ws: Workspace, master, data: dict, preset: str) -> str:
    from rodtrad.samples import ledgerdata

    from rodtrad.consolidator.imports import changes, kolada
    from rodtrad.consolidator.rollup.store import FILE_NAME

    path = ws.root / "kolada" / f"kolada-{preset}.json"
    path.write_text(ledgerdata.kolada_json(data=data), encoding="utf-8")
    values, _ = kolada.read(path, master)
    kolada.store(values, ws.root / FILE_NAME, path)
    changes.record(ws.root / FILE_NAME, "kolada", path, {"nyckeltal": sorted({v[0] for v in values})},
                   {"värden": len(values)})
    return f"{len(values)} Kolada-värden för jämförelse med {max(len({v[1] for v in values}) - 1, 0)} andra kommuner"


DEMO_TEXTS = """## Väsentliga händelser

Kommunen har under året öppnat en ny förskola i Norra Åby och påbörjat ombyggnaden av Ängsskolan.
Efterfrågan på hemtjänst har ökat mer än beräknat.

## Förväntad utveckling

Skatteunderlaget väntas växa långsammare än i budgeten. Nämnderna behöver fortsätta arbetet med
sina åtgärdsplaner för att nå en budget i balans.

## Väsentliga personalförhållanden

Sjukfrånvaron har minskat något jämfört med föregående år. Rekryteringen av förskollärare och
sjuksköterskor är fortsatt svår.
"""


def run(directory: Path, seed: int = 2027, echo=print, preset: str = "exempelkommun", data: dict | None = None,
        periods: list[str] | None = None, planned: Mistakes | None = None, jobs: int | None = None,
        levels: tuple[str, ...] = LEVELS, documents: str = "inga") -> dict:
    """Run a preset's year in `directory` (created; a folder the demo made before is replaced).

    `data` replaces the preset's master data (a reduced organisation, in tests); `periods` limits the
    follow-ups to those ids (default: every follow-up period of the master data, in date order);
    `planned` replaces the preset's planted mistakes (positions fit for a reduced organisation); `jobs`
    is the number of processes generation and consolidation use (default: one per core); `levels` are
    the levels that assess their own part after the units at every period that assesses goals.
    Returns the workspace, master data, planted and found findings per period and the consolidations;
    raises SystemExit with a Swedish message when the folder is not the demo's or the master data is wrong.
    `documents`: "pdf" writes every period's report documents and a tagged PDF beside each of the delår's
    and helår's (LibreOffice); "docx" the documents only; "inga" none (as the tests that do not look at them).
    """
    root = Path(directory)
    if root.exists() and any(root.iterdir()):
        if not (root / MARKER).exists():
            raise SystemExit(f"{root} finns och är ingen demo-arbetsyta; välj en annan mapp.")
        shutil.rmtree(root)
    data = data or build(preset)
    ws = init(root, data)
    (root / MARKER).write_text("Skapad av `rodtrad demo`; tas bort och skapas om vid nästa körning.\n")
    master, findings = masterfile.load(ws.master_file)
    for p in (master.periods if master is not None else []):  # the economy department's texts (documents/texts.py)
        if p.kind in ("delår", "helår"):
            (root / "dokument" / f"texter-{p.id}.md").write_text(DEMO_TEXTS, encoding="utf-8")
    if master is None or findings:
        raise SystemExit(f"{data['municipality']['name']}: styrmodellen har fel: "
                         + "; ".join(f.message() for f in findings))
    planned = mistakes(preset) if planned is None else planned
    period = master.period(None).id
    echo(f"1. Arbetsyta:  {ws.root}  ({master.name}, {words.count(len(master.units()), 'enhet', 'enheter')})")
    paths = generate(master, period, ws.outbox(period), now=f"{master.years[0] - 1}-11-01 08:00:00", jobs=jobs)
    echo(f"2. Utskick:    {words.count(len(paths), 'förifylld arbetsbok', 'förifyllda arbetsböcker')} i {ws.outbox(period)}")
    planted = filler.fill_all(paths, ws.inbox(period), seed=seed, mistakes=planned.plan, master=master)
    echo(f"3. Svar:       {words.count(len(paths), 'ifylld arbetsbok', 'ifyllda arbetsböcker')} i {ws.inbox(period)} "
         f"({words.count(len({p[0] for p in planted}), 'enhet', 'enheter')} har gjort typiska misstag)")
    result = {"workspace": ws, "master": master, "period": period, "outbox": paths, "planted": planted,
              "checks": {}, "cycle": {}}
    from rodtrad.consolidator.consolidation.consolidate import consolidate  # noqa: PLC0415 - the demo runs the whole chain

    outcome = consolidate(root, period, jobs=jobs, documents=_docx(documents))
    echo(f"4. Kontroll:   {outcome.report.summary()}")
    echo(f"5. Rapporter:  {outcome.summary()}")
    result["report"], result["consolidation"] = outcome.report, outcome
    result["checks"][period] = (sorted(planted), _found(outcome.report))
    follow_ups = [p for p in sorted(master.periods, key=lambda p: p.date) if p.kind != "plan"
                  and (periods is None or p.id in periods)]
    step, imported = 6, 0
    first_assessing = next((p.id for p in follow_ups if p.kind != "månad"), None)
    for p in follow_ups:
        months = 12 if p.kind == "helår" or int(p.date[5:7]) > 8 else 8
        if months > imported:  # the ledger export as the economy department gets it: after August, then the year
            echo(f"{step}. Ekonomi:    {_import_ledger(ws, master, data, preset, months)}"
                 + (f"; {_import_kolada(ws, master, data, preset)}" if not imported else ""))
            imported, step = months, step + 1
        outcome, planted = _follow_up(root, master, p.id, seed, echo, step,
                                      planned.follow if p.id == first_assessing else {}, jobs, _docx(documents))
        result["cycle"][p.id] = outcome
        result["checks"][p.id] = (sorted(planted), _found(outcome.report))
        step += 1
        if p.kind != "månad":
            pdf = documents == "pdf" and p.kind in ("delår", "helår")
            outcome = _levels(root, master, p.id, seed, echo, step, jobs, levels, "pdf" if pdf else _docx(documents))
            result["cycle"][f"{p.id}/nivåer"] = outcome
            result["checks"][f"{p.id}/nivåer"] = (sorted(planted), _found(outcome.report))
            step += 1
    unexpected = {k: (sorted(set(found) - set(want)), sorted(set(want) - set(found)))
                  for k, (want, found) in result["checks"].items() if want != found}
    result["unexpected"] = unexpected
    for k, (extra, missing) in unexpected.items():
        echo(f"OBS {k}: {len(extra)} oväntade fel, {words.count(len(missing), 'planterat misstag', 'planterade misstag')} "
             "hittades inte.")
    echo(f"\nKlart. KF-rapporten för {outcome.period}: {outcome.kf_report}")
    echo(f"Alla perioders rapporter, valideringsrapporter, dataexport och manifest i {outcome.folder.parent}")
    if outcome.documents:
        made = "Word och taggad PDF" if outcome.documents[0].with_suffix(".pdf").exists() else "Word"
        echo(f"Rapportdokumenten ({made}) för fullmäktige och nämnderna bredvid, t.ex. {outcome.documents[0]}")
    for finding in outcome.findings:
        echo(f"Obs: {finding.message()}")
    result["kf_report"] = outcome.kf_report
    return result


def _found(report) -> list[tuple]:
    """(file, sheet, cell, code) of every finding, errors and warnings, in the period's returns (the
    levels' own returns too)."""
    return sorted((t.file, f.sheet, f.cell, f.code) for t in report.tasks for f in t.findings)


def _docx(documents: str) -> str:
    return "inga" if documents == "inga" else "docx"


def _levels(root: Path, master, period_id: str, seed: int, echo, step: int, jobs: int | None, levels=LEVELS,
            documents: str = "inga"):
    """Every level assesses: each förvaltning and board gets its consolidated units, writes its own
    judgement, and the period is consolidated again so the KF report carries every level's assessment."""
    from rodtrad.consolidator.consolidation.consolidate import consolidate
    from rodtrad.samples import followfill

    ws, period = Workspace(root), master.period(period_id)
    count = 0
    for level in levels:
        paths = generate(master, period_id, ws.outbox(period_id) / level, now=f"{period.date} 12:00:00", root=root,
                         level=level, jobs=jobs)
        followfill.fill_all(paths, ws.inbox(period_id) / level, master, seed=seed, mistakes={})
        count += len(paths)
    outcome = consolidate(root, period_id, jobs=jobs, documents=documents)
    echo(f"{step}. Förvaltningar och nämnder, {period.name}: {words.count(count, 'arbetsbok', 'arbetsböcker')} med enheternas sammanställning; "
         f"egna bedömningar, prognoser och åtgärdsplaner tillbaka; {outcome.summary()}")
    return outcome


def _follow_up(root: Path, master, period_id: str, seed: int, echo, step: int, planned: dict, jobs: int | None,
               documents: str = "inga"):
    """One follow-up period: generate from what the workspace holds, answer, consolidate."""
    from rodtrad.consolidator.consolidation.consolidate import consolidate
    from rodtrad.samples import followfill

    ws, period = Workspace(root), master.period(period_id)
    notes: list[str] = []
    paths = generate(master, period_id, ws.outbox(period_id), now=f"{period.date} 08:00:00", root=root, notes=notes,
                     jobs=jobs)
    planted = followfill.fill_all(paths, ws.inbox(period_id), master, seed=seed, mistakes=planned)
    outcome = consolidate(root, period_id, jobs=jobs, documents=documents)
    echo(f"{step}. {period.name}: {words.count(len(paths), 'arbetsbok', 'arbetsböcker')} förifyllda ur plan, huvudbok och Kolada; "
         f"{words.count(len({p[0] for p in planted}), 'enhet', 'enheter')} med planterade misstag; {outcome.summary()}")
    return outcome, planted
