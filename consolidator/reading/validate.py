"""Validate returned workbooks: one validator for the CLI, the consolidator and the add-in.

`validate_grid` works on cell values only (sheet -> rows), so a live workbook in Excel feeds it
exactly like a file does. Every file given appears in the report: validated, rejected with a
finding, or ignored with a reason. Nothing is ever written next to the inputs.
"""
from __future__ import annotations

import hashlib
import os
import stat
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from rodtrad.consolidator.model import contract, document, layouts, terms, wording
from rodtrad.consolidator.model.findings import ERROR, Finding, INFO, WARNING, define
from rodtrad.consolidator.reading.grid import TOO_LARGE, open_grid, read_file
from rodtrad.consolidator.model.files import sha256
from rodtrad.consolidator.model.masterdata import MasterData
from rodtrad.consolidator.rules import Context, all_rules
from rodtrad.consolidator.reading.sent import SentCopies
from rodtrad.consolidator.reading.bounds import READER_DIED, parse_ref
from rodtrad.consolidator.reading.workers import Workers
from rodtrad.consolidator.reading import names as typed_names
from rodtrad.consolidator.model.words import Said, count, in_language

NOT_RODTRAD = define("file.not_rodtrad", ERROR, "Arbetsboken är inte en arbetsbok från Röd tråd (bladen {detail} saknas).",
                     "The workbook is not a Röd tråd workbook (the sheets {detail} are missing).",
                     "Lämna in den arbetsbok som skickades ut till enheten.", "Hand in the workbook that was sent to the unit.")
SHEET_HIDDEN = define("sheet.hidden", WARNING, "Bladet {sheet} är dolt.", "The sheet {sheet} is hidden.",
                      "Visa bladet igen (högerklicka på en bladflik > Visa).", "Unhide the sheet (right-click a sheet tab > Unhide).")
MERGED = define("sheet.merged_cells", ERROR, "Cellerna {value} är sammanfogade över inmatningsceller; värden kan ha gått förlorade.",
                "The cells {value} are merged over input cells; values may have been lost.",
                "Dela upp de sammanfogade cellerna (Start > Sammanfoga och centrera > Dela upp celler).",
                "Unmerge the cells (Home > Merge & Center > Unmerge Cells).")
RULE_FAILED = define("rule.failed", ERROR, "Kontrollen {value} kunde inte köras på den här arbetsboken.",
                     "The check {value} could not run on this workbook.",
                     "Kontakta ekonomiavdelningen och bifoga filen.", "Contact the economy department with the file.")
INTERNAL = define("file.internal_error", ERROR, "Filen kunde inte kontrolleras ({detail}).",
                  "The file could not be checked ({detail}).", "Kontakta ekonomiavdelningen och bifoga filen.")
DUPLICATE_UNIT = define("batch.duplicate_unit", ERROR,
                        "Två filer gäller samma enhet {value} och period {period}: {files}.",
                        "Two files are for the same unit {value} and period {period}: {files}.",
                        "Ta bort den inaktuella filen ur inkorgen.", "Remove the outdated file from the inbox.")

WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods", ".xltx"}
HIDDEN_ALLOWED = {"_meta", "_listor"}


@dataclass
class Task:
    """The outcome for one file."""

    file: str
    path: str
    unit: str = ""
    period: str = ""
    sha256: str = ""
    size: int = 0
    template_version: str = ""
    findings: list[Finding] = field(default_factory=list)
    document: dict | None = None
    cells: dict | None = None
    facts: object = None  # what consolidation extracted in the worker
    export: object = None

    @property
    def errors(self) -> int:
        return sum(f.severity == ERROR for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(f.severity == WARNING for f in self.findings)

    @property
    def valid(self) -> bool:
        return self.errors == 0

    def to_dict(self, lang="sv") -> dict:
        return {"file": self.file, "path": self.path, "unit": self.unit, "period": self.period, "valid": self.valid,
                "errors": self.errors, "warnings": self.warnings, "findings": [f.to_dict(lang) for f in self.findings]}


@dataclass
class Report:
    tasks: list[Task] = field(default_factory=list)
    ignored: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)

    @property
    def valid(self) -> bool:
        return all(t.valid for t in self.tasks)

    @property
    def findings(self) -> list[Finding]:
        return [f for t in self.tasks for f in t.findings]

    def stats(self) -> dict:
        return {"files": len(self.tasks), "valid": sum(t.valid for t in self.tasks),
                "invalid": sum(not t.valid for t in self.tasks), "errors": sum(t.errors for t in self.tasks),
                "warnings": sum(t.warnings for t in self.tasks), "ignored": len(self.ignored)}

    def summary(self, lang: str = "sv") -> str:
        """One line: files, valid, invalid, errors, warnings, ignored (and files whose reader died),
        in Swedish or English (`lang`, as the findings)."""
        s = self.stats()
        died = sum(any(f.code == READER_DIED.code for f in t.findings) for t in self.tasks)
        if lang == "en":
            return (f"{count(s['files'], 'workbook', 'workbooks')}: {s['valid']} valid, {s['invalid']} with errors "
                    f"({count(s['errors'], 'error', 'errors')}, {count(s['warnings'], 'warning', 'warnings')}); "
                    f"{count(s['ignored'], 'file', 'files')} ignored"
                    + (f"; {count(died, 'file', 'files')} could not be read (the reader stopped), the others were "
                       "checked" if died else ""))
        return (f"{count(s['files'], 'arbetsbok', 'arbetsböcker')}: {count(s['valid'], 'godkänd', 'godkända')}, "
                f"{s['invalid']} med fel ({s['errors']} fel, {count(s['warnings'], 'varning', 'varningar')}); "
                f"{count(s['ignored'], 'fil', 'filer')} ignorerade"
                + (f"; {count(died, 'fil', 'filer')} kunde inte läsas (läsaren avbröts), övriga kontrollerades"
                   if died else ""))

    def to_dict(self, lang="sv") -> dict:
        return {"valid": self.valid, "stats": self.stats(), "tasks": [t.to_dict(lang) for t in self.tasks],
                "ignored": [{"path": p, "reason": in_language(r, lang)} for p, r in self.ignored]}


