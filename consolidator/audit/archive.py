"""A sealed archive of one consolidation: inputs, master data, history, reports and manifest."""
from __future__ import annotations

import json
import zipfile
from pathlib import Path

from rodtrad.consolidator.consolidation.manifest import NAME as MANIFEST
from rodtrad.consolidator.model.files import sha256
from rodtrad.consolidator.rollup.store import FILE_NAME as HISTORY
from rodtrad.consolidator.model.workspace import Workspace

FIXED_TIME = (2000, 1, 1, 0, 0, 0)


class ArchiveError(Exception):
    """Why no archive could be made, in Swedish."""


def archive(root: Path, period: str, target: Path | None = None) -> tuple[Path, str]:
    """Pack exactly what the manifest names (plus the history the reports read); returns path and SHA-256.

    Entries are sorted and carry a fixed time, so the same consolidation gives the same archive."""
    ws = Workspace(Path(root))
    folder = ws.reports(period)
    manifest_path = folder / MANIFEST
    if not manifest_path.exists():
        raise ArchiveError(f"Perioden {period} är inte sammanställd (ingen {MANIFEST} i {folder}).")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    members = [manifest["master_data"]["path"]] + [i["path"] for i in manifest["inputs"]]
    members += [f"rapporter/{period}/{o['path']}" for o in manifest["outputs"]] + [f"rapporter/{period}/{MANIFEST}"]
    if (ws.root / HISTORY).exists():
        members.append(HISTORY)
    target = Path(target or ws.root / "arkiv" / f"{period}.zip")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in sorted(set(members)):
            path = ws.root / name
            if not path.is_file():
                raise ArchiveError(f"{name} finns inte längre; kör `rodtrad verify` för att se vad som ändrats.")
            zf.writestr(zipfile.ZipInfo(name, date_time=FIXED_TIME), path.read_bytes(), zipfile.ZIP_DEFLATED)
    tmp.replace(target)
    return target, sha256(target)


def unpack(path: Path, into: Path) -> Path:
    """Extract an archive (names checked: nothing may land outside `into`)."""
    into = Path(into)
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            target = (into / name).resolve()
            if not str(target).startswith(str(into.resolve())):
                raise ArchiveError(f"Arkivet innehåller en otillåten sökväg: {name}")
        zf.extractall(into)
    return into
