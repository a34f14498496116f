"""Consolidate a period: validate the inbox, roll up, write reports, export, history and manifest.

Outputs are written into a staging folder and swapped into `rapporter/<period>/` only when all
of them are done, so a crash or Ctrl-C leaves the previous reports as they were. A lock file
keeps two runs on the same period apart.
"""
from __future__ import annotations

import gc
import json
import os
import pickle
import shutil
import time
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import NamedTuple

from rodtrad.consolidator.reading import masterfile
from rodtrad.consolidator import __version__
from rodtrad.consolidator.workbooks import followdocs
from rodtrad.consolidator.consolidation import manifest
from rodtrad.consolidator.rollup.export import Export, lines as export_lines
from rodtrad.consolidator.rollup.facts import FactFile, FactsAt, UnitFacts, extract, slim
from rodtrad.consolidator.model.document import FOLLOW, PLAN, answers
from rodtrad.consolidator.reports import node as node_report
from rodtrad.consolidator.reports.book import ReportBook, col
from rodtrad.consolidator.reports.validation import write_report
from rodtrad.consolidator.rollup.rollup import Rollup
from rodtrad.consolidator.rollup import snapshot
from rodtrad.consolidator.rollup.store import FILE_NAME as HISTORY_FILE, History
from rodtrad.consolidator.reading.validate import (
    Report,
    collect,
    flag_duplicates,
    iter_tasks,
    worker_master,
    workers,
)
from rodtrad.consolidator.model.workspace import Workspace
from rodtrad.consolidator.consolidation import swap
from rodtrad.consolidator.consolidation.lock import Lock, LockError
from rodtrad.consolidator.reading.bounds import READER_DIED
from rodtrad.consolidator.rules.removed import count_removed
from rodtrad.consolidator.imports import changes as imports_log
from rodtrad.consolidator.rollup import investments
from rodtrad.consolidator.model.words import count


class ConsolidationError(Exception):
    """A reason the consolidation cannot run at all, in Swedish, for the user. `lock` is the
    LockError when the period is locked (its holder; whether on another computer)."""

    def __init__(self, message: str, lock: LockError | None = None):
        super().__init__(message)
        self.lock = lock


@dataclass
class Result:
    period: str
    folder: Path
    report: Report
    consolidated: list[str] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    kf_report: Path | None = None
    levels: list[str] = field(default_factory=list)  # förvaltningar and boards whose own follow-up was taken in
    board_reports: list[Path] = field(default_factory=list)
    documents: list[Path] = field(default_factory=list)  # the Word documents (documents/), PDFs beside them
    findings: list = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # Swedish, for the user: e.g. an old folder that could not be deleted
    seconds: dict[str, float] = field(default_factory=dict)  # wall time per phase (benchmarks/consolidate.py)

    @property
    def complete(self) -> bool:
        return not self.invalid and not self.missing

    def summary(self) -> str:
        own = f", {len(self.levels)} nämnders/förvaltningars egna bedömningar" if self.levels else ""
        died = sum(any(f.code == READER_DIED.code for f in t.findings) for t in self.report.tasks)
        died = f", {count(died, 'fil', 'filer')} kunde inte läsas (läsaren avbröts)" if died else ""
        return (f"{count(len(self.consolidated), 'enhet sammanställd', 'enheter sammanställda')}, "
                f"{len(self.invalid)} med fel{died}, "
                f"{len(self.missing)} saknas{own}; rapporter i {self.folder}")


def master_and_period(ws: Workspace, period_id: str):
    """(MasterData, Period) of a workspace; raises ConsolidationError (Swedish) when the master data has
    errors (the first five named) or the period is not in it."""
    master, findings = masterfile.load(ws.master_file)
    if master is None:
        raise ConsolidationError("Styrmodellen har fel: " + "; ".join(f"{f.where} {f.message()}" for f in findings[:5]))
    period = master.period(period_id)
    if period is None:
        raise ConsolidationError(f"Perioden {period_id} finns inte i styrmodellen.")
    return master, period


