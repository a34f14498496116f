"""The prefilled documents as sent (utskick/<period>/underlag.jsonl): what validation compares a
returned follow-up with, so it can point at every prefilled cell a unit changed."""
from __future__ import annotations

import json
from pathlib import Path

from rodtrad.consolidator.model import document

SENT_FILE = "underlag.jsonl"  # in utskick/<period>/: the prefilled documents as sent, one per line


def write_sent(folder: Path, docs: list[dict]) -> Path:
    """The prefilled documents as sent: what validation compares returned follow-ups with. Units
    generated again replace their line; the others keep theirs."""
    path = Path(folder) / SENT_FILE
    sent = read_sent(folder)
    for doc in docs:
        sent[doc["meta"]["unit"]] = document.prefilled_part(doc) | {"_hash": doc["meta"]["hash"]}
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8", newline="\n") as out:
        for unit in sorted(sent):
            out.write(json.dumps({"_unit": unit, **sent[unit]}, ensure_ascii=False, sort_keys=True) + "\n")
    tmp.replace(path)
    return path


def read_sent(folder: Path) -> dict[str, dict]:
    """Unit -> the prefilled part sent to it (empty when the outbox has none)."""
    path = Path(folder) / SENT_FILE
    if not path.exists():
        return {}
    out = {}
    for line in path.read_text("utf-8").splitlines():
        if line.strip():
            part = json.loads(line)
            out[part.pop("_unit")] = part
    return out


class SentCopies:
    """What a workspace sent out, by period and unit, read once per period (picklable for workers)."""

    def __init__(self, root):
        self.root = str(root)
        self._periods: dict[str, dict] = {}

    def get(self, period: str, unit: str) -> dict | None:
        if period not in self._periods:
            self._periods[period] = read_sent(Path(self.root) / "utskick" / str(period))
        return self._periods[period].get(unit)
