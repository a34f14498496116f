"""The styles the report's parts are written in, found in the municipality's template or, when it
lacks one, taken from the shipped template, as Word does.

The parts name their styles (USED: Heading 1-3 for the headings, Caption for the captions, Table
Grid for the tables, Tabelltext for the text in their cells, List Bullet for the economy department's
points). A template need not define
them: a document made in Word defines only the styles it has used (the others are "latent", and
Word adds a built-in style's definition when it is first used), and the shipped template since it
was made lean (template.py `_lean`) defines 26. Without a definition, a heading was written as
plain text (no heading in the document's structure, none in the tagged PDF: WCAG 2.1 1.3.1), a
table without borders. So `ensure` finds each style by its name, else by the shipped template's
style id (a style renamed in Word keeps its id: "Rubrik ett" is still the heading), else copies
the shipped template's definition (with the styles it is based on or linked to, when missing)
into the document, and says which it copied (template.check makes that a warning). Tabelltext is
our own (9 pt, render.TABLE_TEXT): a template of an earlier release lacks it, and its tables in
Normal (11 pt) were each set smaller as far as its words needed, 11, 9 and 8 pt in one document.
"""
from __future__ import annotations

import copy
from pathlib import Path

USED = ("Heading 1", "Heading 2", "Heading 3", "Caption", "Table Grid", "List Bullet", "Tabelltext")
# what Swedish Word calls them (the economy department's Word shows these names)
SWEDISH = {"Heading 1": "Rubrik 1", "Heading 2": "Rubrik 2", "Heading 3": "Rubrik 3", "Caption": "Beskrivning",
           "Table Grid": "Tabellrutnät", "List Bullet": "Punktlista", "Title": "Rubrik", "Subtitle": "Underrubrik"}

_SHIPPED: dict | None = None  # style id -> <w:style> element of the shipped template, read once


def shipped() -> Path:
    """The default template shipped with the package (`rodtrad/templates/rapportmall.docx`)."""
    from importlib.resources import files  # noqa: PLC0415

    return Path(str(files("rodtrad.templates") / "rapportmall.docx"))


def said(name: str) -> str:
    """A style's name as Swedish Word shows it, with the English one: 'Rubrik 2 (Heading 2)'."""
    return f"{SWEDISH[name]} ({name})" if name in SWEDISH else name


def _shipped() -> dict:
    global _SHIPPED
    if _SHIPPED is None:
        from docx import Document  # noqa: PLC0415
        from docx.oxml.ns import qn  # noqa: PLC0415

        element = Document(str(shipped())).styles.element
        _SHIPPED = {s.get(qn("w:styleId")): s for s in element.findall(qn("w:style"))}
    return _SHIPPED


def _names(docx) -> tuple[dict[str, str], set[str]]:
    """The document's styles: name -> id (the first of a name), and every id."""
    from docx.oxml.ns import qn  # noqa: PLC0415

    by_name, ids = {}, set()
    for style in docx.styles.element.findall(qn("w:style")):
        sid = style.get(qn("w:styleId"))
        name = style.find(qn("w:name"))
        if not sid:
            continue
        ids.add(sid)
        if name is not None and name.get(qn("w:val")):
            # python-docx's names: Word writes the built-in headings and caption in lower case
            by_name.setdefault(_ui(name.get(qn("w:val"))), sid)
    return by_name, ids


def _ui(name: str) -> str:
    return name[0].upper() + name[1:] if name.startswith(("heading ", "caption")) else name


def ensure(docx) -> tuple[dict[str, str], list[str]]:
    """The style id of every style of `docx` by name (a python-docx Document, changed in place: a
    style of USED it lacks is added from the shipped template, a renamed one found by its id), and
    the names of those added."""
    from docx.oxml.ns import qn  # noqa: PLC0415

    by_name, ids = _names(docx)
    found, added = dict(by_name), []
    missing = [name for name in USED if name not in by_name]
    shipped = {_ui(s.find(qn("w:name")).get(qn("w:val"))): sid for sid, s in _shipped().items()
               if s.find(qn("w:name")) is not None} if missing else {}
    for name in missing:
        sid = shipped.get(name)
        if sid is None:
            continue
        if sid not in ids:  # not there under another name either: the shipped definition, and what it names
            _copy(docx, sid, ids)
            added.append(name)
        found[name] = sid
    return found, added


def _copy(docx, sid: str, ids: set[str]) -> None:
    from docx.oxml.ns import qn  # noqa: PLC0415

    todo = [sid]
    while todo:
        one = todo.pop()
        if one in ids or one not in _shipped():
            continue
        style = copy.deepcopy(_shipped()[one])
        for reference in style.iter(qn("w:numId")):  # a list's numbering (List Bullet: its bullets), copied too
            numbered = _numbering(docx, reference.get(qn("w:val")))
            if numbered is None:
                reference.getparent().getparent().remove(reference.getparent())  # no numbering: plain paragraphs
            else:
                reference.set(qn("w:val"), numbered)
            break
        docx.styles.element.append(style)
        ids.add(one)
        todo += [sid for sid in references(style) if sid not in ids]


def references(style) -> list[str]:
    """The style ids a <w:style> element names: the style it is based on, its linked character
    style and the style of the paragraph after it (a style kept or copied needs them too)."""
    from docx.oxml.ns import qn  # noqa: PLC0415

    refs = (style.find(qn(tag)) for tag in ("w:basedOn", "w:link", "w:next"))
    return [ref.get(qn("w:val")) for ref in refs if ref is not None and ref.get(qn("w:val"))]


def _numbering(docx, num_id: str) -> str | None:
    """The shipped template's numbering `num_id` (a w:num and its w:abstractNum) copied into `docx`'s
    numbering part under new ids; the new w:numId, or None when it cannot be (none shipped, a
    numbering part python-docx cannot make)."""
    from docx import Document  # noqa: PLC0415
    from docx.oxml.ns import qn  # noqa: PLC0415

    try:
        source = Document(str(shipped())).part.numbering_part.element
        num = next(n for n in source.findall(qn("w:num")) if n.get(qn("w:numId")) == num_id)
        abstract_id = num.find(qn("w:abstractNumId")).get(qn("w:val"))
        abstract = next(a for a in source.findall(qn("w:abstractNum")) if a.get(qn("w:abstractNumId")) == abstract_id)
        target = docx.part.numbering_part.element
    except (StopIteration, AttributeError, KeyError, NotImplementedError):
        return None
    used_abstract = [int(a.get(qn("w:abstractNumId"))) for a in target.findall(qn("w:abstractNum"))]
    used_num = [int(n.get(qn("w:numId"))) for n in target.findall(qn("w:num"))]
    new_abstract, new_num = str(max(used_abstract + [-1]) + 1), str(max(used_num + [0]) + 1)
    abstract, num = copy.deepcopy(abstract), copy.deepcopy(num)
    abstract.set(qn("w:abstractNumId"), new_abstract)
    for ref in abstract.iter(qn("w:pStyle")):  # its levels' styles are the document's business, not ours
        ref.getparent().remove(ref)
    num.set(qn("w:numId"), new_num)
    num.find(qn("w:abstractNumId")).set(qn("w:val"), new_abstract)
    nums = target.findall(qn("w:num"))
    if nums:  # every abstractNum before the first num, the new num after the last (schema order)
        nums[0].addprevious(abstract)
        nums[-1].addnext(num)
    else:
        target.append(abstract)
        target.append(num)
    return new_num