def consolidate(root: Path, period_id: str, include_invalid: bool = False, jobs: int | None = None,
                progress=None, break_lock: str | None = None, documents: str = "inga") -> Result:
    """Consolidate a period's inbox into rapporter/<period>/ (see README). `break_lock` is the token
    of a lock taken on another computer that the user has confirmed may be broken (from
    `ConsolidationError.lock.holder.token`); raises ConsolidationError (Swedish) when it cannot run.
    `documents`: "pdf" (a Word document per KF and board report and a tagged PDF of each), "docx"
    (the documents only) or "inga" (none; the library's default: `rodtrad consolidate` writes them)."""
    started = time.perf_counter()
    ws = Workspace(Path(root))
    master, period = master_and_period(ws, period_id)
    final = ws.reports(period.id)
    try:
        lock = Lock(final.parent / f".{period.id}.lock", period.id, break_lock).__enter__()
    except LockError as exc:
        raise ConsolidationError(str(exc), lock=exc) from None
    with _held(lock):
        notes = _recover(final) + swap.clear_stages(final, period.id)
        stage = swap.stage_folder(final, period.id)
        ours = gc.get_freeze_count() == 0  # nothing frozen by a caller: all that build() freezes is ours
        try:
            loaded = time.perf_counter()
            # build() stages the period's history while the workers write the reports; it is
            # committed once the reports are in place (closing without the commit undoes it)
            with _StagedHistory(ws.root / HISTORY_FILE) as history:
                result = build(ws, master, period, stage, include_invalid, jobs, progress, history, documents)
                result.seconds = {"styrmodell": loaded - started, **result.seconds}
                clock = time.perf_counter()
                notes += _swap(stage, final)
                history.commit()
                result.seconds["historik"] = time.perf_counter() - clock
        except BaseException:
            shutil.rmtree(stage, ignore_errors=True)
            raise
        finally:
            if ours:
                gc.unfreeze()  # build() freezes what it keeps as it goes
        result.folder, result.notes = final, notes
        result.kf_report = final / result.kf_report.name
        result.board_reports = [final / p.name for p in result.board_reports]
        result.documents = [final / p.name for p in result.documents]
    result.seconds["totalt"] = time.perf_counter() - started
    return result


class _StagedHistory:
    """The period's history, staged by build() and committed after the swap. The connection is made
    when the period is staged, after the worker processes were forked: an SQLite connection must
    not be open across a fork."""

    def __init__(self, path: Path):
        self.path, self.history = path, None

    def stage(self, *args) -> None:
        self.history = History(self.path)
        self.history.stage_period(*args)

    def commit(self) -> None:
        self.history.commit()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.history is not None:
            self.history.close()


def build(ws: Workspace, master, period, stage: Path, include_invalid: bool, jobs, progress,
          history: _StagedHistory | None = None, documents: str = "inga", extra: tuple = (),
          nodes=None, keep_charts: bool | None = None) -> Result:
    """Every output of a consolidation into `stage`; the period's history staged into `history`
    (None: not stored, as when an auditor's re-run rebuilds the reports to compare). `documents`
    as in `consolidate`; `extra`: (node id, report file name) of more nodes to report on (a
    förvaltning's report on request, `rodtrad rapport --nod`); `nodes`: only these get a document.
    `keep_charts`: the documents' charts are kept in the workspace and taken from it (documents/
    charts.py); default: when the history is stored, never for an auditor's rebuild."""
    doc_options, doc_findings, office = None, [], None
    if keep_charts is None:
        keep_charts = history is not None
    if documents != "inga":  # imported here, before the workers fork: they inherit docxtpl & co.
        from rodtrad.consolidator.documents import charts, pdf as pdf_export, write as document  # noqa: PLC0415

        doc_options, doc_findings = document.prepare(ws.root, keep_charts=keep_charts, period=period.id)
        doc_options = replace(doc_options, nodes=frozenset(nodes) if nodes else None, municipality=master.name)
        if documents == "pdf":  # LibreOffice starts while the reports are made (pdf.Office)
            expected = len(nodes) if nodes else 1 + len(extra) + sum(n.level in node_report.BOARD_LEVELS for n in master.org)
            office = pdf_export.Office(min(pdf_export.PROCESSES, os.cpu_count() or 1, expected), ahead=True)
        if not keep_charts or not charts.holds_any(doc_options.charts) or not any(ws.reports(period.id).glob("*.docx")):
            # most charts will be drawn (none kept, or the period's first documents): matplotlib loaded
            # once here (~0.35 CPU-s), before the workers fork, instead of in each worker; else a
            # worker loads it only if it draws a chart. (Loading it in a thread while the workers
            # validate gained nothing measurable, and a worker forked while a thread imports may hang.)
            charts.load_drawing()
    try:
        return _build(ws, master, period, stage, include_invalid, jobs, progress, history, extra,
                      doc_options, doc_findings, office)
    finally:
        if office is not None:
            office.close()  # at once for processes never given a share (a run that failed before the PDFs)


