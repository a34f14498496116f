"""A zip member's bytes straight from the file's buffer: where its data starts, and its content.

For members the caller has already bounded (grid.check_zip): reading through `zipfile` costs a
local-header parse, a file-like object and a CRC per member, which for the error-cell scan of every
returned workbook was as much as the inflating itself."""
from __future__ import annotations

import struct
import zipfile
import zlib


def start(data: bytes, member: zipfile.ZipInfo) -> int:
    """Where a member's compressed data begins (after its local header). Raises BadZipFile on a
    bad local header, NotImplementedError on an encrypted member."""
    if member.flag_bits & 0x1:
        raise NotImplementedError("encrypted member")
    offset = member.header_offset
    if data[offset:offset + 4] != b"PK\x03\x04":
        raise zipfile.BadZipFile("bad local header")
    name_len, extra_len = struct.unpack_from("<HH", data, offset + 26)
    return offset + 30 + name_len + extra_len


def content(data: bytes, member: zipfile.ZipInfo) -> bytes | None:
    """A stored or deflated member's content (no CRC check: the reader checks what it parses);
    None for any other compression. Raises zlib.error on damaged data, and as `start`."""
    at = start(data, member)
    raw = data[at:at + member.compress_size]
    if member.compress_type == zipfile.ZIP_STORED:
        return raw
    if member.compress_type == zipfile.ZIP_DEFLATED:
        return zlib.decompress(raw, -15)
    return None
