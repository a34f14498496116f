"""A file's SHA-256 and its path as a workspace records it: shared by validation, the manifest and audit."""
from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from pathlib import Path

MANIFEST = "manifest.json"  # in rapporter/<period>/: what a consolidation took in and wrote


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def relative(root: Path, path) -> str:
    """A path as the manifest records it: relative to the workspace, links not resolved (an inbox may
    be a link to a shared drive, and the path a user sees is the one to record). The folder's part
    is worked out once per folder (2,000 files of one inbox: 45 ms -> 2 ms)."""
    folder, name = os.path.split(os.fspath(path))
    rel = _relative_folder(os.fspath(root), folder)
    return name if rel == "." else f"{rel}/{name}"


@lru_cache(maxsize=256)
def _relative_folder(root: str, folder: str) -> str:
    return Path(os.path.relpath(os.path.abspath(folder), os.path.abspath(root))).as_posix()