def _build(ws: Workspace, master, period, stage: Path, include_invalid: bool, jobs, progress, history, extra,
           doc_options, doc_findings: list, office) -> Result:
    """build() once its documents are prepared: `doc_options` None without documents, `office` a
    started pdf.Office when PDFs are wanted."""
    if doc_options is not None:
        from rodtrad.consolidator.documents import charts, write as document  # noqa: PLC0415
    files, ignored = collect([ws.inbox(period.id)]) if ws.inbox(period.id).exists() else ([], [])
    # ignored paths as the workspace knows them: no report carries the workspace's own path
    report = Report(ignored=[(manifest.relative(ws.root, p), reason) for p, reason in ignored])
    export = Export(stage / "export", PLAN if period.kind == "plan" else FOLLOW)
    clock = time.perf_counter()
    with workers(master, len(files), jobs, ws.root) as pool:  # for the validation and the reports
        facts: dict[str, UnitFacts] = {}
        own: dict[str, list] = {}  # a förvaltning's or board's own follow-up (levels.py)
        store = FactFile(stage / FACTS)
        try:
            for task in iter_tasks(files, master, period.id, keep_documents=True, then=_digest, pool=pool):
                if task.export is not None:
                    export.write(task.export)
                digest = task.facts
                if digest is not None and (task.valid or include_invalid):
                    if master.is_unit(task.unit):
                        facts.setdefault(task.unit, []).append(digest.facts)
                        store.add(task.sha256, digest.full, digest.slim)
                    elif answers(master, task.unit, digest.facts.level):
                        own.setdefault(task.unit, []).append(digest.facts)
                        store.add(task.sha256, digest.full, digest.slim)
                task.export = task.facts = None  # keep memory flat: only the figures kept above stay
                report.tasks.append(task)
                if len(report.tasks) % FREEZE_EVERY == 0:
                    # What is kept lives to the end of the run: frozen, the garbage collector stops
                    # walking it again in every full pass (10,000 units: main process 1.6 -> 0.9 CPU-s).
                    gc.freeze()
                if progress:
                    progress(1)
        finally:
            export.close()
            store.close()
        seconds = {"validering": time.perf_counter() - clock}
        clock = time.perf_counter()
        flag_duplicates(report)
        count_removed(report.tasks)  # "Mål BUN1 finns inte längre i styrmodellen; 18 enheters bedömningar räknas inte"
        duplicated = {t.unit for t in report.tasks if any(f.code == "batch.duplicate_unit" for f in t.findings)}
        included = {u: fs[0] for u, fs in facts.items() if u not in duplicated or include_invalid}
        # the levels' own follow-ups are few: their full facts (texts too) serve every report
        levels = {n: store.load(fs[0].sha256) for n, fs in own.items() if n not in duplicated or include_invalid}
        submissions = _submissions(master, report, included)
        result = Result(period=period.id, folder=stage, report=report,
                        consolidated=sorted(u for u, s in submissions.items() if s.status == "godkänd"),
                        invalid=sorted(u for u, s in submissions.items() if s.status.startswith("fel")),
                        missing=sorted(u for u, s in submissions.items() if s.status == "saknas"),
                        levels=sorted(levels))
        root = next(n for n in master.org if not n.parent)
        result.kf_report = stage / node_report.kf_report_name(period, master)
        jobs_list = [(root.id, str(result.kf_report))]
        for board in [n for n in master.org if n.level in node_report.BOARD_LEVELS]:
            path = stage / node_report.board_report_name(master, board.id, period)
            jobs_list.append((board.id, str(path)))
            result.board_reports.append(path)
        jobs_list += [(node_id, str(stage / name)) for node_id, name in extra]
        result.findings += doc_findings
        follow = period.kind != "plan"
        outcomes = None
        if follow:
            used, spent = _from_history(ws, master, period, history is None)
            final = period.kind == "helår"
            given = investments.answers(included, levels)
            net = investments.net_investments(master, investments.figures(master, spent, final, given))
            outcomes = Rollup(master, included, follow=True).follow_outcomes(
                {k: v for k, (v, _) in used.kolada.items()}, final=final, kolada_from=used.kolada_from,
                net_investments=net)
            outcomes.invested, outcomes.used = spent, used
        parts = []
        taken = {**included, **levels}
        included_paths = {t.path for t in report.tasks if t.unit in taken and taken[t.unit].file == t.file}
        inputs = []

        def meanwhile():
            """While the workers write the KF and board reports: this process's own two reports, the
            manifest's inputs, and the period's history (staged: its workers read earlier periods)."""
            write_report(report, stage / "valideringsrapport.xlsx", base=ws.reports(period.id))
            _status_book(master, submissions, period, stage / "inlamning.xlsx")
            inputs.extend(manifest.inputs(ws.root, report.tasks, included_paths))
            if history is not None:
                history.stage(period.id, period.date, list(included.values()), manifest.sha256(ws.master_file),
                              __version__, len(report.tasks), outcomes.invested if outcomes is not None else None,
                              outcomes.used if outcomes is not None else None)

        for path, part, findings in _write_reports(master, included, period, submissions, ws.root / HISTORY_FILE,
                                                   jobs_list, store, pool, outcomes, levels, meanwhile, doc_options):
            result.findings += findings
            parts.append(Path(part))
            if doc_options is not None and document.name_for(path).exists():
                result.documents.append(document.name_for(path))
    seconds["rapporter"], clock = time.perf_counter() - clock, time.perf_counter()
    if doc_options is not None and doc_options.charts:
        charts.prune(doc_options.charts)
    if office is not None:
        _, findings = office.convert(result.documents)
        result.findings += findings
        seconds["pdf"], clock = time.perf_counter() - clock, time.perf_counter()
    (stage / FACTS).unlink(missing_ok=True)
    with (stage / "spårbarhet.jsonl").open("w", encoding="utf-8", newline="\n") as out:
        for part in parts:  # in report order, so the file is the same on every run
            with part.open(encoding="utf-8") as handle:
                shutil.copyfileobj(handle, out)
            part.unlink()
    built = manifest.build(ws.root, period.id, ws.master_file, inputs, report.ignored, stage, include_invalid)
    built["imports"] = imports_log.for_manifest(ws.root / HISTORY_FILE)  # the ledger and Kolada the figures rest on
    if outcomes is not None:  # what the reports took from those imports, as the history keeps it (snapshot.py)
        built["imports_used"] = snapshot.digest(outcomes.used)
        built["invested"] = snapshot.invested_digest(outcomes.invested)
    manifest.write(built, stage)
    result.seconds = {**seconds, "spårbarhet och manifest": time.perf_counter() - clock}
    return result


