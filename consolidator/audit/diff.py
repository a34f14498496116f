"""What changed between two documents, in domain terms: rows by id, fields by their Swedish names."""
from __future__ import annotations

from dataclasses import dataclass

from rodtrad.consolidator.model.document import spec

MONTH_NAMES = dict(zip([f"m{i:02d}" for i in range(1, 13)],
                       ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]))


@dataclass
class Change:
    sheet: str
    row: str  # the row's id (or account)
    field: str
    old: object
    new: object

    def line(self) -> str:
        if self.field == "":
            return f"{self.sheet} {self.row}: {'tillagd' if self.old is None else 'borttagen'}"
        return f"{self.sheet} {self.row} – {self.field}: {_show(self.old)} → {_show(self.new)}"


def _show(value) -> str:
    if value is None or value == "":
        return "(tomt)"
    if isinstance(value, bool):
        return "Ja" if value else "Nej"
    if isinstance(value, (int, float)):
        return f"{value:,.0f}".replace(",", " ") if float(value).is_integer() else str(value).replace(".", ",")
    return str(value)


def _key(row: dict) -> str:
    return str(row.get("id") or row.get("account") or "")


def diff(old: dict, new: dict) -> list[Change]:
    """Compare two documents sheet by sheet; rows are matched by id, so re-sorting is not a change."""
    changes = []
    for sheet in spec()["sheets"]:
        key = sheet["key"]
        if key == "meta":
            continue
        if sheet["kind"] == "keyvalue":
            a, b = old.get(key) or {}, new.get(key) or {}
            for f in sheet["fields"]:
                if a.get(f["key"]) != b.get(f["key"]):
                    changes.append(Change(sheet["name"], "", f["label"], a.get(f["key"]), b.get(f["key"])))
            continue
        labels = {c["key"]: MONTH_NAMES.get(c["key"], c["header"]) for c in sheet["columns"] if not c.get("formula")}
        before = {_key(r): r for r in old.get(key) or []}
        after = {_key(r): r for r in new.get(key) or []}
        for rid in sorted(set(before) | set(after)):
            if rid not in after:
                changes.append(Change(sheet["name"], rid, "", before[rid], None))
            elif rid not in before:
                changes.append(Change(sheet["name"], rid, "", None, after[rid]))
            else:
                for field, label in labels.items():
                    if before[rid].get(field) != after[rid].get(field):
                        changes.append(Change(sheet["name"], rid, label, before[rid].get(field), after[rid].get(field)))
    return changes
