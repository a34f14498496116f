"""Findings are data: a stable code, a severity, where it is, and a message from a template."""
from __future__ import annotations

from dataclasses import dataclass, field as dc_field
from typing import Any
from rodtrad.consolidator.model.words import in_language

from rodtrad.consolidator.model import wording

ERROR = "error"
WARNING = "warning"
INFO = "info"


@dataclass(frozen=True)
class Kind:
    """One finding code with its message templates (Swedish first, English second)."""

    code: str
    severity: str
    sv: str
    en: str
    hint_sv: str = ""
    hint_en: str = ""
    example: dict = dc_field(default_factory=dict)

    def __call__(self, **where: Any) -> "Finding":
        params = where.pop("params", {})
        return Finding(kind=self, params=params, **where)


CATALOGUE: dict[str, Kind] = {}


def define(code, severity, sv, en, hint_sv="", hint_en="", example=None) -> Kind:
    """Register a finding code; codes are stable, so defining one twice is a programming error."""
    if code in CATALOGUE:
        raise ValueError(f"finding code {code} defined twice")
    kind = Kind(code, severity, sv, en, hint_sv, hint_en, example or {})
    CATALOGUE[code] = kind
    return kind


DEFAULT_WORDS = wording.words()


class _Params(dict):
    def __missing__(self, key):  # a template never crashes on a missing parameter
        return "?"


@dataclass
class Finding:
    kind: Kind
    file: str = ""
    unit: str = ""
    sheet: str = ""
    cell: str = ""
    field: str = ""
    value: Any = None
    params: dict = dc_field(default_factory=dict)
    # The model's words for the templates' placeholders {kf_goal}, {board_goal_lc}, {perspective} …
    # (model/wording.words); empty: Exempelkommun's. Set where the master data is known (validation,
    # check-master), so a message names a goal level, unit goal or perspective as the model does.
    words: dict = dc_field(default_factory=dict)

    @property
    def code(self) -> str:
        return self.kind.code

    @property
    def severity(self) -> str:
        return self.kind.severity

    def _fill(self, template: str, lang: str = "sv") -> str:
        """The template with the finding's parameters; a parameter that is a `words.Said` in `lang`."""
        values = _Params({k: number(v) if isinstance(v, (int, float)) and not isinstance(v, bool)
                          else in_language(v, lang) if isinstance(v, str) else v for k, v in self.params.items()})
        values.setdefault("value", show(self.value))
        values.setdefault("field", self.field)
        values.setdefault("sheet", self.sheet)
        values.setdefault("cell", self.cell)
        for key, word in (self.words or DEFAULT_WORDS).items():
            values.setdefault(key, word)
        try:
            return template.format_map(values)
        except (ValueError, IndexError, AttributeError):  # a template mistake must not hide the finding
            return template

    def message(self, lang: str = "sv") -> str:
        return self._fill(self.kind.en if lang == "en" else self.kind.sv, lang)

    def hint(self, lang: str = "sv") -> str:
        return self._fill(self.kind.hint_en if lang == "en" else self.kind.hint_sv, lang)

    @property
    def where(self) -> str:
        if self.sheet and self.cell:
            return f"{self.sheet}!{self.cell}"
        return self.sheet

    def flat(self) -> tuple[str, str, str]:
        return (self.sheet, self.cell, self.code)

    def to_dict(self, lang: str = "sv") -> dict:
        return {
            "code": self.code,
            "severity": self.severity,
            "file": self.file,
            "unit": self.unit,
            "sheet": self.sheet,
            "cell": self.cell,
            "field": self.field,
            "value": _jsonable(self.value),
            "message": self.message(lang),
            "hint": self.hint(lang),
        }


def number(value: float | int) -> str:
    """A number as a Swedish reader writes it: a space between thousands, a decimal comma, at most
    two decimals (four below 1), a real minus sign (1691001.59 -> "1 691 001,59")."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and abs(value) < 10_000:  # years, codes and 4-digit amounts: as they are
        return str(value).replace("-", "−")
    decimals = 2 if abs(value) >= 1 else 4  # kronor to the öre; a share such as 0,693 in full
    text = f"{value:,}" if isinstance(value, int) else f"{value:,.{decimals}f}".rstrip("0").rstrip(".")
    return text.replace(",", " ").replace(".", ",").replace("-", "−")


def show(value: Any) -> str:
    """A cell's value in a message: \"(tomt)\", Ja/Nej, a Swedish number, or text (at most 60 characters)."""
    if value is None or value == "":
        return "(tomt)"
    if value is True or value is False:
        return "Ja" if value else "Nej"
    if isinstance(value, (int, float)):
        return number(value)
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "..."


_show = show


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def has_errors(findings) -> bool:
    return any(f.severity == ERROR for f in findings)
