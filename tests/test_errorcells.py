"""The error-cell scan (reading/errorcells.py) finds an error cell however its worksheet is stored, and
hands back a file without one untouched; its fast path (members inflated straight from the buffer)
agrees with reading every member through zipfile."""
import io
import zipfile
import zlib

import pytest
from openpyxl import Workbook

from rodtrad.consolidator.reading import errorcells

ERROR_CELL = b'<c r="B2" t="e"><f>1/0</f><v>#DIV/0!</v></c>'


def book(error: bool, compression: int, sheets: int = 3) -> bytes:
    """A small workbook, its last sheet with an Excel error cell when `error`, each member stored
    with `compression`."""
    wb = Workbook()
    for i in range(1, sheets):
        wb.create_sheet(f"Blad{i + 1}")
    for ws in wb.worksheets:
        ws["A1"], ws["B2"] = "text", 1
    raw = io.BytesIO()
    wb.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", compression) as dst:
        for info in src.infolist():
            data = src.read(info)
            if error and info.filename == f"xl/worksheets/sheet{sheets}.xml":
                data = data.replace(b'<c r="B2" t="n"><v>1</v></c>', ERROR_CELL)
                assert ERROR_CELL in data
            dst.writestr(info.filename, data)
    return out.getvalue()


def through_zipfile(data: bytes) -> bool:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return any(b't="e"' in z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/"))


@pytest.mark.parametrize("compression", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2])
@pytest.mark.parametrize("error", [False, True])
def test_an_error_cell_is_made_text_however_its_sheet_is_stored_and_a_clean_file_is_handed_back_as_is(error, compression):
    data = book(error, compression)
    assert through_zipfile(data) == error
    out = errorcells.as_text(data)
    if not error:
        assert out is data
        return
    with zipfile.ZipFile(io.BytesIO(out)) as z:
        sheet = z.read("xl/worksheets/sheet3.xml")
    assert b'<c r="B2" t="str"><f>1/0</f><v>#DIV/0!</v></c>' in sheet and not through_zipfile(out)


def test_a_damaged_member_is_left_to_the_reader_as_before():
    data = bytearray(book(True, zipfile.ZIP_DEFLATED))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as z:
        info = z.getinfo("xl/worksheets/sheet3.xml")
    at = info.header_offset + 30 + len(info.filename.encode())
    data[at + 5: at + 25] = b"\xff" * 20  # the member's deflate stream broken
    with pytest.raises((zipfile.BadZipFile, zlib.error)):  # grid._read_values: the file is damaged
        errorcells.as_text(bytes(data))
