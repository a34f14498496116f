"""The `rodtrad` command: thin — parse options, call the library, render, set the exit code."""
from __future__ import annotations

import json
import os
import signal
import sys
from pathlib import Path

import click

from rodtrad.consolidator.reading import masterfile
from rodtrad.consolidator import __version__
from rodtrad.consolidator.cli.audit import archive, diff, trace, verify
from rodtrad.consolidator.cli.common import find_workspace, load_master, mark, print_findings
from rodtrad.consolidator.cli.excel import excel
from rodtrad.consolidator.cli.imports import fetch, import_
from rodtrad.consolidator.model.workspace import Workspace
from rodtrad.consolidator.cli.swedish import install as _swedish, usage as _swedish_usage
from rodtrad.consolidator.cli.rollover import nytt_ar
from rodtrad.consolidator.model.words import capped, count, explain, in_language

PRESETS = ("exempelkommun", "ostersund", "vimmerby", "solleftea")
LISTED = 20  # lines of one list a command prints (files ignored, units missing); the rest counted, all in its files
_swedish()  # click's own messages in Swedish


class Terminated(BaseException):
    """The command was asked to end (SIGTERM: a scheduler, `kill`; SIGHUP: its terminal closed)."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def _on_signal(main_pid: int):
    """A handler that ends the command as Ctrl-C does (Terminated, so every `finally` runs: the
    period's lock released, staged folders and LibreOffice's processes and profiles removed).
    A process forked from this one (a worker) dies of the signal as it would have without it."""

    def handler(signum, _frame):
        if os.getpid() != main_pid:
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        raise Terminated(signum)

    return handler


def _catch_signals() -> dict:
    """SIGTERM and SIGHUP raise Terminated in this process (POSIX; the main thread only, and only
    where nobody else handles them); returns the handlers replaced, for `_restore`."""
    import threading  # noqa: PLC0415

    if threading.current_thread() is not threading.main_thread():
        return {}
    handler, replaced = _on_signal(os.getpid()), {}
    for name in ("SIGTERM", "SIGHUP"):
        number = getattr(signal, name, None)
        if number is not None and signal.getsignal(number) is signal.SIG_DFL:
            replaced[number] = signal.signal(number, handler)
    return replaced


def _restore(replaced: dict) -> None:
    for number, before in replaced.items():
        signal.signal(number, before)


class Guarded(click.Group):
    """No traceback reaches a user: an error nobody foresaw (a full disk, a folder that may not be
    written, a worker process that died) ends the command with one line in Swedish and exit code 2.
    `RODTRAD_DEBUG=1` lets the traceback through, for whoever maintains the installation. Ctrl-C,
    SIGTERM and SIGHUP end it with "Avbrutet." and 128 + the signal's number, after its clean-up."""

    def invoke(self, ctx):
        replaced = _catch_signals()
        try:
            return super().invoke(ctx)
        except (KeyboardInterrupt, click.Abort):  # Ctrl-C: 128 + SIGINT as shells say it, never 1 (a workbook's errors)
            click.echo("Avbrutet.", err=True)
            ctx.exit(130)
        except Terminated as stop:
            click.echo("Avbrutet.", err=True)
            ctx.exit(128 + stop.signum)
        except (click.ClickException, click.exceptions.Exit, SystemExit):
            raise
        except BrokenPipeError:
            raise  # output piped into `head`: click ends quietly
        except Exception as exc:  # noqa: BLE001 - the last line of defence; the cause is named below
            if os.environ.get("RODTRAD_DEBUG"):
                raise
            click.echo(f"Fel: {explain(exc)}. Kommandot avbröts. "
                       "(Kör med RODTRAD_DEBUG=1 för detaljer till den som förvaltar Röd tråd.)", err=True)
            ctx.exit(2)
        finally:
            _restore(replaced)




def known_period(master, period_id: str | None):
    """The period `period_id` names (None: the plan period), or a usage error that lists every valid
    id with its name: the operator's typo, said as such, never a fault in the units' files."""
    chosen = master.period(period_id)
    if chosen is None:
        listing = "\n".join(f"  {p.id:12} {p.name}" for p in master.periods)
        raise click.UsageError(f"Perioden {period_id!r} finns inte i styrmodellen. Giltiga perioder:\n{listing}")
    return chosen