def _from_history(ws: Workspace, master, period, rebuild: bool) -> tuple[snapshot.Used, dict[str, float]]:
    """What a follow-up's reports use from the imports, read in one opening of the history store:

    - the Kolada values (and their files), the Kolada comparison and last year's ledger outcome per
      unit (snapshot.Used);
    - the investment outcome to date per project (kr).

    Normally what the imports hold now. When the reports are rebuilt to be checked or written again
    (`verify`, `rapport`: nothing is stored), what the period's consolidation used, as the History
    store keeps it (snapshot.py, store.History.invested), so a Kolada file or a ledger imported since
    then does not change an old period's figures. A period consolidated before this was kept is
    rebuilt from the imports as they are now."""
    year, month = int(period.date[:4]), int(period.date[5:7])
    with History(ws.root / HISTORY_FILE, write=False) as stored:
        used = stored.used(period.id) if rebuild else None
        if used is None:
            values, origin, _ = followdocs.kolada_values(stored.con, master, year)
            used = snapshot.live(stored, master, year, month, values, origin)
        spent = stored.invested(period.id) if rebuild else None
        if spent is None:
            spent = investments.outcome(stored.con, year, month)
    return used, spent


PARALLEL_REPORTS_FROM = 200  # units; below this the reports are written in this process
FREEZE_EVERY = 1000  # tasks: how often what build() keeps is frozen for the garbage collector
FACTS = ".fakta"  # every kept document's full facts, for the board reports; removed before the outputs are listed


