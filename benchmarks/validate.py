"""Benchmark: validating returned workbooks, against a bare python-calamine read of the same files.

    .venv/bin/python benchmarks/validate.py --units 200 2000

Set-up (not timed): Exempelkommun scaled to N units, one plan workbook generated and filled by the
sample filler for each (kept in --cache, default build/bench-cache, and reused).
Measured in one run:
  - grid: validating one workbook from its grid (values already read), median over the files;
  - bare: reading every sheet of every file with python-calamine, one process;
  - ours: `validate_paths` on the folder, one process per core (what `rodtrad validate` does);
  - peak memory (max RSS) of the validating processes, for N and for 10 × N;
  - bounds (issue 16): ours with the extent check of reading/bounds.py against ours without it
    (`check_zip` collecting no worksheet heads, `far_sheets` finding nothing, no memory cap),
    alternating runs, medians; and the time to answer one workbook with a value in XFD1048576.
Targets (issue 3): grid <= 20 ms; ours <= 1.5 × bare at 2,000 files; peak < 300 MiB, flat in N.
Targets (issue 16): the bounded read adds <= 5 % at 2,000 files; a far-cell file < 100 ms.
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


UNBOUNDED = """
import contextlib
from rodtrad.consolidator.reading import grid
from rodtrad.consolidator.reading import bounds
_check_zip = grid.check_zip
grid.check_zip = lambda data, heads=None: _check_zip(data)
grid.far_sheets = lambda *args, **kwargs: (set(), [])
bounds.memory_cap = contextlib.nullcontext
"""


def validate_in_subprocess(inbox: Path, units: int, bounded: bool = True) -> dict:
    """Run the validation in a fresh process so its peak memory is its own."""
    code = f"""
import json, resource, sys, time
sys.path.insert(0, {str(Path(__file__).parent)!r})
from pathlib import Path
from common import scaled_master
{"" if bounded else UNBOUNDED}
from rodtrad.consolidator.reading.validate import validate_paths
master, _ = scaled_master({units})
start = time.perf_counter()
report = validate_paths([Path({str(inbox)!r})], master, expected_period={PERIOD!r})
seconds = time.perf_counter() - start
me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({{"seconds": seconds, "files": len(report.tasks), "valid": report.stats()["valid"],
                  "cpu": me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime,
                  "peak_main_mib": me.ru_maxrss / 1024, "peak_worker_mib": kids.ru_maxrss / 1024}}))
"""
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def far_cell_file(files, folder: Path) -> Path:
    """The first workbook with one value typed in its SWOT sheet's last cell, XFD1048576, and the
    sheet's dimension grown to it (as Excel and openpyxl write it): the shared case's shape."""
    import re
    import zipfile

    from rodtrad.consolidator.reading.grid import _sheet_names

    src, dst = files[0], folder / "far-XFD1048576.xlsx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        swot = {v: k for k, v in _sheet_names(zin).items()}["SWOT"]
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == swot:
                data = data.replace(b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t>'
                                                     b"</is></c></row></sheetData>")
                data = re.sub(rb'<dimension ref="(\w+?)(:\w+)?"', rb'<dimension ref="\1:XFD1048576"', data)
            zout.writestr(item, data)
    return dst


def far_cell_times(path: Path, master, repeat: int = 20) -> list[float]:
    """Seconds to validate the far-cell workbook in this process (the thorough scan: every sheet
    is scanned cell by cell outside the capped workers)."""
    from rodtrad.consolidator.reading.validate import validate_file

    validate_file(path, master)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        task = validate_file(path, master)
        times.append(time.perf_counter() - start)
    assert any(f.code == "sheet.far_value" for f in task.findings)
    return times


def bounds_overhead(inbox: Path, n: int, repeat: int) -> None:
    """Wall time and CPU time (main process and workers) of `validate_paths`, bounded and not;
    CPU time is the steadier figure on a shared machine (other load stretches wall time)."""
    runs = {True: [], False: []}
    for _ in range(repeat):
        for bounded in (False, True):
            runs[bounded].append(validate_in_subprocess(inbox, n, bounded=bounded))
    for what, unit in (("seconds", "wall"), ("cpu", "CPU")):
        on = [r[what] for r in runs[True]]
        off = [r[what] for r in runs[False]]
        a, b = statistics.median(on), statistics.median(off)
        print(f"  bounded read, {unit}: {a:.2f} s against {b:.2f} s unbounded (medians of {repeat} alternating runs; "
              f"on {', '.join(f'{x:.2f}' for x in on)}; off {', '.join(f'{x:.2f}' for x in off)}): "
              f"{100 * (a / b - 1):+.1f} %")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, nargs="+", default=[200])
    parser.add_argument("--cache", type=Path, default=Path("build/bench-cache"))
    parser.add_argument("--bounds", type=int, default=0, metavar="REPEAT",
                        help="issue 16: also compare bounded and unbounded reads, REPEAT alternating runs each")
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
        if args.bounds:
            far = far_cell_times(far_cell_file(files, args.cache), master)
            print(f"  a workbook with a value in XFD1048576: median {1000 * statistics.median(far):.1f} ms, "
                  f"max {1000 * max(far):.1f} ms (one process)")
            bounds_overhead(inbox, n, args.bounds)


if __name__ == "__main__":
    main()
