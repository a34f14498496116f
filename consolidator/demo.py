"""`rodtrad demo`: Exempelkommun end to end, as far as the project goes today."""
from __future__ import annotations

import shutil
from pathlib import Path

from rodtrad.samples import build

from . import filler, masterdata
from .generate import generate
from .workspace import Workspace, init

MARKER = ".rodtrad-demo"


def run(directory: Path, seed: int = 2027, echo=print) -> dict:
    root = Path(directory)
    if root.exists() and any(root.iterdir()):
        if not (root / MARKER).exists():
            raise SystemExit(f"{root} finns och är ingen demo-arbetsyta; välj en annan mapp.")
        shutil.rmtree(root)
    ws = init(root, build("exempelkommun"))
    (root / MARKER).write_text("Skapad av `rodtrad demo`; tas bort och skapas om vid nästa körning.\n")
    master, findings = masterdata.load(ws.master_file)
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
    from .consolidate import consolidate  # noqa: PLC0415 - the demo runs as far as the project goes

    outcome = consolidate(root, period)
    echo(f"4. Kontroll:   {outcome.report.summary()}")
    echo(f"5. Rapporter:  {outcome.summary()}")
    result["report"], result["consolidation"] = outcome.report, outcome
    echo(f"\nKlart. KF-rapporten: {outcome.kf_report}")
    echo(f"Nämndrapporter, valideringsrapport, inlämningsstatus, dataexport och manifest i {outcome.folder}")
    return result
