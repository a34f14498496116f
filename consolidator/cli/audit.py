"""Commands for auditors: verify, trace, diff, archive."""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from rodtrad.consolidator.cli.common import find_workspace, load_master, print_findings
from rodtrad.consolidator.model.workspace import Workspace
from rodtrad.consolidator.model.words import count, explain


@click.command()
@click.argument("target", type=click.Path(exists=True, path_type=Path))
@click.option("--period", required=True, help="Perioden som granskas.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Var utlåtandet skrivs (standard: granskning/PERIOD/ i arbetsytan, eller bredvid arkivet; "
                   "en tillfällig mapp när den platsen är skrivskyddad).")
@click.option("--json", "as_json", is_flag=True, help="Skriv utlåtandet som JSON.")
def verify(target: Path, period: str, out: Path | None, as_json: bool):
    """Granska en sammanställning mot dess manifest (arbetsyta eller arkiv .zip)."""
    import shutil
    import tempfile
    import zipfile

    from rodtrad.consolidator.audit.archive import ArchiveError, restore, unpack
    from rodtrad.consolidator.audit.verify import verify as run

    scratch = None
    root = target
    if target.is_file():
        scratch = Path(tempfile.mkdtemp(prefix="rodtrad-arkiv-"))
        try:
            root = unpack(target, scratch)
            restore(target, root)
        except (ArchiveError, OSError, ValueError, zipfile.BadZipFile) as exc:
            shutil.rmtree(scratch, ignore_errors=True)
            said = exc if isinstance(exc, ArchiveError) else explain(exc)
            raise click.UsageError(f"Arkivet går inte att öppna: {said}") from None
        default = target.parent / f"granskning-{period}"
    else:
        default = Workspace(root).root / "granskning" / period
    try:
        verdict = run(root, period)
    finally:
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)
    paths, note = _write_verdict(verdict, out, default, period)
    if as_json:
        click.echo(json.dumps(verdict.to_dict(), ensure_ascii=False, indent=1))
    else:
        click.echo(verdict.memo(limit=PRINTED, listed_in=paths[0].name))
        if note:
            click.echo(f"\n{note}")
        click.echo(f"\nUtlåtandet finns också i {paths[0]} och {paths[1]}")
    sys.exit(0 if verdict.ok else 1)


PRINTED = 25  # differences printed; every one is in verifiering.xlsx and .json


def writable(folder: Path) -> bool:
    """Whether the verdict may be written in `folder` (or where it would be created): the nearest
    existing folder must allow writing both to this process (os.access: a read-only mount) and by
    its mode bits (an auditor's read-only copy: respected even when run as root, who may write anyway)."""
    folder = Path(folder).absolute()
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    try:
        return folder.is_dir() and os.access(folder, os.W_OK | os.X_OK) and bool(folder.stat().st_mode & 0o222)
    except OSError:
        return False


def _write_verdict(verdict, chosen: Path | None, default: Path, period: str) -> tuple[tuple[Path, Path], str]:
    """The verdict's workbook and JSON in the chosen folder; without a choice in `default`, or, when
    that place is read-only, in a new temporary folder (and a sentence saying so)."""
    import tempfile

    from rodtrad.consolidator.reports.audit import write

    if chosen is not None:
        if not writable(chosen):
            raise click.UsageError(f"Utlåtandet kan inte skrivas i {chosen}: platsen är skrivskyddad. "
                                   "Välj en annan mapp med --out.")
        return write(verdict, chosen), ""
    if writable(default):
        try:
            return write(verdict, default), ""
        except OSError:
            pass
    folder = Path(tempfile.mkdtemp(prefix=f"rodtrad-granskning-{period}-"))
    return write(verdict, folder), (f"Platsen {default} är skrivskyddad (som en revisors kopia ska vara), så utlåtandet "
                                    f"skrevs till den tillfälliga mappen {folder}. Välj mapp med --out MAPP.")


@click.command()
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("figure")
@click.option("--period", required=True, help="Perioden vars siffror spåras (id ur styrmodellen).")
@click.option("--report", help="Rapportfilens namn (standard: KF-rapporten).")
@click.option("--json", "as_json", is_flag=True, help="Skriv spåret som JSON.")
def trace(directory: Path, figure: str, period: str, report: str | None, as_json: bool):
    """Visa vilka enheter, filer och celler en siffra består av.

    SIFFRA är Blad!Cell (t.ex. Ekonomi!E6) eller ett namn: budget/2000, konto/5010/0000, nyckeltal/N3/2000,
    utfall/N3/0000, målvärde/N3/0000."""
    from rodtrad.consolidator.audit.trace import TraceError, show_number, trace as run

    try:
        result = run(Workspace(directory).reports(period), figure, report)
    except TraceError as exc:
        raise click.UsageError(str(exc)) from None
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=1))
        return
    click.echo(f"{result.report} {result.sheet}!{result.cell}: {result.what} = {show_number(result.value)}")
    combined = {"medel": f"medel {show_number(result.combined)}", "viktat": "viktat medel, vikter ur styrmodellen",
                "ingen": "redovisas per enhet"}.get(result.aggregation, f"summa {show_number(result.total)}")
    click.echo(f"består av {count(len(result.sources), 'cell', 'celler')} i "
               f"{count(len({s['file'] for s in result.sources}), 'fil', 'filer')} ({combined}; {result.steps} steg):")
    for s in result.sources:
        sha = f"  sha256 {s['sha256'][:16]}…" if s["sha256"] else ""
        where = f"{s['sheet']}!{s['cell']}" if not s["sheet"].startswith("Kolada ") else f"{s['sheet']}, {s['cell']}"
        click.echo(f"  {s['unit']:>6}  {s['file']}  {where}  {show_number(s['value'])}{sha}")


@click.command()
@click.argument("old", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("new", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--workspace", "-w", "root", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Arbetsytan vars styrmodell gäller (standard: sökes uppåt från den första filen).")
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
    from rodtrad.consolidator.model import terms

    changes = run(*docs, words=terms.of(master))
    metas = [d.get("meta") or {} for d in docs]
    if metas[0].get("unit") != metas[1].get("unit"):
        click.echo(f"Obs: filerna gäller olika enheter ({metas[0].get('unit') or '?'} och {metas[1].get('unit') or '?'}).")
    if metas[0].get("period") != metas[1].get("period"):
        click.echo(f"Perioden {metas[0].get('period') or '?'} jämförs med {metas[1].get('period') or '?'}: det enheten "
                   "skrivit, rad för rad; nya rader visas som nya.")
    for change in changes:
        click.echo(change.line())
    click.echo(count(len(changes), "ändring", "ändringar") if changes else "Inga ändringar.")


@click.command()
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--period", required=True, help="Perioden som arkiveras (id ur styrmodellen).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Arkivfilen (standard: arkiv/PERIOD.zip).")
def archive(directory: Path, period: str, out: Path | None):
    """Packa in allt som sammanställdes i ett förseglat arkiv och skriv ut dess kontrollsumma."""
    from rodtrad.consolidator.audit.archive import ArchiveError, archive as run

    try:
        path, digest = run(directory, period, out)
    except ArchiveError as exc:
        raise click.UsageError(str(exc)) from None
    click.echo(f"Arkiv: {path}\nSHA-256: {digest}")
