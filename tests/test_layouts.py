"""A workbook an earlier release wrote is read by the layout that release wrote (model/layouts.py):
the unit is never blamed for a column we added since; a version we cannot read is one finding
addressed to the economy department."""
from __future__ import annotations

import hashlib
import json
import random
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from openpyxl import load_workbook

from rodtrad.consolidator.model import contract, document, layouts
from rodtrad.consolidator.reading import masterfile
from rodtrad.consolidator.reading.sent import SentCopies, write_sent
from rodtrad.consolidator.reading.validate import validate_file
from rodtrad.consolidator.workbooks import followdocs, planbook
from rodtrad.consolidator.workbooks.masterbook import init
from rodtrad.samples import build, followfill

REPO = Path(__file__).resolve().parent.parent
UNIT, PERIOD, NOW = "2111", "2027-T1", "2027-05-02 08:00:00"
# The last commit whose follow-up layout was 1.0 (before Ekonomi's "Utfall samma period i fjol").
PREVIOUS_RELEASE = "e839e5b3e2029351870638c9a07a9c0977f61455"

# What each layout's current version looks like (sheets, column and field keys, headers and labels).
# A test below fails when a layout changes without its version: bump "version" in
# templates/<name>.layout.json, say in model/layouts.py what the new version added, record it here.
RECORDED = {"plan": ("1.0", "6f3cf350"), "follow": ("1.2", "9872400e")}


def signature(layout: dict) -> str:
    shape = [(s["name"], s["key"], [(c["key"], c.get("header") or c.get("label")) for c in s.get("columns", s.get("fields", []))])
             for s in layout["sheets"]]
    return hashlib.sha256(json.dumps(shape, ensure_ascii=False).encode("utf-8")).hexdigest()[:8]


@pytest.mark.parametrize("name", sorted(layouts.HISTORY))
def test_a_layout_is_changed_only_with_a_new_version_the_reader_knows(name):
    layout = document.spec(name)
    assert layouts.current(name) == layout["version"], "the layout file's version must be the last one in model/layouts.py"
    assert (layout["version"], signature(layout)) == RECORDED[name], (
        "the layout changed: bump its version, record what it added in model/layouts.py (HISTORY) and here")


def _older():
    """(layout, an older version, sheet key, a column it lacks) for every column added across versions."""
    return [(name, version, sheet, key) for name in sorted(layouts.HISTORY) for version in layouts.versions(name)[:-1]
            for sheet, keys in sorted(layouts.added_after(name, version).items()) for key in sorted(keys)
            if key != layouts.WHOLE]  # a whole sheet added: test_a_sheet_a_later_version_added_...


@pytest.mark.parametrize("name, version, sheet, key", _older())
def test_an_older_versions_layout_is_the_current_one_without_what_was_added_since(name, version, sheet, key):
    old, now = document.spec(name, version=version), document.spec(name)
    assert old["version"] == version
    columns = {s["key"]: [c["key"] for c in s.get("columns", s.get("fields", []))] for s in now["sheets"]}
    kept = {s["key"]: [c["key"] for c in s.get("columns", s.get("fields", []))] for s in old["sheets"]}
    assert key in columns[sheet] and key not in kept[sheet]
    added = layouts.added_after(name, version)
    assert kept == {k: [c for c in cols if c not in added.get(k, ())] for k, cols in columns.items()
                    if layouts.WHOLE not in added.get(k, ())}


# -- a workspace whose T1 went out as an older layout wrote it ---------------------------------------

@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    root = tmp_path_factory.mktemp("layouts") / "exempelkommun"
    init(root, build("exempelkommun"))
    master, findings = masterfile.load(root / "styrmodell.xlsx")
    assert findings == []
    return root, master


def written_as(master, version: str, folder: Path, kind_period: str = PERIOD) -> Path:
    """The unit's follow-up as layout `version` wrote it: the document says its version, the writer
    and the hash go by that version's layout (the columns added since are not written), and the
    outbox keeps it as sent."""
    doc = followdocs.prefill(master, UNIT, kind_period, None, followdocs.Sources())
    doc["meta"]["version"], doc["meta"]["generated"] = version, NOW
    doc["meta"]["hash"] = document.content_hash(doc)
    path = folder / f"{UNIT} {master.by_id[UNIT].name} {kind_period}.xlsx"
    planbook.write(doc, followdocs.lists(master, UNIT), master, path, NOW)
    write_sent(folder, [doc])
    return path


