"""manifest.json: every input with its hash and verdict, the master data, the tool, every output."""
from __future__ import annotations

import json
from pathlib import Path

from rodtrad.consolidator import __version__
from rodtrad.consolidator.rules import BUILTIN
from rodtrad.consolidator.model import inputstate

from rodtrad.consolidator.model.files import MANIFEST, relative, sha256  # noqa: F401 - relative, sha256: the manifest's own terms

NAME = MANIFEST


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
