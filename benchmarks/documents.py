"""Benchmark: the report documents (Word, tagged PDF) against the consolidation of the same period.

    .venv/bin/python benchmarks/documents.py --runs 5

The demo's workspace (Exempelkommun, 49 units, plan, T1 and delår with every level's own follow-up) is made once in
build/bench-cache/demo (not timed). Its delår is then consolidated in fresh processes, in turn
without documents, with the .docx files and with the .docx and their PDFs (LibreOffice), and the
medians compared. Targets (issue 23): the documents' .docx part (with − without) ≤ 1 × the
consolidation without documents; .docx and PDF ≤ 3 ×.

"docx" and "pdf" are cold: the workspace's kept charts (.cache/diagram, documents/charts.py) are
removed before each, so every chart is drawn and matplotlib loaded, as at a period's first
consolidation. "docx igen" and "pdf igen" consolidate the same period again with the charts kept
(as when late files or the economy department's texts change nothing in a chart). "pdf ny dator"
is "pdf" on a machine that has never made a PDF with Röd tråd: no kept LibreOffice profile
(documents/pdf.py `Seed`; the run's cache is an empty folder of its own). It is shown, not
held to the target: it happens once per machine and LibreOffice installation.

`--against DIR` measures another version in the same run, in turn with this one (same host, same
moments of load): DIR holds a `rodtrad` folder whose consolidator, templates, samples and addin
link to that version's folders (e.g. from `git archive OLD | tar -x`); it goes first on PYTHONPATH.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

PERIOD = "2027-delar"


def demo(cache: Path) -> Path:
    root = cache / "demo"
    if not (root / "rapporter" / PERIOD).exists():
        from rodtrad.samples.demo import run

        run(root, echo=lambda *_: None, periods=["2027-T1", PERIOD], documents="inga")
    return root


def consolidate_in_subprocess(root: Path, mode: str, path: Path | None = None) -> dict:
    documents = mode.split()[0]
    if not mode.endswith("igen"):
        shutil.rmtree(root / ".cache", ignore_errors=True)
    env = dict(os.environ)
    if path:
        env["PYTHONPATH"] = str(path)
    if mode.endswith("ny dator"):  # no kept LibreOffice profile: a cache folder of its own, empty
        env["RODTRAD_CACHE"] = tempfile.mkdtemp(prefix="rodtrad-bench-cache-")
    # CPU counts every process the run started: this one becomes their subreaper (Linux), so
    # LibreOffice's soffice.bin, orphaned when its group is ended at once (pdf.Office.close), is
    # reaped here and its CPU time counted with the others
    code = f"""
import ctypes, json, os, resource, time
ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
from rodtrad.consolidator.consolidation.consolidate import consolidate
start = time.perf_counter()
result = consolidate({str(root)!r}, {PERIOD!r}, documents={documents!r})
seconds = time.perf_counter() - start
until = time.monotonic() + 10
while time.monotonic() < until:  # every orphan reaped (not timed: after the run), 10 s at most
    try:
        if os.waitpid(-1, os.WNOHANG)[0] == 0:
            time.sleep(0.01)
    except ChildProcessError:
        break
me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({{"seconds": seconds, "documents": len(result.documents), "phases": result.seconds,
                  "cpu_s": me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime}}))
"""
    try:
        out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, env=env)
    finally:
        if mode.endswith("ny dator"):
            shutil.rmtree(env["RODTRAD_CACHE"], ignore_errors=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def report(name: str, times: dict[str, list[dict]]) -> None:
    wall = {m: statistics.median(r["seconds"] for r in runs) for m, runs in times.items()}
    cpu = {m: statistics.median(r["cpu_s"] for r in runs) for m, runs in times.items()}
    print(f"{name}: documents per run: {times['docx'][0]['documents']}")
    print(f"{'':13}{'wall s':>9}{'cpu s':>9}   (each run, wall)")
    for mode in times:
        each = " ".join(f"{r['seconds']:.2f}" for r in times[mode])
        print(f"{mode:13}{wall[mode]:9.2f}{cpu[mode]:9.2f}   {each}")
    for cold, again in (("docx", "docx igen"), ("pdf", "pdf igen")):
        for mode, what in ((cold, "first consolidation, every chart drawn"), (again, "again, charts kept")):
            part, target = wall[mode] - wall["inga"], 1 if cold == "docx" else 3
            print(f"{'.docx' if cold == 'docx' else '.docx + PDF'} part ({what}): {part:.2f} s = "
                  f"{part / wall['inga']:.2f} × the consolidation (target ≤ {target}); cpu "
                  f"{(cpu[mode] - cpu['inga']) / cpu['inga']:.2f} ×")
    part = wall["pdf ny dator"] - wall["inga"]
    print(f".docx + PDF part (first consolidation on a machine without a kept LibreOffice profile): {part:.2f} s = "
          f"{part / wall['inga']:.2f} × the consolidation (shown; once per machine)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cache", type=Path, default=Path("build/bench-cache"))
    parser.add_argument("--against", type=Path, help="a folder holding another version's rodtrad (see above)")
    args = parser.parse_args()
    root = demo(args.cache)
    versions = {"this version": None, **({f"against {args.against}": args.against.resolve()} if args.against else {})}
    times = {v: {"inga": [], "docx": [], "docx igen": [], "pdf": [], "pdf igen": [], "pdf ny dator": []}
             for v in versions}
    for _ in range(args.runs):
        for version, path in versions.items():
            for mode in times[version]:  # in turn, so a busy moment of the machine falls on all of them
                times[version][mode].append(consolidate_in_subprocess(root, mode, path))
    for version in versions:
        report(version, times[version])


if __name__ == "__main__":
    main()
