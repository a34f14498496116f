"""A municipality's workspace on a shared drive: master data, outbox, inbox, reports."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from . import masterbook
from .masterdata import FILE_NAME

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


def init(root: Path, data: dict) -> Workspace:
    """Create the folders and a filled styrmodell.xlsx; an existing master file is never overwritten."""
    ws = Workspace(Path(root))
    for sub in ("ekonomi", "kolada", "utskick", "inkorg", "rapporter"):
        (ws.root / sub).mkdir(parents=True, exist_ok=True)
    if ws.master_file.exists():
        raise FileExistsError(ws.master_file)
    masterbook.write(data, ws.master_file)
    _document_files(ws.root / "dokument")
    return ws


def _document_files(folder: Path) -> None:
    """The report documents' template and an example of the economy department's texts
    (documents/): copied once, never over the municipality's own."""
    import shutil  # noqa: PLC0415
    from importlib.resources import files  # noqa: PLC0415

    folder.mkdir(parents=True, exist_ok=True)
    for name in ("rapportmall.docx", "texter-exempel.md"):
        if not (folder / name).exists():
            shutil.copyfile(str(files("rodtrad.templates") / name), folder / name)


def safe_name(text: str, limit: int = 80) -> str:
    """A file name a person recognises and Windows, macOS and SharePoint accept."""
    text = unicodedata.normalize("NFC", _UNSAFE.sub("-", text))
    text = re.sub(r"\s+", " ", text).strip(" .")
    return text[:limit].rstrip(" .")


def workbook_name(unit_id: str, unit_name: str, period: str) -> str:
    return safe_name(f"{unit_id} {unit_name} {period}") + ".xlsx"
