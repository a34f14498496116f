"""Benchmark: consolidating a period (reports included), against a bare python-calamine read.

    .venv/bin/python benchmarks/consolidate.py --units 2000 10000

Uses the same scaled Exempelkommun and filled workbooks as validate.py (cached in
build/bench-cache/). Each consolidation runs in a fresh process, so its peak memory is its own.
Targets (issue 4): 2,000 workbooks ≤ 2 × the bare read of all their sheets in one process;
10,000 ≤ 5.5 × the time of 2,000; peak memory < 400 MiB at 10,000.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from common import scaled_master  # noqa: E402
from validate import PERIOD, bare_read, prepare  # noqa: E402

from rodtrad.consolidator.workbooks import masterbook  # noqa: E402


def workspace(units: int, cache: Path) -> Path:
    inbox = prepare(units, cache)
    root = cache / f"ws-{units}"
    if not (root / "inkorg" / PERIOD).exists():
        (root / "inkorg").mkdir(parents=True, exist_ok=True)
        os.symlink(inbox.resolve(), root / "inkorg" / PERIOD)
        master, _ = scaled_master(units)
        masterbook.write(master.data, root / "styrmodell.xlsx")
    shutil.rmtree(root / "rapporter", ignore_errors=True)
    (root / "historik.sqlite").unlink(missing_ok=True)
    return root


def consolidate_in_subprocess(root: Path) -> dict:
    code = f"""
import json, resource, time
from rodtrad.consolidator.consolidation.consolidate import consolidate
start = time.perf_counter()
result = consolidate({str(root)!r}, {PERIOD!r})
seconds = time.perf_counter() - start
me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({{"seconds": seconds, "consolidated": len(result.consolidated), "phases": result.seconds,
                  "cpu_s": me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime,
                  "peak_main_mib": me.ru_maxrss / 1024, "peak_worker_mib": kids.ru_maxrss / 1024}}))
"""
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, nargs="+", default=[2000])
    parser.add_argument("--cache", type=Path, default=Path("build/bench-cache"))
    parser.add_argument("--repeat", type=int, default=1,
                        help="run each measurement this many times, alternating, and report the medians "
                             "(this kind of machine is shared: single runs vary by 10–15 %%)")
    args = parser.parse_args()
    print(f"cores: {os.cpu_count()}, python {sys.version.split()[0]}")
    times = {}
    for n in args.units:
        runs, bares = [], []
        for _ in range(args.repeat):
            root = workspace(n, args.cache)
            bares.append(bare_read(sorted((root / "inkorg" / PERIOD).glob("*.xlsx"))))
            runs.append(consolidate_in_subprocess(root))
        bare = statistics.median(bares)
        ours = {k: statistics.median(r[k] for r in runs) for k in runs[0] if k != "phases"}
        phases = {k: statistics.median(r["phases"][k] for r in runs) for k in runs[0]["phases"]}
        times[n] = ours["seconds"]
        print(f"N={n}: bare calamine read {bare:.2f} s; consolidate {ours['seconds']:.2f} s "
              f"(ratio {ours['seconds'] / bare:.2f}; CPU time of all its processes {ours['cpu_s']:.1f} s); "
              f"{ours['consolidated']} units consolidated; "
              f"peak memory main {ours['peak_main_mib']:.0f} MiB, worker {ours['peak_worker_mib']:.0f} MiB")
        print("  phases (wall): " + "; ".join(f"{k} {v:.2f} s" for k, v in phases.items()))
    if 2000 in times and 10000 in times:
        print(f"10,000 / 2,000: {times[10000] / times[2000]:.2f}")


if __name__ == "__main__":
    main()
