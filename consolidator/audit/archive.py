"""A sealed archive of one consolidation: inputs, master data, history, reports and manifest."""
from __future__ import annotations

import json
import os
import stat
import zipfile
from pathlib import Path

from rodtrad.consolidator.model import inputstate
from rodtrad.consolidator.consolidation.manifest import NAME as MANIFEST
from rodtrad.consolidator.model.files import sha256
from rodtrad.consolidator.rollup.store import FILE_NAME as HISTORY
from rodtrad.consolidator.model.workspace import Workspace

FIXED_TIME = (2000, 1, 1, 0, 0, 0)


class ArchiveError(Exception):
    """Why no archive could be made, in Swedish."""


def members(root: Path, period: str) -> dict[str, str]:
    """Everything verification of a period needs, by path in the workspace -> what it is
    (inputstate kind): the master data, every input and ignored path of the inbox as the manifest
    records it, the sent copies validation compared the returns with, every report, the manifest,
    and the history the reports read."""
    ws = Workspace(Path(root))
    folder = ws.reports(period)
    manifest_path = folder / MANIFEST
    if not manifest_path.exists():
        raise ArchiveError(f"Perioden {period} är inte sammanställd (ingen {MANIFEST} i rapporter/{period}).")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    out = {manifest["master_data"]["path"]: inputstate.FILE}
    out |= {i["path"]: inputstate.recorded(i)[0] for i in manifest["inputs"]}
    for item in manifest["ignored"]:  # a lock file left in the inbox: it is in the validation report
        kind = inputstate.state(ws.root / item["path"])[0]
        if kind != inputstate.MISSING:
            out[item["path"]] = kind
    out |= {i["path"]: inputstate.FILE for i in manifest.get("sent", [])}
    out |= {f"rapporter/{period}/{o['path']}": inputstate.FILE for o in manifest["outputs"]}
    out[f"rapporter/{period}/{MANIFEST}"] = inputstate.FILE
    if (ws.root / HISTORY).exists():
        out[HISTORY] = inputstate.FILE
    return out


def archive(root: Path, period: str, target: Path | None = None) -> tuple[Path, str]:
    """Pack what verification needs (`members`); returns the archive's path and SHA-256.

    Entries are sorted and carry a fixed time, so the same consolidation gives the same archive.
    An input that was a folder is packed as a folder, a broken link as a link (to nothing), so
    verify of the archive finds what the consolidation found. Raises ArchiveError (Swedish) when
    something the manifest names is no longer what it was."""
    ws = Workspace(Path(root))
    wanted = members(ws.root, period)
    target = Path(target or ws.root / "arkiv" / f"{period}.zip")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".tmp")
    try:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
            for name in sorted(wanted):
                kind, _ = inputstate.state(ws.root / name)
                if kind != wanted[name]:
                    raise ArchiveError(f"{name} är {inputstate.describe(kind)}, men var {inputstate.describe(wanted[name])} "
                                       "vid sammanställningen; kör `rodtrad verify` för att se vad som ändrats.")
                _write(zf, name, kind, ws.root / name)
        tmp.replace(target)
    finally:
        tmp.unlink(missing_ok=True)
    return target, sha256(target)


def _write(zf: zipfile.ZipFile, name: str, kind: str, path: Path) -> None:
    if kind == inputstate.FOLDER:
        info = zipfile.ZipInfo(name + "/", date_time=FIXED_TIME)
        info.external_attr = (stat.S_IFDIR | 0o755) << 16 | 0x10
        zf.writestr(info, b"")
        return
    info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
    info.create_system = 3  # Unix: the mode bits below are read back by restore()
    if kind == inputstate.BROKEN_LINK:  # the target is not kept: it pointed nowhere, and may name a private path
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(info, b"", zipfile.ZIP_STORED)
    elif kind == inputstate.UNREADABLE:
        info.external_attr = stat.S_IFREG << 16  # no permission bits: unreadable, as it was
        zf.writestr(info, b"", zipfile.ZIP_STORED)
    else:
        info.external_attr = (stat.S_IFREG | 0o644) << 16
        zf.writestr(info, path.read_bytes(), zipfile.ZIP_DEFLATED)


def restore(path: Path, into: Path) -> None:
    """After unpacking: inputs that were broken links become broken links again, unreadable ones
    lose their permissions (folders came back as folders). Only names already unpacked into
    `into` are touched."""
    into = Path(into)
    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist():
            mode = info.external_attr >> 16
            if info.create_system != 3 or info.is_dir():
                continue
            target = into / info.filename
            if not target.is_file() or target.is_symlink():
                continue
            if stat.S_ISLNK(mode):
                target.unlink()
                os.symlink(f".{target.name}.saknas", target)  # relative, and pointing nowhere
            elif stat.S_ISREG(mode) and not mode & 0o777:
                os.chmod(target, 0)


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
