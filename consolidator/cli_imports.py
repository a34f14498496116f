"""`rodtrad import ...`: the ledger and Kolada into the workspace."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from .cli_common import load_master, print_findings
from .findings import ERROR
from .workspace import Workspace


@click.group("import")
def import_():
    """Läs in ekonomiutfall (SIE 4 eller CSV) och nyckeltal från Kolada till arbetsytan."""


@import_.command("ledger")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--workspace", "-w", "root", required=True, type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--encoding", default=None, help="Teckenkodning (SIE: cp437 enligt formatet; cp1252 eller utf-8 för andra exporter).")
@click.option("--dim", default=None, help="SIE-dimensionen för ansvar (standard: den som heter ansvar, annars 1).")
def import_ledger(file: Path, root: Path, encoding: str | None, dim: str | None):
    """Importera utfall och budget per enhet, konto och månad ur en SIE 4-fil eller en CSV-fil."""
    from .imports import ledger
    from .store import FILE_NAME

    master = load_master(root)
    if file.suffix.lower() == ".csv":
        result = ledger.from_csv(file, master, encoding or "utf-8-sig")
    else:
        result = ledger.from_sie(file, master, encoding or "cp437", dim)
    print_findings(result.findings)
    errors = [f for f in result.findings if f.severity == ERROR]
    if errors:
        click.echo(f"{file.name}: {len(errors)} fel – inget importerades.")
        sys.exit(1)
    count = ledger.store(result, Workspace(root).root / FILE_NAME, file.name)
    click.echo(f"{file.name}: {count} rader (enhet, konto, månad) för {', '.join(map(str, sorted(result.years)))}")


@import_.command("kolada")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--workspace", "-w", "root", required=True, type=click.Path(exists=True, file_okay=False, path_type=Path))
def import_kolada(file: Path, root: Path):
    """Importera nyckeltalsvärden i Koladas format (API v3), även andra kommuners för jämförelse."""
    from .imports import kolada
    from .store import FILE_NAME

    master = load_master(root)
    rows, findings = kolada.read(file, master)
    print_findings(findings)
    if any(f.severity == ERROR for f in findings):
        click.echo(f"{file.name}: fel – inget importerades.")
        sys.exit(1)
    count = kolada.store(rows, Workspace(root).root / FILE_NAME)
    click.echo(f"{file.name}: {count} värden för {len({r[0] for r in rows})} nyckeltal och "
               f"{len({r[1] for r in rows})} kommuner")
