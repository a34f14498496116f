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
import zipfile

_ERROR_TYPE = re.compile(rb'(<c\b[^>]*?\bt=)"e"')


def as_text(data: bytes) -> bytes:
    """`data` (an .xlsx file whose zip sizes the caller has checked: grid.check_zip) with every error
    cell made a text cell holding its literal; `data` itself when it has none. Measured: one inflate
    of each worksheet part, about a millisecond for a unit's workbook."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        parts = [i for i in z.infolist() if i.filename.startswith("xl/worksheets/") and i.filename.endswith(".xml")]
        changed = {}
        for info in parts:
            xml = z.read(info)
            if b't="e"' in xml:
                changed[info.filename] = _ERROR_TYPE.sub(rb'\1"str"', xml)
        if not changed:
            return data
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as copy:
            for info in z.infolist():
                copy.writestr(info.filename, changed.get(info.filename) or z.read(info))
    return out.getvalue()
