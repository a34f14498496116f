"""A municipality's workspace on a shared drive: master data, outbox, inbox, reports."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from rodtrad.consolidator.model.masterdata import FILE_NAME

_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f]')


@dataclass(frozen=True)
class Workspace:
    root: Path

    @property
    def master_file(self) -> Path:
        return self.root / FILE_NAME

    def outbox(self, period: str) -> Path:
        return self.root / "utskick" / period

    def inbox(self, period: str) -> Path:
        return self.root / "inkorg" / period

    def reports(self, period: str) -> Path:
        return self.root / "rapporter" / period


def safe_name(text: str, limit: int = 80) -> str:
    """A file name a person recognises and Windows, macOS and SharePoint accept."""
    text = unicodedata.normalize("NFC", _UNSAFE.sub("-", text))
    text = re.sub(r"\s+", " ", text).strip(" .")
    return text[:limit].rstrip(" .")


def workbook_name(unit_id: str, unit_name: str, period: str) -> str:
    return safe_name(f"{unit_id} {unit_name} {period}") + ".xlsx"
