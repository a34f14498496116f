"""Commands for auditors: verify, trace, diff, archive."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from rodtrad.consolidator.cli.common import find_workspace, load_master, print_findings
from rodtrad.consolidator.model.workspace import Workspace


@click.command()
@click.argument("target", type=click.Path(exists=True, path_type=Path))
@click.option("--period", required=True, help="Perioden som granskas.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Var utlåtandet skrivs (standard: granskning/PERIOD/ i arbetsytan, eller bredvid arkivet).")
@click.option("--json", "as_json", is_flag=True, help="Skriv utlåtandet som JSON.")
def verify(target: Path, period: str, out: Path | None, as_json: bool):
    """Granska en sammanställning mot dess manifest (arbetsyta eller arkiv .zip)."""
    import shutil
    import tempfile
    import zipfile

    from rodtrad.consolidator.audit.archive import ArchiveError, unpack
    from rodtrad.consolidator.audit.verify import verify as run

    scratch = None
    root = target
    if target.is_file():
        scratch = Path(tempfile.mkdtemp(prefix="rodtrad-arkiv-"))
        try:
            root = unpack(target, scratch)
        except (ArchiveError, OSError, ValueError, zipfile.BadZipFile) as exc:
            shutil.rmtree(scratch, ignore_errors=True)
            raise click.UsageError(f"Arkivet går inte att öppna: {exc}") from None
        out = out or target.parent / f"granskning-{period}"
    try:
        verdict = run(root, period)
    finally:
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)
    out = out or Workspace(root).root / "granskning" / period
    from rodtrad.consolidator.reports.audit import write as write_verdict

    paths = write_verdict(verdict, out)
    if as_json:
        click.echo(json.dumps(verdict.to_dict(), ensure_ascii=False, indent=1))
    else:
        click.echo(verdict.memo())
        click.echo(f"\nUtlåtandet finns också i {paths[0]} och {paths[1]}")
    sys.exit(0 if verdict.ok else 1)


@click.command()
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("figure")
@click.option("--period", required=True)
@click.option("--report", help="Rapportfilens namn (standard: KF-rapporten).")
@click.option("--json", "as_json", is_flag=True)
def trace(directory: Path, figure: str, period: str, report: str | None, as_json: bool):
    """Visa vilka enheter, filer och celler en siffra består av.

    FIGURE är Blad!Cell (t.ex. Ekonomi!E6) eller ett namn: budget/2000, konto/5010/0000, nyckeltal/N3/2000."""
    from rodtrad.consolidator.audit.trace import TraceError, trace as run

    try:
        result = run(Workspace(directory).reports(period), figure, report)
    except TraceError as exc:
        raise click.UsageError(str(exc)) from None
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=1))
        return
    click.echo(f"{result.report} {result.sheet}!{result.cell}: {result.what} = {result.value}")
    click.echo(f"består av {len(result.sources)} celler i {len({s['file'] for s in result.sources})} filer "
               f"(summa {result.total:,.0f}; {result.steps} steg):".replace(",", " "))
    for s in result.sources:
        click.echo(f"  {s['unit']:>6}  {s['file']}  {s['sheet']}!{s['cell']}  {s['value']}  sha256 {s['sha256'][:16]}…")


@click.command()
@click.argument("old", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("new", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--workspace", "-w", "root", type=click.Path(exists=True, file_okay=False, path_type=Path))
def diff(old: Path, new: Path, root: Path | None):
    """Visa vad som ändrats mellan två inlämningar (eller två perioders arbetsböcker)."""
    from rodtrad.consolidator.audit.diff import diff as run
    from rodtrad.consolidator.reading.validate import validate_file

    root = root or find_workspace(new) or find_workspace(old)
    if root is None:
        raise click.UsageError("Hittar ingen styrmodell.xlsx ovanför filerna; ange --workspace.")
    master = load_master(root)
    docs = []
    for path in (old, new):
        task = validate_file(path, master, keep_document=True)
        if task.document is None:
            click.echo(f"{path.name} går inte att läsa:")
            print_findings(task.findings)
            sys.exit(1)
        docs.append(task.document)
    changes = run(*docs)
    for change in changes:
        click.echo(change.line())
    click.echo(f"{len(changes)} ändringar" if changes else "Inga ändringar.")


@click.command()
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--period", required=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Arkivfilen (standard: arkiv/PERIOD.zip).")
def archive(directory: Path, period: str, out: Path | None):
    """Packa in allt som sammanställdes i ett förseglat arkiv och skriv ut dess kontrollsumma."""
    from rodtrad.consolidator.audit.archive import ArchiveError, archive as run

    try:
        path, digest = run(directory, period, out)
    except ArchiveError as exc:
        raise click.UsageError(str(exc)) from None
    click.echo(f"Arkiv: {path}\nSHA-256: {digest}")
