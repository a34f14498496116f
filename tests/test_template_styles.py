"""A municipality's own template that lacks a style the report's parts use (a template made in Word
defines only the styles it has used; the shipped one is lean): the documents still have real
headings, captions, table borders and points, from the shipped template's definitions, and a
warning names the style as Swedish Word does. Found by the new-user trial: without Heading 2 the
board's eleven level-2 headings were plain text (no heading in the structure or the tagged PDF)."""
import re
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn

from rodtrad.consolidator.documents import charts, styles, template
from rodtrad.consolidator.documents.render import Document as Report, Heading, Para, Picture, Table, render

STYLE_REFERENCE = re.compile(r'<w:(?:pStyle|tblStyle|basedOn|link|next) w:val="([^"]+)"')


def without(*names: str):
    def change(doc):
        for name in names:
            element = doc.styles[name].element
            element.getparent().remove(element)
    return change


def renamed(name: str, new: str):
    def change(doc):
        doc.styles[name].name = new
    return change


def made_in_word(doc):
    """Only the styles a document made in Word has used: Normal, Title and Subtitle."""
    for style in list(doc.styles.element.findall(qn("w:style"))):
        if style.get(qn("w:styleId")) not in ("Normal", "Title", "TitleChar", "Subtitle", "SubtitleChar", "DefaultParagraphFont",
                                             "TableNormal"):
            doc.styles.element.remove(style)


CASES = {  # change to the shipped template -> the styles the warning names
    "utan Rubrik 2": (without("Heading 2"), ["Rubrik 2 (Heading 2)"]),
    "utan Tabellrutnät, Punktlista, Beskrivning": (without("Table Grid", "List Bullet", "Caption"),
                                                  ["Beskrivning (Caption)", "Tabellrutnät (Table Grid)",
                                                   "Punktlista (List Bullet)"]),
    "Rubrik 1 omdöpt": (renamed("Heading 1", "Kommunens rubrik"), []),
    "gjord i Word": (made_in_word, [styles.said(n) for n in styles.USED]),
    "oförändrad": (lambda doc: None, []),
}


@pytest.fixture(scope="module")
def report():
    png, alt = charts.lights({"grön": 2, "röd": 1}, "Mål")
    return Report({"titel": "Delårsrapport – Nämnden"}, {
        "sammanfattning": [Heading(1, "Sammanfattning"), Heading(2, "Ekonomi"), Heading(3, "Prognos"),
                           Para("En punkt", "List Bullet"), Table("Belopp per nämnd", ["Namn", "Belopp"], [["A", "1"]], {1}),
                           Picture(png, alt, "Målen per trafikljus")]}, "2027-08-31")


@pytest.mark.parametrize("case", CASES)
def test_a_template_without_a_style_the_parts_use_still_gives_real_headings_and_a_warning_in_swedish(case, tmp_path,
                                                                                                      report):
    change, named = CASES[case]
    doc = Document(str(template.shipped()))
    change(doc)
    path = tmp_path / "rapportmall.docx"
    doc.save(path)
    usable, findings = template.check(path)
    assert usable and [f.field for f in findings if f.kind.code == "document.template_style"] == named
    assert all("har ingen formatmall" in f.message() and "standardmallens" in f.message()
               for f in findings if f.kind.code == "document.template_style")
    out = render(report, path, tmp_path / "rapport.docx")
    written = Document(str(out))
    levels = {p.text: p.style for p in written.paragraphs if p.text in ("Sammanfattning", "Ekonomi", "Prognos")}
    for text, level in (("Sammanfattning", 1), ("Ekonomi", 2), ("Prognos", 3)):
        outline = levels[text].element.find(qn("w:pPr"))
        outline = outline.find(qn("w:outlineLvl")) if outline is not None else None
        assert outline is not None and outline.get(qn("w:val")) == str(level - 1), (text, levels[text].name)
    assert written.tables[0].style is not None and written.tables[0].style.name in ("Table Grid", "Kommunens rutnät")
    captions = [p for p in written.paragraphs if p.text.startswith("Figur:") or p.text.startswith("Belopp per nämnd")]
    assert captions and all(p.style.style_id == "Caption" for p in captions)
    with zipfile.ZipFile(out) as z:  # every style named is defined
        defined = set(re.findall(r'w:styleId="([^"]+)"', z.read("word/styles.xml").decode()))
        named_ids = set(STYLE_REFERENCE.findall(z.read("word/document.xml").decode()))
        named_ids |= set(STYLE_REFERENCE.findall(z.read("word/styles.xml").decode()))
    assert not named_ids - defined, named_ids - defined


