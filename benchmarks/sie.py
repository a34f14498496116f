"""Benchmark (issue 20): SIE import throughput and peak memory, for 20 MB and 200 MB files.

    .venv/bin/python benchmarks/sie.py --mb 20 200

Generates a SIE 4E file of Exempelkommun's shape (#RAR, #DIM, #OBJEKT, #KONTO, #PSALDO per unit,
account and month, then vouchers of three #TRANS rows with ansvar and project objects, dates
through the year) to the given size, in build/bench-cache/ (kept; not timed). Each import runs
in a fresh process (`ledger.from_sie` as `rodtrad import ledger` calls it) and reports its CPU
time (user + system) and peak resident memory (ru_maxrss of the child). The baseline is reading the same file's
lines in code page 437 and doing nothing with them, in the same kind of process.

Targets: peak memory below 300 MiB at 200 MB and flat in the file size (200 MB / 20 MB ≈ 1);
time linear in the size (200 MB / 20 MB ≈ 10).
"""
from __future__ import annotations

import argparse
import random
import os
import subprocess
import sys
from pathlib import Path

CACHE = Path(__file__).resolve().parent.parent / "build" / "bench-cache"

CHILD_IMPORT = """
import sys
from rodtrad.consolidator.model.masterdata import MasterData
from rodtrad.consolidator.imports import ledger
from rodtrad.samples import build
result = ledger.from_sie(sys.argv[1], MasterData(build("exempelkommun")))
errors = [f for f in result.findings if f.severity == "error"]
print(len(result.rows), len(errors))
"""
CHILD_BASELINE = """
import sys
n = 0
with open(sys.argv[1], encoding="cp437", newline=None) as handle:
    for line in handle:
        n += 1
print(n, 0)
"""


def generate(path: Path, megabytes: int, seed: int = 20) -> None:
    from rodtrad.samples import build

    data = build("exempelkommun")
    units = sorted({b["unit"] for b in data["budget"]})
    accounts = sorted({b["account"] for b in data["budget"]})
    rng = random.Random(seed)
    target = megabytes * 1_000_000
    with path.open("w", encoding="cp437", newline="\r\n") as out:
        out.write('#FLAGGA 0\n#PROGRAM "Bench" 1.0\n#FORMAT PC8\n#GEN 20280110\n#SIETYP 4\n#FNAMN "Exempelkommun"\n'
                  '#RAR 0 20270101 20271231\n#DIM 1 "Ansvar"\n#DIM 6 "Projekt"\n')
        out.writelines(f'#OBJEKT 1 "{u}" "Enhet {u}"\n' for u in units)
        out.writelines(f'#KONTO {a} "Konto {a}"\n' for a in accounts)
        size, number = out.tell(), 0
        while size < target:
            number += 1
            unit, account = rng.choice(units), rng.choice(accounts)
            month, day = rng.randint(1, 12), rng.randint(1, 28)
            cents = rng.randint(100, 5_000_000)
            vat = cents // 4
            amount, vat_kr, total = cents / 100, vat / 100, -(cents + vat) / 100
            block = (f'#VER "A" "{number}" 2027{month:02d}{day:02d} "Leverantörsfaktura {number}" 20280105\n{{\n'
                     f'\t#TRANS {account} {{1 "{unit}" 6 "P{number % 40}"}} {amount:.2f} "" "Rad 1"\n'
                     f'\t#TRANS 2641 {{}} {vat_kr:.2f}\n'
                     f'\t#TRANS 2440 {{}} {total:.2f}\n}}\n')
            out.write(block)
            size += len(block) + 7  # the CR of each line


def measure(code: str, path: Path) -> tuple[float, float, str]:
    """CPU seconds (user + system, from wait4: the machine is shared, so wall time says little),
    the child's own peak resident memory (MiB) and what it printed."""
    child = subprocess.Popen([sys.executable, "-c", code, str(path)], stdout=subprocess.PIPE, text=True)
    out = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    seconds = usage.ru_utime + usage.ru_stime
    if child.returncode:
        raise SystemExit(f"the child failed ({child.returncode})")
    return seconds, usage.ru_maxrss / 1024, out.strip()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=int, nargs="+", default=[20, 200])
    args = parser.parse_args()
    CACHE.mkdir(parents=True, exist_ok=True)
    results = {}
    for mb in sorted(args.mb):
        path = CACHE / f"bench-{mb}mb.se"
        if not path.exists():
            generate(path, mb)
        base_s, base_mib, _ = measure(CHILD_BASELINE, path)
        ours_s, ours_mib, out = measure(CHILD_IMPORT, path)
        size = path.stat().st_size / 2**20
        results[mb] = (ours_s, ours_mib)
        print(f"{mb:>4} MB ({size:.0f} MiB), CPU time: baseline {base_s:6.1f} s; import {ours_s:6.1f} s "
              f"({size / ours_s:5.1f} MiB/s, {ours_s / base_s:4.1f}x baseline), peak {ours_mib:5.0f} MiB; rows, errors: {out}")
    if len(results) > 1:
        small, large = min(results), max(results)
        print(f"{large} MB / {small} MB: time {results[large][0] / results[small][0]:.1f}x, "
              f"peak memory {results[large][1] / results[small][1]:.2f}x")


if __name__ == "__main__":
    main()
