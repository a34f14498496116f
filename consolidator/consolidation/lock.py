"""The lock of a period's consolidation, fit for a shared drive that several computers write to.

`rapporter/.<period>.lock` is created atomically (O_EXCL) and records who holds it: computer
(host), process id, the process's own start time (so a reused pid is not taken for the holder),
user and when. A lock is stale only when it was taken on this computer and its process is gone.
A lock from another computer is never taken over silently: the error names computer, user and time,
and only an explicit, confirmed request to break that very lock (its token) removes it.

Every step that may remove a lock runs under an OS lock on the folder that holds it (`flock`,
released by the kernel when its process dies; no extra file is left behind): two runs that both find a stale lock cannot both take it.
The lock itself is always created with O_EXCL, so at most one run holds it at any time.
"""
from __future__ import annotations

import datetime as dt
import getpass
import json
import os
import socket
import uuid
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from rodtrad.consolidator.model.words import explain


class LockError(Exception):
    """The period is locked by someone else; the message is Swedish and names the holder."""

    def __init__(self, message: str, holder: "Holder | None" = None, elsewhere: bool = False):
        super().__init__(message)
        self.holder, self.elsewhere = holder, elsewhere


@dataclass
class Holder:
    """Who holds a lock (as recorded in it)."""

    host: str = ""
    pid: int = 0
    user: str = ""
    started: str = ""  # ISO time, local
    process_start: str = ""  # this computer's boot id and the process's start tick ("" unknown)
    token: str = ""

    @classmethod
    def me(cls) -> "Holder":
        return cls(host=this_host(), pid=os.getpid(), user=_user(), started=dt.datetime.now().isoformat(timespec="seconds"),
                   process_start=process_start(os.getpid()), token=uuid.uuid4().hex)

    @classmethod
    def parse(cls, text: str) -> "Holder":
        """A lock's content; a lock of an earlier version holds only a pid (taken as this computer's)."""
        text = text.strip()
        try:
            data = json.loads(text)
        except ValueError:
            data = None
        if isinstance(data, dict):
            known = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
            return cls(**known)
        try:
            return cls(host=this_host(), pid=int(text or 0), token=f"pid:{text}")
        except ValueError:
            return cls(host="", token=f"text:{text[:40]}")

    def describe(self) -> str:
        when = self.started.replace("T", " ") or "okänd tid"
        return f"datorn {self.host or 'okänd'}, användaren {self.user or 'okänd'}, sedan {when} (process {self.pid})"


def this_host() -> str:
    return socket.gethostname() or "okänd"


def _user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return ""


def process_start(pid: int) -> str:
    """A process's start, unique on this computer across pid reuse and reboots (Linux); "" unknown."""
    try:
        with open("/proc/sys/kernel/random/boot_id") as handle:
            boot = handle.read().strip()
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
        return f"{boot}:{fields[19]}"  # field 22 of stat: starttime, ticks after boot
    except (OSError, IndexError):
        return ""


def process_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    except OSError:
        return False
    return True


def holder_gone(holder: Holder) -> bool:
    """Whether a lock taken on this computer has lost its process (gone, or its pid reused)."""
    if not process_alive(holder.pid):
        return True
    if holder.process_start:
        now = process_start(holder.pid)
        return bool(now) and now != holder.process_start
    return False


@contextmanager
def _serialised(folder: Path):
    """An exclusive OS lock on `folder` for the block (released by the kernel if we die)."""
    try:
        import fcntl
    except ImportError:  # Windows: O_EXCL alone (a takeover race there is not serialised)
        yield
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        yield
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the flock


class Lock:
    """`with Lock(path, period):` holds the period; `break_token` is the token of a lock from
    another computer that the user has confirmed may be broken."""

    def __init__(self, path: Path, period: str = "", break_token: str | None = None):
        self.path, self.period, self.break_token = Path(path), period, break_token
        self.holder: Holder | None = None

    def __enter__(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        me = Holder.me()
        with _serialised(self.path.parent):
            for _ in range(3):
                if self._create(me):
                    self.holder = me
                    return self
                try:
                    other = Holder.parse(self.path.read_text(encoding="utf-8"))
                except FileNotFoundError:
                    continue  # released meanwhile: try again
                except OSError as exc:
                    raise LockError(f"Låset {self.path} går inte att läsa ({explain(exc)}).") from None
                self._judge(other)
                self.path.unlink(missing_ok=True)
        raise LockError(f"Kunde inte ta låset {self.path}: det skapas och tas bort av någon annan hela tiden.")

    def _create(self, me: Holder) -> bool:
        try:
            fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666)
        except FileExistsError:
            return False
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(asdict(me), handle, ensure_ascii=False)
        return True

    def _judge(self, other: Holder) -> None:
        """Raise unless `other` may be removed: stale on this computer, or confirmed broken."""
        what = f"Perioden {self.period} " if self.period else ""
        if other.host != this_host():
            if self.break_token and other.token == self.break_token:
                return
            raise LockError(
                f"{what}sammanställs redan, eller sammanställdes och avbröts, på en annan dator: {other.describe()}. "
                f"Låset är {self.path}. Pågår ingen sammanställning där: kör igen med --break-lock och bekräfta.",
                other, elsewhere=True)
        if not holder_gone(other):
            raise LockError(f"En annan sammanställning av samma period pågår redan ({other.describe()}). "
                            "Vänta tills den är klar och försök igen.", other)

    def __exit__(self, *exc):
        try:
            current = Holder.parse(self.path.read_text(encoding="utf-8"))
        except OSError:
            return
        if self.holder and current.token == self.holder.token:
            self.path.unlink(missing_ok=True)
