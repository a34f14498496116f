"""The auditors' tools read a report file or an inbox file with the same bounds as a returned
workbook: a far cell, a far extent or a far merge in a file placed as a report or in the inbox is a
Swedish finding, never an abort, and memory stays small."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from rodtrad.consolidator.consolidation import consolidate as cons
from rodtrad.consolidator.workbooks.masterbook import init
from rodtrad.samples import build

from conftest import PERIOD
from test_hostile import FAR, far_dimension, far_merge, far_value, rezip, sheet_members

RODTRAD = Path(sys.executable).parent / "rodtrad"
HOSTILE = {"värde": far_value, "storlek": far_dimension, "sammanfogning": far_merge}


@pytest.fixture(scope="module")
def consolidated(tmp_path_factory, returned):
    root = tmp_path_factory.mktemp("granskas") / "kommun"
    init(root, build("exempelkommun"))
    inbox = root / "inkorg" / PERIOD
    inbox.mkdir(parents=True)
    shutil.copyfile(returned, inbox / returned.name)
    cons.consolidate(root, PERIOD, jobs=1)
    return root


def _copy(root: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "kopia"
    shutil.copytree(root, copy)
    return copy


def _run(*args) -> tuple[subprocess.CompletedProcess, int]:
    """The command in its own process (an abort would end it, not the tests) and its peak memory in MB,
    measured by a small process that starts it (test_hostile.run_measured: the test process's own
    size never counts)."""
    from test_hostile import run_measured

    done, kib = run_measured([str(RODTRAD), *map(str, args)], timeout=600)
    return done, kib // 1024


def _kf(root: Path) -> Path:
    return next((root / "rapporter" / PERIOD).glob("KF-rapport*.xlsx"))


@pytest.mark.parametrize("kind", list(HOSTILE))
def test_a_hostile_report_file_is_a_swedish_difference_in_verify_not_an_abort(consolidated, tmp_path, kind):
    root = _copy(consolidated, tmp_path)
    kf = _kf(root)
    member = next(iter(sheet_members(kf).values()))
    rezip(kf, tmp_path / "kf.xlsx", {member: HOSTILE[kind]})
    shutil.move(tmp_path / "kf.xlsx", kf)
    done, peak = _run("verify", root, "--period", PERIOD)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr and "Fel:" not in done.stderr, done.stderr
    assert kf.name in done.stdout
    if kind == "värde":
        assert FAR in done.stdout and "långt utanför" in done.stdout, done.stdout
    assert peak < 1500, peak


def test_a_hostile_inbox_file_is_a_changed_verdict_in_verify_not_an_abort(consolidated, tmp_path):
    root = _copy(consolidated, tmp_path)
    (book,) = (root / "inkorg" / PERIOD).glob("*.xlsx")
    member = sheet_members(book)["SWOT"]
    rezip(book, tmp_path / "ny.xlsx", {member: far_value})
    shutil.move(tmp_path / "ny.xlsx", book)
    done, peak = _run("verify", root, "--period", PERIOD)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stdout + done.stderr
    assert book.name in done.stdout and "annat valideringsutslag" in done.stdout, done.stdout
    assert peak < 1500, peak


def test_tracing_a_figure_in_a_hostile_report_says_why_it_cannot_be_read(consolidated, tmp_path):
    root = _copy(consolidated, tmp_path)
    kf = _kf(root)
    done, _ = _run("trace", root, "budget/2000", "--period", PERIOD, "--json")
    assert done.returncode == 0, done.stdout + done.stderr
    import json

    sheet = json.loads(done.stdout)["sheet"]
    rezip(kf, tmp_path / "kf.xlsx", {sheet_members(kf)[sheet]: far_value})
    shutil.move(tmp_path / "kf.xlsx", kf)
    done, peak = _run("trace", root, "budget/2000", "--period", PERIOD)
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stdout + done.stderr
    assert f"{kf.name} går inte att läsa" in done.stderr and FAR in done.stderr, done.stderr
    assert peak < 1500, peak


def test_a_report_document_that_unpacks_beyond_the_bounds_is_refused_before_it_is_parsed(tmp_path, monkeypatch):
    from docx import Document

    from rodtrad.consolidator.documents import read

    path = tmp_path / "rapport.docx"
    doc = Document()
    doc.add_paragraph("Måluppfyllelse")
    doc.save(path)
    assert "Måluppfyllelse" in read.lines(path)
    monkeypatch.setattr(read, "MAX_UNPACKED_BYTES", 10_000)
    parsed = []
    monkeypatch.setattr("docx.Document", lambda *a: parsed.append(a))
    differences = read.text_differences(path, path)
    assert differences == [("", "dokumentet går inte att läsa (filen packas upp till mer än 0 MB)")] and not parsed