def unit_name(master, unit_id: str) -> str:
    node = master.by_id.get(unit_id)
    return f"{unit_id} {node.name}" if node else unit_id


@click.group(cls=Guarded, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="rodtrad", help="Visa versionen och avsluta.")
def main():
    """Röd tråd – planering och uppföljning för kommuner, i Excel."""


@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--preset", type=click.Choice(PRESETS), default="exempelkommun", show_default=True,
              help="Vilken styrmodell arbetsytan fylls med.")
def init(directory: Path, preset: str):
    """Skapa en arbetsyta med en ifylld styrmodell.xlsx."""
    from rodtrad.samples import build

    from rodtrad.consolidator.workbooks.masterbook import init as make

    try:
        ws = make(directory, build(preset))
    except FileExistsError as exc:
        raise click.UsageError(f"{exc} finns redan; den skrivs inte över.") from None
    click.echo(f"Arbetsyta skapad: {ws.root}  (styrmodell: {ws.master_file.name}, förinställning: {preset})")


@main.command("check-master")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Skriv resultatet som JSON.")
@click.option("--lang", type=click.Choice(["sv", "en"]), default="sv", help="Meddelandenas språk.")
def check_master(directory: Path, as_json: bool, lang: str):
    """Kontrollera styrmodell.xlsx: varje fel med blad och cell."""
    path = Workspace(directory).master_file
    if not path.exists():
        load_master(directory, lang)  # says where none was found, and how to make one
    master, findings = masterfile.load(path)
    if as_json:
        click.echo(json.dumps({"valid": master is not None, "findings": [f.to_dict(lang) for f in findings]},
                              ensure_ascii=False, indent=1))
    elif master is None:
        click.echo(f"{path}: {count(len(findings), 'error', 'errors') if lang == 'en' else f'{len(findings)} fel'}")
        print_findings(findings, lang)
    elif lang == "en":
        click.echo(f"{path}: the master data is valid ({count(len(master.org), 'organisational unit', 'organisational units')}, "
                   f"{count(len(master.units()), 'unit', 'units')} that get workbooks, {count(len(master.goals), 'goal', 'goals')})")
    else:
        click.echo(f"{path}: styrmodellen är giltig ({count(len(master.org), 'organisationsenhet', 'organisationsenheter')}, "
                   f"{count(len(master.units()), 'enhet', 'enheter')} som får arbetsböcker, {len(master.goals)} mål)")
    sys.exit(0 if master is not None else 1)


@main.command()
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--period", help="Period-id ur styrmodellen (standard: planperioden).")
@click.option("--unit", "units", multiple=True, help="Bara dessa ansvarskoder (kan upprepas).")
@click.option("--jobs", type=int, default=None, help="Antal processer (standard: en per kärna).")
@click.option("--level", type=click.Choice(["nämnd", "förvaltning"]), default=None,
              help="En arbetsbok per nämnd eller förvaltning i stället, förifylld med periodens sammanställning "
                   "av enheterna, för nivåns egen bedömning (utskick/PERIOD/NIVÅ/).")
