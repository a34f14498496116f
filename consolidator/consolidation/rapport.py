"""`rodtrad rapport`: the report documents of an already consolidated period, again or on request.

The period's inputs are rolled up again into a temporary folder (as `verify` does), the documents
asked for are written there, and they are moved into rapporter/<period>/ beside the Excel reports,
with their hashes in the manifest. A förvaltning (or any node that is not KF or a board) gets its
own Excel report too, on request: its document's figures must have a workbook to come from; the
manifest records it under `on_request`, so `verify` rebuilds it like the others.
"""
from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from rodtrad.consolidator.consolidation import manifest as mf
from rodtrad.consolidator.consolidation.consolidate import ConsolidationError, build, master_and_period
from rodtrad.consolidator.consolidation.lock import Lock, LockError
from rodtrad.consolidator.model.workspace import Workspace, safe_name
from rodtrad.consolidator.reports.node import BOARD_LEVELS


@dataclass
class Written:
    period: str
    documents: list[Path] = field(default_factory=list)
    pdfs: list[Path] = field(default_factory=list)
    findings: list = field(default_factory=list)
    stale: list[Path] = field(default_factory=list)  # PDFs removed: their document changed, no new PDF made


def report_name(master, node_id: str, period) -> str:
    """The Excel report of a node that is neither KF nor a board (written on request)."""
    node = master.by_id[node_id]
    return safe_name(f"Rapport {node_id} {node.name} {period.id}") + ".xlsx"


def rapport(root: Path, period_id: str, nodes: tuple = (), documents: str = "pdf", jobs: int | None = None) -> Written:
    """Write the documents of `nodes` (all KF and board documents when none) for a consolidated period.
    Raises ConsolidationError (Swedish) when the period is unknown, not consolidated or a node unknown."""
    ws = Workspace(Path(root))
    master, period = master_and_period(ws, period_id)
    folder = ws.reports(period.id)
    manifest_path = folder / mf.NAME
    if not manifest_path.exists():
        raise ConsolidationError(f"Perioden {period.id} är inte sammanställd. Kör först: rodtrad consolidate "
                                 f"{ws.root} --period {period.id}")
    unknown = [n for n in nodes if n not in master.by_id]
    if unknown:
        raise ConsolidationError(f"Okänd nod i styrmodellen: {', '.join(unknown)}.")
    recorded = json.loads(manifest_path.read_text(encoding="utf-8"))
    extra = {tuple(x) for x in recorded.get("on_request", [])}
    for node_id in nodes:
        if master.by_id[node_id].level not in BOARD_LEVELS and master.by_id[node_id].parent:
            extra.add((node_id, report_name(master, node_id, period)))
    extra = sorted(extra)
    written = Written(period.id)
    try:
        lock = Lock(folder.parent / f".{period.id}.lock", period.id).__enter__()
    except LockError as exc:
        raise ConsolidationError(str(exc), lock=exc) from None
    try:
        stage = folder.parent / f".{period.id}.rapport"
        shutil.rmtree(stage, ignore_errors=True)
        stage.mkdir(parents=True)
        try:
            result = build(ws, master, period, stage, recorded.get("include_invalid", False), jobs, None, None,
                           documents, tuple(extra), nodes or None, keep_charts=True)
            written.findings = result.findings
            wanted = [p for p in result.documents]
            moved, stale = [], []
            for doc in wanted:
                stale += _stale_pdf(folder / doc.name, doc)
                for path in (doc, doc.with_suffix(".pdf"), *([doc.with_suffix(".xlsx")]
                                                            if any(doc.with_suffix(".xlsx").name == name for _, name in extra)
                                                            else [])):
                    if path.exists():
                        os.replace(path, folder / path.name)
                        moved.append(folder / path.name)
            written.documents = [folder / d.name for d in wanted]
            written.pdfs = [p for p in moved if p.suffix == ".pdf"]
            written.stale = stale
            _record(recorded, folder, moved, extra, stale)
            mf.write(recorded, folder)
        finally:
            shutil.rmtree(stage, ignore_errors=True)
    finally:
        lock.__exit__(None, None, None)
    return written


def _stale_pdf(old: Path, new: Path) -> list[Path]:
    """The PDF beside `old` (the document in rapporter/) when `new` (just written, no PDF made for it)
    differs from it: that PDF says what the document no longer says. Removed here; [] when the
    document is unchanged (its PDF still fits) or there is no PDF to remove."""
    pdf = old.with_suffix(".pdf")
    if new.with_suffix(".pdf").exists() or not pdf.exists():
        return []
    if old.exists() and mf.sha256(old) == mf.sha256(new):
        return []
    pdf.unlink()
    return [pdf]


def _record(recorded: dict, folder: Path, paths: list[Path], extra: list, removed: list[Path] = ()) -> None:
    """The manifest's outputs with `paths` added or brought up to date and `removed` taken out; the
    reports on request named."""
    outputs = {o["path"]: o for o in recorded["outputs"]}
    for path in removed:
        outputs.pop(path.relative_to(folder).as_posix(), None)
    for path in paths:
        rel = path.relative_to(folder).as_posix()
        outputs[rel] = {"path": rel, "size": path.stat().st_size, "sha256": mf.sha256(path)}
    recorded["outputs"] = [outputs[k] for k in sorted(outputs)]
    if extra:
        recorded["on_request"] = [list(x) for x in extra]
