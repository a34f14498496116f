"""Benchmark: `verify` of the demo's delår against its consolidation (issue 21).

    .venv/bin/python benchmarks/verify.py [--runs 3] [--demo build/bench-demo]

Runs the demo once (cached in --demo; not timed), then, each in a fresh process and alternating,
consolidates the delår (units' and boards' workbooks) and verifies it. Target: verify's median
≤ 2 × the consolidation's median. Verify re-runs the whole consolidation into a temporary folder
and hashes every input and report, so the ratio is expected a little above 1.
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

PERIOD = "2027-delar"


def timed(code: str) -> float:
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])["seconds"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--demo", type=Path, default=Path("build/bench-demo"))
    args = parser.parse_args()
    root = args.demo.resolve()
    if not (root / "rapporter" / PERIOD / "manifest.json").exists():
        from rodtrad.samples.demo import run

        run(root, echo=lambda *_: None, periods=("2027-T1", "2027-05", PERIOD))
    consolidate = (f"import json, time\nfrom rodtrad.consolidator.consolidation.consolidate import consolidate\n"
                   f"t = time.perf_counter(); consolidate({str(root)!r}, {PERIOD!r})\n"
                   f"print(json.dumps({{'seconds': time.perf_counter() - t}}))")
    verify = (f"import json, time\nfrom rodtrad.consolidator.audit.verify import verify\n"
              f"t = time.perf_counter(); v = verify({str(root)!r}, {PERIOD!r}); assert v.ok, v.memo()\n"
              f"print(json.dumps({{'seconds': time.perf_counter() - t}}))")
    cons, ver = [], []
    for _ in range(args.runs):
        cons.append(timed(consolidate))
        ver.append(timed(verify))
    c, v = statistics.median(cons), statistics.median(ver)
    print(f"delår of the demo ({args.runs} runs each): consolidate median {c:.2f} s {sorted(cons)}, "
          f"verify median {v:.2f} s {sorted(ver)}; ratio {v / c:.2f} (target ≤ 2)")


if __name__ == "__main__":
    main()
