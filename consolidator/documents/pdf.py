"""A tagged PDF (PDF/UA) of each document, made by LibreOffice headless (Writer).

LibreOffice converts the documents of a consolidation in as many processes as the machine has
cores (at most `PROCESSES`), each given a share of about equal size: a process costs ~0.7 CPU-s to
start, a document 0.2-0.4 s, and one process uses one core (the demo's seven delår documents: 3.7 s
in one process, 1.7 s in two; benchmarks/README.md). The export filter's options (writer_pdf_Export, given as JSON on the command
line, LibreOffice 7.4 and later): UseTaggedPDF (the structure tree: headings, tables with header
cells, figures with their alternative text, the language) and PDFUACompliance (PDF/UA-1: the
document title shown instead of the file name, every picture with an alternative text).

Each process has a profile of its own in a temporary folder, so a user's LibreOffice settings
never change the PDF. A profile LibreOffice has never used costs ~0.25 CPU-s more to start (its
first run: graphics tests, extensions, settings written). So after the first conversion on a
machine, a copy of a profile as LibreOffice left it is kept as the seed (`Seed`: in the user's own
cache folder, one per LibreOffice installation) and each process starts from a copy of it. A seed
is only ever a profile Röd tråd's own conversion made and used without fault. A document a
process started from the seed could not convert is tried again on a fresh profile; when that
makes its PDF, the seed was at fault and is removed (the next conversion keeps a new one).

`MALLOC_ENV`: with glibc's default thresholds LibreOffice returns large blocks to the system and
takes them back again and again: ~300,000 page faults and 0.75 s of system time per process. Heap
kept (both thresholds at 1 GiB, measured together: either alone changes nothing): ~55,000 faults,
0.26 s, at ~50 MiB more memory while the process lives. Other C libraries ignore the variables.

Without LibreOffice the .docx files are still written and a finding says how to get it.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from rodtrad.consolidator.model.findings import WARNING, define
from rodtrad.consolidator.model.words import Said, explain

FILTER = "pdf:writer_pdf_Export:" + json.dumps({
    "UseTaggedPDF": {"type": "boolean", "value": "true"},
    "PDFUACompliance": {"type": "boolean", "value": "true"},
    "ExportBookmarks": {"type": "boolean", "value": "true"},
    "DisplayPDFDocumentTitle": {"type": "boolean", "value": "true"},
    "UseLosslessCompression": {"type": "boolean", "value": "true"},
}, separators=(",", ":"))

NO_OFFICE = define("document.pdf_unavailable", WARNING,
                   "PDF-filerna skapades inte: LibreOffice finns inte på datorn. Word-dokumenten ({value}) är skrivna.",
                   "The PDF files were not made: LibreOffice is not installed. The Word documents ({value}) are written.",
                   "Installera LibreOffice (Linux: `make libreoffice` eller paketet libreoffice-writer-nogui; Windows "
                   "och macOS: libreoffice.org) och kör `rodtrad rapport` igen, eller spara som PDF ur Word. Ligger "
                   "LibreOffice på en annan plats: ange sökvägen till soffice i miljövariabeln RODTRAD_SOFFICE.",
                   "Install LibreOffice (Linux: `make libreoffice` or the package libreoffice-writer-nogui; Windows and "
                   "macOS: libreoffice.org) and run `rodtrad rapport` again, or save as PDF from Word. Is LibreOffice "
                   "elsewhere: give the path to soffice in the environment variable RODTRAD_SOFFICE.")
FAILED = define("document.pdf_failed", WARNING,
                "LibreOffice kunde inte göra PDF av {value}: {detail}. Word-dokumentet är skrivet.",
                "LibreOffice could not make a PDF of {value}: {detail}. The Word document is written.",
                "Öppna dokumentet i Word eller LibreOffice och spara som PDF (taggad PDF, PDF/UA).",
                "Open the document in Word or LibreOffice and save it as PDF (tagged PDF, PDF/UA).")


# where LibreOffice's installers put it when it is not on PATH (Windows' and macOS' installers never
# add it; an economy department's Windows machine is the usual case)
INSTALLED = ("C:/Program Files/LibreOffice/program/soffice.exe", "C:/Program Files (x86)/LibreOffice/program/soffice.exe",
             "/Applications/LibreOffice.app/Contents/MacOS/soffice", "/opt/libreoffice/program/soffice",
             "/usr/lib/libreoffice/program/soffice")


def soffice() -> str | None:
    """LibreOffice's `soffice`: RODTRAD_SOFFICE when set (a path), else on PATH, else where its
    installers put it (INSTALLED); None when there is none."""
    given = os.environ.get("RODTRAD_SOFFICE")
    if given:
        return given if Path(given).is_file() else None
    found = shutil.which("soffice") or shutil.which("libreoffice")
    return found or next((p for p in INSTALLED if Path(p).is_file()), None)


PROCESSES = 4  # LibreOffice processes at most; each holds ~250 MiB while it converts
MALLOC_ENV = {"MALLOC_MMAP_THRESHOLD_": str(1 << 30), "MALLOC_TRIM_THRESHOLD_": str(1 << 30)}


def shares(documents: list[Path], processes: int) -> list[list[Path]]:
    """`documents` in at most `processes` shares of about equal size (bytes: a document's pictures and
    tables are what take LibreOffice's time), each from one folder (a process writes to one --outdir),
    largest first. Every document is in exactly one share; no share is empty."""
    by_folder: dict[Path, list[Path]] = {}
    for d in documents:
        by_folder.setdefault(d.parent, []).append(d)
    out: list[list[Path]] = []
    for docs in by_folder.values():
        n = max(1, min(processes, len(docs)))
        groups: list[list[Path]] = [[] for _ in range(n)]
        sizes = [0] * n
        for d in sorted(docs, key=lambda d: (-_size(d), d.name)):
            i = sizes.index(min(sizes))
            groups[i].append(d)
            sizes[i] += _size(d)
        out += [g for g in groups if g]
    return out


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


class Seed:
    """The kept LibreOffice profile a process starts from (see the module): the folder
    `<cache>/rodtrad/libreoffice-<installation>`, where <cache> is RODTRAD_CACHE when set, else
    XDG_CACHE_HOME (when absolute, as its spec asks), else ~/.cache (Windows: LOCALAPPDATA), and
    <installation> a digest of soffice's path, size and time (another LibreOffice gets a seed of its
    own). Only this user's own folder (0700) is used; any trouble with it costs nothing but the
    fresh profile's start.

    A seed is whole when every file its list (`LIST`, written last, into the copy before it is renamed
    into place) names is there with its size: a file in the seed's place, a seed a cache cleaner
    has half emptied, or one with a file cut short is not used, and the next profile kept replaces it
    (a seed LibreOffice started from without complaint was once kept forever, whatever it held)."""

    LIST = "rodtrad-seed.json"  # beside the profile's user/ folder: LibreOffice never reads it

    def __init__(self, office: str | None):
        self.path = None
        if office:
            try:
                info = Path(office).resolve().stat()
                tag = hashlib.sha256(f"{Path(office).resolve()}|{info.st_size}|{info.st_mtime_ns}".encode()).hexdigest()
                self.path = _cache_home() / f"libreoffice-{tag[:16]}"
            except (OSError, RuntimeError):  # RuntimeError: no home folder to be found (HOME unset, no passwd entry)
                self.path = None

    def usable(self) -> bool:
        """Whether a seed is kept, whole (every file of its list there, of its size) and this user's own."""
        return self.path is not None and _whole(self.path, own=True)

    def plant(self, profile: Path) -> bool:
        """A copy of the seed as `profile` (a folder that does not exist yet), whole; False when there is none."""
        if not self.usable():
            return False
        try:
            shutil.copytree(self.path, profile, symlinks=True)
            if _whole(profile):  # not removed or replaced by another run while it was copied
                return True
        except OSError:
            pass  # a copy that failed is removed below: the process starts on a fresh profile
        shutil.rmtree(profile, ignore_errors=True)
        return False

    def keep(self, profile: Path) -> None:
        """`profile`, which LibreOffice used without fault and has left, kept as the seed (when none
        is): copied beside it with its list, then renamed into place (another run doing the same
        wins or loses whole). What is in its place and not a whole seed is moved aside first."""
        if self.path is None or self.usable() or not (profile / "user" / "registrymodifications.xcu").is_file():
            return
        staged = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            _stale(self.path.parent)
            staged = Path(tempfile.mkdtemp(prefix=".seed-", dir=self.path.parent))
            shutil.copytree(profile, staged / "p", symlinks=True, ignore=shutil.ignore_patterns(".lock"))
            files = {str(f.relative_to(staged / "p")): f.lstat().st_size for f in sorted((staged / "p").rglob("*"))
                     if f.is_file() and not f.is_symlink()}
            (staged / "p" / self.LIST).write_text(json.dumps(files, sort_keys=True), encoding="utf-8")
            if os.path.lexists(self.path) and not self.usable():  # a broken one: aside, removed with the staging
                os.rename(self.path, staged / "old")
            os.rename(staged / "p", self.path)
        except OSError:
            pass  # another run kept one first, or the cache cannot be written: the next run tries again
        finally:
            if staged is not None:
                shutil.rmtree(staged, ignore_errors=True)

    def forget(self) -> None:
        """Remove the seed (a process started from it made no PDF)."""
        if self.path is not None:
            if os.path.isdir(self.path) and not os.path.islink(self.path):
                shutil.rmtree(self.path, ignore_errors=True)
            else:
                try:
                    os.unlink(self.path)
                except OSError:
                    pass  # gone already


