"""How wide a text is set in the report documents' font, to size table columns before Word or
LibreOffice lays them out (render._widths).

The widths are Calibri's advance widths in em, the default template's font, as Carlito (its
metric-compatible free twin, which LibreOffice uses in Calibri's place) gives them in its hmtx
table (fonts-crosextra-carlito 20220224, Carlito-Regular.ttf, read with matplotlib's FreeType
binding). Carlito has no no-break space (numbers.SPACE, the thousands separator): LibreOffice
sets it as a space (0.24 em measured in the PDFs), and so does Calibri. Bold letters are ~4 %
wider (digits and spaces alike). A character not in the table
counts as wide as a digit's ~1.1 (an uncommon letter, another script). A municipality's own
template with another font is measured as if in Calibri: the cells' margins leave some room.
"""
from __future__ import annotations

CM_PER_POINT = 2.54 / 72
_GROUPS = {  # characters -> their advance width (em)
    "'": 0.221, ' \xa0': 0.226, 'il': 0.229, 'j': 0.239, ',': 0.25, 'I.·': 0.252, ':;': 0.268, '()': 0.303,
    'f': 0.305, '-': 0.306, 'J': 0.319, '!': 0.326, 't': 0.335, 'r': 0.349, '/': 0.386, 's': 0.391, 'z': 0.395,
    '"': 0.401, 'L': 0.42, 'c': 0.423, 'x': 0.433, 'v': 0.452, 'y': 0.453, 'k': 0.455, 'FS': 0.459, '?': 0.463,
    'Z': 0.468, 'g': 0.471, 'aåä': 0.479, 'TY': 0.487, 'EÉ': 0.488, 'eé–+−§': 0.498, '0123456789': 0.507,
    'P': 0.517, 'X': 0.519, 'K': 0.52, 'bdhnpquü': 0.525, 'oö': 0.527, 'C': 0.533, 'R': 0.543, 'B': 0.544,
    'V': 0.567, 'AÅÄ': 0.579, '●': 0.604, 'D': 0.615, 'H': 0.623, 'G': 0.631, 'UÜ': 0.642, 'N': 0.646,
    'OÖ': 0.662, 'Q': 0.673, '&': 0.682, '…': 0.69, 'w%': 0.715, 'm': 0.799, 'M': 0.855, 'W': 0.89
}
WIDTHS = {c: em for chars, em in _GROUPS.items() for c in chars}  # character -> advance width, em
OTHER = 0.56  # em: a character the table does not hold
BOLD = 1.04  # bold over regular, on average over letters (Carlito-Bold: digits 1.00, a 1.03, K 1.05, i 1.07)


def width_cm(text: str, points: float, bold: bool = False) -> float:
    """The width (cm) of `text` on one line at `points` pt in Calibri (bold when `bold`)."""
    em = sum(WIDTHS.get(c, OTHER) for c in text)
    return em * points * CM_PER_POINT * (BOLD if bold else 1.0)
