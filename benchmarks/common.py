"""Shared set-up for the benchmarks: Exempelkommun scaled to any number of units."""
from __future__ import annotations

import copy

from rodtrad.consolidator.masterdata import MasterData
from rodtrad.samples import build


def scaled_master(units: int) -> MasterData:
    """Exempelkommun with its leaf units cloned (new ids, same parents) until there are `units`."""
    data = build("exempelkommun")
    base = MasterData(data)
    leaves = [u.id for u in base.units()]
    by_unit_budget = {}
    for row in data["budget"]:
        by_unit_budget.setdefault(row["unit"], []).append(row)
    by_unit_people = {}
    for row in data["people"]:
        by_unit_people.setdefault(row["unit"], []).append(row)
    org = {r["id"]: r for r in data["org"]}
    k = 1
    while len(leaves) < units:
        for leaf in list(base.units()):
            if len(leaves) >= units:
                break
            new_id = f"{leaf.id}-{k:03d}"
            row = dict(org[leaf.id], id=new_id, name=f"{leaf.name} {k}")
            data["org"].append(row)
            data["budget"] += [dict(b, unit=new_id) for b in by_unit_budget.get(leaf.id, [])]
            data["people"] += [dict(p, unit=new_id) for p in by_unit_people.get(leaf.id, [])]
            leaves.append(new_id)
        k += 1
    return MasterData(copy.deepcopy(data)), leaves[:units]
