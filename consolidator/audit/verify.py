"""`rodtrad verify`: check a consolidation against its manifest, without trusting anyone's word.

What is checked: every input's hash (changed, vanished, appeared), the master data's hash, every
output's hash; then validation and the roll-up are run again on the inputs as they are now, into
a temporary folder, and the verdicts and every figure of every report are compared with what was
recorded. Consolidation is reproducible, so an untouched period recomputes byte for byte.
"""
from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path


from rodtrad.consolidator.reading import masterfile
from rodtrad.consolidator.model import terms
from rodtrad.consolidator import __version__
from rodtrad.consolidator.consolidation import manifest as mf
from rodtrad.consolidator.consolidation.consolidate import build
from rodtrad.consolidator.model.contract import a1
from rodtrad.consolidator.reading.grid import open_grid
from rodtrad.consolidator.reading.validate import collect
from rodtrad.consolidator.model.findings import ERROR
from rodtrad.consolidator.model.workspace import Workspace
from rodtrad.consolidator.model import inputstate
from rodtrad.consolidator.documents.read import text_differences
from rodtrad.consolidator.model.words import count
from rodtrad.consolidator.rollup import snapshot
from rodtrad.consolidator.rollup.store import FILE_NAME as HISTORY_FILE, History


@dataclass
class Difference:
    kind: str  # a short Swedish category
    where: str
    detail: str


@dataclass
class Verdict:
    period: str
    checked: dict = field(default_factory=dict)
    differences: list[Difference] = field(default_factory=list)
    recorded_version: str = ""

    @property
    def ok(self) -> bool:
        return not self.differences

    def add(self, kind: str, where: str, detail: str) -> None:
        self.differences.append(Difference(kind, where, detail))

    def memo(self, limit: int | None = None, listed_in: str = "verifiering.xlsx") -> str:
        """The verdict as text for a memorandum, the most important differences first (the files
        themselves, then the KF report before the board reports, summary, economy and indicators
        before the detail sheets). With a `limit`, only that many are listed and the rest counted,
        with where they are all listed."""
        c = self.checked
        lines = [f"Granskning av sammanställningen för perioden {self.period} med rodtrad {__version__}"
                 f" (sammanställd med {self.recorded_version or 'okänd version'}).",
                 f"Kontrollerat: {c.get('inputs', 0)} inlämnade filer (kontrollsumma SHA-256), styrmodellen, "
                 f"{c.get('outputs', 0)} rapportfiler (kontrollsumma), valideringens utslag för varje fil, "
                 f"samt varje siffra i {c.get('reports', 0)} rapporter, omräknad från de inlämnade filerna.",
                 ]
        if self.ok:
            lines.append("Resultat: allt stämmer. Rapporterna följer av de inlämnade filerna och styrmodellen "
                         "så som de registrerades i manifestet.")
            return "\n".join(lines)
        counts: dict[str, int] = {}
        for d in self.differences:
            counts[d.kind] = counts.get(d.kind, 0) + 1
        lines.append(f"Resultat: {count(len(self.differences), 'avvikelse', 'avvikelser')} ("
                     + ", ".join(f"{kind} {n}" for kind, n in counts.items()) + ").")
        shown = self.differences if limit is None else self.differences[:limit]
        lines += [f"- {d.kind}: {d.where} – {d.detail}" for d in shown]
        if len(shown) < len(self.differences):
            lines.append(f"… och {count(len(self.differences) - len(shown), 'avvikelse', 'avvikelser')} till. "
                         f"Alla {len(self.differences)} "
                         f"finns i {listed_in} (bladet Avvikelser) och i verifiering.json.")
        return "\n".join(lines)

    def to_dict(self) -> dict:
        return {"period": self.period, "ok": self.ok, "tool_version": __version__,
                "recorded_tool_version": self.recorded_version, "checked": self.checked,
                "differences": [d.__dict__ for d in self.differences], "memo": self.memo()}


def verify(root: Path, period: str, jobs: int | None = None) -> Verdict:
    ws = Workspace(Path(root))
    verdict = Verdict(period)
    folder = ws.reports(period)
    path = folder / mf.NAME
    if not path.exists():
        verdict.add("manifest saknas", str(path), "perioden är inte sammanställd eller manifestet är borttaget")
        return verdict
    recorded = json.loads(path.read_text(encoding="utf-8"))
    verdict.recorded_version = recorded["tool"]["version"]
    if recorded["tool"]["version"] != __version__:
        verdict.add("annan version", "rodtrad", f"sammanställd med {recorded['tool']['version']}, granskad med "
                    f"{__version__}; omräkningen görs med den granskande versionen")
    _inputs(ws, recorded, verdict, period)
    _master(ws, recorded, verdict)
    _outputs(folder, recorded, verdict)
    _kept(ws, recorded, verdict, period)
    _recompute(ws, recorded, verdict, period, jobs)
    verdict.differences.sort(key=lambda d: KIND_ORDER.get(d.kind, len(KIND_ORDER)))  # stable: within a kind as found
    return verdict


