"""Exempelkommun's sample ledger export (SIE 4, code page 437) and Kolada values, deterministic.

    .venv/bin/python -m rodtrad.samples.ledgerdata     # rewrites the two shipped files below

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
KOLADA_FILE = "kolada-exempelkommun.json"
PEERS = ["0884", "2283", "2380", "1280", "0180"]  # the presets' codes and two large municipalities, as a peer group


def sie_text(months: int = 8, seed: int = 2027, data: dict | None = None) -> str:
    """A SIE 4 (type 3) export of `months` months of the budget year: #PSALDO outcome and #PBUDGET per
    unit (dimension 1, Ansvar), account and month, in kronor with öre, for a preset's master data
    (`data`, Exempelkommun's when None). The first months are the same whatever `months` is."""
    data = data or build("exempelkommun")
    year = int(data["municipality"]["budget_year"])
    rng = random.Random(seed)
    generated = f"{year}{months + 1:02d}05" if months < 12 else f"{year + 1}0115"
    lines = ['#FLAGGA 0', '#PROGRAM "Röd tråd exempeldata" 1.0', '#FORMAT PC8', f'#GEN {generated}', '#SIETYP 3',
             f'#FNAMN "{data["municipality"]["name"]}"', f'#RAR 0 {year}0101 {year}1231', '#DIM 1 "Ansvar"']
    units = {b["unit"] for b in data["budget"]}
    lines += [f'#OBJEKT 1 "{o["id"]}" "{o["name"]}"' for o in data["org"] if o["id"] in units]
    lines += [f'#KONTO {a["id"]} "{a["name"]}"' for a in data["accounts"]]
    for month in range(1, months + 1):
        period = f"{year}{month:02d}"
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
    return "\r\n".join(lines) + "\r\n"


def kolada_json(seed: int = 2027, data: dict | None = None) -> str:
    """Kolada API v3's answer (`values` of kpi, municipality, period, values per gender) for the Kolada
    indicators of a preset's master data (`data`, Exempelkommun's when None), for the municipality and
    its peers, the three years before the budget year."""
    data = data or build("exempelkommun")
    year = int(data["municipality"]["budget_year"])
    rng = random.Random(seed)
    values = []
    for ind in [i for i in data["indicators"] if i["source"] == "kolada"]:
        own = data["municipality"]["code"]
        for municipality in [own, *(p for p in PEERS if p != own)]:
            for earlier in (year - 3, year - 2, year - 1):
                base = ind["baseline"] * rng.uniform(0.9, 1.1)
                entries = [{"gender": "T", "value": round(base, 1), "count": 1, "status": ""}]
                entries += [{"gender": g, "value": round(base * rng.uniform(0.95, 1.05), 1), "count": 1, "status": ""}
                            for g in ("K", "M")]
                values.append({"kpi": ind["kolada"], "municipality": municipality,  # the API gives both shapes
                               "period": earlier if earlier != year - 3 else str(earlier), "values": entries})
    return json.dumps({"count": len(values), "values": values}, ensure_ascii=False, indent=1) + "\n"


def shipped(name: str) -> Path:
    return Path(str(resources.files("rodtrad.samples").joinpath(name)))


def write(folder: Path) -> None:
    (folder / SIE_FILE).write_bytes(sie_text().encode("cp437"))
    (folder / KOLADA_FILE).write_text(kolada_json(), encoding="utf-8")


if __name__ == "__main__":
    write(Path(__file__).parent)
