"""Blocks (headings, paragraphs, tables, pictures) into the municipality's Word template with docxtpl.

Accessible by construction (WCAG 2.1 AA as the law on digital public services asks, and what a
tagged PDF carries over): headings are Word's heading styles in order (the parts start at
Heading 1 under the Title), the document has a title and the language sv-SE, a table has a
caption and a description, its first row is marked as the header row and repeats on every page,
every picture has an alternative text, and a light is always a word beside its coloured symbol.

Why docxtpl: the template stays an ordinary Word document. The economy department moves the
parts, writes fixed texts, changes the logo, header, fonts and colours in Word, and none of it is
in code; python-docx alone would need code for every fixed text and layout choice. The parts
themselves are written here as WordprocessingML (pictures through python-docx), so headings,
tables and alternative texts are right whatever the template does.

The .docx is byte-identical on every run for the same figures: fixed document properties (the
period's date as created/modified) and fixed dates on the zip entries (`reproducible`).
"""
from __future__ import annotations

import io
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from rodtrad.consolidator.model import package

from . import styles, textwidth

SYMBOL = "●"
LIGHT_COLOURS = {"grön": "2E7D32", "gul": "B8860B", "röd": "C62828", "ej bedömt": "757575"}
WIDTH_CM = 16.0  # the default template's text width (A4, 2.5 cm margins)


@dataclass
class Heading:
    level: int  # 1..3 under the document's title
    text: str


@dataclass
class Para:
    text: str
    style: str | None = None  # a paragraph style of the template by name ("List Bullet", "Caption")


@dataclass
class Light:
    """A traffic light in a table cell or text: the coloured symbol and the word, never the colour alone."""

    word: str


@dataclass
class Table:
    caption: str  # above the table, also its description (w:tblCaption) for screen readers
    columns: list[str]
    rows: list[list]  # str, or Light
    numeric: set[int] = field(default_factory=set)  # column indexes aligned right (figures)
    source: str = ""  # "blad X i Y.xlsx": where the Excel report has the same figures


@dataclass
class Picture:
    png: bytes
    alt: str  # what it shows, in words and figures
    title: str
    width_cm: float = WIDTH_CM


@dataclass
class Document:
    """What one report document says: its texts and its parts, each a list of blocks."""

    texts: dict[str, str]  # titel, undertitel, kommun, period, nod, datum
    parts: dict[str, list] = field(default_factory=dict)
    date: str = "2027-01-01"  # the period's date: the document's created/modified (reproducible)


def render(doc: Document, template: Path, out: Path) -> Path:
    """Render `doc` into `template` (docxtpl), written to `out` atomically, byte for byte the same
    on every run. The template is assumed checked (`template.check`)."""
    from docxtpl import DocxTemplate  # noqa: PLC0415

    tpl = DocxTemplate(str(template))
    context = {**doc.texts, **_parts(tpl, doc.parts)}
    tpl.render(context, autoescape=True)
    _properties(tpl.docx, doc)  # not get_docx(): after render it reloads the template
    out = Path(out)
    saved = io.BytesIO()  # one zip pass, in memory: saved, then made reproducible, then written once
    tpl.save(saved)
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.write_bytes(package.repacked(saved.getvalue(), package.moment(f"{doc.date}T00:00:00Z")))
    os.replace(tmp, out)
    return out


def _properties(docx, doc: Document) -> None:
    from datetime import datetime, timezone  # noqa: PLC0415

    when = datetime.fromisoformat(doc.date).replace(tzinfo=timezone.utc)
    props = docx.core_properties
    props.title = doc.texts.get("titel", "")
    props.subject = doc.texts.get("undertitel", "")
    props.language = "sv-SE"
    props.author = props.last_modified_by = "Röd tråd"
    props.keywords = "rodtrad"
    props.created = props.modified = when
    props.revision = 1
    from docx.oxml import OxmlElement  # noqa: PLC0415
    from docx.oxml.ns import qn  # noqa: PLC0415

    # the document's language is the default of every style: sv-SE, whatever the template said
    defaults = docx.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")) if defaults is not None else None
    rpr = rpr.find(qn("w:rPr")) if rpr is not None else None
    if rpr is not None:
        lang = rpr.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            rpr.append(lang)
        lang.set(qn("w:val"), "sv-SE")


class _Part:
    """A part of the report for a `{{p name }}` place: its WordprocessingML (docxtpl inserts what
    `__html__` gives). Paragraphs, tables and pictures are written as XML text here, ~20 times
    faster than python-docx's object model; a picture's image part and its relationship are added
    to the document's own part (python-docx's `new_pic_inline`)."""

    def __init__(self, xml: list[str]):
        self.xml = xml

    def __html__(self) -> str:
        return "".join(self.xml)

    __str__ = __html__


