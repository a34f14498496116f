"""A sealed archive of one consolidation: inputs, master data, history, reports and manifest."""
from __future__ import annotations

import json
import shutil
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
            path = inside(ws.root, name)
            if not path.is_file():
                raise ArchiveError(f"{name} finns inte längre; kör `rodtrad verify` för att se vad som ändrats.")
            zf.writestr(zipfile.ZipInfo(name, date_time=FIXED_TIME), path.read_bytes(), zipfile.ZIP_DEFLATED)
    tmp.replace(target)
    return target, sha256(target)


def inside(root: Path, name: str) -> Path:
    """The workspace file a manifest names, only if it really lies in the workspace: a name that
    climbs out (`../`, an absolute path) or a symbolic link that points out is refused, so an
    archive never carries a file from elsewhere on the computer."""
    base = Path(root).resolve()
    path = Path(root) / name
    if Path(name).is_absolute() or not path.resolve().is_relative_to(base):
        raise ArchiveError(f"{name} pekar ut ur arbetsytan ({path.resolve()}); den packas inte. "
                           "Manifestet eller inkorgen har ändrats: kör `rodtrad verify`.")
    return path


# An archive holds a whole period (every returned workbook, the reports, the history), so its bounds
# are those of a workbook (grid.py) scaled to a period: members, bytes unpacked, and the ratio of
# unpacked to packed bytes, counted while unpacking (the sizes the zip states are not trusted).
MAX_MEMBERS = 100_000
MAX_UNPACKED = 4 << 30
MAX_RATIO = 200  # deflate reaches ~1000 on zeros; real members (xlsx, JSON, SQLite) stay far below
RATIO_FROM = 1 << 20  # small members may compress well: the ratio is checked from 1 MiB unpacked
CHUNK = 1 << 20


def unpack(path: Path, into: Path) -> Path:
    """Extract an archive into `into`, within bounds: at most MAX_MEMBERS members and MAX_UNPACKED
    bytes, no member past MAX_RATIO × its packed size, no name outside `into`. Raises
    ArchiveError (Swedish) and leaves nothing it unpacked behind when a bound is passed."""
    into = Path(into)
    base = into.resolve()
    total = 0
    try:
        with zipfile.ZipFile(path) as zf:
            members = zf.infolist()
            if len(members) > MAX_MEMBERS:
                raise ArchiveError(f"Arkivet har {len(members)} filer (högst {MAX_MEMBERS}) och packas inte upp.")
            for member in members:
                target = (into / member.filename).resolve()
                if not target.is_relative_to(base) or target == base:
                    raise ArchiveError(f"Arkivet innehåller en otillåten sökväg: {member.filename}")
            for member in members:
                total = _extract(zf, member, into / member.filename, total)
    except BaseException:
        for child in into.iterdir() if into.exists() else ():
            shutil.rmtree(child, ignore_errors=True) if child.is_dir() else child.unlink(missing_ok=True)
        raise
    return into


def _extract(zf: zipfile.ZipFile, member: zipfile.ZipInfo, target: Path, total: int) -> int:
    if member.is_dir():
        target.mkdir(parents=True, exist_ok=True)
        return total
    target.parent.mkdir(parents=True, exist_ok=True)
    written, packed = 0, max(member.compress_size, 1)
    with zf.open(member) as src, target.open("wb") as out:
        while chunk := src.read(CHUNK):
            written += len(chunk)
            total += len(chunk)
            if total > MAX_UNPACKED:
                raise ArchiveError(f"Arkivet packas upp till mer än {MAX_UNPACKED >> 30} GB och packas inte upp.")
            if written > RATIO_FROM and written > MAX_RATIO * packed:
                raise ArchiveError(f"{member.filename} i arkivet packas upp mer än {MAX_RATIO} gånger sin storlek "
                                   "(en zip-bomb?) och packas inte upp.")
            out.write(chunk)
    return total
