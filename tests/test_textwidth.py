"""The table columns' text widths (documents/textwidth.py) against the font itself, measured
independently: Carlito's own advance widths read with FreeType (matplotlib's binding)."""
from pathlib import Path

import pytest

from rodtrad.consolidator.documents import textwidth

FONTS = Path("/usr/share/fonts/truetype/crosextra")
SAMPLES = ["Kommunstyrelsen", "Barn- och utbildningsnämnden", "257\u00a0725\u00a0201", "1,9\u00a0%", "Ansvarskod",
           "Avvikelse (kr)", "● inget nyckeltal", "Måluppfyllelse", "ÅÄÖ åäö", "KF1 Exempelkommun är det tryggt att växa upp"]


def carlito_cm(text: str, points: float, style: str) -> float:
    from matplotlib.ft2font import FT2Font, LoadFlags

    font = FT2Font(str(FONTS / f"Carlito-{style}.ttf"))
    text = text.replace("\u00a0", " ")  # Carlito has no no-break space: LibreOffice sets a space
    em = sum(font.load_char(ord(c), flags=LoadFlags.NO_SCALE).horiAdvance for c in text) / font.units_per_EM
    return em * points * 2.54 / 72


@pytest.mark.skipif(not (FONTS / "Carlito-Regular.ttf").exists(), reason="fonts-crosextra-carlito (make libreoffice)")
@pytest.mark.parametrize("text", SAMPLES)
@pytest.mark.parametrize("points", [9, 11])
def test_a_texts_width_is_the_fonts_own(text, points):
    assert textwidth.width_cm(text, points) == pytest.approx(carlito_cm(text, points, "Regular"), rel=0.005)
    bold = carlito_cm(text, points, "Bold")
    assert 0.97 * bold <= textwidth.width_cm(text, points, bold=True) <= 1.06 * bold


def test_an_unknown_character_counts_wider_than_a_digit():
    assert textwidth.width_cm("漢", 10) > textwidth.width_cm("0", 10)
