"""Excel error values in an .xlsx file's cells, read as what they are.

A cell whose formula fails is stored as `<c r="L9" t="e"><f>X9/Y9</f><v>#DIV/0!</v></c>` (ECMA-376
Part 1, §18.3.1.4, cell type "e"). python-calamine reads the classic errors (#DIV/0!, #N/A, ...) as
'' (blank), and refuses the whole file on Excel 365's newer ones (#SPILL!, #CALC!, ...). So the
reader hands it, in memory, a copy whose error cells are text cells ("str"): every error arrives as
its literal, which the contract reports on its cell (contract.EXCEL_ERROR). The file itself is never
changed.
"""
from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib

from rodtrad.consolidator.reading import zipparts

_ERROR_TYPE = re.compile(rb'(<c\b[^>]*?\bt=)"e"')
_MARK = b't="e"'


def as_text(data: bytes) -> bytes:
    """`data` (an .xlsx file whose zip sizes the caller has checked: grid.check_zip) with every error
    cell made a text cell holding its literal; `data` itself when it has none.

    Most files have none: their worksheets are inflated straight from the buffer (zipparts.content)
    and searched. Measured in CPU time on 300 plan workbooks of benchmarks/consolidate.py: 0.55–0.68
    → 0.39–0.45 ms a file (the zip directory 0.11, inflating 0.21, the search 0.06); see
    benchmarks/README.md. Only a file with an error cell, or one this cannot read, is copied
    through `zipfile`."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            parts = [i for i in z.infolist() if _worksheet(i.filename)]
        if not any(_MARK in (zipparts.content(data, i) or _MARK) for i in parts):
            return data
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, struct.error, ValueError, EOFError):
        pass  # the copy below meets the damage as the reader always has
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        changed = {}
        for info in z.infolist():
            if _worksheet(info.filename):
                xml = z.read(info)
                if _MARK in xml:
                    changed[info.filename] = _ERROR_TYPE.sub(rb'\1"str"', xml)
        if not changed:
            return data
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as copy:
            for info in z.infolist():
                copy.writestr(info.filename, changed.get(info.filename) or z.read(info))
    return out.getvalue()


def _worksheet(name: str) -> bool:
    return name.startswith("xl/worksheets/") and name.endswith(".xml")