# -- one workbook -----------------------------------------------------------------------------

def is_rodtrad(sheets: dict, words: terms.Terms | None = None) -> tuple[bool, list[str]]:
    names = [s["name"] for s in document.spec(*document.template_of(sheets), words=words)["sheets"]]
    missing = [n for n in names if n not in sheets]
    return "_meta" in sheets or len(missing) <= len(names) // 2, missing


def validate_grid(sheets: dict, master: MasterData, file: str = "", expected_period: str | None = None,
                  hidden=(), keep_document: bool = False, merged: dict | None = None, sent=None) -> Task:
    """Validate one workbook's cell values (sheet -> rows). `sent` (reading.sent.SentCopies) holds what
    the workspace sent out, for the prefilled check of follow-ups."""
    task = Task(file=file, path=file)
    words = terms.of(master)  # the model's words: its sheets and headers (model/wording.py)
    ours, missing = is_rodtrad(sheets, words)
    if not ours:
        task.findings.append(NOT_RODTRAD(file=file, params={"detail": ", ".join(missing[:4])}))
        return task
    refused = _unreadable_version(sheets, file, task)
    if refused:
        task.findings = [refused]  # one finding for the economy department, not the columns it cannot find
        return task
    got = document.from_grid(sheets, file, words)
    doc, layout = got.data, got.layout
    typed_names.resolve(doc, master, (doc.get("meta") or {}).get("unit") or "")  # "Ekonomi" typed for "P1 – Ekonomi"
    meta = doc.get("meta") or {}
    task.unit, task.period = meta.get("unit") or "", meta.get("period") or ""
    task.template_version = meta.get("version") or ""
    findings = got.findings + contract.schema_findings(got.template, doc, got, layout, file)
    names = {s["name"]: s["key"] for s in layout["sheets"]}
    for name in sorted(set(hidden) - HIDDEN_ALLOWED):
        if name in names:
            findings.append(SHEET_HIDDEN(file=file, sheet=name))
    findings += _merged_over_inputs(merged or {}, got, file)
    gone = {f.sheet for f in got.findings if f.code == "sheet.missing"}
    missing = frozenset(key for name, key in names.items() if name in gone)
    ctx = Context(doc=doc, read=got, master=master, file=file, expected_period=expected_period, missing=missing,
                  template=got.template, sent=sent)
    unreadable = {(f.sheet, f.cell) for f in got.findings if f.cell}  # a cell's value is reported once
    for rule in all_rules(got.template):
        try:
            findings.extend(f for f in rule(ctx) if (f.sheet, f.cell) not in unreadable)
        except Exception:  # noqa: BLE001 - a failing rule is a finding, never a crash of the batch
            findings.append(RULE_FAILED(file=file, value=getattr(rule, "__module__", str(rule)).rsplit(".", 1)[-1]))
    said = wording.words(words)
    for f in findings:
        f.file, f.unit, f.words = file, task.unit, said
    task.findings = _ordered(findings, layout)
    if keep_document:
        task.document, task.cells = doc, got.cells
    return task


def _unreadable_version(sheets: dict, file: str, task: Task):
    """The finding for a workbook whose layout version the reader cannot read (model/layouts.py),
    with the task's unit and period taken from its _meta sheet; None when it can be read."""
    version, cell = layouts.version_cell(sheets)
    refused = layouts.refusal(document.template_of(sheets)[0], version, file, "_meta", cell)
    if refused is not None:
        meta = {contract.norm(row[0]): row[1] for row in sheets.get("_meta") or [] if len(row) > 1}
        task.unit, task.period = str(meta.get("ansvarskod") or ""), str(meta.get("period") or "")
        task.template_version = version or ""
        refused.unit = task.unit
    return refused