class Digest(NamedTuple):
    """What a worker made of a document for consolidation: the figures the main process keeps,
    and the full facts (texts too), pickled, for the fact file."""

    facts: UnitFacts
    full: bytes
    slim: bytes  # `facts`, pickled here too: the KF report's worker reads it from the fact file


def _digest(task, master):
    """In the worker: a document's export lines and facts. Only the figures stay in the main process
    (the full facts go to the fact file), so no process holds every unit's texts."""
    task.facts = task.export = None
    if task.document is not None and task.unit:
        task.export = export_lines(task.document, task.file, task.sha256, task.valid)
        facts = extract(task.document, task.cells, task.file, task.sha256, task.valid)
        figures = slim(facts)
        task.facts = Digest(figures, pickle.dumps(facts, protocol=pickle.HIGHEST_PROTOCOL),
                            pickle.dumps(figures, protocol=pickle.HIGHEST_PROTOCOL))
    task.document = task.cells = None
    return task


def _report_one(job, master=None) -> tuple:
    """One report, and its lineage written beside it (the main process never holds all lineage)."""
    node_id, path, facts, own, (period, submissions, history_path, outcomes, documents) = job
    master = master or worker_master()
    path = Path(path)
    if isinstance(facts, FactsAt):  # its units' facts, from the fact file (full ones for a board report)
        facts = facts.read()
    rollup = Rollup(master, facts, outcomes, follow=period.kind != "plan", own=own)
    # The facts live as long as the report: leave them out of the garbage collector's full passes,
    # which otherwise walk them again and again while millions of cells come and go (10,000 units:
    # the report phase 13.8 -> 12.7 s). They are freed by reference counting as usual. (In the
    # main process, where build() already freezes what it keeps, that freeze stands.)
    freeze = gc.get_freeze_count() == 0
    if freeze:
        gc.freeze()
    try:
        with History(history_path, write=False) as history:
            wanted = documents is not None and documents.wants(node_id)
            if wanted:
                from rodtrad.consolidator.documents import write as document  # noqa: PLC0415
            keep = document.keep() if wanted else frozenset()
            book = node_report.write(rollup, node_id, period, submissions, path, history, keep)
            if wanted:  # the Word document from the very rows of the workbook (documents/)
                document.write(rollup, node_id, period, book.kept, path, history, documents)
    finally:
        if freeze:
            gc.unfreeze()
    kf = not master.by_id[node_id].parent  # the KF report, whatever the model calls it (trace finds it by this)
    part = path.with_name(f".{path.stem}.spår")
    with part.open("w", encoding="utf-8", newline="\n") as out:
        for sheet, cell, what, sources, key in book.lineage:
            out.write(json.dumps({"report": path.name, "kf": kf, "sheet": sheet, "cell": cell, "what": what, "key": key,
                                  "sources": [s.__dict__ for s in sources]}, ensure_ascii=False, sort_keys=True) + "\n")
    return str(path), str(part), book.findings