def generate(directory: Path, period: str | None, units: tuple[str, ...], jobs: int | None, level: str | None):
    """Skapa en förifylld arbetsbok per enhet i utskick/PERIOD/.

    En uppföljningsperiod (månad, tertial, delår, helår) förifylls med enhetens godkända plan och
    senaste uppföljning, utfall ur huvudboken och värden ur Kolada. Med --level nämnd (eller
    förvaltning) får varje nämnd en arbetsbok med enheternas sammanställda siffror och bedömningar,
    där förvaltningen skriver nämndens egen bedömning, analys och åtgärdsplan."""
    from rodtrad.consolidator.workbooks.generate import generate as run
    from rodtrad.consolidator.workbooks.levels import NotConsolidated
    from rodtrad.consolidator.model.document import nodes_at

    from rodtrad.consolidator.workbooks.generate import ledger_gap

    master = load_master(directory)
    chosen = known_period(master, period)
    if level and (chosen.kind == "plan" or units):
        raise click.UsageError("--level gäller uppföljningsperioder, för alla noder på nivån (inte --unit).")
    unknown = [u for u in units if u not in {n.id for n in master.units()}]
    if unknown:
        raise click.UsageError("Okänd enhet (ansvarskod): " + ", ".join(unknown))
    gap = ledger_gap(master, chosen, directory)
    if gap:
        click.echo(f"Varning: {gap}", err=True)
    target = Workspace(directory).outbox(chosen.id)
    if level:
        target, todo = target / level, [n.id for n in nodes_at(master, level)]
    else:
        todo = list(units) or [u.id for u in master.units()]
    notes: list[str] = []
    try:
        with click.progressbar(length=len(todo), label="Skapar arbetsböcker", file=sys.stderr) as bar:
            paths = run(master, chosen.id, target, units=todo, jobs=jobs, progress=bar.update, root=directory,
                        notes=notes, level=level)
    except NotConsolidated as e:
        raise click.ClickException(str(e)) from None
    for note in notes:
        click.echo(f"Obs: {note}")
    click.echo(f"{count(len(paths), 'arbetsbok', 'arbetsböcker')} ({chosen.name}{', ' + level if level else ''}) i {target}")


@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path), required=False)
@click.option("--preset", type=click.Choice(PRESETS), default="exempelkommun", show_default=True,
              help="Vilken styrmodell året körs med.")
@click.option("--seed", type=int, default=2027, show_default=True, help="Slumpfrö för exempelsvaren.")
@click.option("--dokument", "documents", type=click.Choice(["pdf", "docx", "inga"]), default="pdf", show_default=True,
              help="Rapportdokument i Word för varje period (pdf: och taggad PDF för delår och helår).")
def demo(directory: Path | None, preset: str, seed: int, documents: str):
    """Kör en styrmodells hela år: arbetsyta, plan, varje uppföljning med nivåernas egna bedömningar, rapporter."""
    from rodtrad.samples.demo import run

    result = run(directory or Path(preset), seed=seed, echo=click.echo, preset=preset, documents=documents)
    if result["unexpected"]:
        sys.exit(1)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--workspace", "-w", "root", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Arbetsytan vars styrmodell gäller (standard: sökes uppåt från första sökvägen).")
@click.option("--period", help="Förväntad period; arbetsböcker för andra perioder blir fel.")
@click.option("--json", "as_json", is_flag=True, help="Skriv exakt den rapport biblioteket ger, som JSON.")
@click.option("--lang", type=click.Choice(["sv", "en"]), default="sv", show_default=True, help="Meddelandenas språk.")
@click.option("--report", "report_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Skriv rapporten som en arbetsbok (.xlsx) med länk till varje cell.")
@click.option("--jobs", type=int, default=None, help="Antal processer (standard: en per kärna).")
def validate(paths, root, period, as_json, lang, report_file, jobs):
    """Kontrollera inlämnade arbetsböcker (filer och mappar)."""
    from rodtrad.consolidator.reading.validate import collect, validate_paths

    files, ignored = collect(paths)
    gone = [p for p, reason in ignored if reason == "finns inte"]
    if gone:
        raise click.UsageError("Sökvägen finns inte: " + ", ".join(gone))
    if not files:
        raise click.ClickException("Inga arbetsböcker (.xlsx) att kontrollera i " + ", ".join(map(str, paths)) + ".")
    root = root or find_workspace(paths[0])
    if root is None:
        raise click.UsageError("Hittar ingen styrmodell.xlsx ovanför sökvägen; ange --workspace.")
    master = load_master(root, lang)
    if period is not None:
        known_period(master, period)
    show = len(files) > 10 and sys.stderr.isatty()
    with click.progressbar(length=len(files), label="Kontrollerar", file=sys.stderr, hidden=not show) as bar:
        report = validate_paths(paths, master, expected_period=period, jobs=jobs, progress=bar.update, root=root)
    if report_file:
        from rodtrad.consolidator.reports.validation import write_report

        write_report(report, report_file, lang)
    if as_json:
        click.echo(json.dumps(report.to_dict(lang), ensure_ascii=False, indent=1))
    else:
        for task in report.tasks:
            if task.valid and not task.warnings:
                status = "godkänd" if lang == "sv" else "valid"
            else:
                status = (f"{task.errors} fel, {count(task.warnings, 'varning', 'varningar')}" if lang == "sv"
                          else f"{count(task.errors, 'error', 'errors')}, {count(task.warnings, 'warning', 'warnings')}")
            click.echo(f"{task.file}: {status}")
            print_findings(task.findings, lang)
        def more(n):
            return (f"… and {count(n, 'more ignored file', 'more ignored files')} (--json lists them all)" if lang == "en"
                    else f"… och {count(n, 'ignorerad fil', 'ignorerade filer')} till (--json listar alla)")
        for line in capped([f"{Path(path).name}: {in_language(reason, lang)}" for path, reason in report.ignored],
                           LISTED, more):
            click.echo(line)
        click.echo(report.summary(lang))
        if report_file:
            click.echo(f"{'Report' if lang == 'en' else 'Rapport'}: {report_file}")
    sys.exit(0 if report.valid else 1)




