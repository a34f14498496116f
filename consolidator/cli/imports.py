"""`rodtrad import ...`: the ledger and Kolada into the workspace."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from rodtrad.consolidator.cli.common import load_master, print_findings
from rodtrad.consolidator.model.findings import ERROR
from rodtrad.consolidator.model.workspace import Workspace


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
    from rodtrad.consolidator.imports import ledger
    from rodtrad.consolidator.rollup.store import FILE_NAME

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
    _store_kolada(file, root, load_master(root))


def _store_kolada(file: Path, root: Path, master) -> None:
    from rodtrad.consolidator.imports import kolada
    from rodtrad.consolidator.rollup.store import FILE_NAME

    rows, findings = kolada.read(file, master)
    print_findings(findings)
    if any(f.severity == ERROR for f in findings):
        click.echo(f"{file.name}: fel – inget importerades.")
        sys.exit(1)
    count = kolada.store(rows, Workspace(root).root / FILE_NAME, file)
    click.echo(f"{file}: {count} värden för {len({r[0] for r in rows})} nyckeltal och {len({r[1] for r in rows})} kommuner")


@click.group("fetch")
def fetch():
    """Hämta data från externa källor (kräver nätverk)."""


@fetch.command("kolada")
@click.option("--workspace", "-w", "root", required=True, type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--year", "years", type=int, multiple=True, help="År att hämta (kan upprepas; standard: de fyra åren före budgetåret).")
@click.option("--peer", "peers", multiple=True, help="Kommunkod att jämföra med (kan upprepas), t.ex. 2380.")
@click.option("--url", "base", default=None, help="Koladas API-adress (standard: https://api.kolada.se/v3).")
def fetch_kolada(root: Path, years: tuple[int, ...], peers: tuple[str, ...], base: str | None):
    """Hämta styrmodellens Kolada-nyckeltal för kommunen och jämförelsekommunerna ur Koladas API v3,
    spara svaret i kolada/ och importera det (samma som rodtrad import kolada på filen)."""
    from rodtrad.consolidator.imports import kolada

    master = load_master(root)
    code = str(master.municipality.get("code") or "").zfill(4)
    dest = Workspace(root).root / "kolada" / f"kolada-{code}-{'-'.join(map(str, sorted(years))) or 'senaste'}.json"
    try:
        kolada.fetch(master, dest, peers=peers, years=list(years), base=base or kolada.API)
    except kolada.FetchError as exc:
        raise click.ClickException(str(exc)) from None
    _store_kolada(dest, root, master)
