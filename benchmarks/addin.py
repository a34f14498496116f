"""Benchmark: the add-in's validate(book) on a unit workbook's payload (xlwings remote engine).

    .venv/bin/python benchmarks/addin.py

Builds the JSON payload Excel would send for a filled Exempelkommun workbook (as the tests do),
then times `xw.Book(json=payload)` + `validate(book)`, the whole macro body, 50 times.
Target (issue 6): under 100 ms per call.
"""
from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")  # PolyForm Noncommercial: measurement only
sys.path.insert(0, str(Path(__file__).parent.parent / "tests"))

import xlwings as xw  # noqa: E402
from test_addin import payload  # noqa: E402

from rodtrad.addin import actions  # noqa: E402
from rodtrad.samples import filler  # noqa: E402
from rodtrad.consolidator.workbooks.generate import generate  # noqa: E402
from rodtrad.consolidator.model.masterdata import MasterData  # noqa: E402
from rodtrad.samples import build  # noqa: E402


def main() -> None:
    master = MasterData(build("exempelkommun"))
    work = Path(tempfile.mkdtemp())
    (sent,) = generate(master, "2027-plan", work, units=["2111"], jobs=1)
    returned = work / "returned.xlsx"
    filler.fill(sent, returned, random.Random(1), ["end_before_start"])
    data = payload(returned)
    times = []
    for _ in range(50):
        start = time.perf_counter()
        actions.validate(xw.Book(json=data), master)
        times.append(time.perf_counter() - start)
    print(f"validate(book) on a payload of {len(data['sheets'])} sheets: median {1000 * statistics.median(times):.1f} ms, "
          f"max {1000 * max(times):.1f} ms (target < 100 ms)")


if __name__ == "__main__":
    main()