def headers(path: Path, sheet: str) -> list:
    ws = load_workbook(path, read_only=True)[sheet]
    return [c for c in next(ws.iter_rows(min_row=4, max_row=4, values_only=True)) if c is not None]


def forecasts(path: Path) -> dict[str, float]:
    """Account -> the unit's full-year forecast, read here with openpyxl by the sheet's own header."""
    rows = list(load_workbook(path, read_only=True)["Ekonomi"].iter_rows(min_row=4, values_only=True))
    at = {h: i for i, h in enumerate(rows[0])}
    return {str(r[at["Konto"]]): r[at["Helårsprognos"]] for r in rows[1:] if r[at["Konto"]]}


@pytest.mark.parametrize("period", ["2027-03", PERIOD])
@pytest.mark.parametrize("name, version, sheet, key", [c for c in _older() if c[0] == document.FOLLOW])
def test_a_returned_workbook_of_an_older_layout_is_read_without_blaming_the_unit(workspace, tmp_path, period, name, version,
                                                                                 sheet, key):
    root, master = workspace
    sent = written_as(master, version, tmp_path / "utskick" / period, period)
    column = next(c for s in document.spec(name)["sheets"] if s["key"] == sheet for c in s["columns"] if c["key"] == key)
    sheet_name = next(s["name"] for s in document.spec(name)["sheets"] if s["key"] == sheet)
    assert column["header"] not in headers(sent, sheet_name)  # as that version wrote it
    back = tmp_path / "inkorg" / sent.name
    followfill.fill(sent, back, random.Random(3), master)
    task = validate_file(back, master, keep_document=True, sent=SentCopies(tmp_path))
    codes = {f.code for f in task.findings}
    assert not codes & {"column.missing", "prefilled.changed_unseen", "prefilled.hash", "prefilled.changed"}, task.findings
    assert task.template_version == version
    assert {r["account"]: r["forecast"] for r in task.document["economy"]} == forecasts(back)
    assert all(r[key] is None for r in task.document[sheet])  # the current shape; never asked, so unknown

    # the same file claiming the current version: now the missing column is the file's fault
    wb = load_workbook(back)
    meta = wb["_meta"]
    next(r for r in meta.iter_rows() if r[0].value == "Version")[1].value = layouts.current(name)
    wb.save(tmp_path / "claims-current.xlsx")
    current = validate_file(tmp_path / "claims-current.xlsx", master, sent=SentCopies(tmp_path))
    assert (sheet_name, "column.missing") in {(f.sheet, f.code) for f in current.findings}


@pytest.mark.parametrize("version, code", [("0.9", "meta.version"), ("ett", "meta.version"),
                                           ("1.3", "meta.version_newer"), ("2.0", "meta.version_newer")])
def test_a_version_the_reader_cannot_read_is_one_finding_for_the_economy_department(workspace, tmp_path, version, code):
    root, master = workspace
    path = written_as(master, layouts.current(document.FOLLOW), tmp_path)
    wb = load_workbook(path)
    next(r for r in wb["_meta"].iter_rows() if r[0].value == "Version")[1].value = version
    wb["Ekonomi"].delete_cols(3)  # what such a workbook holds is not the unit's to answer for
    wb.save(path)
    task = validate_file(path, master)
    assert [f.flat() for f in task.findings] == [("_meta", "B2", code)]
    (finding,) = task.findings
    assert (task.unit, task.period) == (UNIT, PERIOD) and finding.unit == UNIT
    assert f"mall (version {version})" in finding.message() and "Enheten har inte gjort fel" in finding.message()
    assert finding.hint().startswith("Till ekonomiavdelningen") and "1.0, 1.1" in finding.hint()


# -- the previous release itself, from the repository's history ---------------------------------------