def test_a_template_from_an_older_release_with_every_style_is_used_with_only_the_table_text_style_added(tmp_path,
                                                                                                         report):
    from docx import Document as Blank

    doc = Blank()  # python-docx's blank document: the 164 styles the shipped template had before it was made lean
    for part in template.PARTS:
        doc.add_paragraph(f"{{{{p {part} }}}}")
    doc.save(tmp_path / "rapportmall.docx")
    usable, findings = template.check(tmp_path / "rapportmall.docx")
    assert usable and [f.field for f in findings] == ["Tabelltext"]  # the one style of this release's own
    written = Document(str(render(report, tmp_path / "rapportmall.docx", tmp_path / "rapport.docx")))
    assert [p.style.name for p in written.paragraphs if p.text in ("Sammanfattning", "Ekonomi", "Prognos")] == \
        ["Heading 1", "Heading 2", "Heading 3"]
    cells = {p.style.name for t in written.tables for row in t.rows for c in row.cells for p in c.paragraphs}
    assert cells == {"Tabelltext"} and written.styles["Tabelltext"].font.size.pt == 9


def damaged_copy(tmp_path: Path, part: str, data: bytes | None) -> Path:
    """The shipped template with `part` replaced by `data` (None: left out), as a cut or hand-edited file."""
    path = tmp_path / "rapportmall.docx"
    with zipfile.ZipFile(template.shipped()) as z, zipfile.ZipFile(path, "w") as out:
        for info in z.infolist():
            if info.filename != part:
                out.writestr(info, z.read(info.filename))
            elif data is not None:
                out.writestr(info, data)
    return path


@pytest.mark.parametrize("part, data, said", [
    ("word/styles.xml", None, "Word-filen är skadad: delen word/styles.xml saknas"),
    ("word/numbering.xml", None, "Word-filen är skadad: delen word/numbering.xml saknas"),
    ("word/styles.xml", b"<w:styles", "Word-filen är skadad: en del av den är inte läsbar XML"),
    ("word/document.xml", b"<w:document", "Word-filen är skadad: en del av den är inte läsbar XML"),
])
def test_a_template_with_a_part_missing_or_not_xml_is_called_damaged_and_the_part_named(part, data, said, tmp_path):
    """A Word file whose package names a part it lacks was called 'ingen Word-fil' (it is one, damaged:
    Word offers to repair it), and a part that is not XML 'ett oväntat fel'."""
    usable, findings = template.check(damaged_copy(tmp_path, part, data))
    assert not usable and [f.kind.code for f in findings] == ["document.template_broken"]
    assert said in findings[0].message() and "Traceback" not in findings[0].message()


@pytest.mark.parametrize("case", ["utan Tabellrutnät, Punktlista, Beskrivning", "gjord i Word"])
def test_a_list_bullet_style_taken_from_the_shipped_template_keeps_its_bullets(case, tmp_path, report):
    """List Bullet's bullets are a numbering (word/numbering.xml): taken without it, the economy
    department's points were plain paragraphs (no list for a screen reader). The copied style names a
    numbering of the document that exists and is a bullet list."""
    CASES[case][0](doc := Document(str(template.shipped())))
    doc.save(tmp_path / "rapportmall.docx")
    written = Document(str(render(report, tmp_path / "rapportmall.docx", tmp_path / "rapport.docx")))
    style = written.styles["List Bullet"].element
    num_id = style.find(qn("w:pPr")).find(qn("w:numPr")).find(qn("w:numId")).get(qn("w:val"))
    numbering = written.part.numbering_part.element
    (num,) = [n for n in numbering.findall(qn("w:num")) if n.get(qn("w:numId")) == num_id]
    abstract_id = num.find(qn("w:abstractNumId")).get(qn("w:val"))
    (abstract,) = [a for a in numbering.findall(qn("w:abstractNum")) if a.get(qn("w:abstractNumId")) == abstract_id]
    assert abstract.find(qn("w:lvl")).find(qn("w:numFmt")).get(qn("w:val")) == "bullet"
    children = [c.tag for c in numbering]  # every abstractNum before the first num (the schema's order)
    assert max(i for i, t in enumerate(children) if t == qn("w:abstractNum")) < children.index(qn("w:num"))