# The order differences are listed in: the files themselves first, what they mean for the figures last.
KIND_ORDER = {kind: i for i, kind in enumerate((
    "manifest saknas", "annan version", "styrmodellen saknas", "styrmodellen ändrad", "inlämnad fil saknas",
    "inlämnad fil ändrad", "fil har tillkommit", "utskicket saknas", "utskicket ändrat", "annat valideringsutslag",
    "rapportfil saknas", "rapportfil ändrad", "rapportfil har tillkommit", "importerna i historiken saknas",
    "importerna i historiken ändrade", "omräkning omöjlig", "siffra stämmer inte"))}
FIRST_SHEETS = ("Sammanfattning", "Ekonomi", "Nyckeltal")  # what a reader of a report looks at first


def report_rank(name: str, words=None) -> tuple:
    """The KF report first, then the board reports, then the rest (validation report, submissions);
    the reports told by the model's names for them (`words`: terms.of(master), None: Exempelkommun's)."""
    t = words or terms.Terms()
    return (0 if name.startswith(t.kf_report + " ") else 1 if name.startswith(t.board_report + " ") else 2, name)


def sheet_order(names: list[str]) -> list[str]:
    """A report's sheets as a reader takes them: summary, economy, indicators, then the workbook's order."""
    return [n for n in FIRST_SHEETS if n in names] + [n for n in names if n not in FIRST_SHEETS]


def _inputs(ws, recorded, verdict, period):
    known = set()
    for item in recorded["inputs"]:
        known.add(item["path"])
        was, now = inputstate.recorded(item), inputstate.state(ws.root / item["path"])
        who = f"enhet {item['unit'] or '?'}"
        if now == was:
            continue
        if now[0] == inputstate.MISSING:
            verdict.add("inlämnad fil saknas", item["path"], f"{who} – filen finns inte längre")
        elif now[0] != was[0]:
            verdict.add("inlämnad fil ändrad", item["path"], f"{who} – var {inputstate.describe(was[0])} vid "
                        f"sammanställningen, är nu {inputstate.describe(now[0])}")
        else:
            verdict.add("inlämnad fil ändrad", item["path"], f"{who} – kontrollsumman stämmer inte")
    known |= {i["path"] for i in recorded["ignored"]}
    files, ignored = collect([ws.inbox(period)]) if ws.inbox(period).exists() else ([], [])
    for p in [*files, *(Path(p) for p, _ in ignored)]:
        rel = mf.relative(ws.root, p)
        if rel not in known:
            verdict.add("fil har tillkommit", rel, "finns i inkorgen men inte i manifestet")
    for item in recorded.get("sent", []):  # what validation compared the returned workbooks with
        kind, digest = inputstate.state(ws.root / item["path"])
        if kind == inputstate.MISSING:
            verdict.add("utskicket saknas", item["path"], "det som skickades ut (och som inlämningarna jämförs med) "
                        "finns inte längre")
        elif digest != item["sha256"]:
            verdict.add("utskicket ändrat", item["path"], "kontrollsumman stämmer inte")
    verdict.checked["inputs"] = len(recorded["inputs"])


def _master(ws, recorded, verdict):
    path = ws.root / recorded["master_data"]["path"]
    if not path.exists():
        verdict.add("styrmodellen saknas", recorded["master_data"]["path"], "filen finns inte")
    elif mf.sha256(path) != recorded["master_data"]["sha256"]:
        verdict.add("styrmodellen ändrad", recorded["master_data"]["path"], "kontrollsumman stämmer inte")


def _outputs(folder, recorded, verdict):
    listed = {o["path"] for o in recorded["outputs"]}
    for out in recorded["outputs"]:
        path = folder / out["path"]
        if not path.exists():
            verdict.add("rapportfil saknas", out["path"], "filen finns inte")
        elif mf.sha256(path) != out["sha256"]:
            verdict.add("rapportfil ändrad", out["path"], "kontrollsumman stämmer inte")
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_file() and rel not in listed and rel != mf.NAME:
            verdict.add("rapportfil har tillkommit", rel, "finns i rapportmappen men inte i manifestet")
    verdict.checked["outputs"] = len(recorded["outputs"])


# what a follow-up kept in historik.sqlite of what it used (manifest key, its SHA-256 now, the words)
KEPT = (("imports_used", lambda history, period: snapshot.kept_digest(history.con, period), "importerna",
         "det som sammanställningen tog ur Kolada och huvudboken", "importerna som de är i dag"),
        ("invested", lambda history, period: snapshot.invested_digest(history.invested(period)), "investeringarna",
         "investeringarnas utfall som sammanställningen använde", "huvudboken som den är i dag"))


