"""The `rodtrad` command: thin — parse options, call the library, render, set the exit code."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from . import __version__, masterdata
from .findings import ERROR
from .workspace import Workspace

PRESETS = ("exempelkommun", "ostersund", "vimmerby", "solleftea")


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
    master, findings = masterdata.load(ws.master_file)
    if master is None:
        click.echo(f"{ws.master_file}: styrmodellen har fel och kan inte användas:", err=True)
        print_findings(findings, lang)
        sys.exit(1)
    return master


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="rodtrad")
def main():
    """Röd tråd – planering och uppföljning för kommuner, i Excel."""


@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--preset", type=click.Choice(PRESETS), default="exempelkommun", show_default=True,
              help="Vilken styrmodell arbetsytan fylls med.")
def init(directory: Path, preset: str):
    """Skapa en arbetsyta med en ifylld styrmodell.xlsx."""
    from rodtrad.samples import build

    from .workspace import init as make

    try:
        ws = make(directory, build(preset))
    except FileExistsError as exc:
        raise click.UsageError(f"{exc} finns redan; den skrivs inte över.") from None
    click.echo(f"Arbetsyta skapad: {ws.root}  (styrmodell: {ws.master_file.name}, förinställning: {preset})")


@main.command("check-master")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Skriv resultatet som JSON.")
@click.option("--lang", type=click.Choice(["sv", "en"]), default="sv")
def check_master(directory: Path, as_json: bool, lang: str):
    """Kontrollera styrmodell.xlsx: varje fel med blad och cell."""
    path = Workspace(directory).master_file
    master, findings = masterdata.load(path)
    if as_json:
        click.echo(json.dumps({"valid": master is not None, "findings": [f.to_dict(lang) for f in findings]},
                              ensure_ascii=False, indent=1))
    elif master is None:
        click.echo(f"{path}: {len(findings)} fel")
        print_findings(findings, lang)
    else:
        click.echo(f"{path}: styrmodellen är giltig ({len(master.org)} organisationsenheter, "
                   f"{len(master.units())} enheter som får arbetsböcker, {len(master.goals)} mål)")
    sys.exit(0 if master is not None else 1)


@main.command()
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--period", help="Period-id ur styrmodellen (standard: planperioden).")
@click.option("--unit", "units", multiple=True, help="Bara dessa ansvarskoder (kan upprepas).")
@click.option("--jobs", type=int, default=None, help="Antal processer (standard: en per kärna).")
def generate(directory: Path, period: str | None, units: tuple[str, ...], jobs: int | None):
    """Skapa en förifylld arbetsbok per enhet i utskick/PERIOD/."""
    from .generate import generate as run

    master = load_master(directory)
    chosen = master.period(period)
    if chosen is None:
        raise click.UsageError(f"Perioden {period!r} finns inte i styrmodellen. Finns: "
                               + ", ".join(p.id for p in master.periods))
    if chosen.kind != "plan":
        raise click.UsageError(f"Perioden {chosen.id} är en uppföljning ({chosen.kind}); "
                               "uppföljningsarbetsböcker kommer i en senare version. Välj planperioden.")
    unknown = [u for u in units if u not in {n.id for n in master.units()}]
    if unknown:
        raise click.UsageError("Okänd enhet (ansvarskod): " + ", ".join(unknown))
    target = Workspace(directory).outbox(chosen.id)
    todo = list(units) or [u.id for u in master.units()]
    with click.progressbar(length=len(todo), label="Skapar arbetsböcker", file=sys.stderr) as bar:
        paths = run(master, chosen.id, target, units=todo, jobs=jobs, progress=bar.update)
    click.echo(f"{len(paths)} arbetsböcker i {target}")


@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path), default="exempelkommun")
@click.option("--seed", type=int, default=2027, show_default=True, help="Slumpfrö för exempelsvaren.")
def demo(directory: Path, seed: int):
    """Kör hela kedjan på Exempelkommun: arbetsyta, utskick, ifyllda svar, kontroll."""
    from .demo import run

    run(directory, seed=seed, echo=click.echo)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--workspace", "-w", "root", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Arbetsytan vars styrmodell gäller (standard: sökes uppåt från första sökvägen).")
@click.option("--period", help="Förväntad period; arbetsböcker för andra perioder blir fel.")
@click.option("--json", "as_json", is_flag=True, help="Skriv exakt den rapport biblioteket ger, som JSON.")
@click.option("--lang", type=click.Choice(["sv", "en"]), default="sv", show_default=True)
@click.option("--report", "report_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Skriv rapporten som en arbetsbok (.xlsx) med länk till varje cell.")
@click.option("--jobs", type=int, default=None, help="Antal processer (standard: en per kärna).")
def validate(paths, root, period, as_json, lang, report_file, jobs):
    """Kontrollera inlämnade arbetsböcker (filer och mappar)."""
    from .validate import collect, validate_paths

    root = root or find_workspace(paths[0])
    if root is None:
        raise click.UsageError("Hittar ingen styrmodell.xlsx ovanför sökvägen; ange --workspace.")
    master = load_master(root, lang)
    files, _ = collect(paths)
    show = len(files) > 10 and sys.stderr.isatty()
    with click.progressbar(length=len(files), label="Kontrollerar", file=sys.stderr, hidden=not show) as bar:
        report = validate_paths(paths, master, expected_period=period, jobs=jobs, progress=bar.update)
    if report_file:
        from .reports.validation import write_report

        write_report(report, report_file, lang)
    if as_json:
        click.echo(json.dumps(report.to_dict(lang), ensure_ascii=False, indent=1))
    else:
        for task in report.tasks:
            if task.valid and not task.warnings:
                status = "godkänd" if lang == "sv" else "valid"
            else:
                status = (f"{task.errors} fel, {task.warnings} varningar" if lang == "sv"
                          else f"{task.errors} errors, {task.warnings} warnings")
            click.echo(f"{task.file}: {status}")
            print_findings(task.findings, lang)
        for path, reason in report.ignored:
            click.echo(f"{Path(path).name}: {reason}")
        click.echo(report.summary())
        if report_file:
            click.echo(f"Rapport: {report_file}")
    sys.exit(0 if report.valid else 1)


def find_workspace(start: Path) -> Path | None:
    for folder in [Path(start).resolve(), *Path(start).resolve().parents]:
        if (folder / masterdata.FILE_NAME).is_file():
            return folder
    return None


@main.command()
@click.option("--markdown", is_flag=True, help="Som Markdown (docs/findings.md).")
@click.option("--lang", type=click.Choice(["sv", "en"]), default="sv")
def findings(markdown: bool, lang: str):
    """Lista alla fyndkoder med exempel."""
    from .catalogue import example, kinds, markdown as render

    if markdown:
        click.echo(render())
        return
    for kind in kinds():
        click.echo(f"{kind.code:28} {kind.severity:8} {example(kind).message(lang)}")


@main.command()
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--period", required=True, help="Perioden som ska sammanställas (id ur styrmodellen).")
@click.option("--include-invalid", is_flag=True, help="Räkna med arbetsböcker som har fel (de markeras).")
@click.option("--jobs", type=int, default=None, help="Antal processer (standard: en per kärna).")
@click.option("--json", "as_json", is_flag=True, help="Skriv sammanfattningen som JSON.")
def consolidate(directory: Path, period: str, include_invalid: bool, jobs: int | None, as_json: bool):
    """Sammanställ inkorg/PERIOD till KF- och nämndrapporter i rapporter/PERIOD/."""
    from .consolidate import ConsolidationError, consolidate as run
    from .validate import collect

    ws = Workspace(directory)
    files, _ = collect([ws.inbox(period)]) if ws.inbox(period).exists() else ([], [])
    show = len(files) > 10 and sys.stderr.isatty() and not as_json
    try:
        with click.progressbar(length=len(files), label="Sammanställer", file=sys.stderr, hidden=not show) as bar:
            result = run(directory, period, include_invalid=include_invalid, jobs=jobs, progress=bar.update)
    except ConsolidationError as exc:
        click.echo(f"Fel: {exc}", err=True)
        sys.exit(2)
    if as_json:
        click.echo(json.dumps({"period": result.period, "folder": str(result.folder), "consolidated": result.consolidated,
                               "invalid": result.invalid, "missing": result.missing, "kf_report": str(result.kf_report),
                               "board_reports": [str(p) for p in result.board_reports],
                               "validation": result.report.to_dict()}, ensure_ascii=False, indent=1))
    else:
        for task in result.report.tasks:
            if not task.valid:
                click.echo(f"{task.file}: {task.errors} fel" + (" (medräknad)" if include_invalid else " (inte medräknad)"))
        for unit in result.missing:
            click.echo(f"{unit}: saknas i inkorgen")
        click.echo(result.summary())
        click.echo(f"KF-rapport: {result.kf_report}")
    sys.exit(0 if result.complete else 1)


@main.command()
@click.argument("target", type=click.Path(exists=True, path_type=Path))
@click.option("--period", required=True, help="Perioden som granskas.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Var utlåtandet skrivs (standard: granskning/PERIOD/ i arbetsytan, eller bredvid arkivet).")
@click.option("--json", "as_json", is_flag=True, help="Skriv utlåtandet som JSON.")
def verify(target: Path, period: str, out: Path | None, as_json: bool):
    """Granska en sammanställning mot dess manifest (arbetsyta eller arkiv .zip)."""
    import tempfile

    from .archive import ArchiveError, unpack
    from .audit import verify as run

    scratch = None
    root = target
    if target.is_file():
        scratch = Path(tempfile.mkdtemp(prefix="rodtrad-arkiv-"))
        try:
            root = unpack(target, scratch)
        except (ArchiveError, OSError, ValueError) as exc:
            raise click.UsageError(f"Arkivet går inte att öppna: {exc}") from None
        out = out or target.parent / f"granskning-{period}"
    try:
        verdict = run(root, period)
    finally:
        if scratch:
            import shutil

            shutil.rmtree(scratch, ignore_errors=True)
    out = out or Workspace(root).root / "granskning" / period
    from .reports.audit import write as write_verdict

    paths = write_verdict(verdict, out)
    if as_json:
        click.echo(json.dumps(verdict.to_dict(), ensure_ascii=False, indent=1))
    else:
        click.echo(verdict.memo())
        click.echo(f"\nUtlåtandet finns också i {paths[0]} och {paths[1]}")
    sys.exit(0 if verdict.ok else 1)


@main.command()
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("figure")
@click.option("--period", required=True)
@click.option("--report", help="Rapportfilens namn (standard: KF-rapporten).")
@click.option("--json", "as_json", is_flag=True)
def trace(directory: Path, figure: str, period: str, report: str | None, as_json: bool):
    """Visa vilka enheter, filer och celler en siffra består av.

    FIGURE är Blad!Cell (t.ex. Ekonomi!E6) eller ett namn: budget/2000, konto/5010/0000, nyckeltal/N3/2000."""
    from .trace import TraceError, trace as run

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


@main.command()
@click.argument("old", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("new", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--workspace", "-w", "root", type=click.Path(exists=True, file_okay=False, path_type=Path))
def diff(old: Path, new: Path, root: Path | None):
    """Visa vad som ändrats mellan två inlämningar (eller två perioders arbetsböcker)."""
    from .diff import diff as run
    from .validate import validate_file

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


@main.command()
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--period", required=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Arkivfilen (standard: arkiv/PERIOD.zip).")
def archive(directory: Path, period: str, out: Path | None):
    """Packa in allt som sammanställdes i ett förseglat arkiv och skriv ut dess kontrollsumma."""
    from .archive import ArchiveError, archive as run

    try:
        path, digest = run(directory, period, out)
    except ArchiveError as exc:
        raise click.UsageError(str(exc)) from None
    click.echo(f"Arkiv: {path}\nSHA-256: {digest}")


@main.group()
def excel():
    """Tilläggets åtgärder mot arbetsboken som är öppen i Excel (kräver rodtrad[addin])."""


def _active_book():
    try:
        import xlwings as xw

        return xw.books.active
    except Exception as exc:  # noqa: BLE001 - no Excel on this machine, or none running
        raise click.UsageError(f"Hittar ingen öppen arbetsbok i Excel ({type(exc).__name__}). "
                               "Öppna arbetsboken i Excel och försök igen.") from None


@excel.command("validate")
def excel_validate():
    """Kontrollera den aktiva arbetsboken i Excel: markera fel och lista dem på bladet Fel."""
    from rodtrad.addin import actions, config

    book = _active_book()
    try:
        task = actions.validate(book, actions.load_master(config.load()))
    except (actions.ActionError, config.ConfigError) as exc:
        raise click.UsageError(str(exc)) from None
    print_findings(task.findings)
    click.echo(f"{task.errors} fel, {task.warnings} varningar")
    sys.exit(0 if task.valid else 1)


@excel.command("submit")
def excel_submit():
    """Kontrollera och, om inga fel finns, lämna in den aktiva arbetsboken."""
    from rodtrad.addin import actions, config

    book = _active_book()
    try:
        conf = config.load()
        target = actions.submit(book, actions.load_master(conf), conf)
    except (actions.ActionError, config.ConfigError) as exc:
        raise click.UsageError(str(exc)) from None
    click.echo(f"Inlämnad: {target}" if target else "Inte inlämnad: se bladet Fel.")
    sys.exit(0 if target else 1)


@excel.command("build-addin")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("build"), show_default=True)
def excel_build_addin(out: Path):
    """Bygg tillägget rodtrad_excel.xlam (för IT: se docs/tillagg.md)."""
    from rodtrad.addin.build import build

    click.echo(f"Tillägg: {build(out)}")


@main.group("import")
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


if __name__ == "__main__":
    main()
