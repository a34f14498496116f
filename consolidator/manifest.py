"""manifest.json: every input with its hash and verdict, the master data, the tool, every output."""
from __future__ import annotations

import hashlib
import json
import os
from functools import lru_cache
from pathlib import Path

from . import __version__, inputstate
from .rules import BUILTIN

NAME = "manifest.json"


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


def inputs(root: Path, tasks, included: set[str]) -> list[dict]:
    """The manifest's inputs: every file validated, with its verdict and whether it was taken in."""
    out = []
    for t in tasks:
        verdict = "ej läsbar" if not t.unit else ("godkänd" if t.valid else "fel")
        # what validation read has its hash; anything else (an empty file, a folder, a broken link)
        # is recorded as verify will find it again (inputstate.state)
        kind, digest = (inputstate.FILE, t.sha256) if t.sha256 else inputstate.state(t.path)
        out.append({"path": relative(root, t.path), "size": t.size, "sha256": digest, "kind": kind, "unit": t.unit,
                    "template_version": t.template_version, "verdict": verdict, "findings": len(t.findings),
                    "errors": t.errors, "warnings": t.warnings, "consolidated": t.path in included})
    return out


SENT = "underlag.jsonl"  # followup.SENT_FILE: what the outbox sent, which validation compares returns with


def sent(root: Path, period: str) -> list[dict]:
    """The sent copies validation compared the returned workbooks with (the units' and the levels',
    utskick/<period>/**/underlag.jsonl), each with its SHA-256: verify needs them as they were."""
    folder = Path(root) / "utskick" / period
    if not folder.is_dir():
        return []
    return [{"path": relative(root, p), "sha256": sha256(p)} for p in sorted(folder.rglob(SENT)) if p.is_file()]


def build(root: Path, period: str, master_file: Path, inputs: list[dict], ignored, outputs_dir: Path,
          include_invalid: bool) -> dict:
    """No wall-clock time goes in: the same inputs give the same manifest. `inputs` from `inputs()`;
    `ignored` as (path relative to the workspace, reason)."""
    def rel(path) -> str:
        return relative(root, path)

    outputs = [{"path": p.relative_to(outputs_dir).as_posix(), "size": p.stat().st_size, "sha256": sha256(p)}
               for p in sorted(outputs_dir.rglob("*")) if p.is_file() and p.name != NAME]
    return {
        "tool": {"name": "rodtrad", "version": __version__, "rules": list(BUILTIN)},
        "period": period,
        "include_invalid": include_invalid,
        "master_data": {"path": rel(master_file), "sha256": sha256(master_file)},
        "inputs": inputs,
        "ignored": [{"path": p, "reason": reason, "kind": inputstate.state(Path(root) / p)[0]} for p, reason in ignored],
        "sent": sent(root, period),
        "outputs": outputs,
    }


def write(manifest: dict, folder: Path) -> Path:
    path = Path(folder) / NAME
    path.write_text(json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return path