@main.command()
@click.option("--markdown", is_flag=True, help="Som Markdown (docs/findings.md).")
@click.option("--lang", type=click.Choice(["sv", "en"]), default="sv", help="Meddelandenas språk.")
def findings(markdown: bool, lang: str):
    """Lista alla fyndkoder med exempel."""
    from rodtrad.consolidator.cli.catalogue import example, kinds, markdown as render

    if markdown:
        click.echo(render())
        return
    for kind in kinds():
        click.echo(f"{kind.code:28} {mark(kind.severity, lang):8} {example(kind).message(lang)}")


@main.command()
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--period", required=True, help="Perioden som ska sammanställas (id ur styrmodellen).")
@click.option("--include-invalid", is_flag=True, help="Räkna med arbetsböcker som har fel (de markeras).")
@click.option("--jobs", type=int, default=None, help="Antal processer (standard: en per kärna).")
@click.option("--json", "as_json", is_flag=True, help="Skriv sammanfattningen som JSON.")
@click.option("--break-lock", is_flag=True,
              help="Bryt låset från en sammanställning på en annan dator (du får bekräfta vems lås det är).")
@click.option("--dokument", "documents", type=click.Choice(["pdf", "docx", "inga"]), default="pdf", show_default=True,
              help="Rapportdokument: Word och taggad PDF (pdf), bara Word (docx) eller inga.")
