"""OOXML packages (.xlsx, .docx) whose bytes depend on their content and a given time only.

A package is a zip. Libraries stamp the wall clock twice: into every zip entry's date and into
docProps/core.xml (dcterms:created, dcterms:modified). So the same workbook generated twice gave
different bytes, and the SHA-256s in manifests changed for nothing (DESIGN.md, principle 6).
Everything the product writes takes its times from the `now` it was given (a generation's time,
a period's date) or, where no time is meaningful (reports, master data), from EPOCH.
"""
from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

EPOCH = dt.datetime(2000, 1, 1)  # for a file whose time says nothing (zip dates cannot go before 1980)
_CORE_TIMES = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")
CORE = "docProps/core.xml"


def moment(now: str | dt.datetime | dt.date | None) -> dt.datetime:
    """The time a package is stamped with: `now` ("2027-05-02 08:00:00", ISO, a date or a
    datetime; seconds kept, time zone dropped: it is written as given) or EPOCH when None.
    Raises ValueError on text that is not an ISO date or time."""
    if now is None:
        return EPOCH
    if isinstance(now, str):
        now = dt.datetime.fromisoformat(now.strip().replace("Z", "").replace(" ", "T", 1))
    if not isinstance(now, dt.datetime):
        now = dt.datetime(now.year, now.month, now.day)
    return max(now.replace(tzinfo=None, microsecond=0), dt.datetime(1980, 1, 1))


def w3cdtf(when: dt.datetime) -> bytes:
    """The form docProps/core.xml holds a time in (W3CDTF, as Excel and Word write it)."""
    return when.strftime("%Y-%m-%dT%H:%M:%SZ").encode("ascii")


class DatedZip(zipfile.ZipFile):
    """A zip being written whose every entry is dated `when`, whatever the writer (openpyxl) asks."""

    def __init__(self, file, mode="w", compression=zipfile.ZIP_DEFLATED, *, when: dt.datetime, **kwargs):
        super().__init__(file, mode, compression, **kwargs)
        self.when = when.timetuple()[:6]

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):
        if isinstance(zinfo_or_arcname, zipfile.ZipInfo):
            info = zinfo_or_arcname
            info.date_time = self.when
        else:  # as ZipFile.writestr makes one from a name, but dated
            info = zipfile.ZipInfo(zinfo_or_arcname, date_time=self.when)
            info.compress_type = self.compression
            info.external_attr = (0o40775 << 16 | 0x10) if info.filename.endswith("/") else 0o600 << 16
        if info.filename == CORE and isinstance(data, (bytes, str)):
            data = stamp_core(data.encode("utf-8") if isinstance(data, str) else data, self.when)
        super().writestr(info, data, compress_type, self.compresslevel if compresslevel is None else compresslevel)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):
        self.writestr(arcname or Path(filename).name, Path(filename).read_bytes(), compress_type, compresslevel)


def stamp_core(data: bytes, when) -> bytes:
    """docProps/core.xml with its created and modified times set to `when` (a datetime or a time tuple)."""
    if not isinstance(when, dt.datetime):
        when = dt.datetime(*when)
    return _CORE_TIMES.sub(rb"\g<1>" + w3cdtf(when) + rb"\g<2>", data)


def repack(path: Path, when: dt.datetime, compresslevel: int | None = None) -> None:
    """Rewrite a package in place with its entries in the same order, every one dated `when`, and
    docProps/core.xml's times set to `when`: for packages a library saved itself (python-docx,
    openpyxl's own save)."""
    path = Path(path)
    path.write_bytes(repacked(path.read_bytes(), when, compresslevel))


def repacked(data: bytes, when: dt.datetime, compresslevel: int | None = None) -> bytes:
    """`repack` on a package's bytes, in memory (a library that saves to a buffer: one pass to disk)."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        entries = [(info.filename, z.read(info)) for info in z.infolist()]
    out = io.BytesIO()
    with DatedZip(out, "w", zipfile.ZIP_DEFLATED, when=when, compresslevel=compresslevel) as z:
        for name, data in entries:
            z.writestr(name, data)
    return out.getvalue()
