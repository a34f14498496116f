"""Exempelkommun's sample ledger export (SIE 4, code page 437) and Kolada values, deterministic.

    .venv/bin/python -m rodtrad.samples.ledgerdata     # rewrites the shipped files below

The shipped files are what this module writes (a test checks it), so they never drift from the
master data. Amounts follow each unit's budget frame with a small, seeded deviation per month.
"""
from __future__ import annotations

import json
import random
from importlib import resources
from pathlib import Path

from . import build

SIE_FILE = "exempelkommun-2027-08.se"  # January to August: what T1, a month and delår follow up
PREVIOUS_FILE = "exempelkommun-2026.se"  # the whole previous year: the same period last year beside this year's
KOLADA_FILE = "kolada-exempelkommun.json"
PEERS = ["0884", "2283", "2380", "1280", "0180"]  # the presets' codes and two large municipalities, as a peer group


def sie_text(months: int = 8, seed: int = 2027) -> str:
    data = build("exempelkommun")
    rng = random.Random(seed)
    lines = ['#FLAGGA 0', '#PROGRAM "Röd tråd exempeldata" 1.0', '#FORMAT PC8', '#GEN 20270905', '#SIETYP 4',
             f'#FNAMN "{data["municipality"]["name"]}"', '#RAR 0 20270101 20271231', '#DIM 1 "Ansvar"', '#DIM 6 "Projekt"']
    units = {b["unit"] for b in data["budget"]}
    lines += [f'#OBJEKT 1 "{o["id"]}" "{o["name"]}"' for o in data["org"] if o["id"] in units]
    lines += [f'#OBJEKT 6 "{p["id"]}" "{p["name"]}"' for p in data["projects"]]
    lines += [f'#KONTO {a["id"]} "{a["name"]}"' for a in data["accounts"]]
    lines += ['#KONTO 1229 "Pågående nyanläggningar"', '#KONTO 2440 "Leverantörsskulder"']
    for month in range(1, months + 1):
        period = f"2027{month:02d}"
        totals: dict[str, float] = {}
        rows = []
        for frame in data["budget"]:
            budget = round(frame["amount"] / 12, 2)
            outcome = round(budget * rng.uniform(0.93, 1.08), 2)
            totals[frame["account"]] = round(totals.get(frame["account"], 0) + outcome, 2)
            rows.append(f'#PSALDO 0 {period} {frame["account"]} {{1 "{frame["unit"]}"}} {outcome:.2f}')
            rows.append(f'#PBUDGET 0 {period} {frame["account"]} {{1 "{frame["unit"]}"}} {budget:.2f}')
        lines += [f"#PSALDO 0 {period} {account} {{}} {total:.2f}" for account, total in sorted(totals.items())]
        lines += rows
    lines += investment_vouchers(data, months, rng)
    return "\r\n".join(lines) + "\r\n"


def investment_vouchers(data: dict, months: int, rng: random.Random) -> list[str]:
    """One supplier invoice per project and month while it runs: 1229 with the project, 2440 credited."""
    lines, number = [], 0
    for month in range(1, months + 1):
        for project in data["projects"]:
            start, end = project["start"][:7], project["end"][:7]
            if not start <= f"2027-{month:02d}" <= end:
                continue
            number += 1
            amount = round(project["year_sek"] / 12 * rng.uniform(0.6, 1.3), 2)
            lines += [f'#VER "I" "{number}" 2027{month:02d}25 "Faktura {project["name"]}"', "{",
                      f'#TRANS 1229 {{6 "{project["id"]}"}} {amount:.2f}', f"#TRANS 2440 {{}} {-amount:.2f}", "}"]
    return lines


def previous_year_text(seed: int = 2026) -> str:
    """The previous year's ledger (SIE 3, period balances January–December 2026), a little cheaper."""
    data = build("exempelkommun")
    rng = random.Random(seed)
    lines = ['#FLAGGA 0', '#PROGRAM "Röd tråd exempeldata" 1.0', '#FORMAT PC8', '#GEN 20270115', '#SIETYP 3',
             f'#FNAMN "{data["municipality"]["name"]}"', '#RAR 0 20260101 20261231', '#DIM 1 "Ansvar"']
    units = {b["unit"] for b in data["budget"]}
    lines += [f'#OBJEKT 1 "{o["id"]}" "{o["name"]}"' for o in data["org"] if o["id"] in units]
    lines += [f'#KONTO {a["id"]} "{a["name"]}"' for a in data["accounts"]]
    for month in range(1, 13):
        period = f"2026{month:02d}"
        totals: dict[str, float] = {}
        rows = []
        for frame in data["budget"]:
            outcome = round(frame["amount"] / 12 * rng.uniform(0.90, 1.04), 2)
            totals[frame["account"]] = round(totals.get(frame["account"], 0) + outcome, 2)
            rows.append(f'#PSALDO 0 {period} {frame["account"]} {{1 "{frame["unit"]}"}} {outcome:.2f}')
        lines += [f"#PSALDO 0 {period} {account} {{}} {total:.2f}" for account, total in sorted(totals.items())]
        lines += rows
    return "\r\n".join(lines) + "\r\n"


def kolada_json(seed: int = 2027) -> str:
    data = build("exempelkommun")
    rng = random.Random(seed)
    values = []
    for ind in [i for i in data["indicators"] if i["source"] == "kolada"]:
        for municipality in [data["municipality"]["code"], *PEERS]:
            for year in (2024, 2025, 2026):
                base = ind["baseline"] * rng.uniform(0.9, 1.1)
                entries = [{"gender": "T", "value": round(base, 1), "count": 1, "status": ""}]
                entries += [{"gender": g, "value": round(base * rng.uniform(0.95, 1.05), 1), "count": 1, "status": ""}
                            for g in ("K", "M")]
                values.append({"kpi": ind["kolada"], "municipality": municipality,
                               "period": year if year != 2024 else str(year), "values": entries})
    return json.dumps({"count": len(values), "values": values}, ensure_ascii=False, indent=1) + "\n"


def shipped(name: str) -> Path:
    return Path(str(resources.files("rodtrad.samples").joinpath(name)))


def write(folder: Path) -> None:
    (folder / SIE_FILE).write_bytes(sie_text().encode("cp437"))
    (folder / PREVIOUS_FILE).write_bytes(previous_year_text().encode("cp437"))
    (folder / KOLADA_FILE).write_text(kolada_json(), encoding="utf-8")


if __name__ == "__main__":
    write(Path(__file__).parent)
