"""Presets: Exempelkommun (the demo) and fictional data in the structure of three real styrmodeller."""
from importlib import import_module

PRESETS = ("exempelkommun", "ostersund", "vimmerby", "solleftea")


def build(name: str) -> dict:
    """The master data of a preset as a plain dict (the shape of the styrmodell schema)."""
    if name not in PRESETS:
        raise KeyError(name)
    return import_module(f"{__name__}.{name}").build()