def _whole(folder: Path, own: bool = False) -> bool:
    """Whether `folder` holds every file its list names, each of its size (and, `own`, is this user's)."""
    try:
        if own and os.name == "posix" and (folder.is_symlink() or folder.stat().st_uid != os.getuid()):
            return False
        files = json.loads((folder / Seed.LIST).read_text(encoding="utf-8"))
        return (isinstance(files, dict) and "user/registrymodifications.xcu" in files
                and all((folder / name).lstat().st_size == size for name, size in files.items()))
    except (OSError, ValueError, TypeError, AttributeError):
        return False


STALE = 3600  # s: a staging folder this old was left by a run that was killed while it kept a seed


def _stale(folder: Path) -> None:
    """Remove the staging folders (`.seed-*`) killed runs left in `folder`."""
    try:
        for entry in os.scandir(folder):
            if entry.name.startswith(".seed-") and time.time() - entry.stat(follow_symlinks=False).st_mtime > STALE:
                shutil.rmtree(entry.path, ignore_errors=True)
    except OSError:
        return


def _cache_home() -> Path:
    given = os.environ.get("RODTRAD_CACHE")
    if given:
        return Path(given)
    base = os.environ.get("LOCALAPPDATA") if os.name == "nt" else os.environ.get("XDG_CACHE_HOME")
    if base and not Path(base).is_absolute():  # XDG: a relative path is to be ignored
        base = None
    return Path(base or Path.home() / ".cache") / "rodtrad"