class _Writer:
    """Blocks as WordprocessingML, with the template's style ids (found by style name)."""

    def __init__(self, tpl):
        self.tpl = tpl
        tpl.init_docx()  # loads the template once; render() keeps it (it reloads only after a render)
        # the template's styles by name; a style the parts use that it lacks is added from the shipped
        # template (styles.py: without it a heading was plain text)
        self.styles = styles.ensure(tpl.docx)[0]
        self.cell_style = TABLE_TEXT if TABLE_TEXT in self.styles else None
        self.size: float | None = None  # pt of the table's cells being written (None: the style's)
        self.points = _points(tpl.docx, self.cell_style)

    def style(self, name: str | None) -> str:
        sid = self.styles.get(name) if name else None
        return f'<w:pStyle w:val="{_attr(sid)}"/>' if sid else ""

    def paragraph(self, value, style: str | None = None, right: bool = False, bold: bool = False,
                  size: float | None = None) -> str:
        ppr = self.style(style) + ('<w:jc w:val="right"/>' if right else "")
        return f"<w:p>{'<w:pPr>' + ppr + '</w:pPr>' if ppr else ''}{_runs(value, bold, size)}</w:p>"

    def table(self, block: Table) -> str:
        caption = block.caption + (f" (källa: {block.source})" if block.source else "")
        # a table whose words do not all fit whole at the cells' size is set a point smaller, down to
        # SMALLEST, before a word is broken (a förvaltning's name: "Samhällsbyggnadsförvaltningen", 29 letters)
        points = self.points
        widths, whole = _widths(block, points)
        while not whole and points - 1 >= SMALLEST:
            points -= 1
            widths, whole = _widths(block, points)
        self.size = points if points != self.points else None
        sid = self.styles.get("Table Grid")
        out = [self.paragraph(caption, "Caption"), "<w:tbl><w:tblPr>",
               f'<w:tblStyle w:val="{_attr(sid)}"/>' if sid else "",
               '<w:tblW w:w="0" w:type="auto"/><w:tblLayout w:type="fixed"/>',
               '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" '
               'w:noHBand="0" w:noVBand="1"/>',
               f'<w:tblCaption w:val="{_attr(block.caption[:255])}"/>',
               f'<w:tblDescription w:val="{_attr(caption[:255])}"/></w:tblPr><w:tblGrid>',
               *(f'<w:gridCol w:w="{w}"/>' for w in widths), "</w:tblGrid>"]
        # the header row: marked as such, repeated on every page, never split
        out.append("<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>")
        for i, header in enumerate(block.columns):
            out.append(self._cell(widths[i], header, i in block.numeric, True))
        out.append("</w:tr>")
        for row in block.rows:
            out.append("<w:tr><w:trPr><w:cantSplit/></w:trPr>")
            for i, value in enumerate(row):
                out.append(self._cell(widths[i], value, i in block.numeric, False))
            out.append("</w:tr>")
        out.append("</w:tbl>")
        return "".join(out)

    def _cell(self, width: int, value, right: bool, bold: bool) -> str:
        return (f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr>'
                f"{self.paragraph(value, self.cell_style, right, bold, self.size)}</w:tc>")

    def picture(self, block: Picture) -> str:
        from docx.oxml.ns import qn  # noqa: PLC0415
        from docx.shared import Cm  # noqa: PLC0415
        from lxml import etree  # noqa: PLC0415

        # the image part and its relationship in the document's own part (no sub-document: it
        # parsed a whole document per report); docxtpl numbers the drawings (wp:docPr ids) when it renders
        inline = self.tpl.docx.part.new_pic_inline(io.BytesIO(block.png), width=Cm(block.width_cm))
        for pr in inline.iter(qn("wp:docPr")):
            pr.set("descr", block.alt)
            pr.set("title", block.title)
            pr.set("name", block.title[:60])
        for pr in inline.iter(qn("pic:cNvPr")):
            pr.set("descr", block.alt)
        return f"<w:p><w:r><w:drawing>{etree.tostring(inline, encoding='unicode')}</w:drawing></w:r></w:p>"


def _parts(tpl, parts: dict[str, list]) -> dict[str, object]:
    writer = _Writer(tpl)
    out = {}
    for name, blocks in parts.items():
        xml = []
        for block in blocks:
            if isinstance(block, Heading):
                xml.append(writer.paragraph(block.text, f"Heading {block.level}"))
            elif isinstance(block, Para):
                xml.append(writer.paragraph(block.text, block.style))
            elif isinstance(block, Table):
                xml.append(writer.table(block))
            elif isinstance(block, Picture):  # the picture, and its caption under it
                xml.append(writer.picture(block))
                xml.append(writer.paragraph(f"Figur: {block.title}", "Caption"))
        out[name] = _Part(xml) if xml else ""
    return out


_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _attr(text) -> str:
    return _esc(str(text)).replace('"', "&quot;")


