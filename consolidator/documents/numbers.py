"""Figures as a Swedish document writes them: 1 234 567 (a no-break space between thousands),
decimal comma, a per cent sign after a space. Whole kronor as the Excel reports show them
(number format `#,##0`: half away from zero)."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

SPACE = "\u00a0"  # no-break space: a figure never breaks across lines
MINUS = "-"


def _round(value, places: int = 0) -> Decimal:
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def kr(value) -> str:
    """Kronor, whole: 1 234 567; '-' when there is none."""
    if value is None:
        return "–"
    return f"{_round(value):,}".replace(",", SPACE)


def num(value, places: int = 1) -> str:
    """A measured value (an indicator's outcome): 12,5."""
    if value is None:
        return "–"
    return f"{_round(value, places):,}".replace(",", SPACE).replace(".", ",")


def pct(fraction) -> str:
    """A fraction as per cent with one decimal: 0.0234 -> 2,3 %."""
    if fraction is None:
        return "–"
    return f"{_round(fraction * 100, 1):,}".replace(",", SPACE).replace(".", ",") + SPACE + "%"


def count(n) -> str:
    return str(int(n or 0))
