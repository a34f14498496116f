"""`rodtrad import ...`: the ledger and Kolada into the workspace."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from rodtrad.consolidator.cli.common import load_master, print_findings
from rodtrad.consolidator.model.findings import ERROR
from rodtrad.consolidator.model.workspace import Workspace
from rodtrad.consolidator.model.words import capped, count

LINES = 40  # lines of an import's change printed (unit and month); the rest counted


@click.group("import")
def import_():
    """Läs in ekonomiutfall (SIE 4 eller CSV) och nyckeltal från Kolada till arbetsytan."""


@import_.command("ledger")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--workspace", "-w", "root", required=True, type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Arbetsytan som läser in (dess historik.sqlite och styrmodell).")
@click.option("--encoding", default=None, help="Teckenkodning (SIE: cp437 enligt formatet; CSV: känns igen, annars utf-8, cp1252 eller utf-16).")
@click.option("--dim", default=None, help="SIE-dimensionen för ansvar (standard: den som heter ansvar, annars 1).")
@click.option("--dry-run", is_flag=True, help="Visa vad importen skulle ändra (rader tillagda, ersatta, borttagna per enhet och månad) utan att spara.")
@click.option("--remove-missing", is_flag=True, help="Ta bort tidigare rader i de månader och enheter filen täcker som inte finns i filen.")
def import_ledger(file: Path, root: Path, encoding: str | None, dim: str | None, dry_run: bool, remove_missing: bool):
    """Importera utfall och budget per enhet, konto och månad ur en SIE-fil (typ 1–4) eller en CSV-fil.

    Importen ersätter bara det filen täcker (dess månader, enheter, utfall eller budget); inget
    tidigare försvinner utan att det sägs."""
    from rodtrad.consolidator.imports import changes, ledger, sniff
    from rodtrad.consolidator.rollup.store import FILE_NAME

    master = load_master(root)
    form, looks = sniff.kind(file)  # by what it is, not by its name
    refused = (sniff.NOT_LEDGER(file=file.name, params={"detail": looks}) if form == "other"
               else sniff.too_large(file, form))
    if refused:
        print_findings([refused])
        click.echo(f"{file.name}: inget importerades.")
        sys.exit(1)
    if form == "csv":
        result = ledger.from_csv(file, master, encoding)
    else:
        result = ledger.from_sie(file, master, encoding or "cp437", dim)
    errors = [f for f in result.findings if f.severity == ERROR]
    if errors:
        print_findings(result.findings)
        click.echo(f"{file.name}: {len(errors)} fel – inget importerades.")
        sys.exit(1)
    db = Workspace(root).root / FILE_NAME
    change = changes.plan(result, db, file.name, remove_missing)
    print_findings(result.findings + change.findings)
    click.echo(f"{file.name}: {'skulle ändra' if dry_run else 'ändrar'} {count(len(result.rows), 'rad', 'rader')} (enhet, konto, månad) "
               f"för {', '.join(map(str, sorted(result.years))) or 'inga år'}:")
    *lines, total = change.lines()
    for line in capped(lines, LINES, lambda n: f"  … och {n} till (enhet och månad)"):
        click.echo(line)
    click.echo(total)
    if dry_run:
        click.echo("Provkörning: inget sparades.")
        return
    changes.apply(change, result, db, file, changes.sha256(file), "ekonomi")


@import_.command("list")
@click.option("--workspace", "-w", "root", required=True, type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Arbetsytan vars importer ska listas.")
def import_list(root: Path):
    """Lista arbetsytans importer: fil, SHA-256, tid, vad de täckte och vad de ändrade."""
    from rodtrad.consolidator.imports import changes
    from rodtrad.consolidator.rollup.store import FILE_NAME

    entries = changes.log(Workspace(root).root / FILE_NAME)
    if not entries:
        click.echo("Inga importer ännu.")
    for e in entries:
        click.echo(f"{e['time']}  {e['kind']:8} {e['file']}  sha256 {e['sha256']}")
        click.echo(f"    täcker: {changes.describe_coverage(e['coverage'])}")
        click.echo(f"    ändrade: {changes.describe_changes(e['changes'])}")


@import_.command("kolada")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--workspace", "-w", "root", required=True, type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Arbetsytan som läser in (dess historik.sqlite och styrmodell).")
def import_kolada(file: Path, root: Path):
    """Importera nyckeltalsvärden i Koladas format (API v3), även andra kommuners för jämförelse."""
    _store_kolada(file, root, load_master(root))


def _store_kolada(file: Path, root: Path, master) -> None:
    from rodtrad.consolidator.imports import kolada
    from rodtrad.consolidator.rollup.store import FILE_NAME

    from rodtrad.consolidator.imports import changes

    db = Workspace(root).root / FILE_NAME
    known = []
    if db.exists():
        import sqlite3

        con = sqlite3.connect(db)
        try:
            known = kolada.stored_groups(con)
        finally:
            con.close()
    from rodtrad.consolidator.imports import sniff

    refused = sniff.too_large(file, "kolada")
    rows, findings, groups = ([], [refused], []) if refused else kolada.read_with_groups(file, master, known)
    print_findings(findings)
    if any(f.severity == ERROR for f in findings):
        click.echo(f"{file.name}: fel – inget importerades.")
        sys.exit(1)
    stored = kolada.store(rows, db, file, groups)
    changes.record(db, "kolada", file, {"nyckeltal": sorted({r[0] for r in rows}), "år": sorted({r[2] for r in rows}),
                                        "kommuner": sorted({r[1] for r in rows})}, {"värden": stored})
    click.echo(f"{file}: {count(stored, 'värde', 'värden')} för {len({r[0] for r in rows})} nyckeltal och "
               f"{count(len({r[1] for r in rows}), 'kommun', 'kommuner')}")


@click.group("fetch")
def fetch():
    """Hämta data från externa källor (kräver nätverk)."""


@fetch.command("kolada")
@click.option("--workspace", "-w", "root", required=True, type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Arbetsytan som läser in (dess historik.sqlite och styrmodell).")
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
