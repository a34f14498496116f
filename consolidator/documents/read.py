"""Reading a report document back: its text, paragraph by paragraph and cell by cell (verify, tests)."""
from __future__ import annotations

from pathlib import Path
from rodtrad.consolidator.model.words import explain
from rodtrad.consolidator.reading.grid import MAX_FILE_BYTES, MAX_MEMBERS, MAX_UNPACKED_BYTES


class TooLarge(ValueError):
    """A document larger than a returned workbook may be (the message is Swedish)."""


def lines(path: Path) -> list[str]:
    """The document's text in reading order: each paragraph, and each table row as its cells joined
    by " | ", pictures as "[bild: <alternative text>]". Raises ValueError (Swedish) when it is no
    .docx, or when it is larger, packed or unpacked, than a returned workbook may be (reading/grid.py:
    a document on a shared drive may have been replaced by anything; zipfile never inflates a
    member beyond the size its directory states)."""
    import zipfile  # noqa: PLC0415

    from docx import Document  # noqa: PLC0415
    from docx.oxml.ns import qn  # noqa: PLC0415

    try:
        if Path(path).stat().st_size > MAX_FILE_BYTES:
            raise TooLarge(f"filen är större än {MAX_FILE_BYTES >> 20} MB")
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
        if len(infos) > MAX_MEMBERS or sum(i.file_size for i in infos) > MAX_UNPACKED_BYTES:
            raise TooLarge(f"filen packas upp till mer än {MAX_UNPACKED_BYTES >> 20} MB")
        doc = Document(str(path))
    except TooLarge:
        raise
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ValueError(explain(exc, "ingen Word-fil")) from exc
    out = []
    for el in doc.element.body.iterchildren():
        if el.tag == qn("w:p"):
            out.append("".join(t.text or "" for t in el.iter(qn("w:t"))))
            out += [f"[bild: {pr.get('descr', '')}]" for pr in el.iter(qn("wp:docPr"))]
        elif el.tag == qn("w:tbl"):
            for tr in el.iter(qn("w:tr")):
                out.append(" | ".join("".join(t.text or "" for t in tc.iter(qn("w:t"))) for tc in tr.iter(qn("w:tc"))))
    return out


def text_differences(reported: Path, recomputed: Path, limit: int = 20) -> list[tuple[str, str]]:
    """Line by line, where the document on disk says something else than the document the inputs give now."""
    try:
        a, b = lines(reported), lines(recomputed)
    except ValueError as exc:
        return [("", f"dokumentet går inte att läsa ({exc})")]
    out = []
    for i in range(max(len(a), len(b))):
        x, y = (a[i] if i < len(a) else ""), (b[i] if i < len(b) else "")
        if x != y:
            out.append((f"stycke {i + 1}", f"i dokumentet: {x[:120]!r}; omräknat: {y[:120]!r}"))
            if len(out) >= limit:
                break
    return out or [("", "filen skiljer sig men inte texten (formatering eller bilder)")]
