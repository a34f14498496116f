"""The Word template a report document is rendered from, and the check of a municipality's own.

The template is an ordinary .docx that the economy department edits in Word: its logo and
fixed texts in the header and footer, fonts and colours in the styles, a cover text, and where
each part of the report goes. Places are docxtpl (Jinja) tags typed in Word:

- `{{ titel }}`, `{{ undertitel }}`, `{{ kommun }}`, `{{ period }}`, `{{ nod }}`, `{{ datum }}`: texts
- `{{p sammanfattning }}`, `{{p mal }}`, `{{p ekonomi }}`, `{{p investeringar }}`, `{{p uppdrag }}`,
  `{{p intern_kontroll }}`, `{{p forvaltningsberattelse }}`, `{{p bilaga }}`: the report's parts,
  each in a paragraph of its own (a part the period does not have leaves nothing behind)

The parts use the template's own styles by name (Rubrik 1-3 are Word's built-in `Heading 1-3`),
so a changed heading font is the document's heading font; table cells use `Tabelltext` when the
template has it (the default template's: 9 pt), else Normal. `default()` writes the shipped
template (`rodtrad/templates/rapportmall.docx`); `init` copies it into the workspace.
"""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

from rodtrad.consolidator.model.findings import ERROR, WARNING, Finding, define
from rodtrad.consolidator.model.words import Said, explain

from . import styles

FILE_NAME = "rapportmall.docx"  # in the workspace's dokument/ folder, and as package data
FOLDER = "dokument"
PARTS = ("sammanfattning", "mal", "ekonomi", "investeringar", "uppdrag", "intern_kontroll", "forvaltningsberattelse",
         "bilaga")
TEXTS = ("titel", "undertitel", "kommun", "period", "nod", "datum")

BROKEN = define("document.template_broken", ERROR,
                "Rapportmallen {value} går inte att använda: {detail}. Dokumenten skrevs med standardmallen.",
                "The report template {value} cannot be used: {detail}. The documents were written with the default template.",
                "Öppna mallen (dokument/rapportmall.docx) i Word och rätta den, eller ta bort den så används standardmallen.",
                "Open the template (dokument/rapportmall.docx) in Word and fix it, or remove it and the default is used.")
MISSING_STYLE = define("document.template_style", WARNING,
                       "Rapportmallen {value} har ingen formatmall {field}; dokumenten får standardmallens.",
                       "The report template {value} has no style {field}; the documents get the default template's.",
                       "Vill ni ha en egen: använd formatmallen en gång i mallen i Word (då sparas den i filen) och "
                       "ändra den där.",
                       "For your own: use the style once in the template in Word (it is then saved in the file) and "
                       "change it there.")
MISSING_PART = define("document.template_part", WARNING,
                      "Rapportmallen {value} har ingen plats för delen {field}; den delen kommer inte med i dokumenten.",
                      "The report template {value} has no place for the part {field}; that part is left out of the documents.",
                      "Skriv {{{{p {field} }}}} i ett eget stycke där delen ska stå.",
                      "Type {{{{p {field} }}}} in a paragraph of its own where the part goes.")

UNKNOWN = define("document.template_unknown", WARNING,
                 "Rapportmallen {value} har platshållaren {field}, som inte finns; den blir tom i dokumenten.",
                 "The report template {value} has the placeholder {field}, which does not exist; it is left empty.",
                 "Rätta stavningen i Word. Platshållarna är " + ", ".join(TEXTS) + " ({{{{ titel }}}}) och delarna "
                 + ", ".join(PARTS) + " ({{{{p mal }}}}).",
                 "Fix the spelling in Word. The placeholders are " + ", ".join(TEXTS) + " ({{{{ titel }}}}) and the parts "
                 + ", ".join(PARTS) + " ({{{{p mal }}}}).")
UNFILLABLE = ("en platshållare går inte att fylla i (bara namnen, som {{{{ titel }}}} och {{{{p mal }}}}, "
              "går att använda; inga punkter, parenteser eller räknesätt)")


shipped = styles.shipped  # the default template shipped with the package


# SHA-256 of the default template as earlier versions wrote it (templates/rapportmall.docx in the
# repository's history: c1890f1, 42f0bd7, fb47f27). `init` copies the default into the workspace;
# a copy still byte for byte one of these was never changed, and the current default is used in its
# place, so a municipality that never restyled its template gets what the current one gives (the
# lean styles, Tabelltext) without a step of its own.
EARLIER_DEFAULTS = frozenset({
    "c84e5b2b6bc7bec55be095cfaf6b4e218022fcfbf50730004c663a9171a31e88",
    "a18bcbc72dc9bad6a661e79b3c4993a9540ffa216a867c761c9bd0be2e0951c5",
    "8b3b07624939ff100a24cb87a6a2bead1781edc8f44f64c657aef2c1746e9eb1",
})