def _write_reports(master, facts, period, submissions, history_path, jobs_list, store: FactFile, pool=None,
                   outcomes=None, levels=None, meanwhile=None, documents=None):
    """The KF and board reports in the worker processes (`pool`, from `validate.workers`); each
    report gets only its own units' facts, from the fact file `store` (a board report its units'
    full facts, the KF report every unit's figures). `meanwhile()` runs in this process while they work.
    Results come in `jobs_list` order.

    The workers are the ones that validated the files: they were started before any facts
    existed, so none of them holds every unit's facts, and they need no start-up. The largest
    reports are started first, so the workers finish close together."""
    rollup = Rollup(master, {})
    # with documents a report costs several times more (its charts above all): worth a worker at any size
    pooled = pool is not None and (len(facts) >= PARALLEL_REPORTS_FROM or documents is not None)
    tasks, sizes = [], []
    for node, path in jobs_list:
        mine = {u: facts[u] for u in rollup.units_under[node] if u in facts}
        kf = master.by_id[node].level == "kf"
        sizes.append(len(mine) // 4 if kf else len(mine))  # per unit, the KF report costs ~1/4 of a board report
        if not kf:  # a board report lists unit detail: its units' full facts
            mine = store.locate(mine)
        elif pooled:  # the KF report lists none: the units' figures (pickled by the workers that made them)
            mine = store.locate(mine, slim=True)
        under = {n for _, n in rollup.subtree(node)}
        # Only what the report needs crosses to its worker: a job is pickled by this process while it
        # writes its own two reports (at 10,000 units every unit's submission in every job, and the
        # KF report's figures pickled here, left the workers waiting for their next job).
        mine_submissions = {u: submissions[u] for u in rollup.units_under[node] if u in submissions}
        tasks.append((node, path, mine, {n: f for n, f in (levels or {}).items() if n in under},
                      (period, mine_submissions, history_path, outcomes, documents)))
    if not pooled:
        if meanwhile:
            meanwhile()
        return [_report_one(task, master) for task in tasks]
    futures = {i: pool.submit(_report_one, tasks[i]) for i in sorted(range(len(tasks)), key=lambda i: -sizes[i])}
    if meanwhile:
        meanwhile()
    return [futures[i].result() for i in range(len(tasks))]


def _submissions(master, report: Report, included: dict) -> dict[str, node_report.Submission]:
    out = {}
    for task in report.tasks:
        if not task.unit or not master.is_unit(task.unit):
            continue
        status = "godkänd" if task.valid else ("fel, medräknad" if task.unit in included else "fel")
        if task.unit in out and out[task.unit].status == "godkänd":
            continue
        out[task.unit] = node_report.Submission(task.unit, status, task.file, task.errors, task.warnings)
    for unit in master.unit_ids:
        out.setdefault(unit, node_report.Submission(unit, "saknas"))
    return out


def _status_book(master, submissions, period, path: Path) -> None:
    book = ReportBook(f"Inlämning – {period.name}", f"{master.name} · sista dag {period.deadline or '-'}")
    ws = book.sheet("Inlämning", book.title, "Filtrera på Status för att skicka påminnelser.")
    rows = []
    for unit in master.unit_ids:
        n, s = master.by_id[unit], submissions[unit]
        board = master.board_of(unit)
        rows.append([unit, n.name, board.name if board else "", n.manager, n.email, s.status, s.file, s.errors, s.warnings])
    book.table(ws, [col("Ansvarskod", 11), col("Enhet", 30), col("Nämnd", 30), col("Chef", 22), col("E-post", 32),
                    col("Status", 14), col("Fil", 40), col("Fel", 7, "0"), col("Varningar", 9, "0")], rows, name="Inlamning")
    book.save(path)


def _recover(final: Path) -> list[str]:
    """A crash between the two renames of a swap leaves the old reports aside: put them back."""
    try:
        return swap.recover(final)
    except swap.SwapError as exc:
        raise ConsolidationError(str(exc)) from None


def _swap(stage: Path, final: Path) -> list[str]:
    try:
        return swap.swap(stage, final)
    except swap.SwapError as exc:
        raise ConsolidationError(str(exc)) from None


@contextmanager
def _held(lock):
    try:
        yield lock
    finally:
        lock.__exit__(None, None, None)
