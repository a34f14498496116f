"""What an input path is on disk, recorded by consolidation and checked again by verify the same way.

Consolidation accepts more than files: an empty file, a folder named like a workbook, a link that
points nowhere, a file it may not read. Each becomes a finding for the unit; for the auditor each
must be recorded so that `verify` finds the same thing again, rather than a false alarm ("ändrad"
for an empty file, a crash on a folder). `state()` is the one way both sides look at a path.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

FILE, FOLDER, BROKEN_LINK, UNREADABLE, MISSING = "fil", "mapp", "bruten länk", "oläsbar", "saknas"
WORDS = {FILE: "en fil", FOLDER: "en mapp", BROKEN_LINK: "en länk som inte pekar på något",
         UNREADABLE: "en fil som inte går att läsa", MISSING: "borta"}


def state(path) -> tuple[str, str]:
    """(kind, SHA-256 of the content) of a path: a file (links followed; an empty file has the
    SHA-256 of nothing, e3b0c442…), a folder, a broken link, an unreadable file (no hash) or
    missing. Never raises."""
    path = Path(path)
    try:
        if path.is_dir():
            return FOLDER, ""
        if not path.exists():
            return (BROKEN_LINK if path.is_symlink() else MISSING), ""
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
        return FILE, digest.hexdigest()
    except OSError:
        return UNREADABLE, ""


def recorded(entry: dict) -> tuple[str, str]:
    """(kind, SHA-256) as a manifest entry records it (manifests before `kind` was recorded: a file)."""
    return entry.get("kind", FILE), entry.get("sha256", "")


def describe(kind: str) -> str:
    return WORDS.get(kind, kind)