class Office:
    """LibreOffice for one consolidation's PDFs: `processes` at most at the same time, each with a
    profile of its own in a temporary folder (a copy of the seed when one is kept; removed by `close`).

    `ahead=True` starts them at once, before the documents exist (POSIX only): each waits with its
    profile open, and `convert` hands it its share through LibreOffice's own single-instance pipe (a
    second `soffice` on the same profile passes its command line to the running one, waits until it
    is done and exits; the running one then ends). The ~0.7 CPU-s and ~0.8 s of starting a
    process are spent while the reports are being written, not after them. A process started
    ahead that has died or never answered costs nothing but time: the second `soffice` then does the
    conversion itself; a PDF still missing is tried once more in a fresh process. Started ahead,
    the processes are in a process group of their own, ended by `close` and, should this process
    die first, by a watchdog (`sh`) that waits for this process's end on a pipe, then ends them and
    the converting `soffice`s (each in a group of its own, named to it on the pipe) and removes the
    profiles."""

    def __init__(self, processes: int | None = None, ahead: bool = False):
        self.office = soffice()
        self.processes = max(1, processes or min(PROCESSES, os.cpu_count() or 1))
        self.tmp = tempfile.mkdtemp(prefix="rodtrad-lo-")
        self.env = {**os.environ, **MALLOC_ENV}
        self.started: list[subprocess.Popen] = []
        self.handed = 0  # how many of `started` were given a share (they end by themselves)
        self.watchdog = None
        self.converting: list[subprocess.Popen] = []  # the `soffice --convert-to` of `_run`
        self.seed = Seed(self.office)
        self.seeded: set[int] = set()  # the profiles started from the seed
        self.faultless: int | None = None  # a profile whose process made all its PDFs (kept as the seed)
        if ahead and self.office and os.name == "posix":
            self._start()

    def _command(self, i: int, args: list[str], seeded: bool = True) -> list[str]:
        """`soffice` on profile `i` with `args`. A profile not made yet starts as a copy of the seed
        when there is one and `seeded` (not for a second try, nor for the profile of a process
        started ahead, whose own start made it). On POSIX the new process copies it itself before it
        becomes soffice (`cp`; ~35 ms a profile, no longer spent here before the workers start);
        elsewhere it is copied here."""
        folder = Path(self.tmp) / f"profile{i}"
        command = [self.office, f"-env:UserInstallation={folder.as_uri()}", *args]
        if not seeded or i in self.seeded or folder.exists() or not self.seed.usable():
            return command
        if os.name != "posix":
            if self.seed.plant(folder):
                self.seeded.add(i)
            return command
        self.seeded.add(i)  # a copy cut short costs only the fresh start: LibreOffice makes what is missing
        return ["sh", "-c", 'cp -R -p -- "$0" "$1" 2>/dev/null; shift; exec "$@"', str(self.seed.path), str(folder),
                *command]

    def _start(self) -> None:
        try:
            for i in range(self.processes):
                self.started.append(subprocess.Popen(
                    self._command(i, ["--headless", "--norestore", "--nologo", "--nodefault"]),
                    stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=self.env,
                    start_new_session=True))
            groups = " ".join(f"-{p.pid}" for p in self.started)
            # until the pipe ends (this process ended, however): more groups, one a line; then all
            # of them killed and the profiles removed ($0 is the folder: never part of the script)
            script = (f'g="{groups}"; while read -r x; do g="$g $x"; done; kill -s KILL -- $g 2>/dev/null; '
                      'rm -rf -- "$0"')
            self.watchdog = subprocess.Popen(["sh", "-c", script, self.tmp],
                                             stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                             stderr=subprocess.DEVNULL, start_new_session=True)
        except OSError:
            self.close(grace=0)

    def _watch(self, process: subprocess.Popen) -> None:
        """Name `process`'s group to the watchdog: should this process die while it converts, it
        ends too (the one it hands its share to is ended anyway, and it would convert by itself)."""
        if self.watchdog is None:
            return
        try:
            self.watchdog.stdin.write(f"-{process.pid}\n".encode())
            self.watchdog.stdin.flush()
        except OSError:
            pass  # the watchdog is gone: close() still ends it

    def close(self, grace: float = 1.0) -> None:
        """End what was started ahead and remove the profiles. A PDF is whole once the `soffice
        --convert-to` that handed its share over has returned; the process that made it then takes
        ~0.1 s more to end by itself, writing its profile. That is waited for (up to `grace`
        seconds in all) only when its profile is to be kept as the seed (`Seed`: none is kept yet),
        else the process is ended at once (0.08-0.13 s less on a consolidation's path). Every
        process is reaped, so its CPU time is counted."""
        keeping = self.faultless is not None and self.faultless not in self.seeded and not self.seed.usable()
        until = time.monotonic() + (grace if keeping else 0.0)
        for i, process in enumerate(self.started):
            try:
                if i < self.handed:
                    process.wait(timeout=max(0.0, until - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass  # still running after its share: killed below
            if process.poll() is None and i == self.faultless:
                self.faultless = None  # killed below: its profile may be half written
            if process.poll() is None:  # not reaped: its pid (the group's id) is still its own
                try:
                    os.killpg(process.pid, signal.SIGKILL)
                except OSError:
                    pass  # it ended between the poll and the kill
                process.wait()
        for process in self.converting:  # interrupted while converting (Ctrl-C): never left running
            if process.poll() is None:
                try:
                    if self.watchdog is not None:  # started in a group of its own (see _run)
                        os.killpg(process.pid, signal.SIGKILL)
                    else:
                        process.kill()
                except OSError:
                    pass  # it ended between the poll and the kill
                process.wait()
        self.converting = []
        if self.watchdog is not None:
            self.watchdog.kill()
            self.watchdog.wait()
            self.watchdog.stdin.close()
            self.watchdog = None
        self.started = []
        if self.faultless is not None and self.faultless not in self.seeded:
            self.seed.keep(Path(self.tmp) / f"profile{self.faultless}")
            self.faultless = None
        shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def convert(self, documents: list[Path], timeout: int = 600) -> tuple[list[Path], list]:
        """A PDF beside each .docx in `documents`; returns the PDFs made (in `documents` order) and
        findings (none made without LibreOffice). Never raises for a document LibreOffice cannot
        convert; `timeout` (s) bounds the whole conversion."""
        documents = [Path(d) for d in documents]
        if not documents:
            return [], []
        if self.office is None:
            return [], [NO_OFFICE(value=f"{len(documents)} st")]
        for d in documents:  # an old PDF is never taken for a new one
            d.with_suffix(".pdf").unlink(missing_ok=True)
        deadline = time.monotonic() + timeout  # for all of them: they run at the same time
        groups = shares(documents, self.processes)
        self.handed = max(self.handed, min(len(groups), len(self.started)))
        said = self._run(groups, 0, deadline)
        again = [[d for d in g if not d.with_suffix(".pdf").exists()] for g in groups]
        whole = [i for i, g in enumerate(again) if not g]
        self.faultless = whole[0] if whole and self.faultless is None else self.faultless
        if any(again) and (self.started or self.seeded):
            # a share whose process started ahead or from the seed went wrong: once more, in fresh processes
            # on profiles no process has used (past those started ahead, also any never handed a share)
            said = self._run([g for g in again if g], max(len(groups), len(self.started)), deadline, fresh=True)
            if any(d.with_suffix(".pdf").exists() for i in self.seeded if i < len(again) for d in again[i]):
                self.seed.forget()  # a fresh profile did what the seeded one did not: the next run makes a new seed
        findings = [FAILED(file=d.name, value=d.name, params={"detail": said.get(d, "ingen PDF skrevs")})
                    for d in documents if not d.with_suffix(".pdf").exists()]
        return [d.with_suffix(".pdf") for d in documents if d.with_suffix(".pdf").exists()], findings

    def _run(self, groups: list[list[Path]], first: int, deadline: float, fresh: bool = False) -> dict:
        """Each share in a `soffice` of its own on profile first + i (`fresh`: never from the seed),
        at the same time; what LibreOffice said (its last line on stderr) per document that got no PDF."""
        running, said = [], {}
        for i, docs in enumerate(groups):
            try:
                running.append((docs, subprocess.Popen(
                    self._command(first + i, ["--headless", "--norestore", "--nologo", "--convert-to", FILTER,
                                              "--outdir", str(docs[0].parent), *map(str, docs)],
                                  seeded=not fresh and first + i >= len(self.started)),
                    stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=self.env,
                    start_new_session=self.watchdog is not None)))
                self.converting.append(running[-1][1])
                self._watch(running[-1][1])
            except OSError as exc:
                said.update({d: explain(exc) for d in docs})
        for docs, process in running:
            try:
                _, err = process.communicate(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.communicate()
                said.update({d: Said("tidsgränsen nåddes", "the time limit was reached") for d in docs})
                continue
            last = (err or b"").decode("utf-8", "replace").strip().splitlines()[-1:]
            said.update({d: last[0][:200] for d in docs if last})
        return said


def convert(documents: list[Path], timeout: int = 600, processes: int | None = None) -> tuple[list[Path], list]:
    """A PDF beside each .docx in `documents` (Office.convert) by LibreOffice processes started now:
    `processes` at most (default: the cores, up to PROCESSES)."""
    with Office(processes) as office:
        return office.convert(documents, timeout)
