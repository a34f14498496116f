"""What a new user found in the report documents: every goal is counted in the summary and its chart,
a template that parses but cannot be filled in is a finding, the texts are read in any office
encoding, and a Word-only rewrite never leaves a PDF that says something else."""
import re
from collections import Counter
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook

from rodtrad.consolidator.consolidation.consolidate import consolidate
from rodtrad.consolidator.workbooks.masterbook import init
from rodtrad.samples import build

LIGHTS = ("grön", "gul", "röd")


@pytest.fixture(scope="session")
def unanswered(tmp_path_factory):
    """Vimmerby's plan consolidated with nothing returned: most of its goals have no indicator, so
    their light is a reason in words ("inget nyckeltal"), the others' a colour."""
    root = tmp_path_factory.mktemp("truth") / "vimmerby"
    init(root, build("vimmerby"))
    consolidate(root, "2027-plan", documents="docx")
    return root


def excel_lights(docx: Path) -> Counter:
    """The goals' lights as the Excel report beside the document has them (sheet Sammanfattning)."""
    sheet = load_workbook(docx.with_suffix(".xlsx"), read_only=True)["Sammanfattning"]
    rows = list(sheet.iter_rows(values_only=True))
    header = next(i for i, r in enumerate(rows) if r and r[0] == "Id")
    col = rows[header].index("Trafikljus")
    out = Counter()
    for row in rows[header + 1:]:
        if not row or not row[0]:
            break
        out[row[col]] += 1
    return out


def test_every_goal_is_counted_in_the_summary_and_its_chart_whatever_its_light(unanswered):
    docs = sorted((unanswered / "rapporter" / "2027-plan").glob("*.docx"))
    assert len(docs) == 5
    seen_reason = False
    for docx in docs:
        lights = excel_lights(docx)
        n = sum(lights.values())
        unjudged = n - sum(lights[w] for w in LIGHTS)
        seen_reason |= unjudged > 0
        doc = Document(str(docx))
        text = "\n".join(p.text for p in doc.paragraphs)
        said = re.search(r"Av (\d+) mål har (\d+) grönt ljus \(uppfyllda\), (\d+) gult \(delvis uppfyllda\) och "
                         r"(\d+) rött \(ej uppfyllda\) utifrån nyckeltalens utfall; (\d+) kan inte bedömas", text)
        assert said, docx.name
        assert [int(x) for x in said.groups()] == [n, lights["grön"], lights["gul"], lights["röd"], unjudged], docx.name
        for word in set(lights) - set(LIGHTS):  # the reason in the Excel report's words
            assert f"{lights[word]} {word}" in text, (docx.name, word)
        alt = next(p.get("descr") for p in doc.element.body.iter(qn("wp:docPr")) if p.get("title") == "Målen per trafikljus")
        bars = {w: int(k) for k, w in re.findall(r"(\d+) ([a-zåäö ]+?)(?:,|\.$)", alt.split(":", 2)[2])}
        assert sum(bars.values()) == n and bars == {w: k for w, k in lights.items() if k}, (docx.name, alt)
    assert seen_reason  # the fixture has goals without a light: the case the trial found


LONG = "Nämnd med ett mycket långt namn som inte får plats"
PERIODS = ("2027-plan", "2027-01", "2027-02", "2027-03", "2027-T1", "2027-05", "2027-06", "2027-07", "2027-delar",
           "2027-09", "2027-10", "2027-11", "2027-helar")
