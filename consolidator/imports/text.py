"""Text files as Swedish offices save them: the encoding recognised from the bytes.

Excel's "CSV UTF-8" writes a byte-order mark, its "CSV (semikolonavgränsad)" Windows-1252, and
Windows tools (PowerShell 5, Notepad's "Unicode") UTF-16 with a byte-order mark. In that order:
a BOM decides (UTF-8, UTF-16 LE/BE); then strict UTF-8; then Windows-1252. A file none of these
reads (or one that fails the encoding the user named) is a finding in Swedish naming the option.
"""
from __future__ import annotations

import codecs

from rodtrad.consolidator.model.findings import ERROR, define

ENCODING = define("import.encoding", ERROR, "Filen går inte att läsa som {value}.", "The file cannot be read as {value}.",
                  "Spara filen som UTF-8 (i Excel: \"CSV UTF-8\"), eller ange teckenkodningen med --encoding "
                  "(utf-8, cp1252 eller utf-16).",
                  "Save the file as UTF-8, or give its encoding with --encoding (utf-8, cp1252 or utf-16).")

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
NAMES = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8", "utf-16": "UTF-16", "cp1252": "Windows-1252"}


def detect(data: bytes) -> str | None:
    """The codec that reads `data`: a BOM's, else UTF-8, else Windows-1252; None when none does."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return codec
    for codec in ("utf-8", "cp1252"):
        try:
            data.decode(codec)
            return codec
        except UnicodeDecodeError:
            continue
    return None


def decode(data: bytes, encoding: str | None = None):
    """(text without a BOM, None) or (None, a finding factory to call with file=…). Line ends kept."""
    codec = encoding or detect(data)
    try:
        if codec is None:
            raise UnicodeDecodeError("?", b"", 0, 1, "?")
        text = data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        label = encoding or "UTF-8, UTF-16 eller Windows-1252"
        return None, lambda **where: ENCODING(value=label, **where)
    return text.lstrip("\ufeff"), None
