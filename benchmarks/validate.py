"""Benchmark: validating returned workbooks, against a bare python-calamine read of the same files.

    .venv/bin/python benchmarks/validate.py --units 200 2000

Set-up (not timed): Exempelkommun scaled to N units, one plan workbook generated and filled by the
sample filler for each (kept in --cache, default build/bench-cache, and reused).
Measured in one run:
  - grid: validating one workbook from its grid (values already read), median over the files;
  - bare: reading every sheet of every file with python-calamine, one process;
  - ours: `validate_paths` on the folder, one process per core (what `rodtrad validate` does);
  - peak memory (max RSS) of the validating processes, for N and for 10 × N.
Targets (issue 3): grid <= 20 ms; ours <= 1.5 × bare at 2,000 files; peak < 300 MiB, flat in N.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from python_calamine import CalamineWorkbook

sys.path.insert(0, str(Path(__file__).parent))
from common import scaled_master  # noqa: E402

from rodtrad.samples import filler  # noqa: E402
from rodtrad.consolidator.workbooks.generate import generate  # noqa: E402

PERIOD = "2027-plan"


def _fill(args):
    src, dst = args
    filler.fill(Path(src), Path(dst), random.Random(Path(src).name))


def prepare(units: int, cache: Path) -> Path:
    inbox = cache / f"inkorg-{units}"
    if inbox.exists() and len(list(inbox.glob("*.xlsx"))) == units:
        return inbox
    master, ids = scaled_master(units)
    outbox = cache / f"utskick-{units}"
    paths = generate(master, PERIOD, outbox, units=ids)
    inbox.mkdir(parents=True, exist_ok=True)
    with ProcessPoolExecutor() as pool:
        list(pool.map(_fill, [(str(p), str(inbox / p.name)) for p in paths], chunksize=16))
    return inbox


def bare_read(files) -> float:
    start = time.perf_counter()
    for path in files:
        book = CalamineWorkbook.from_path(str(path))
        for name in book.sheet_names:
            book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        book.close()
    return time.perf_counter() - start


def grid_times(files, master) -> list[float]:
    from rodtrad.consolidator.reading.grid import open_grid
    from rodtrad.consolidator.reading.validate import validate_grid

    times = []
    for path in files[:200]:
        grid, _ = open_grid(path)
        start = time.perf_counter()
        validate_grid(grid.sheets, master, path.name, PERIOD, grid.hidden, merged=grid.merged)
        times.append(time.perf_counter() - start)
    return times


def validate_in_subprocess(inbox: Path, units: int) -> dict:
    """Run the validation in a fresh process so its peak memory is its own."""
    code = f"""
import json, resource, sys, time
sys.path.insert(0, {str(Path(__file__).parent)!r})
from pathlib import Path
from common import scaled_master
from rodtrad.consolidator.validate import validate_paths
master, _ = scaled_master({units})
start = time.perf_counter()
report = validate_paths([Path({str(inbox)!r})], master, expected_period={PERIOD!r})
seconds = time.perf_counter() - start
me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({{"seconds": seconds, "files": len(report.tasks), "valid": report.stats()["valid"],
                  "peak_main_mib": me.ru_maxrss / 1024, "peak_worker_mib": kids.ru_maxrss / 1024}}))
"""
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, nargs="+", default=[200])
    parser.add_argument("--cache", type=Path, default=Path("build/bench-cache"))
    args = parser.parse_args()
    print(f"cores: {os.cpu_count()}, python {sys.version.split()[0]}")
    for n in args.units:
        inbox = prepare(n, args.cache)
        files = sorted(inbox.glob("*.xlsx"))
        master, _ = scaled_master(n)
        times = grid_times(files, master)
        bare = bare_read(files)
        ours = validate_in_subprocess(inbox, n)
        print(f"N={n}: validate one grid: median {1000 * statistics.median(times):.1f} ms, "
              f"max {1000 * max(times):.1f} ms")
        print(f"  bare calamine read, 1 process: {bare:.2f} s ({1000 * bare / n:.1f} ms/file)")
        print(f"  rodtrad validate, {os.cpu_count()} processes: {ours['seconds']:.2f} s "
              f"({1000 * ours['seconds'] / n:.1f} ms/file); ratio {ours['seconds'] / bare:.2f}; "
              f"{ours['valid']}/{ours['files']} valid")
        print(f"  peak memory: main {ours['peak_main_mib']:.0f} MiB, largest worker {ours['peak_worker_mib']:.0f} MiB")


if __name__ == "__main__":
    main()
