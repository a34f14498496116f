"""A sealed archive of one consolidation: inputs, master data, history, reports and manifest."""
from __future__ import annotations

import json
import os
import shutil
import stat
import zipfile
from pathlib import Path

from rodtrad.consolidator.consolidation.manifest import NAME as MANIFEST
from rodtrad.consolidator.model import inputstate
from rodtrad.consolidator.model.files import sha256
from rodtrad.consolidator.rollup.store import FILE_NAME as HISTORY
from rodtrad.consolidator.documents import template, texts
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
    # The documents are made again by verify from the workspace's own template and texts.
    for doc_input in (Path(template.FOLDER) / template.FILE_NAME, texts.file_for(Path(template.FOLDER), period)):
        if inputstate.state(ws.root / doc_input)[0] == inputstate.FILE:
            out[doc_input.as_posix()] = inputstate.FILE
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
                if Path(name).is_absolute() or ".." in Path(name).parts:
                    raise ArchiveError(f"{name} pekar ut ur arbetsytan; den packas inte. "
                                       "Manifestet har ändrats: kör `rodtrad verify`.")
                kind, _ = inputstate.state(ws.root / name)
                if kind != wanted[name]:
                    raise ArchiveError(f"{name} är {inputstate.describe(kind)}, men var {inputstate.describe(wanted[name])} "
                                       "vid sammanställningen; kör `rodtrad verify` för att se vad som ändrats.")
                _write(zf, name, kind, ws.root)
        tmp.replace(target)
    finally:
        tmp.unlink(missing_ok=True)
    return target, sha256(target)


def _write(zf: zipfile.ZipFile, name: str, kind: str, root: Path) -> None:
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
        zf.writestr(info, inside(root, name).read_bytes(), zipfile.ZIP_DEFLATED)


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