DRAWN = [  # every kind of chart, with the inputs that push texts to the picture's edges
    ("bars", ([("grön", 4, "grön"), ("inget nyckeltal", 5, "ej bedömt"), ("inget målvärde", 1, "ej bedömt")],)),
    ("bars", ([],)),
    ("bars", ([("utförda", 0, "utförda"), ("avvikelser", 10**6, "avvikelser")],)),
    ("pairs", ([("Kommunstyrelsen", 4.6e7, 4.7e7), (LONG, 2.6e8, 2.7e8)], "Budget", "Prognos helår")),
    ("pairs", ([("A", -2e6, 5e6), ("B", 3e6, -1e6)], "Budget", "Prognos helår")),
    ("pairs", ([("A", 0.0, 0.0)], "Budget", "Prognos helår")),
    ("pairs", ([("Underskott", -5e6, -3.2e6), ("B", -1e5, -4e6)], "Budget", "Prognos helår")),
    ("pairs", ([("Stort", 2.5e9, 2.6e9), ("Litet", 1.0, -2.0)], "Budget", "Prognos helår")),
    ("over_time", ([("Tertial 1 2027", 6.3e8, 2.2e8, 6.4e8), ("Delårsrapport 2027", 7.2e8, 4.8e8, 7.3e8)],)),
    ("over_time", ([("Delårsrapport 2027", 7e8, None, 7.1e8)],)),
    ("over_time", ([("Tertial 1 2027", 0.0, 0.0, 0.0), ("Tertial 2 2027", -1e6, None, None)],)),
    ("trends", ([(LONG, [("2027-plan", 50.0), ("2027-T1", 55.0), ("2027-delar", 90.0)], 70.0),
                 ("N2", [("2027-T1", -5.0)], 10.0), ("Utan målvärde", [("2027-T1", 1.0)], None)],
                ["2027-plan", "2027-T1", "2027-delar"])),
    ("trends", ([("N1", [("2027-delar", 1e9)], 1.0)], ["2027-delar"])),
    ("risks", ([(1, 2, 3), (4, 4, 12)], 4)),
    # a year of follow-ups under their names (the demo's helår: 12 periods), and under their months
    ("over_time", ([(f"Månadsuppföljning 2027-{m:02d}", 7e8, 6e7 * m, 7.1e8) for m in range(1, 13)],)),
    ("over_time", ([(f"Månadsuppföljning 2027-{m:02d}", 7e8, 6e7 * m, 7.1e8) for m in range(1, 13)],
                   ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"])),
    ("over_time", ([("Tertial 1 2027", 6e8, 2e8, 6.1e8), (LONG, 7e8, 4e8, 7.1e8)],)),
    ("trends", ([(f"N{i} {LONG}", [(p, 10.0 * i) for p in PERIODS], 50.0, i % 2 == 0) for i in range(1, 7)],
                list(PERIODS))),
]


@pytest.mark.parametrize("kind, args", DRAWN, ids=[f"{k}-{i}" for i, (k, _) in enumerate(DRAWN)])
def test_every_text_of_every_kind_of_chart_is_inside_the_picture_and_clear_of_every_other(kind, args):
    """Labels, values, scales and keys are drawn where the figure's fixed margins leave room (no
    layout engine measures them): for every kind of chart, with long names, negative and zero
    amounts, one period, a year of periods and empty inputs, no text is cut at the picture's edge
    and none is written over another (checked on the drawn figure's text boxes, in pixels; the
    over-time chart once wrote eight periods' names on top of each other)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from rodtrad.consolidator.documents import drawing

    boxes, size = [], []
    real = drawing._png

    def spy(fig: Figure) -> bytes:
        png = real(fig)  # drawn first: the boxes are those of the picture
        renderer = FigureCanvasAgg(fig).get_renderer()
        texts = [*fig.texts, *(t for ax in fig.axes for t in [*ax.texts, *ax.get_xticklabels(), *ax.get_yticklabels(),
                                                              ax.xaxis.label, ax.yaxis.label])]
        boxes.extend((t.get_text(), t.get_window_extent(renderer)) for t in texts if t.get_text() and t.get_visible())
        size.extend([fig.bbox.width, fig.bbox.height])
        return png

    drawing._png = spy
    try:
        png = getattr(drawing, kind)(*args)
    finally:
        drawing._png = real
    assert png.startswith(b"\x89PNG")
    width, height = size
    outside = [(text, box.bounds) for text, box in boxes
               if box.x0 < 0 or box.y0 < 0 or box.x1 > width + 0.5 or box.y1 > height + 0.5]
    assert (boxes or not args[0]) and not outside, outside
    overlapping = [(a, b) for i, (a, one) in enumerate(boxes) for b, other in boxes[i + 1:]
                   if min(one.x1, other.x1) - max(one.x0, other.x0) > 1 and min(one.y1, other.y1) - max(one.y0, other.y0) > 1]
    assert not overlapping, overlapping[:5]


@pytest.mark.parametrize("dates, said", [
    (["2027-01-31", "2027-02-28", "2027-04-30", "2027-08-31", "2027-12-31"], ["jan", "feb", "apr", "aug", "dec"]),
    (["2026-12-31", "2027-04-30"], ["dec 26", "apr 27"]),  # periods of two years: the year too
    (["2027-04-30", "2027-04-30"], None),  # two periods of one month: the chart writes their names
    (["2027-04-30", None], None),
    (["2027-13-01"], None),
])
def test_the_forecast_charts_periods_are_written_as_their_months_when_each_has_its_own(dates, said):
    """Under the forecast's line each period is its month ("jan" … "dec"), 12 of them side by side;
    the periods' names (Månadsuppföljning 2027-01: 25 letters) were written on top of each other."""
    from rodtrad.consolidator.documents.charts import month

    assert month(dates) == said


def template_with(tmp_path: Path, tag: str) -> Path:
    """The shipped template with `tag` typed in a paragraph of its own, as a user would in Word."""
    from rodtrad.consolidator.documents import template

    doc = Document(str(template.shipped()))
    doc.add_paragraph(tag)
    path = tmp_path / "rapportmall.docx"
    doc.save(path)
    return path


@pytest.mark.parametrize("tag", ["{{ titel.a.b }}", "{{ titel() }}", "{% for x in 1 %}{{ x }}{% endfor %}",
                                 "{{ titel * 1e400 }}", "{{ datum + 1 }}", "{{ titel|nosuchfilter }}"])
def test_a_template_tag_that_parses_but_cannot_be_filled_in_is_a_swedish_finding_not_an_unexpected_error(tag, tmp_path):
    from rodtrad.consolidator.documents import template

    usable, findings = template.check(template_with(tmp_path, tag))
    assert not usable and [f.kind.code for f in findings] == ["document.template_broken"]
    message = findings[0].message()
    assert "rapportmall.docx" in message and "platshållare" in message
    assert not re.search(r"\b(object|attribute|callable|undefined|iterable|Error)\b", message), message


@pytest.mark.parametrize("tag", ["{{ tittel }}", "{{p ekonmi }}"])
def test_a_misspelt_placeholder_is_a_warning_naming_it_and_the_right_names(tag, tmp_path):
    from rodtrad.consolidator.documents import template

    usable, findings = template.check(template_with(tmp_path, tag))
    assert usable and [f.kind.code for f in findings] == ["document.template_unknown"]
    name = tag.split()[1]
    assert f"{{{{ {name} }}}}" in findings[0].message() and "titel" in findings[0].hint()


def test_rapport_with_a_template_that_cannot_be_filled_in_writes_the_documents_with_the_default_and_says_why(
        unanswered, tmp_path):
    import shutil

    from click.testing import CliRunner

    from rodtrad.consolidator.cli import main

    ws = tmp_path / "ws"
    shutil.copytree(unanswered, ws)
    template_with(ws / "dokument", "{{ titel.a.b }}")
    result = CliRunner().invoke(main, ["rapport", str(ws), "--period", "2027-plan", "--dokument", "docx"])
    assert result.exit_code == 0, result.output
    assert "oväntat fel" not in result.output and "Traceback" not in result.output
    assert "Obs: Rapportmallen rapportmall.docx går inte att använda: en platshållare går inte att fylla i" in result.output
    for docx in sorted((ws / "rapporter" / "2027-plan").glob("*.docx")):
        assert docx.read_bytes() == (unanswered / "rapporter" / "2027-plan" / docx.name).read_bytes()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
def test_the_economy_departments_texts_are_read_as_notepad_saves_them(encoding, tmp_path):
    """Notepad saves "UTF-8", "UTF-8 med BOM", "ANSI" (Windows-1252) and "Unicode" (UTF-16 LE with a
    BOM), with CRLF: each gives the same sections, å, ä and ö kept."""
    from rodtrad.consolidator.documents import texts

    text = ("## Väsentliga händelser\r\nÅret präglades av höjda räntor.\r\nÄldreomsorgen växte.\r\n\r\n"
            "- Nytt äldreboende i Åby\r\n\r\n## Förväntad utveckling\r\nSkatteunderlaget växer långsammare.\r\n")
    (tmp_path / "texter-2027-delar.md").write_bytes(text.encode(encoding))
    read = texts.read(tmp_path, "2027-delar")
    said = {key: [(p.text, p.style or "Normal") for p in blocks] for key, blocks in read.items()}
    assert said["händelser"] == [("Året präglades av höjda räntor. Äldreomsorgen växte.", "Normal"),
                                 ("Nytt äldreboende i Åby", "List Bullet")]
    assert said["utveckling"] == [("Skatteunderlaget växer långsammare.", "Normal")]
    assert said["personal"][0][0].startswith("[Ekonomiavdelningens text saknas")


def test_a_word_only_rewrite_removes_the_pdf_its_changed_document_no_longer_matches_and_says_so(unanswered, tmp_path):
    """`rapport --dokument docx` after a new template: the old PDF would say what the document no
    longer says, so it is removed (and from the manifest), and the user told; with nothing changed
    it stays. The listing names a PDF only when one was made."""
    import json
    import shutil

    from click.testing import CliRunner

    from rodtrad.consolidator.cli import main
    from rodtrad.consolidator.consolidation import manifest

    ws = tmp_path / "ws"
    shutil.copytree(unanswered, ws)
    folder = ws / "rapporter" / "2027-plan"
    recorded = json.loads((folder / manifest.NAME).read_text("utf-8"))
    for docx in folder.glob("*.docx"):  # as if consolidated with PDFs
        docx.with_suffix(".pdf").write_bytes(b"%PDF-1.6 made from the old document")
        recorded["outputs"].append({"path": docx.with_suffix(".pdf").name, "size": 36,
                                    "sha256": manifest.sha256(docx.with_suffix(".pdf"))})
    (folder / manifest.NAME).write_text(json.dumps(recorded), "utf-8")
    pdfs = sorted(folder.glob("*.pdf"))
    assert len(pdfs) == 5

    run = ["rapport", str(ws), "--period", "2027-plan", "--dokument", "docx"]
    same = CliRunner().invoke(main, run)
    assert same.exit_code == 0 and "togs bort" not in same.output and ".pdf" not in same.output, same.output
    assert sorted(folder.glob("*.pdf")) == pdfs

    template_with(ws / "dokument", "Antagen av fullmäktige.")
    changed = CliRunner().invoke(main, run)
    assert changed.exit_code == 0, changed.output
    assert not list(folder.glob("*.pdf"))
    for pdf in pdfs:
        assert f"Obs: {pdf.name} togs bort: den stämde inte längre med dokumentet." in changed.output
    listed = {o["path"] for o in json.loads((folder / manifest.NAME).read_text("utf-8"))["outputs"]}
    assert not {p.name for p in pdfs} & listed and {d.name for d in folder.glob("*.docx")} <= listed


def _alive(pid: int) -> bool:
    """Whether `pid` runs (a zombie, killed and not yet reaped, does not count)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc").exists(), reason="/proc missing")
def test_a_consolidation_killed_while_converting_leaves_no_soffice_running_and_no_profile_behind(tmp_path):
    """SIGKILL while a `soffice --convert-to` runs (here a stand-in that would run a minute): the
    watchdog ends it with the processes started ahead and removes the temporary profiles."""
    import os
    import signal
    import subprocess
    import sys
    import time

    from rodtrad.consolidator.documents import pdf

    if pdf.soffice() is None:
        pytest.skip("LibreOffice missing")
    fake = tmp_path / "soffice"
    fake.write_text(f"#!/bin/sh\necho $$ > {tmp_path / 'converting.pid'}\nexec sleep 60\n")
    fake.chmod(0o755)
    (tmp_path / "a.docx").write_bytes(b"stand-in")
    code = ("import sys\nfrom rodtrad.consolidator.documents import pdf\n"
            "office = pdf.Office(1, ahead=True)\n"
            "print(office.tmp, *[p.pid for p in office.started], flush=True)\n"
            f"office.office = {str(fake)!r}\n"
            f"office.convert([__import__('pathlib').Path({str(tmp_path / 'a.docx')!r})])\n")
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    profiles, *ahead = child.stdout.readline().split()
    until = time.monotonic() + 20
    while not (tmp_path / "converting.pid").exists() and time.monotonic() < until:
        time.sleep(0.05)
    time.sleep(0.2)
    converting = int((tmp_path / "converting.pid").read_text())
    assert _alive(converting) and Path(profiles).is_dir()
    os.kill(child.pid, signal.SIGKILL)  # as if the consolidation were killed mid-conversion
    child.wait()
    try:
        until = time.monotonic() + 10
        while (_alive(converting) or Path(profiles).exists() or any(_alive(int(p)) for p in ahead)) \
                and time.monotonic() < until:
            time.sleep(0.1)
        assert not _alive(converting), "the converting soffice was left running"
        assert not [p for p in ahead if _alive(int(p))]
        assert not Path(profiles).exists(), "the temporary profiles were left behind"
    finally:  # never leave the stand-in running, whatever the outcome
        if _alive(converting):
            os.kill(converting, signal.SIGKILL)


@pytest.mark.parametrize("command", ["rapport", "consolidate"])
def test_an_interrupted_command_says_avbrutet_and_exits_130_never_1_which_means_a_workbook_with_errors(
        command, unanswered, monkeypatch):
    from click.testing import CliRunner

    from rodtrad.consolidator.cli import main
    from rodtrad.consolidator.consolidation import consolidate as consolidation, rapport

    def interrupted(*_, **__):
        raise KeyboardInterrupt

    monkeypatch.setattr(rapport, "rapport", interrupted)
    monkeypatch.setattr(consolidation, "consolidate", interrupted)
    result = CliRunner().invoke(main, [command, str(unanswered), "--period", "2027-plan"])
    assert result.exit_code == 130, (result.exit_code, result.output)
    assert "Avbrutet." in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("tag", ["{{ titel }", "Datum: {{ datum }}}} och {{ kommun", "{{ titel + }}"])
def test_a_misspelt_tag_is_named_by_its_paragraphs_text_not_a_line_number_word_does_not_show(tag, tmp_path):
    from rodtrad.consolidator.documents import template

    usable, findings = template.check(template_with(tmp_path, tag))
    assert not usable and [f.kind.code for f in findings] == ["document.template_broken"]
    message = findings[0].message()
    assert f'i stycket "{tag}"' in message and "på rad" not in message, message


def test_text_under_a_heading_that_is_no_section_is_named_in_a_warning_not_dropped_silently(unanswered, tmp_path):
    import shutil

    from click.testing import CliRunner

    from rodtrad.consolidator.cli import main
    from rodtrad.consolidator.documents import texts

    ws = tmp_path / "ws"
    shutil.copytree(unanswered, ws)
    (ws / "dokument" / "texter-2027-plan.md").write_text(
        "## Väsentliga händelser\nEn ny skola.\n\n## Väsentliga händelser under året\nRäntorna steg.\n\n"
        "## Personal\nSjukfrånvaron minskade.\n", "utf-8")
    warned = texts.check(ws / "dokument", "2027-plan")
    assert [(f.kind.code, f.field) for f in warned] == [("document.texts_heading", "Väsentliga händelser under året"),
                                                         ("document.texts_heading", "Personal")]
    assert "## Väsentliga personalförhållanden" in warned[1].hint()
    result = CliRunner().invoke(main, ["rapport", str(ws), "--period", "2027-plan", "--dokument", "docx"])
    assert result.exit_code == 0, result.output
    assert ("Obs: dokument/texter-2027-plan.md: rubriken \u201dPersonal\u201d finns inte i förvaltningsberättelsen; "
            "texten under den kommer inte med i dokumenten.") in result.output
    assert texts.check(ws / "dokument", "2027-delar") == []  # no file, nothing to say


def test_a_kept_chart_is_readable_by_the_colleagues_who_share_the_workspace(tmp_path):
    """The cache is in the workspace, often a shared drive: its PNGs get the mode the user's umask
    gives any new file (0644 with 022), not mkstemp's private 0600."""
    import os

    from rodtrad.consolidator.documents.charts import Charts

    old = os.umask(0o022)
    os.umask(old)
    Charts(tmp_path).lights({"grön": 2, "röd": 1}, "Mål")
    [png] = tmp_path.glob("*.png")
    assert png.stat().st_mode & 0o777 == 0o666 & ~old


@pytest.mark.parametrize("period", ["2027-plan", "2027-delar"])
def test_a_document_with_no_unit_taken_in_says_so_instead_of_zero_kronor_against_zero(tmp_path, period):
    """No unit has answered (or none was approved): the summary says nothing is consolidated yet
    rather than "Budgeten är 0 kr mot ramen 0 kr", which reads as a fact about the budget."""
    from rodtrad.consolidator.consolidation.consolidate import consolidate
    from rodtrad.consolidator.documents.read import lines
    from rodtrad.consolidator.workbooks.masterbook import init
    from rodtrad.samples import build

    ws = init(tmp_path / "vimmerby", build("vimmerby"))
    result = consolidate(ws.root, period, documents="docx")
    assert result.documents
    for docx in result.documents:
        said = " ".join(lines(docx))
        assert "är sammanställd för" in said and "Ingen enhet under" in said, docx.name
        assert "mot ramen 0 kr" not in said and "mot en budget på 0 kr" not in said, docx.name
