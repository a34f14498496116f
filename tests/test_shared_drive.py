"""The period lock and the report swap on a shared drive that several computers write to."""
from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from rodtrad.consolidator.consolidation import consolidate as cons
from rodtrad.consolidator.cli import main
from rodtrad.consolidator.consolidation import lock as lockmod, swap
from rodtrad.consolidator.consolidation.lock import Holder, Lock, LockError
from rodtrad.consolidator.workbooks.masterbook import init
from rodtrad.samples import build

PERIOD = "2027-plan"


def dead_pid() -> int:
    """A pid that no process has (a child that has ended and been reaped)."""
    ctx = multiprocessing.get_context("fork")
    p = ctx.Process(target=os._exit, args=(0,))
    p.start()
    p.join()
    return p.pid


def write_lock(path: Path, **fields) -> Holder:
    holder = Holder(**{"host": lockmod.this_host(), "pid": os.getpid(), "user": "anna",
                       "started": "2027-01-31T16:05:00", "process_start": lockmod.process_start(os.getpid()),
                       "token": "t0", **fields})
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(holder.__dict__))
    return holder


# -- two takeovers at once, many times ----------------------------------------------------------

_holder_gone = lockmod.holder_gone


def _slowly_gone(holder):
    time.sleep(0.002)  # the stale-lock check of a slow shared drive: the window two runs raced through
    return _holder_gone(holder)


def _take(path):
    _BARRIER.wait()
    try:
        Lock(Path(path)).__enter__()
        return "won"
    except LockError:
        return "refused"


_BARRIER = None


def _init(barrier):
    global _BARRIER
    _BARRIER = barrier
    lockmod.holder_gone = _slowly_gone


def test_two_takeovers_of_a_stale_lock_at_once_have_exactly_one_winner_every_time(tmp_path):
    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Barrier(2)
    stale = dead_pid()
    outcomes = []
    with ctx.Pool(2, initializer=_init, initargs=(barrier,)) as pool:
        for i in range(200):
            path = tmp_path / f".{i}.lock"
            write_lock(path, pid=stale, process_start="", token=f"stale{i}")
            got = pool.map(_take, [str(path), str(path)], chunksize=1)
            outcomes.append(sorted(got))
            holder = Holder.parse(path.read_text())
            assert holder.pid != stale  # taken over, by one of the two
    assert outcomes == [["refused", "won"]] * 200


# -- who holds it -------------------------------------------------------------------------------

def test_a_lock_from_another_computer_is_never_taken_over_silently(tmp_path):
    path = tmp_path / ".2027-plan.lock"
    write_lock(path, host="EKONOMI-PC7", pid=dead_pid(), token="x7")
    with pytest.raises(LockError) as err:
        Lock(path, PERIOD).__enter__()
    message = str(err.value)
    assert "EKONOMI-PC7" in message and "anna" in message and "2027-01-31 16:05:00" in message
    assert "--break-lock" in message and err.value.elsewhere
    with pytest.raises(LockError):  # a token that is not that lock's breaks nothing
        Lock(path, PERIOD, break_token="something else").__enter__()
    with Lock(path, PERIOD, break_token="x7") as held:
        assert Holder.parse(path.read_text()).token == held.holder.token
    assert not path.exists()


def test_a_lock_on_this_computer_is_stale_only_when_its_process_is_gone(tmp_path):
    path = tmp_path / ".p.lock"
    write_lock(path)  # this very process: alive
    with pytest.raises(LockError, match="pågår redan"):
        Lock(path).__enter__()
    write_lock(path, process_start="another-boot:12345")  # our pid, but another process's start: reused
    with Lock(path):
        pass
    write_lock(path, pid=dead_pid())
    with Lock(path):
        pass
    path.write_text("1")  # an earlier version's lock: only a pid, and pid 1 is alive
    with pytest.raises(LockError):
        Lock(path).__enter__()


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    root = tmp_path_factory.mktemp("delad")
    init(root, build("exempelkommun"))
    return root


def test_the_cli_breaks_a_lock_from_another_computer_only_when_confirmed(workspace):
    path = workspace / "rapporter" / f".{PERIOD}.lock"
    write_lock(path, host="EKONOMI-PC7", token="x7")
    refused = CliRunner().invoke(main, ["consolidate", str(workspace), "--period", PERIOD])
    assert refused.exit_code == 2 and "EKONOMI-PC7" in refused.output and "Traceback" not in refused.output
    kept = CliRunner().invoke(main, ["consolidate", str(workspace), "--period", PERIOD, "--break-lock"], input="n\n")
    assert kept.exit_code == 2 and path.exists()
    broken = CliRunner().invoke(main, ["consolidate", str(workspace), "--period", PERIOD, "--break-lock"], input="y\n")
    assert broken.exit_code in (0, 1) and "rapporter i" in broken.output, broken.output
    assert not path.exists()


# -- the swap -----------------------------------------------------------------------------------

def test_an_old_report_that_cannot_be_deleted_costs_a_note_never_a_run(workspace, monkeypatch):
    cons.consolidate(workspace, PERIOD)
    real = shutil.rmtree

    def locked_by_excel(path, ignore_errors=False, onerror=None):
        if ".gammal" in str(path):  # a report open in Excel on another computer (Windows/SMB)
            if onerror:
                onerror(os.unlink, str(Path(path) / "KF-rapport.xlsx"), (PermissionError, PermissionError(13, "Permission denied"), None))
            return
        return real(path, ignore_errors=ignore_errors, onerror=onerror)
    monkeypatch.setattr(swap.shutil, "rmtree", locked_by_excel)
    first = cons.consolidate(workspace, PERIOD)
    second = cons.consolidate(workspace, PERIOD)  # once "Directory not empty" here, for every later run
    left = sorted(p.name for p in (workspace / "rapporter").iterdir() if ".gammal" in p.name)
    assert len(left) == 2
    assert any(left[0] in n and "kunde inte tas bort" in n for n in first.notes + second.notes)
    assert any("behörighet saknas" in n for n in first.notes) and not any("Permission" in n for n in first.notes)
    monkeypatch.setattr(swap.shutil, "rmtree", real)
    cons.consolidate(workspace, PERIOD)
    assert [p for p in (workspace / "rapporter").iterdir() if p.name.startswith(".")] == []


def test_reports_that_cannot_be_replaced_give_a_swedish_message_naming_the_folder(workspace, monkeypatch):
    cons.consolidate(workspace, PERIOD)
    real = os.rename

    def refuse(src, dst):
        if Path(src).name == PERIOD:
            raise PermissionError(13, "Permission denied")
        return real(src, dst)
    monkeypatch.setattr(swap.os, "rename", refuse)
    with pytest.raises(cons.ConsolidationError, match="kan inte ersättas") as err:
        cons.consolidate(workspace, PERIOD)
    assert str(workspace / "rapporter" / PERIOD) in str(err.value)
    assert [p for p in (workspace / "rapporter").iterdir() if p.name.startswith(".")] == []


def test_a_swap_stopped_between_its_renames_is_recovered_by_the_next_run(workspace):
    cons.consolidate(workspace, PERIOD)
    final = workspace / "rapporter" / PERIOD
    os.rename(final, final.parent / f".{PERIOD}.gammal-deadbeef")  # the first rename done, the second not
    (final.parent / f".{PERIOD}.ny-deadbeef").mkdir()  # and its stage left behind
    result = cons.consolidate(workspace, PERIOD)
    assert result.folder == final and (final / "manifest.json").exists()
    assert [p for p in final.parent.iterdir() if p.name.startswith(".")] == []
