"""A perspective, goal, commitment or uppdrag typed by its name instead of chosen from the list.

The dropdowns offer "P2 – Invånare och brukare" and the reader keeps the id before the dash
(values.as_ref); a unit who types "Invånare och brukare", or pastes a goal's text, means the same
thing. The name is taken for its id when it names exactly one of what the unit may link to (case
and spacing aside), so the document always holds ids, whichever way the cell was filled. A name
that fits none, or several, stays as typed and rules/links.py reports it.
"""
from __future__ import annotations

import re

from rodtrad.consolidator.model.masterdata import MasterData

FIELDS = (("goals", "parent", "goals"), ("goals", "perspective", "perspectives"),
          ("activities", "link", "links"), ("activities", "perspective", "perspectives"),
          ("development", "link", "links"))


def _key(text) -> str:
    return re.sub(r"\s+", " ", str(text)).strip().casefold().rstrip(".")


def _names(pairs) -> dict[str, str | None]:
    """name -> id; None where two ids share a name (ambiguous: left as typed)."""
    out: dict[str, str | None] = {}
    for id_, name in pairs:
        key = _key(name)
        out[key] = None if key in out and out[key] != id_ else id_
    return out


def resolve(doc: dict, master: MasterData, unit: str) -> None:
    """Replace, in place, each name in the fields above by the one id it names."""
    if unit not in master.by_id:
        return
    goals = [(g.id, g.text) for g in master.board_goals(unit)]
    targets = {"perspectives": _names((p.id, p.name) for p in master.perspectives), "goals": _names(goals),
               "links": _names(goals + [(c.id, c.text) for c in master.commitments_for(unit)]
                               + [(u.id, u.text) for u in master.uppdrag_for(unit)])}
    ids = {kind: set(filter(None, names.values())) for kind, names in targets.items()}
    for key, field, kind in FIELDS:
        for row in doc.get(key) or []:
            value = row.get(field)
            if isinstance(value, str) and value not in ids[kind]:
                found = targets[kind].get(_key(value))
                if found:
                    row[field] = found