@pytest.fixture(scope="module")
def previous_release(tmp_path_factory):
    """The previous release's engine, unpacked from git (a few seconds); skipped where the history is not at hand."""
    if shutil.which("git") is None or subprocess.run(["git", "-C", str(REPO), "cat-file", "-e", f"{PREVIOUS_RELEASE}^{{commit}}"],
                                                     capture_output=True).returncode != 0:
        pytest.skip("the repository's history (git) is not at hand")
    where = tmp_path_factory.mktemp("previous-release")
    archive = subprocess.run(["git", "-C", str(REPO), "archive", PREVIOUS_RELEASE, "consolidator", "templates", "samples"],
                             capture_output=True, check=True).stdout
    (where / "rodtrad").mkdir()
    subprocess.run(["tar", "-x", "-C", str(where / "rodtrad")], input=archive, check=True)
    return where


def run_previous(where: Path, code: str) -> str:
    """Run `code` with the previous release's engine: -S keeps this checkout's editable install off the path."""
    path = [str(where), sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]]
    done = subprocess.run([sys.executable, "-S", "-c", code], capture_output=True, text=True, cwd=where,
                          env={"PYTHONPATH": ":".join(path), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_a_follow_up_the_previous_release_sent_is_validated_and_consolidated_with_the_units_answers(workspace, previous_release,
                                                                                                   tmp_path):
    from rodtrad.consolidator.consolidation.consolidate import consolidate

    source, master = workspace
    root = tmp_path / "exempelkommun"
    shutil.copytree(source, root)
    out = run_previous(previous_release, f"""
import rodtrad.consolidator
assert rodtrad.consolidator.__file__.startswith({str(previous_release)!r})
from rodtrad.consolidator.reading import masterfile
from rodtrad.consolidator.workbooks.generate import generate
md, findings = masterfile.load({str(root / 'styrmodell.xlsx')!r})
for path in generate(md, {PERIOD!r}, {str(root / 'utskick' / PERIOD)!r}, units=[{UNIT!r}, "2112"], jobs=1, now={NOW!r},
                     root={str(root)!r}):
    print(path)
""")
    sent = [Path(p) for p in out.split("\n") if p]
    assert len(sent) == 2 and all(headers(p, "Ekonomi")[-1] == "Utfall dec" for p in sent)  # no "i fjol": layout 1.0
    for path in sent:
        assert followfill.fill(path, root / "inkorg" / PERIOD / path.name, random.Random(5), master) == []
    for path in sent:
        task = validate_file(root / "inkorg" / PERIOD / path.name, master, PERIOD, sent=SentCopies(root))
        assert task.valid and task.template_version == "1.0", [(f.flat(), f.message()) for f in task.findings]
    result = consolidate(root, PERIOD)
    assert sorted(result.consolidated) == [UNIT, "2112"] and not result.invalid
    (board,) = (root / "rapporter" / PERIOD).glob("Nämndrapport 2000 *.xlsx")
    rows = list(load_workbook(board, read_only=True)["Ekonomi"].iter_rows(min_row=4, values_only=True))
    at = {h: i for i, h in enumerate(rows[0])}
    reported = {r[at["Ansvarskod"]]: r[at["Prognos helår (kr)"]] for r in rows[1:] if r[at["Nivå"]] == "Enhet"}
    for path in sent:  # each unit's forecast is the sum of what it answered, read from its own cells
        unit = path.name.split()[0]
        assert reported[unit] == pytest.approx(sum(forecasts(root / "inkorg" / PERIOD / path.name).values()))


def test_a_sheet_a_later_version_added_is_neither_looked_for_nor_missing_from_the_document(monkeypatch):
    """The kind beside columns: a whole sheet added in a version (declared as ["*"])."""
    later = layouts.HISTORY[document.FOLLOW][1]
    monkeypatch.setitem(layouts.HISTORY, document.FOLLOW, ("0.8", [("1.0", {"controls": [layouts.WHOLE]}), *later]))
    assert layouts.versions(document.FOLLOW) == ["0.8", "1.0", "1.1", "1.2"]
    old = layouts.as_of(document.spec(document.FOLLOW, "tertial"), document.FOLLOW, "0.8")
    assert not {"controls", "investments"} & {s["key"] for s in old["sheets"]}  # 1.2 added Investeringar
    assert {s["key"] for s in old["sheets"]} | {"controls", "investments"} == {
        s["key"] for s in document.spec(document.FOLLOW, "tertial")["sheets"]}
    doc = {"economy": [{"account": "5010"}]}
    layouts.complete(doc, document.FOLLOW, "0.8")
    assert doc == {"economy": [{"account": "5010", "last_year": None}], "controls": [], "investments": []}
