"""Shared set-up for the benchmarks: Exempelkommun scaled to any number of units."""
from __future__ import annotations

import copy

from rodtrad.consolidator.model.masterdata import MasterData
from rodtrad.samples import build


def scaled_master(units: int) -> MasterData:
    """Exempelkommun with its leaf units cloned (new ids, same parents) until there are `units`.

    Each clone is a unit of its own, as in a real municipality: its own name, manager, staff and
    budget amounts; what it shares with its original is what units of one board share (goals,
    uppdrag, indicators, locked activities, the layout)."""
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
            base_row = org[leaf.id]
            user, domain = (base_row.get("email") or "chef@exempelkommun.se").split("@", 1)
            row = dict(base_row, id=new_id, name=f"{leaf.name} {k}", manager=f"{base_row.get('manager') or 'Chef'} {k}",
                       email=f"{user}.{k}@{domain}")
            data["org"].append(row)
            factor = 1 + (k % 41) / 100  # 1.01 … 1.40: every clone's frame differs from its original's
            data["budget"] += [dict(b, unit=new_id, amount=round(b["amount"] * factor, -3))
                               for b in by_unit_budget.get(leaf.id, [])]
            data["people"] += [dict(p, unit=new_id, name=f"{p['name']} {k}") for p in by_unit_people.get(leaf.id, [])]
            leaves.append(new_id)
        k += 1
    return MasterData(copy.deepcopy(data)), leaves[:units]