def _merged_over_inputs(merged: dict, got, file: str) -> list[Finding]:
    """A merged range hides every value but its top-left one: flag it where it covers cells we read."""
    if not merged:
        return []
    read = {}
    for sheet, cell in got.cells.values():
        if cell:
            read.setdefault(sheet, set()).add(parse_ref(cell))
    out = []
    for sheet, ranges in merged.items():
        cells = read.get(sheet, ())
        for (r0, c0), (r1, c1) in ranges:
            # the cells read that the range covers, never the range's own cells (it may be huge)
            if any(r0 <= r - 1 <= r1 and c0 <= c - 1 <= c1 and (r - 1, c - 1) != (r0, c0) for r, c in cells):
                out.append(MERGED(file=file, sheet=sheet, cell=contract.a1(r0, c0),
                                  value=f"{contract.a1(r0, c0)}:{contract.a1(r1, c1)}"))
    return out


def _ordered(findings: list[Finding], layout: dict) -> list[Finding]:
    sheets = {s["name"]: i for i, s in enumerate(layout["sheets"])}

    def key(f):
        col = "".join(ch for ch in f.cell if ch.isalpha())
        row = int("".join(ch for ch in f.cell if ch.isdigit()) or 0)
        return (sheets.get(f.sheet, -1), row, len(col), col, f.code)
    return sorted(findings, key=key)


def validate_file(path: Path, master: MasterData, expected_period: str | None = None,
                  keep_document: bool = False, sent=None) -> Task:
    path = Path(path)
    name = unicodedata.normalize("NFC", path.name)
    try:
        data, findings = read_file(path)  # read once: the hash, the zip check and the parse share it
        if data is None:
            sha256, size = fingerprint(path) if any(f.code == TOO_LARGE.code for f in findings) else ("", 0)
            grid = None
        else:
            sha256, size = hashlib.sha256(data).hexdigest(), len(data)
            grid, findings = open_grid(path, wanted=document.sheet_names(terms.of(master)), data=data)
        if grid is None:
            for f in findings:
                f.file = name
            return Task(file=name, path=str(path), findings=findings, sha256=sha256, size=size)
        task = validate_grid(grid.sheets, master, name, expected_period, grid.hidden, keep_document, grid.merged, sent)
        for f in findings:
            f.file, f.unit = name, task.unit
        refused = {f.sheet for f in findings if f.code == "sheet.far_value"}  # its finding says why it is not read
        task.findings = findings + [f for f in task.findings if not (f.code == "sheet.missing" and f.sheet in refused)]
        task.path, task.sha256, task.size = str(path), sha256, size
        return task
    except Exception:  # noqa: BLE001 - untrusted input must never stop the batch
        return Task(file=name, path=str(path), findings=[INTERNAL(file=name, params={"detail": "ett oväntat fel i Röd tråd"})])


def fingerprint(path: Path) -> tuple[str, int]:
    """SHA-256 and size of a file as it is on disk (a folder has none)."""
    if path.is_dir():
        return "", 0
    return sha256(path), path.stat().st_size


# -- many workbooks ---------------------------------------------------------------------------

def collect(paths) -> tuple[list[Path], list[tuple[str, str]]]:
    """Expand folders; lock files, hidden files and non-workbooks are ignored, each with a reason."""
    files, ignored = [], []

    def consider(p: Path):
        name = unicodedata.normalize("NFC", p.name)
        special = special_file(p)
        if special:  # a FIFO would block the reader for ever, a device never ends: never opened
            ignored.append((str(p), Said(f"inte en vanlig fil ({special}); öppnas inte och ignoreras",
                                         "not a regular file; never opened, ignored")))
        elif name.startswith("~$"):
            ignored.append((str(p), Said("Excels låsfil (arbetsboken är öppen hos någon); ignoreras",
                                         "Excel's lock file (someone has the workbook open); ignored")))
        elif name.startswith("."):
            ignored.append((str(p), Said("dold fil; ignoreras", "hidden file; ignored")))
        elif p.is_dir():
            if p.suffix.lower() in WORKBOOK_SUFFIXES:
                files.append(p)  # a folder named like a workbook: reported as a finding, not skipped silently
            else:
                for child in sorted(p.iterdir()):
                    consider(child)
        elif p.suffix.lower() in WORKBOOK_SUFFIXES:
            files.append(p)
        else:
            ignored.append((str(p), Said(f"inte en arbetsbok ({p.suffix or 'utan filändelse'}); ignoreras",
                                         f"not a workbook ({p.suffix or 'no file extension'}); ignored")))

    for p in paths:
        p = Path(p)
        if p.is_dir() and p.suffix.lower() not in WORKBOOK_SUFFIXES:
            for child in sorted(p.iterdir()):
                consider(child)
        elif p.exists():
            consider(p)
        else:
            ignored.append((str(p), Said("finns inte", "does not exist")))
    return files, ignored


