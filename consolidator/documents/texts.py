"""The economy department's own texts for the förvaltningsberättelse, from a text file in the workspace.

`dokument/texter-<period>.md` (UTF-8, or Windows-1252 or UTF-16 as Notepad saves them; Markdown-like):
a line `## <heading>` starts a section, the paragraphs under it (separated by a blank line) are its
text; a line starting with `- ` is a bullet. The headings are those the law's förvaltningsberättelse has (LKBR 11 kap.): SECTIONS.
A section not in the file gets a visible note saying where to write it, so nothing is left out
silently. Text is text: nothing in it is run or becomes a field. `rodtrad init` puts an example
(rodtrad/templates/texter-exempel.md) in the folder.
"""
from __future__ import annotations

from pathlib import Path

from rodtrad.consolidator.imports.text import decode
from rodtrad.consolidator.model.findings import WARNING, define

from .render import Para

SECTIONS = (("händelser", "Väsentliga händelser"), ("utveckling", "Förväntad utveckling"),
            ("personal", "Väsentliga personalförhållanden"))
UNKNOWN_HEADING = define(
    "document.texts_heading", WARNING,
    "{value}: rubriken \u201d{field}\u201d finns inte i förvaltningsberättelsen; texten under den kommer inte med i dokumenten.",
    "{value}: the heading \u201c{field}\u201d is not a section of the management report; the text under it is left out.",
    "Skriv texten under en av rubrikerna " + ", ".join(f"## {h}" for _, h in SECTIONS) + ".",
    "Write the text under one of the headings " + ", ".join(f"## {h}" for _, h in SECTIONS) + ".")


def file_for(folder: Path, period: str) -> Path:
    return Path(folder) / f"texter-{period}.md"


def _sections(path: Path | None) -> tuple[dict[str, list[str]], list[str]]:
    """The file's lines per section key, and the `## ` headings that are no section (in file order)."""
    found: dict[str, list[str]] = {}
    unknown: list[str] = []
    if path is None or not path.is_file():
        return found, unknown
    try:  # as Notepad saves it: UTF-8 (with or without a BOM), "ANSI" (Windows-1252) or "Unicode" (UTF-16)
        text, _ = decode(path.read_bytes())
    except OSError:
        text = None
    names = {heading.lower(): key for key, heading in SECTIONS}
    current = None
    for line in (text or "").splitlines():
        if line.startswith("## "):
            current = names.get(line[3:].strip().lower())
            if current:
                found.setdefault(current, [])
            else:
                unknown.append(line[3:].strip())
            continue
        if current:
            found[current].append(line.rstrip())
    return found, unknown


def check(folder: Path | None, period: str) -> list:
    """A warning for each `## ` heading of the period's file that is no section of the
    förvaltningsberättelse: the text under it would otherwise be left out without a word."""
    path = file_for(folder, period) if folder else None
    where = f"dokument/{file_for(Path('.'), period).name}"
    return [UNKNOWN_HEADING(file=where, value=where, field=heading) for heading in _sections(path)[1]]


def read(folder: Path | None, period: str) -> dict[str, list]:
    """Section key -> blocks (Para) for the period's file; a note where a section is missing or empty."""
    found, _ = _sections(file_for(folder, period) if folder else None)
    out = {}
    where = f"dokument/{file_for(Path('.'), period).name}"
    for key, heading in SECTIONS:
        blocks, paragraph = [], []

        def flush():
            if paragraph:
                blocks.append(Para(" ".join(paragraph)))
                paragraph.clear()

        for line in found.get(key, []):
            if not line.strip():
                flush()
            elif line.startswith("- "):
                flush()
                blocks.append(Para(line[2:].strip(), "List Bullet"))
            else:
                paragraph.append(line.strip())
        flush()
        out[key] = blocks or [Para(f"[Ekonomiavdelningens text saknas: skriv den under rubriken ”{heading}” i {where}.]")]
    return out
