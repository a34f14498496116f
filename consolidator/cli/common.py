"""What the commands share: loading the master data, printing findings, finding the workspace."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from rodtrad.consolidator.reading import masterfile
from rodtrad.consolidator.model import masterdata
from rodtrad.consolidator.model.findings import ERROR
from rodtrad.consolidator.model.workspace import Workspace


def mark(severity: str, lang: str = "sv") -> str:
    """A finding's severity as the CLI shows it: FEL, VARNING, INFO (ERROR, WARNING, INFO)."""
    if lang == "en":
        return {ERROR: "ERROR", "warning": "WARNING"}.get(severity, "INFO")
    return {ERROR: "FEL", "warning": "VARNING"}.get(severity, "INFO")


LIMIT = 10  # findings of one code printed; the rest are counted ("… och 157 till av samma slag")


def print_findings(findings, lang="sv", indent="  ", limit: int = LIMIT) -> None:
    """Each finding with its place, code, message and hint; at most `limit` of each code (a file that
    is not what it claims to be can give hundreds of the same), the rest counted on one line per
    code. Every finding is in the command's --json and --report, where those exist."""
    shown: dict[str, int] = {}
    for f in findings:
        shown[f.code] = shown.get(f.code, 0) + 1
        if limit and shown[f.code] > limit:
            continue
        where = f" {f.where}" if f.where else ""
        click.echo(f"{indent}{mark(f.severity, lang)}{where} [{f.code}] {f.message(lang)}")
        if f.hint(lang):
            click.echo(f"{indent}    → {f.hint(lang)}")
    for code, n in shown.items():
        if limit and n > limit:
            more = n - limit
            click.echo(f"{indent}… and {more} more of the same kind [{code}]" if lang == "en"
                       else f"{indent}… och {more} till av samma slag [{code}]")


def load_master(root: Path, lang: str = "sv") -> masterdata.MasterData:
    ws = Workspace(root)
    if not ws.master_file.exists():
        raise click.UsageError(f"Hittar ingen {masterdata.FILE_NAME} i {root} (skapa en med `rodtrad init`).")
    master, findings = masterfile.load(ws.master_file)
    if master is None:
        click.echo(f"{ws.master_file}: " + ("the master data has errors and cannot be used:" if lang == "en" else
                                            "styrmodellen har fel och kan inte användas:"), err=True)
        print_findings(findings, lang)
        sys.exit(1)
    return master


def find_workspace(start: Path) -> Path | None:
    for folder in [Path(start).resolve(), *Path(start).resolve().parents]:
        if (folder / masterdata.FILE_NAME).is_file():
            return folder
    return None
