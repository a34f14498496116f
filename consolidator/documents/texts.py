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

from .render import Para

SECTIONS = (("händelser", "Väsentliga händelser"), ("utveckling", "Förväntad utveckling"),
            ("personal", "Väsentliga personalförhållanden"))


def file_for(folder: Path, period: str) -> Path:
    return Path(folder) / f"texter-{period}.md"


def read(folder: Path | None, period: str) -> dict[str, list]:
    """Section key -> blocks (Para) for the period's file; a note where a section is missing or empty."""
    path = file_for(folder, period) if folder else None
    found: dict[str, list[str]] = {}
    if path is not None and path.is_file():
        try:  # as Notepad saves it: UTF-8 (with or without a BOM), "ANSI" (Windows-1252) or "Unicode" (UTF-16)
            text, _ = decode(path.read_bytes())
        except OSError:
            text = None
        text = text or ""
        names = {heading.lower(): key for key, heading in SECTIONS}
        current = None
        for line in text.splitlines():
            if line.startswith("## "):
                current = names.get(line[3:].strip().lower())
                if current:
                    found.setdefault(current, [])
                continue
            if current:
                found[current].append(line.rstrip())
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