def _esc(text: str) -> str:
    return _INVALID.sub("", text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _t(text: str) -> str:
    """A text as runs' content: a line break as <w:br/>, tabs kept, characters XML cannot hold dropped."""
    lines = str(text).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "<w:br/>".join(f'<w:t xml:space="preserve">{_esc(line)}</w:t>' for line in lines)


def _runs(value, bold: bool = False, size: float | None = None) -> str:
    """`value`'s runs; `size` in pt (None: the paragraph style's)."""
    sz = f'<w:sz w:val="{round(2 * size)}"/><w:szCs w:val="{round(2 * size)}"/>' if size else ""
    if isinstance(value, Light):
        colour = LIGHT_COLOURS.get(value.word, "757575")
        return (f'<w:r><w:rPr><w:color w:val="{colour}"/>{sz}</w:rPr>{_t(SYMBOL + " ")}</w:r>'
                f"<w:r>{'<w:rPr>' + sz + '</w:rPr>' if sz else ''}{_t(value.word)}</w:r>")
    if value is None or value == "":
        return ""
    rpr = ("<w:b/>" if bold else "") + sz
    return f"<w:r>{'<w:rPr>' + rpr + '</w:rPr>' if rpr else ''}{_t(value)}</w:r>"


TABLE_TEXT = "Tabelltext"  # the paragraph style of table cells, when the template has it (the default one: 9 pt)
PAD_CM = 0.45  # a cell's left and right margins (Table Grid: 0.19 cm each) and a little air
SLACK = 1.02  # measured widths are Calibri's (textwidth.py): a little more, for rounding and other fonts
SMALLEST = 8  # pt: a table's cells no smaller than this to keep its words whole
WORD_CAP = 12  # letters: a text column gives up its longest word's width beyond this only when the table is too wide


def _points(docx, style_name: str | None) -> float:
    """The font size (pt) of text in paragraph style `style_name` (None: Normal) of a python-docx
    document: the style's own, else that of the style it is based on, else the document default
    (w:docDefaults), else 11."""
    from docx.oxml.ns import qn  # noqa: PLC0415

    try:
        style = docx.styles[style_name or "Normal"]
        while style is not None:
            if style.font.size is not None:
                return style.font.size.pt
            style = style.base_style
        size = docx.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:sz')}")
        return int(size.get(qn("w:val"))) / 2 if size is not None else 11.0
    except (KeyError, ValueError, TypeError, AttributeError):  # no such style, a damaged size: the usual
        return 11.0


def _widths(block: Table, points: float = 11.0) -> tuple[list[int], bool]:
    """Column widths in twips, for cell text of `points` pt (headers bold), measured in the
    template's font (textwidth.py). A figure column is as wide as its widest figure and its
    header's longest word, so a figure never breaks over two lines (found in the PDFs: "84," above
    "0"); a text column at least as wide as its longest word, so no word is broken
    ("Kommunstyr|elsen"), and the text columns share what is left by the length of what they hold.
    When the longest words do not all fit, the words count up to as many letters as fit (not fewer
    than WORD_CAP); when even that does not fit, every column gives up alike."""
    sample = block.rows[:200]

    def cm(text: str, bold: bool = False) -> float:
        return textwidth.width_cm(text, points, bold) * SLACK + PAD_CM

    figures, headings, found, weights = [], [], [], []
    for i, header in enumerate(block.columns):
        heading = max([cm(w, True) for w in header.split()] or [cm("0000")])
        if i in block.numeric:
            figures.append(max([heading, cm("0000")] + [cm(_text(row[i])) for row in sample]))
            headings.append(0.0)
            found.append(set())
            weights.append(0)
        else:
            figures.append(heading)
            headings.append(heading)
            found.append({w for row in sample for w in _text(row[i]).split()})
            weights.append(min(max([len(_text(row[i])) for row in sample] + [len(header), 4]), 45))

    def need_at(cap: int | None) -> list[float]:  # each word of a text column counted up to `cap` letters
        return [max([f] + [cm(w[:cap]) for w in words]) for f, words in zip(figures, found)]

    # every word whole when the table is wide enough; else the longest words give up as few letters as
    # they must, down to WORD_CAP (one cap for all: "Samhällsbyggnadsförvaltningen", 29 letters, was
    # broken after 12 although 28 fitted)
    longest = max([len(w) for words in found for w in words] + [WORD_CAP])
    need = need_at(None)
    whole = sum(need) <= WIDTH_CM
    for cap in range(longest - 1, WORD_CAP - 1, -1):
        if sum(need) <= WIDTH_CM:
            break
        need = need_at(cap)
    free = WIDTH_CM - sum(need)
    if free < 0:
        widths = [w * WIDTH_CM / sum(need) for w in need]
    elif sum(weights):
        widths = [w + free * k / sum(weights) for w, k in zip(need, weights)]
    else:
        widths = [w + free * w / sum(need) for w in need]
    return [int(w * 567) for w in widths], whole


def _text(value) -> str:
    return f"{SYMBOL} {value.word}" if isinstance(value, Light) else str(value or "")


def reproducible(path: Path, stamp: str) -> None:
    """Rewrite a .docx (a zip) so the same content gives the same bytes: every entry in the same
    order and dated `stamp` (ISO), which also replaces created/modified in docProps/core.xml
    (model/package.py, shared with the workbooks)."""
    package.repack(Path(path), package.moment(stamp))