def untouched_default(path: Path) -> bool:
    """Whether the file at `path` is an earlier version's default template, unchanged (EARLIER_DEFAULTS)."""
    import hashlib  # noqa: PLC0415

    try:
        path = Path(path)
        if path.stat().st_size > 1 << 20:  # the defaults are ~40-80 KB: a larger file is the municipality's own
            return False
        return hashlib.sha256(path.read_bytes()).hexdigest() in EARLIER_DEFAULTS
    except OSError:
        return False


def in_workspace(root: Path) -> Path:
    return Path(root) / FOLDER / FILE_NAME


def _damaged(said: Said) -> Said:
    return Said(f"Word-filen är skadad ({said})", f"the Word file is damaged ({said.en})")


def check(path: Path) -> tuple[bool, list[Finding]]:
    """Whether `path` can be used as the report template, and findings naming what is wrong.

    Broken (ERROR, not usable): not a .docx (zip with word/document.xml), a tag Jinja cannot
    parse, or one that parses but cannot be filled in (`{{ titel.a }}`, `{{ titel() }}`, a loop over
    a text: tried once here with texts in every place, so a report worker never meets it). Usable
    with warnings: a part without its place, a style the parts use missing, a placeholder that is
    not one of TEXTS or PARTS (a misspelt `{{ tittel }}` would otherwise be left empty silently)."""
    from docxtpl import DocxTemplate  # noqa: PLC0415
    from jinja2 import TemplateError  # noqa: PLC0415

    name = Path(path).name
    try:
        with zipfile.ZipFile(path) as z:
            if "word/document.xml" not in z.namelist():
                return False, [BROKEN(file=name, value=name, params={"detail": "filen är ingen Word-fil (.docx)"})]
        tpl = DocxTemplate(str(path))
        names = tpl.get_undeclared_template_variables()
    except KeyError as exc:  # a part the file names is not in it (cut short, or edited by hand): Word says "skadad" too
        missing = re.search(r"'([^']+)'", str(exc))
        detail = f"Word-filen är skadad: delen {missing.group(1) if missing else str(exc)[:80]} saknas"
        return False, [BROKEN(file=name, value=name, params={"detail": detail})]
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        detail = "filen är ingen Word-fil (.docx)" if not isinstance(exc, OSError) else "filen kan inte läsas"
        return False, [BROKEN(file=name, value=name, params={"detail": detail})]
    except SyntaxError:  # lxml's XMLSyntaxError: a part that is not XML
        return False, [BROKEN(file=name, value=name, params={"detail": "Word-filen är skadad: en del av den är inte läsbar XML"})]
    except TemplateError:
        where = _misspelt(path)  # a line number means nothing in Word: the paragraph's text does
        return False, [BROKEN(file=name, value=name,
                              params={"detail": f"en platshållare med {{{{ }}}} eller {{% %}} är felskriven{where}"})]
    except Exception as exc:  # noqa: BLE001 - a damaged template is a finding, never a traceback
        return False, [BROKEN(file=name, value=name, params={"detail": _damaged(explain(exc))})]
    try:  # filled in once with a text in every place: what a report worker would meet
        DocxTemplate(str(path)).render({**{t: "Text" for t in TEXTS}, **{p: "" for p in PARTS}}, autoescape=True)
    except Exception:  # noqa: BLE001 - Jinja's and docxtpl's errors are in English: the finding says it in Swedish
        return False, [BROKEN(file=name, value=name, params={"detail": UNFILLABLE.format()})]
    findings = [MISSING_PART(file=name, value=name, field=part) for part in PARTS if part not in names]
    findings += [UNKNOWN(file=name, value=name, field=f"{{{{ {n} }}}}") for n in sorted(names - set(TEXTS) - set(PARTS))]
    try:
        _, added = styles.ensure(tpl.get_docx())
    except Exception:  # noqa: BLE001 - styles.xml python-docx cannot read: a finding, never a traceback
        return False, [BROKEN(file=name, value=name, params={"detail": "formatmallarna (styles.xml) kan inte läsas"})]
    findings += [MISSING_STYLE(file=name, value=name, field=styles.said(style)) for style in added]
    return True, findings


def _misspelt(path: Path) -> str:
    """' i stycket "…"' for the first paragraph (body, tables, headers, footers) whose `{{ }}` does not
    parse by itself; "" when none does (a `{% %}` block spans paragraphs, so those are not tried)."""
    from docx import Document  # noqa: PLC0415
    from jinja2 import Environment, TemplateError  # noqa: PLC0415

    try:
        doc = Document(str(path))
    except Exception:  # noqa: BLE001 - only a better message is lost
        return ""
    parts = [doc, *(s.header for s in doc.sections), *(s.footer for s in doc.sections)]
    paragraphs = [p for part in parts for p in part.paragraphs]
    paragraphs += [p for part in parts for t in part.tables for row in t.rows for c in row.cells for p in c.paragraphs]
    env = Environment()
    for paragraph in paragraphs:
        text = paragraph.text
        if "{{" in text and "{%" not in text:
            try:
                env.parse(text.replace("{{p ", "{{ ").replace("{{r ", "{{ "))
            except TemplateError:
                return f' i stycket "{text.strip()[:80]}"'
    return ""


