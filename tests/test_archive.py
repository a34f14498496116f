"""The sealed archive holds everything verification needs: archive -> verify on another path ->
"allt stämmer", for every period kind; and what consolidation accepted is no false alarm."""
import shutil
import zipfile

import pytest
from click.testing import CliRunner

from rodtrad.consolidator.model.workspace import Workspace
from rodtrad.samples import build, demo as demo_module
from rodtrad.consolidator.audit.archive import ArchiveError, archive
from rodtrad.consolidator.audit.verify import verify
from rodtrad.consolidator.cli import main
from rodtrad.consolidator.consolidation.consolidate import consolidate

PERIODS = {"2027-plan": "plan", "2027-T1": "tertial", "2027-05": "månad", "2027-delar": "delår", "2027-helar": "helår"}


@pytest.fixture(scope="module")
def year(demo_cycle, tmp_path_factory):
    """The demo's workspace carried on to the helår, the units' and the boards' (a copy: the
    session's demo stays as it is)."""
    root = tmp_path_factory.mktemp("helar") / "kommun"
    shutil.copytree(demo_cycle["workspace"].root, root)
    master = demo_cycle["master"]
    demo_module._import_ledger(Workspace(root), master, build("exempelkommun"), "exempelkommun", 12)
    demo_module._follow_up(root, master, "2027-helar", 2027, lambda *_: None, 12, {}, None)
    demo_module._levels(root, master, "2027-helar", 2027, lambda *_: None, 13, None, ("nämnd",))
    return root


@pytest.mark.parametrize("period", list(PERIODS), ids=list(PERIODS.values()))
def test_an_archive_of_every_period_kind_verifies_on_another_path_from_another_folder(year, demo_cycle, tmp_path,
                                                                                       period, monkeypatch):
    assert demo_cycle["master"].period(period).kind == PERIODS[period]
    path, digest = archive(year, period, tmp_path / "ut" / f"{period}.zip")
    with zipfile.ZipFile(path) as zf:
        names = set(zf.namelist())
    assert f"rapporter/{period}/manifest.json" in names
    if PERIODS[period] != "plan":  # what validation compared the returns with is in the archive
        assert f"utskick/{period}/underlag.jsonl" in names
    if PERIODS[period] not in ("plan", "månad"):  # and the boards' own follow-ups
        assert any(n.startswith(f"inkorg/{period}/nämnd/") for n in names)
    moved = tmp_path / "revision" / "arkiv.zip"
    moved.parent.mkdir()
    shutil.move(path, moved)
    elsewhere = tmp_path / "någon annanstans"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    result = CliRunner().invoke(main, ["verify", str(moved), "--period", period])
    assert result.exit_code == 0, result.output
    assert "allt stämmer" in result.output


def test_the_same_consolidation_gives_the_same_archive(year, tmp_path):
    assert archive(year, "2027-T1", tmp_path / "a.zip")[1] == archive(year, "2027-T1", tmp_path / "b.zip")[1]


def few_units(demo_cycle, root):
    """The demo's workspace with the plan's inbox cut to a few units (what these tests show does not
    need all 49, and each consolidates)."""
    shutil.copytree(demo_cycle["workspace"].root, root, symlinks=True)
    inbox = root / "inkorg" / "2027-plan"
    for path in sorted(inbox.glob("*.xlsx")):
        if not path.name.startswith(("0121", "2111", "2112", "3111")):
            path.unlink()
    return inbox


@pytest.fixture(scope="module")
def odd(demo_cycle, tmp_path_factory):
    """The plan's inbox with what a shared drive holds besides workbooks, consolidated."""
    root = tmp_path_factory.mktemp("udda") / "kommun"
    inbox = few_units(demo_cycle, root)
    outside = tmp_path_factory.mktemp("utanfor")
    (inbox / "tom.xlsx").write_bytes(b"")
    (inbox / "mapp.xlsx").mkdir()
    (inbox / "borta.xlsx").symlink_to(outside / "finns inte.xlsx")
    (inbox / "~$2111 Förskolan Solrosen 2027-plan.xlsx").write_bytes(b"\x00lock")
    (inbox / "anteckningar.txt").write_text("inte en arbetsbok")
    consolidate(root, "2027-plan")
    return root


def test_a_link_out_of_the_workspace_is_verified_but_never_archived(demo_cycle, tmp_path):
    root = tmp_path / "kommun"
    inbox = few_units(demo_cycle, root)
    outside = tmp_path / "utanför"
    outside.mkdir()
    (next(inbox.glob("3111 *.xlsx"))).rename(outside / "3111 på en annan enhet.xlsx")
    (inbox / "3111 länkad.xlsx").symlink_to(outside / "3111 på en annan enhet.xlsx")
    consolidate(root, "2027-plan")
    assert verify(root, "2027-plan").ok  # what was consolidated is what is there
    with pytest.raises(ArchiveError, match="pekar ut ur arbetsytan"):  # but nothing from elsewhere is packed
        archive(root, "2027-plan", tmp_path / "arkiv.zip")


def test_what_consolidation_accepted_is_no_false_alarm_in_verify(odd):
    verdict = verify(odd, "2027-plan")
    assert verdict.ok, verdict.memo()


def test_what_consolidation_accepted_is_no_false_alarm_in_an_archive_either(odd, tmp_path, monkeypatch):
    path, _ = archive(odd, "2027-plan", tmp_path / "arkiv.zip")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["verify", str(path), "--period", "2027-plan"])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("change, expected", [
    (lambda inbox: (inbox / "tom.xlsx").write_bytes(b"PK"), "inlämnad fil ändrad"),
    (lambda inbox: (inbox / "mapp.xlsx").rmdir() or (inbox / "mapp.xlsx").write_bytes(b""), "var en mapp"),
    (lambda inbox: (inbox / "borta.xlsx").unlink(), "inlämnad fil saknas"),
], ids=["empty file filled", "folder became a file", "broken link removed"])
def test_a_change_to_what_consolidation_accepted_is_still_found(odd, tmp_path, change, expected):
    root = tmp_path / "kopia"
    shutil.copytree(odd, root, symlinks=True)
    change(root / "inkorg" / "2027-plan")
    verdict = verify(root, "2027-plan")
    assert expected in verdict.memo()
