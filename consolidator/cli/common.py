"""What the commands share: loading the master data, printing findings, finding the workspace."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from rodtrad.consolidator.reading import masterfile
from rodtrad.consolidator.model import masterdata
from rodtrad.consolidator.model.findings import ERROR
from rodtrad.consolidator.model.workspace import Workspace


def print_findings(findings, lang="sv", indent="  ") -> None:
    for f in findings:
        where = f" {f.where}" if f.where else ""
        mark = "FEL" if f.severity == ERROR else "VARNING" if f.severity == "warning" else "INFO"
        if lang == "en":
            mark = {"FEL": "ERROR", "VARNING": "WARNING"}.get(mark, mark)
        click.echo(f"{indent}{mark}{where} [{f.code}] {f.message(lang)}")
        if f.hint(lang):
            click.echo(f"{indent}    → {f.hint(lang)}")


def load_master(root: Path, lang: str = "sv") -> masterdata.MasterData:
    ws = Workspace(root)
    if not ws.master_file.exists():
        raise click.UsageError(f"Hittar ingen {masterdata.FILE_NAME} i {root} (skapa en med `rodtrad init`).")
    master, findings = masterfile.load(ws.master_file)
    if master is None:
        click.echo(f"{ws.master_file}: styrmodellen har fel och kan inte användas:", err=True)
        print_findings(findings, lang)
        sys.exit(1)
    return master


def find_workspace(start: Path) -> Path | None:
    for folder in [Path(start).resolve(), *Path(start).resolve().parents]:
        if (folder / masterdata.FILE_NAME).is_file():
            return folder
    return None
