"""`rodtrad demo`: Exempelkommun end to end, as far as the project goes today."""
from __future__ import annotations

import shutil
from pathlib import Path

from rodtrad.consolidator.reading import masterfile
from rodtrad.samples import build

from rodtrad.samples import filler
from rodtrad.consolidator.workbooks.generate import generate
from rodtrad.consolidator.model.workspace import Workspace
from rodtrad.consolidator.workbooks.masterbook import init

MARKER = ".rodtrad-demo"


def _imports(ws: Workspace, master) -> str:
    """The shipped ledger export and Kolada file, copied into the workspace and imported."""
    from rodtrad.samples import ledgerdata

    from rodtrad.consolidator.imports import kolada, ledger
    from rodtrad.consolidator.rollup.store import FILE_NAME

    sie_path, kolada_path = ws.root / "ekonomi" / ledgerdata.SIE_FILE, ws.root / "kolada" / ledgerdata.KOLADA_FILE
    shutil.copyfile(ledgerdata.shipped(ledgerdata.SIE_FILE), sie_path)
    shutil.copyfile(ledgerdata.shipped(ledgerdata.KOLADA_FILE), kolada_path)
    rows = ledger.store(ledger.from_sie(sie_path, master), ws.root / FILE_NAME, sie_path.name)
    values, _ = kolada.read(kolada_path, master)
    kolada.store(values, ws.root / FILE_NAME)
    return (f"{rows} rader utfall och budget (enhet, konto, månad) ur {sie_path.name}; "
            f"{len(values)} Kolada-värden för jämförelse med {len({v[1] for v in values}) - 1} andra kommuner")


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


def run(directory: Path, seed: int = 2027, echo=print, documents: str = "inga") -> dict:
    """The demo end to end. `documents`: "pdf" writes every period's report documents and a tagged PDF
    beside each of the delår's (LibreOffice); "docx" the documents only; "inga" none (as the tests
    that do not look at them)."""
    root = Path(directory)
    if root.exists() and any(root.iterdir()):
        if not (root / MARKER).exists():
            raise SystemExit(f"{root} finns och är ingen demo-arbetsyta; välj en annan mapp.")
        shutil.rmtree(root)
    ws = init(root, build("exempelkommun"))
    (root / MARKER).write_text("Skapad av `rodtrad demo`; tas bort och skapas om vid nästa körning.\n")
    (root / "dokument" / f"texter-{FOLLOW_UPS[-1]}.md").write_text(DEMO_TEXTS, encoding="utf-8")
    master, findings = masterfile.load(ws.master_file)
    if master is None:
        raise SystemExit("Exempelkommuns styrmodell har fel: " + "; ".join(f.message() for f in findings))
    period = master.period(None).id
    echo(f"1. Arbetsyta:  {ws.root}  ({master.name}, {len(master.units())} enheter)")
    paths = generate(master, period, ws.outbox(period), now=f"{master.years[0] - 1}-11-01 08:00:00")
    echo(f"2. Utskick:    {len(paths)} förifyllda arbetsböcker i {ws.outbox(period)}")
    planted = filler.fill_all(paths, ws.inbox(period), seed=seed)
    units_with_mistakes = len({p[0] for p in planted})
    echo(f"3. Svar:       {len(paths)} ifyllda arbetsböcker i {ws.inbox(period)} "
         f"({units_with_mistakes} enheter har gjort typiska misstag)")
    result = {"workspace": ws, "master": master, "period": period, "outbox": paths, "planted": planted}
    from rodtrad.consolidator.consolidation.consolidate import consolidate  # noqa: PLC0415 - the demo runs as far as the project goes

    outcome = consolidate(root, period, documents=_docx(documents))
    echo(f"4. Kontroll:   {outcome.report.summary()}")
    echo(f"5. Rapporter:  {outcome.summary()}")
    result["report"], result["consolidation"] = outcome.report, outcome
    echo(f"6. Ekonomi:    {_imports(ws, master)}")
    result["cycle"] = {}
    step = 7
    for period_id in FOLLOW_UPS:
        outcome = _follow_up(root, master, period_id, seed, echo, step, _docx(documents))
        result["cycle"][period_id] = outcome
        step += 1
        if master.period(period_id).kind != "månad":  # the boards assess T1 and delår themselves
            last = documents == "pdf" and period_id == FOLLOW_UPS[-1]
            outcome = _boards(root, master, period_id, seed, echo, step, "pdf" if last else _docx(documents))
            result["cycle"][f"{period_id}/nämnd"] = outcome
            step += 1
    echo(f"\nKlart. KF-rapporten för {outcome.period}: {outcome.kf_report}")
    if outcome.documents:
        made = "Word och taggad PDF" if outcome.documents[0].with_suffix(".pdf").exists() else "Word"
        echo(f"Rapportdokumenten ({made}) för fullmäktige och nämnderna bredvid: {outcome.documents[0]}")
    for finding in outcome.findings:
        echo(f"Obs: {finding.message()}")
    echo(f"Alla perioders rapporter, valideringsrapporter, dataexport och manifest i {outcome.folder.parent}")
    return result


FOLLOW_UPS = ("2027-T1", "2027-05", "2027-delar")  # plan → tertial 1 → a month → delår


def _boards(root: Path, master, period_id: str, seed: int, echo, step: int, documents: str = "inga"):
    """Every level assesses: each board gets the consolidated units, writes its own judgement, and the
    period is consolidated again so the KF report carries the boards' assessments."""
    from rodtrad.samples import followfill
    from rodtrad.consolidator.consolidation.consolidate import consolidate

    ws, period = Workspace(root), master.period(period_id)
    paths = generate(master, period_id, ws.outbox(period_id) / "nämnd", now=f"{period.date} 12:00:00", root=root,
                     level="nämnd")
    followfill.fill_all(paths, ws.inbox(period_id) / "nämnd", master, seed=seed, mistakes={})
    outcome = consolidate(root, period_id, documents=documents)
    echo(f"{step}. Nämnderna, {period.name}: {len(paths)} arbetsböcker med enheternas sammanställning; nämndernas egna "
         f"bedömningar, prognoser och åtgärdsplaner tillbaka; {outcome.summary()}")
    return outcome


def _docx(documents: str) -> str:
    return "inga" if documents == "inga" else "docx"


def _follow_up(root: Path, master, period_id: str, seed: int, echo, step: int, documents: str = "inga"):
    """One follow-up period: generate from what the workspace holds, answer, consolidate."""
    from rodtrad.samples import followfill
    from rodtrad.consolidator.consolidation.consolidate import consolidate

    ws, period = Workspace(root), master.period(period_id)
    notes: list[str] = []
    paths = generate(master, period_id, ws.outbox(period_id), now=f"{period.date} 08:00:00", root=root, notes=notes)
    mistakes = followfill.DEMO_MISTAKES if period_id == FOLLOW_UPS[0] else {}
    planted = followfill.fill_all(paths, ws.inbox(period_id), master, seed=seed, mistakes=mistakes)
    outcome = consolidate(root, period_id, documents=documents)
    echo(f"{step}. {period.name}: {len(paths)} arbetsböcker förifyllda ur plan, huvudbok och Kolada; "
         f"{len({p[0] for p in planted})} enheter med planterade misstag; {outcome.summary()}")
    return outcome
