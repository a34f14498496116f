"""Benchmark: generating unit plan workbooks, against a bare openpyxl write of the same content.

    .venv/bin/python benchmarks/generate.py --units 200
    .venv/bin/python benchmarks/generate.py --units 2000

The baseline writes the same cell values (every sheet, every row, the dropdown lists and _meta)
with plain openpyxl in one process: no styles, validations, tables, formats or protection.
The generator runs as `rodtrad generate` does: one process per core. For comparison it also runs on
one core with its sheet cache off (rendering.py), as if no two units shared a sheet. Both run in this process's
run, on this machine, so the ratio is what matters. Target (issue 2): ratio <= 0.7 at 2,000.
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from openpyxl import Workbook

sys.path.insert(0, str(Path(__file__).parent))
from common import scaled_master  # noqa: E402

from rodtrad.consolidator.model import document, values  # noqa: E402
from rodtrad.consolidator.workbooks import rendering
from rodtrad.consolidator.workbooks.generate import generate  # noqa: E402

PERIOD = "2027-plan"


def bare_write(doc: dict, lists: dict, path: Path) -> None:
    """The same content, values only."""
    wb = Workbook()
    wb.remove(wb.active)
    for sheet in document.spec()["sheets"]:
        ws = wb.create_sheet(sheet["name"])
        content = doc[sheet["key"]]
        if sheet["kind"] == "keyvalue":
            for field in sheet["fields"]:
                ws.append([field["label"], values.to_cell(field["type"], content.get(field["key"]))])
            continue
        ws.append([c["header"] for c in sheet["columns"]])
        rows = list(content) + [{"id": f"{sheet.get('id_prefix', '')}{i:02d}"} for i in range(1, sheet.get("rows", 0) + 1)]
        for row in rows:
            ws.append([values.to_cell(c["type"], row.get(c["key"])) for c in sheet["columns"]])
    ws = wb.create_sheet("_listor")
    for col, items in enumerate(lists.values(), start=1):
        for r, item in enumerate(items, start=1):
            ws.cell(row=r, column=col, value=item)
    wb.save(path)


def run(units: int, jobs: int) -> dict:
    master, unit_ids = scaled_master(units)
    work = Path(tempfile.mkdtemp(prefix="rodtrad-bench-"))
    try:
        start = time.perf_counter()
        for unit in unit_ids:
            doc = document.prefill(master, unit, PERIOD)
            bare_write(doc, document.lists(master, unit), work / f"bare-{unit}.xlsx")
        bare = time.perf_counter() - start

        rendering.forget()  # each run starts cold, as `rodtrad generate` does
        start = time.perf_counter()
        generate(master, PERIOD, work / "utskick", units=unit_ids, jobs=1)
        ours_1 = time.perf_counter() - start
        shutil.rmtree(work / "utskick")

        rendering.enabled = False  # every sheet rendered anew: the worst case, no two units alike
        start = time.perf_counter()
        generate(master, PERIOD, work / "utskick", units=unit_ids, jobs=1)
        uncached_1 = time.perf_counter() - start
        rendering.enabled = True
        shutil.rmtree(work / "utskick")

        rendering.forget()  # the workers are forked from this process: no warm cache for them
        start = time.perf_counter()
        paths = generate(master, PERIOD, work / "utskick", units=unit_ids, jobs=jobs)
        ours_n = time.perf_counter() - start
        assert len(paths) == units
        size = sum(p.stat().st_size for p in paths) / units
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return {"units": units, "jobs": jobs, "bare_1core_s": bare, "generate_1core_s": ours_1, "generate_s": ours_n,
            "ms_per_workbook_bare": 1000 * bare / units, "ms_per_workbook_1core": 1000 * ours_1 / units,
            "ms_per_workbook_uncached_1core": 1000 * uncached_1 / units,
            "ms_per_workbook": 1000 * ours_n / units, "ratio": ours_n / bare, "kib_per_workbook": size / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, nargs="+", default=[200])
    parser.add_argument("--jobs", type=int, default=os.cpu_count())
    args = parser.parse_args()
    print(f"cores: {os.cpu_count()}, python {sys.version.split()[0]}")
    print(f"{'units':>6} {'bare 1 core':>12} {'ours 1 core':>12} {'no cache 1 core':>16} "
          f"{'ours ' + str(args.jobs) + ' cores':>13} {'ratio':>6}   (ms per workbook; ratio = ours on all cores / bare on one)")
    for n in args.units:
        r = run(n, args.jobs)
        print(f"{n:>6} {r['ms_per_workbook_bare']:>12.1f} {r['ms_per_workbook_1core']:>12.1f} "
              f"{r['ms_per_workbook_uncached_1core']:>16.1f} "
              f"{r['ms_per_workbook']:>13.1f} {r['ratio']:>6.2f}   ({r['kib_per_workbook']:.0f} KiB per workbook)")


if __name__ == "__main__":
    main()