def _kept(ws, recorded, verdict, period):
    """What a follow-up kept in historik.sqlite of the imports it used (rollup/snapshot.py: Kolada, last
    year's ledger; store.History.invested: the investment outcome) against the SHA-256 the manifest
    recorded; nothing to check for a period consolidated before they were kept."""
    for key, digest, kind, what, source in KEPT:
        recorded_digest = recorded.get(key)
        if not recorded_digest:
            continue
        with History(ws.root / HISTORY_FILE, write=False) as history:
            now = digest(history, period)
        if now is None:
            verdict.add(f"{kind} i historiken saknas", HISTORY_FILE,
                        f"{what} finns inte kvar; omräkningen görs med {source}")
        elif now != recorded_digest:
            verdict.add(f"{kind} i historiken ändrade", HISTORY_FILE,
                        f"{what} har ändrats sedan sammanställningen (kontrollsumman stämmer inte)")


def _recompute(ws, recorded, verdict, period, jobs):
    master, findings = masterfile.load(ws.master_file)
    if master is None:
        verdict.add("omräkning omöjlig", ws.master_file.name, "styrmodellen kan inte läsas")
        return
    stage = Path(tempfile.mkdtemp(prefix="rodtrad-verify-"))
    try:
        documents = "docx" if any(o["path"].endswith(".docx") for o in recorded["outputs"]) else "inga"
        build(ws, master, master.period(period), stage, recorded.get("include_invalid", False), jobs, None,
              documents=documents, extra=tuple(tuple(x) for x in recorded.get("on_request", [])))
        again = json.loads((stage / mf.NAME).read_text(encoding="utf-8"))
        before = {i["path"]: i for i in recorded["inputs"]}
        for item in again["inputs"]:
            old = before.get(item["path"])
            if old and (old["verdict"], old["errors"]) != (item["verdict"], item["errors"]):
                verdict.add("annat valideringsutslag", item["path"],
                            f"registrerat: {old['verdict']} ({old['errors']} fel); nu: {item['verdict']} ({item['errors']} fel)")
        reports = sorted((o for o in recorded["outputs"] if o["path"].endswith(".xlsx")),
                         key=lambda o: report_rank(o["path"], terms.of(master)))
        verdict.checked["reports"] = len(reports)
        now = {o["path"]: o["sha256"] for o in again["outputs"]}
        for out in reports:  # the report as it is on disk against the report the inputs give now
            on_disk = ws.reports(period) / out["path"]
            if not on_disk.exists() or now.get(out["path"]) == mf.sha256(on_disk):
                continue
            for where, detail in _cell_differences(on_disk, stage / out["path"]):
                verdict.add("siffra stämmer inte", f"{out['path']} {where}", detail)
        documents = [o for o in recorded["outputs"] if o["path"].endswith(".docx")]
        if documents:
            verdict.checked["documents"] = len(documents)
        for out in documents:  # the document's text against the text the inputs give now
            on_disk = ws.reports(period) / out["path"]
            if not on_disk.exists() or now.get(out["path"]) == mf.sha256(on_disk):
                continue
            for where, detail in text_differences(on_disk, stage / out["path"]):
                verdict.add("text i dokumentet stämmer inte", f"{out['path']} {where}", detail)
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def _cell_differences(reported: Path, recomputed: Path) -> list[tuple[str, str]]:
    """Cell by cell, what the report on disk says against what the inputs give now: every
    difference, sheets in reading order (sheet_order), rows top to bottom."""
    if not reported.exists() or not recomputed.exists():
        return [("", "rapporten finns inte i båda")]
    a, said_a = open_grid(reported)  # bounded as a returned workbook: a report file may be hostile too
    b, said_b = open_grid(recomputed)
    if a is None or b is None:
        return [("", f"rapporten går inte att läsa ({'; '.join(f.message() for f in said_a + said_b)})")]
    out = [(f"{f.sheet}!{f.cell}" if f.sheet else "", f"i rapporten: {f.message()}")
           for f in said_a if f.severity == ERROR]
    refused = {f.sheet for f in said_a + said_b if f.severity == ERROR}
    names = list(b.names) + [n for n in a.names if n not in b.names]
    for name in sheet_order(names):
        if name in refused:
            continue  # said above, with its far cell
        if name not in a.names or name not in b.names:
            out.append((name, "bladet finns bara i den ena"))
            continue
        rows_a, rows_b = a.sheets.get(name, []), b.sheets.get(name, [])
        for r in range(max(len(rows_a), len(rows_b))):
            ra = rows_a[r] if r < len(rows_a) else []
            rb = rows_b[r] if r < len(rows_b) else []
            for c in range(max(len(ra), len(rb))):
                va, vb = (ra[c] if c < len(ra) else ""), (rb[c] if c < len(rb) else "")
                if va != vb:
                    out.append((f"{name}!{a1(r, c)}", f"i rapporten: {_cell(va)}; omräknat: {_cell(vb)}"))
    return out or [("", "filen skiljer sig men inga cellvärden (formatering eller struktur)")]


def _cell(value) -> str:
    """A cell's value for the verdict: numbers as the report shows them (75,9 not 75.89999999999999)."""
    if value == "" or value is None:
        return "(tom)"
    if isinstance(value, float):
        return repr(int(value)) if value.is_integer() else repr(round(value, 10)).replace(".", ",")
    if isinstance(value, str):
        return f"”{value}”"
    return str(value)