def default(path: Path) -> Path:
    """Write the default template: A4, a header with the municipality's name, a footer with the
    page number, Swedish (sv-SE) as the language of every style, and each part in its place."""
    from docx import Document  # noqa: PLC0415
    from docx.oxml import OxmlElement  # noqa: PLC0415
    from docx.oxml.ns import qn  # noqa: PLC0415
    from docx.shared import Cm, Pt, RGBColor  # noqa: PLC0415

    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.5)
    section.top_margin, section.bottom_margin = Cm(2.5), Cm(2.2)
    named = doc.styles
    normal = named["Normal"]
    normal.font.name, normal.font.size = "Calibri", Pt(11)
    rpr = named.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    for old in rpr.findall(qn("w:lang")):
        rpr.remove(old)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "sv-SE")
    lang.set(qn("w:eastAsia"), "sv-SE")
    lang.set(qn("w:bidi"), "ar-SA")
    rpr.append(lang)
    dark = RGBColor(0x1F, 0x3A, 0x5F)
    for name, size in (("Title", 26), ("Heading 1", 16), ("Heading 2", 13), ("Heading 3", 11.5)):
        style = named[name]
        style.font.name, style.font.size, style.font.color.rgb = "Calibri", Pt(size), dark
    named["Caption"].font.size = Pt(9)
    from docx.enum.style import WD_STYLE_TYPE  # noqa: PLC0415

    cells = named.add_style("Tabelltext", WD_STYLE_TYPE.PARAGRAPH)  # render.TABLE_TEXT: text in tables
    cells.base_style, cells.font.size = normal, Pt(9)
    cells.paragraph_format.space_after, cells.paragraph_format.line_spacing = Pt(0), 1.0
    header = section.header.paragraphs[0]
    header.text = "{{ kommun }}\t\t{{ titel }}"
    header.style = named["Header"]
    footer = section.footer.paragraphs[0]
    footer.style = named["Footer"]
    footer.add_run("{{ period }} · sida ")
    _page_field(footer.add_run(), OxmlElement, qn)
    doc.add_paragraph("{{ titel }}", style="Title")
    doc.add_paragraph("{{ undertitel }}", style="Subtitle")
    doc.add_paragraph("{{ kommun }} · {{ datum }}")
    for part in PARTS:
        doc.add_paragraph(f"{{{{p {part} }}}}")
    _lean(doc, qn)
    props = doc.core_properties
    props.title, props.language, props.author = "Rapportmall", "sv-SE", "Röd tråd"
    props.subject = "Mall för KF- och nämndrapporter; redigera i Word"
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(path)
    from .render import reproducible  # noqa: PLC0415

    reproducible(path, "2026-01-01T00:00:00Z")
    return path


# the styles the default template defines (by Word's own names; "heading 1" is shown as Rubrik 1)
DEFINED = ("Normal", "Default Paragraph Font", "Normal Table", "No List", "header", "footer", "Title", "Subtitle",
           "heading 1", "heading 2", "heading 3", "caption", "Table Grid", "List Bullet", "Tabelltext")


def _lean(doc, qn) -> None:
    """Only the styles the documents use (DEFINED and those the list numbering names, with those
    they are based on, linked to or followed by) and no stylesWithEffects part (Word 2010's copy of every style, which Word 2013 and
    later do not read). python-docx's blank document defines 164 styles, mostly table styles of
    Word 2010 (styles.xml 350 KB, stylesWithEffects.xml 438 KB): every report document carried
    them, and loading, writing and zipping them, and LibreOffice reading them, was ~40 % of
    writing a document (the demo's seven delår documents: 0.32 -> 0.19 s; their PDFs 0.2 CPU-s
    less). Word still offers every built-in style (the latent styles stay) and adds one's
    definition when it is first used."""
    element = doc.styles.element
    by_id = {s.get(qn("w:styleId")): s for s in element.findall(qn("w:style"))}
    keep = {sid for sid, s in by_id.items()
            if s.find(qn("w:name")) is not None and s.find(qn("w:name")).get(qn("w:val")) in DEFINED}
    # and those the list numbering's levels name (List Bullet 2, List Number, ...): no dangling reference
    keep |= {ref.get(qn("w:val")) for ref in doc.part.numbering_part.element.iter(qn("w:pStyle"))} & set(by_id)
    todo = list(keep)
    while todo:  # what a kept style names (styles.references) is kept too
        for sid in styles.references(by_id[todo.pop()]):
            if sid in by_id and sid not in keep:
                keep.add(sid)
                todo.append(sid)
    for sid, style in by_id.items():
        if sid not in keep:
            element.remove(style)
    for rid, rel in list(doc.part.rels.items()):
        if rel.reltype.endswith("/stylesWithEffects"):
            doc.part.drop_rel(rid)


def _page_field(run, OxmlElement, qn) -> None:
    """A PAGE field (the page number) in a run."""
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        elif text.strip() == "PAGE":
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        else:
            el = OxmlElement("w:t")
            el.text = text
        run._r.append(el)
