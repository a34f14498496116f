"""Where the add-in finds the master data and where it hands workbooks in.

Set once per PC by municipal IT, in `~/.rodtrad/config.json` (Windows: %USERPROFILE%\\.rodtrad\\),
or through the environment (RODTRAD_WORKSPACE, RODTRAD_SUBMIT_DIR), which wins:

    {"workspace": "S:/Ekonomi/Röd tråd/exempelkommun", "submit_dir": "S:/Ekonomi/Röd tråd/exempelkommun/inkorg"}

`submit_dir` defaults to the workspace's inkorg/; a period's folder is added below it.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from rodtrad.consolidator.model.words import explain

FILE = Path.home() / ".rodtrad" / "config.json"


class ConfigError(Exception):
    """The add-in is not set up; the message tells the user what to ask IT for, in Swedish."""


@dataclass
class Config:
    workspace: Path
    submit_dir: Path

    def submit_folder(self, period: str) -> Path:
        return self.submit_dir / period


def load(path: Path | None = None) -> Config:
    data = {}
    path = Path(os.environ.get("RODTRAD_CONFIG", path or FILE))
    if path.exists():
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ConfigError(f"Inställningsfilen {path} går inte att läsa ({explain(exc)}).") from None
    workspace = os.environ.get("RODTRAD_WORKSPACE") or data.get("workspace")
    if not workspace:
        raise ConfigError("Röd tråd vet inte var kommunens styrmodell finns. Be IT ange arbetsytan i "
                          f"{FILE} eller i miljövariabeln RODTRAD_WORKSPACE.")
    submit = os.environ.get("RODTRAD_SUBMIT_DIR") or data.get("submit_dir") or Path(workspace) / "inkorg"
    return Config(Path(workspace), Path(submit))
