"""A model's own words: what it calls its goal levels, commitments, unit goals and perspectives.

Read from the master data's optional sheet *Begrepp* (key `terms`); a word the sheet leaves blank is
Exempelkommun's. Reports and workbooks name things with these words, so Östersund reads
"Långsiktiga mål > Nämndsmål", Sollefteå "Delmål" and "Område"; the reports' file names start with
`kf_report` and `board_report`. Workbooks take them through model/wording.py.
"""
from __future__ import annotations

from dataclasses import dataclass, fields

DEFAULTS = {"kf_goal": "KF-mål", "board_goal": "Nämndmål", "commitment": "Åtagande", "unit_goal": "Enhetens mål",
            "perspective": "Perspektiv", "kf_report": "KF-rapport", "board_report": "Nämndrapport"}


@dataclass(frozen=True)
class Terms:
    """Each word as a heading would start it (capitalised); `lower` gives it inside a sentence."""
    kf_goal: str = DEFAULTS["kf_goal"]
    board_goal: str = DEFAULTS["board_goal"]
    commitment: str = DEFAULTS["commitment"]
    unit_goal: str = DEFAULTS["unit_goal"]
    perspective: str = DEFAULTS["perspective"]
    kf_report: str = DEFAULTS["kf_report"]  # the report to the council: its file name starts with it
    board_report: str = DEFAULTS["board_report"]  # a board's report: "<board_report> <board id> <name> <period>"
    compass: bool = False  # the report draws the model as a målkompass (per area: goals and activities done)

    @staticmethod
    def lower(word: str) -> str:
        """"Nämndmål" -> "nämndmål", but "KF-mål" stays (an abbreviation keeps its capitals)."""
        return word[:1].lower() + word[1:] if word[1:2].islower() else word

    @property
    def chain(self) -> str:
        """The goal chain as the model says it: "KF-mål > nämndmål > enhetens mål"."""
        return " > ".join([self.kf_goal, self.lower(self.board_goal), self.lower(self.unit_goal)])


def of(master) -> Terms:
    """The terms of a MasterData (or of its plain data dict)."""
    data = master if isinstance(master, dict) else getattr(master, "data", {}) or {}
    given = data.get("terms") or {}
    names = {f.name for f in fields(Terms)}
    return Terms(**{k: (v.strip() if isinstance(v, str) else bool(v)) for k, v in given.items()
                    if k in names and v not in (None, "")})


def level_names(master) -> dict[str, str]:
    """Goal level -> the model's word for it (document.LEVEL_NAMES with the model's own words)."""
    t = of(master)
    return {"kf": t.kf_goal, "nämnd": t.board_goal, "förvaltning": "Förvaltningsmål", "åtagande": t.commitment}