def consolidate(directory: Path, period: str, include_invalid: bool, jobs: int | None, as_json: bool, break_lock: bool,
                documents: str):
    """Sammanställ inkorg/PERIOD till KF- och nämndrapporter i rapporter/PERIOD/."""
    from rodtrad.consolidator.consolidation.consolidate import ConsolidationError, consolidate as run
    from rodtrad.consolidator.reading.validate import collect

    ws = Workspace(directory)
    master = load_master(directory)
    chosen = known_period(master, period)
    if not ws.outbox(chosen.id).exists() and not ws.inbox(chosen.id).exists():
        # said first, loudly; the run still goes on, so that every unit is reported missing (exit 1)
        click.echo(f"Obs: {chosen.name} ({chosen.id}) har aldrig skickats ut och inget har lämnats in: "
                   f"kör först rodtrad generate {directory} --period {chosen.id}.", err=True)
    files, _ = collect([ws.inbox(period)]) if ws.inbox(period).exists() else ([], [])
    show = len(files) > 10 and sys.stderr.isatty() and not as_json
    token = None
    while True:
        try:
            with click.progressbar(length=len(files), label="Sammanställer", file=sys.stderr, hidden=not show) as bar:
                result = run(directory, period, include_invalid=include_invalid, jobs=jobs, progress=bar.update,
                             break_lock=token, documents=documents)
            break
        except ConsolidationError as exc:
            holder = exc.lock.holder if exc.lock is not None and exc.lock.elsewhere else None
            if not (break_lock and holder is not None and token is None):
                click.echo(f"Fel: {exc}", err=True)
                sys.exit(2)
            click.echo(f"Låset för perioden {period} togs av {holder.describe()}.", err=True)
            if not click.confirm("Pågår ingen sammanställning där? Bryta låset", default=False, err=True):
                click.echo("Låset är kvar; inget har ändrats.", err=True)
                sys.exit(2)
            token = holder.token
    for note in result.notes:
        click.echo(f"Obs: {note}", err=True)
    if as_json:
        click.echo(json.dumps({"period": result.period, "folder": str(result.folder), "consolidated": result.consolidated,
                               "invalid": result.invalid, "missing": result.missing, "kf_report": str(result.kf_report),
                               "board_reports": [str(p) for p in result.board_reports],
                               "validation": result.report.to_dict()}, ensure_ascii=False, indent=1))
    else:
        invalid = [f"{task.file}: {task.errors} fel" + (" (medräknad)" if include_invalid else " (inte medräknad)")
                   for task in result.report.tasks if not task.valid]
        for line in capped(invalid, LISTED, lambda n: f"… och {count(n, 'arbetsbok', 'arbetsböcker')} till med fel "
                                                      "(alla i valideringsrapport.xlsx)"):
            click.echo(line)
        missing = [f"{unit_name(master, unit)}: saknas i inkorgen" for unit in result.missing]
        for line in capped(missing, LISTED, lambda n: f"… och {count(n, 'enhet', 'enheter')} till saknas "
                                                      "(alla i inlamning.xlsx)"):
            click.echo(line)
        from rodtrad.consolidator.rules.removed import REMOVED

        said = {f.message(): f for t in result.report.tasks for f in t.findings if f.code == REMOVED.code}
        for message in sorted(said):  # what the master data lost since the workbooks went out: never silent
            click.echo(f"VARNING: {message}")
        click.echo(result.summary())
        click.echo(f"KF-rapport: {result.kf_report}")
        if result.documents:
            click.echo(f"Rapportdokument: {len(result.documents)} i Word"
                       + (" och PDF" if result.documents[0].with_suffix('.pdf').exists() else ""))
        for finding in result.findings:
            click.echo(f"Obs: {finding.message()}")
    sys.exit(0 if result.complete else 1)









@main.command()
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--period", required=True, help="En sammanställd period (id ur styrmodellen).")
@click.option("--nod", "nodes", multiple=True, help="Bara denna nod (ansvarskod; kan upprepas). En förvaltning "
              "får då också sin egen Excelrapport.")
@click.option("--dokument", "documents", type=click.Choice(["pdf", "docx"]), default="pdf", show_default=True,
              help="Word och taggad PDF, eller bara Word.")
@click.option("--jobs", type=int, default=None, help="Antal processer (standard: en per kärna).")
def rapport(directory: Path, period: str, nodes: tuple[str, ...], documents: str, jobs: int | None):
    """Skriv rapportdokumenten (Word, PDF) för en sammanställd period, ur arbetsytans mall dokument/rapportmall.docx."""
    from rodtrad.consolidator.consolidation.consolidate import ConsolidationError
    from rodtrad.consolidator.consolidation.rapport import rapport as run

    try:
        written = run(directory, period, nodes, documents, jobs)
    except ConsolidationError as exc:
        click.echo(f"Fel: {exc}", err=True)
        sys.exit(2)
    made = {pdf.name for pdf in written.pdfs}
    for path in written.documents:
        pdf = path.with_suffix(".pdf")
        click.echo(f"{path}" + (f"  (och {pdf.name})" if pdf.name in made else ""))
    for finding in written.findings:
        click.echo(f"Obs: {finding.message()}")
    for pdf in written.stale:
        click.echo(f"Obs: {pdf.name} togs bort: den stämde inte längre med dokumentet. Skriv en ny PDF med "
                   f"--dokument pdf, eller spara som PDF ur Word.")
    click.echo(f"{len(written.documents)} dokument, {len(written.pdfs)} PDF i {Workspace(directory).reports(period)}")


for _command in (verify, trace, diff, archive, excel, import_, fetch, nytt_ar):  # auditors, Excel, imports, fetch, a new year
    main.add_command(_command)
_swedish_usage(main)

if __name__ == "__main__":
    main()