_SPECIAL = ((stat.S_ISFIFO, "en namngiven pipe"), (stat.S_ISSOCK, "en socket"), (stat.S_ISCHR, "en enhet"),
            (stat.S_ISBLK, "en enhet"))


def special_file(path: Path) -> str:
    """What a path is when it is neither a regular file nor a folder ("en namngiven pipe", "en
    socket", "en enhet"), found without opening it; "" otherwise (or when it does not exist)."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return ""
    return next((what for test, what in _SPECIAL if test(mode)), "")


_master: MasterData | None = None
_sent = None


def _init(master: MasterData, root=None) -> None:
    """A worker's (or this process's) master data: the caller's own object, inherited when the
    pool forks (pickled when it spawns), rather than built again from its data in every worker."""
    global _master, _sent
    _master = master
    _sent = SentCopies(root) if root else None


def worker_master() -> MasterData | None:
    """The master data of this worker process (set when the pool started it)."""
    return _master


def _one(args) -> Task:
    path, expected_period, keep, then = args
    task = validate_file(Path(path), _master, expected_period, keep, _sent)
    return then(task, _master) if then else task


@contextmanager
def workers(master: MasterData, files: int, jobs: int | None = None, root: Path | None = None):
    """A pool of processes that know the master data (and what the workspace sent out), or None
    when one process does the work best (one core, or fewer than 8 files). Consolidation keeps
    the pool for its reports too: the workers were started before any unit's facts existed, so
    they hold none of them, and they are already warm."""
    jobs = jobs or os.cpu_count() or 1
    init = (master, str(root) if root else None)
    if jobs == 1 or files < 8:
        _init(*init)
        yield None
        return
    with Workers(jobs, _init, init) as pool:
        yield pool


def iter_tasks(files: list[Path], master: MasterData, expected_period: str | None = None, jobs: int | None = None,
               keep_documents: bool = False, then=None, root: Path | None = None, pool=False):
    """Validate files one by one (in file order), across processes when there are many.

    `then(task, master)`, a module-level function, runs in the worker on each task: work that
    belongs with the document (such as consolidation's extraction) is done in parallel, and only
    its result crosses back to this process. `root` is the workspace whose outbox holds what was
    sent. `pool` is a pool from `workers()` (None: this process); without one, one is made."""
    tasks = [(str(p), expected_period, keep_documents, then) for p in files]
    if pool is False:
        with workers(master, len(tasks), jobs, root) as own:
            yield from iter_tasks(files, master, expected_period, jobs, keep_documents, then, root, own)
        return
    if pool is None:
        yield from map(_one, tasks)
        return
    # small chunks: at the end of the batch no worker waits long for the other to finish its last chunk
    yield from pool.map(_one, tasks, _died, chunksize=max(1, min(8, len(tasks) // (pool.jobs * 4))))


def _died(args, detail: str) -> Task:
    """The task of a file whose reader died twice (reading/workers.py): that file, not the batch."""
    name = unicodedata.normalize("NFC", Path(args[0]).name)
    try:
        sha, size = fingerprint(Path(args[0]))
    except OSError:
        sha, size = "", 0
    return Task(file=name, path=args[0], sha256=sha, size=size,
                findings=[READER_DIED(file=name, params={"detail": detail})])


def validate_paths(paths, master: MasterData, expected_period: str | None = None, jobs: int | None = None,
                   progress=None, keep_documents: bool = False, root: Path | None = None) -> Report:
    files, ignored = collect(paths)
    report = Report(ignored=ignored)
    for task in iter_tasks(files, master, expected_period, jobs, keep_documents, root=root):
        report.tasks.append(task)
        if progress:
            progress(1)
    flag_duplicates(report)
    return report


def flag_duplicates(report: Report) -> None:
    by_key: dict[tuple[str, str], list[Task]] = {}
    for task in report.tasks:
        if task.unit:
            by_key.setdefault((task.unit, task.period), []).append(task)
    for (unit, period), tasks in by_key.items():
        if len(tasks) > 1:
            names = Said(" och ".join(t.file for t in tasks), " and ".join(t.file for t in tasks))
            for task in tasks:
                task.findings.insert(0, DUPLICATE_UNIT(file=task.file, unit=unit, value=unit,
                                                       params={"period": period, "files": names}))


__all__ = ["Report", "Task", "validate_grid", "validate_file", "validate_paths", "collect", "iter_tasks", "flag_duplicates", "INFO"]
