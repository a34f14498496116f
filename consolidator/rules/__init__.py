"""Validation rules: one per module, each with stable finding codes, registered here.

A municipality adds its own rules through the entry point group `rodtrad.rules`: each entry
point names a callable `check(ctx)` that yields findings (define their codes with
`rodtrad.consolidator.findings.define`).
"""
from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from importlib.metadata import entry_points

from rodtrad.consolidator.model.contract import Read
from rodtrad.consolidator.model.masterdata import MasterData

BUILTIN = ("identity", "links", "responsible", "dates", "locked", "prefilled", "duplicates", "budget", "minimums",
           "followup", "removed", "forecast_sign", "forecast_scale", "percent", "investments")


@dataclass
class Context:
    """What a rule sees: the document, where its values came from, and the master data."""

    doc: dict
    read: Read
    master: MasterData
    file: str = ""
    expected_period: str | None = None
    missing: frozenset = frozenset()  # keys of sheets that are missing (already reported once)
    template: str = "plan"  # the layout the document was read by: "plan" or "follow"
    sent: object = None  # reading.sent.SentCopies: what the workspace sent out, when known

    @property
    def unit(self) -> str:
        return (self.doc.get("meta") or {}).get("unit") or ""

    def at(self, kind, pointer: str, **where):
        """A finding of `kind` placed on the cell behind a JSON pointer."""
        sheet, cell = self.read.where(pointer)
        return kind(file=self.file, unit=self.unit, sheet=sheet, cell=cell, **where)

    def rows(self, key: str):
        for i, row in enumerate(self.doc.get(key) or []):
            yield i, row


_registry: list | None = None


def all_rules(template: str | None = None) -> list:
    """Built-in rules, then those a municipality installed through the `rodtrad.rules` entry points.
    A rule module's TEMPLATES names the layouts it checks (default: every one)."""
    global _registry
    if _registry is None:
        _registry = []
        for name in BUILTIN:
            module = import_module(f"{__name__}.{name}")
            _registry.append((module.check, getattr(module, "TEMPLATES", None)))
        for ep in entry_points(group="rodtrad.rules"):
            rule = ep.load()
            _registry.append((rule, getattr(rule, "TEMPLATES", None)))
    return [rule for rule, only in _registry if template is None or only is None or template in only]
