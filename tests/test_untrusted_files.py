"""Files that are not what they seem: special files in an inbox, archives that reach out of the
workspace or unpack without end."""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from rodtrad.consolidator.consolidation import consolidate as cons
from rodtrad.consolidator.audit.archive import ArchiveError, archive
from rodtrad.consolidator.cli import main
from rodtrad.consolidator.workbooks.masterbook import init
from rodtrad.samples import build

PERIOD = "2027-plan"


def specials(folder: Path) -> list[Path]:
    """A FIFO, a socket and a device (a link to /dev/zero), each named like a workbook."""
    fifo = folder / "pipe.xlsx"
    os.mkfifo(fifo)
    sock = folder / "socket.xlsx"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(sock))
    server.close()
    device = folder / "enhet.xlsx"
    device.symlink_to("/dev/zero")
    return [fifo, sock, device]


def test_special_files_in_an_inbox_are_ignored_with_a_reason_and_never_opened(tmp_path, returned, workspace):
    inbox = tmp_path / "inkorg"
    inbox.mkdir()
    shutil.copyfile(returned, inbox / returned.name)
    odd = specials(inbox)
    # a separate process with a timeout: a reader that opened the FIFO would wait for ever
    done = subprocess.run([str(Path(sys.executable).with_name("rodtrad")), "validate", str(inbox), "--workspace",
                           str(workspace), "--json"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    got = json.loads(done.stdout)
    assert [t["file"] for t in got["tasks"]] == [returned.name]
    reasons = {Path(i["path"]).name: i["reason"] for i in got["ignored"]}
    assert set(reasons) == {p.name for p in odd}
    assert "namngiven pipe" in reasons["pipe.xlsx"] and "socket" in reasons["socket.xlsx"] and "enhet" in reasons["enhet.xlsx"]
    assert all("öppnas inte" in r for r in reasons.values())


def test_a_fifo_given_as_the_file_itself_is_a_finding_not_a_hang(tmp_path, master):
    from rodtrad.consolidator.reading.grid import read_file

    fifo = tmp_path / "plan.xlsx"
    os.mkfifo(fifo)
    data, findings = read_file(fifo)
    assert data is None and [f.code for f in findings] == ["file.unreadable"]


@pytest.fixture
def consolidated(tmp_path, returned):
    root = tmp_path / "kommun"
    init(root, build("exempelkommun"))
    inbox = root / "inkorg" / PERIOD
    inbox.mkdir(parents=True)
    shutil.copyfile(returned, inbox / returned.name)
    cons.consolidate(root, PERIOD, jobs=1)
    return root, inbox / returned.name


def test_archive_refuses_an_inbox_file_that_links_out_of_the_workspace(consolidated, tmp_path):
    root, path = consolidated
    outside = tmp_path / "hemligt" / path.name
    outside.parent.mkdir()
    shutil.move(path, outside)
    path.symlink_to(outside)  # the same bytes, so the manifest's hash still agrees
    with pytest.raises(ArchiveError, match="pekar ut ur arbetsytan"):
        archive(root, PERIOD)
    assert not (root / "arkiv" / f"{PERIOD}.zip").exists()


@pytest.mark.parametrize("name", ["../hemligt.txt", "/etc/hostname", "inkorg/../../hemligt.txt"])
def test_archive_refuses_a_manifest_path_outside_the_workspace(consolidated, tmp_path, name):
    root, _ = consolidated
    (tmp_path / "hemligt.txt").write_text("inte arbetsytans")
    manifest = root / "rapporter" / PERIOD / "manifest.json"
    data = json.loads(manifest.read_text())
    data["inputs"][0]["path"] = name
    manifest.write_text(json.dumps(data))
    result = CliRunner().invoke(main, ["archive", str(root), "--period", PERIOD])
    assert result.exit_code != 0 and "pekar ut ur arbetsytan" in result.output and "Traceback" not in result.output
    assert not (root / "arkiv" / f"{PERIOD}.zip").exists()


def test_verify_refuses_a_zip_bomb_archive_and_leaves_no_temporary_folder(tmp_path, monkeypatch):
    bomb = tmp_path / "arkiv.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("styrmodell.xlsx", b"PK")
        with zf.open(f"rapporter/{PERIOD}/manifest.json", "w") as member:
            for _ in range(64):
                member.write(bytes(1 << 20))  # 64 MiB of zeros in ~64 KiB
    assert bomb.stat().st_size < 1 << 20
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    result = CliRunner().invoke(main, ["verify", str(bomb), "--period", PERIOD])
    assert result.exit_code == 2 and "zip-bomb" in result.output and "Traceback" not in result.output
    assert list(scratch.iterdir()) == []


def test_verify_refuses_an_archive_with_too_many_members(tmp_path, monkeypatch):
    from rodtrad.consolidator.audit import archive as arch

    many = tmp_path / "arkiv.zip"
    with zipfile.ZipFile(many, "w") as zf:
        for i in range(30):
            zf.writestr(f"x/{i}.txt", b"")
    monkeypatch.setattr(arch, "MAX_MEMBERS", 20)
    with pytest.raises(ArchiveError, match="30 filer"):
        arch.unpack(many, tmp_path / "ut")
