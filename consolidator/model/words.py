"""Words a user reads: a count with its noun in agreement ("1 arbetsbok", "3 arbetsböcker"), a long
list cut with "… och N till", and what went wrong said in Swedish instead of a library's English
message or an exception's class name.

Every sentence a unit, the economy department or an auditor reads goes through these (or through a
finding, `model.findings`): no "1 arbetsböcker", no "[Errno -2] Name or service not known", no
"(BadZipFile)".
"""
from __future__ import annotations

import errno
import json
import socket
import zipfile
import zlib


def count(n: int, one: str, many: str) -> str:
    """`n` and the noun (or adjective) that agrees with it: count(1, "arbetsbok", "arbetsböcker") ->
    "1 arbetsbok"; count(3, ...) -> "3 arbetsböcker"; 0 takes the plural, as in Swedish and English.
    Numbers of four digits or more get the Swedish thousands space (12 345)."""
    number = f"{n:,}".replace(",", "\u00a0") if abs(n) >= 10000 else str(n)
    return f"{number} {one if n == 1 else many}"


def capped(items: list, limit: int, more: str = "… och {n} till") -> list:
    """At most `limit` of `items`; when some are left out, the last shown is followed by `more` with
    {n} the number left out (a str item). limit <= 0: all of them."""
    if limit <= 0 or len(items) <= limit:
        return list(items)
    return [*items[:limit], more.format(n=len(items) - limit)]


class Said(str):
    """A Swedish sentence that carries its English (`.en`): used where a plain str is expected (==,
    JSON, the reason of an ignored file) and shown in the user's language by `in_language`."""

    en: str

    def __new__(cls, sv: str, en: str = ""):
        said = super().__new__(cls, sv)
        said.en = en or sv
        return said


def in_language(text: str, lang: str) -> str:
    """`text` in `lang` ("sv" or "en"): a Said's English when asked for, else the text as it is."""
    return getattr(text, "en", text) if lang == "en" else str(text)


OS_ERRORS = {errno.ENOSPC: "disken är full", errno.EACCES: "behörighet saknas", errno.EPERM: "behörighet saknas",
             errno.EROFS: "platsen är skrivskyddad", errno.ENOENT: "filen eller mappen finns inte",
             errno.EBUSY: "filen används av ett annat program", errno.EISDIR: "det är en mapp, inte en fil",
             errno.ENOTDIR: "det är en fil, inte en mapp", errno.EEXIST: "finns redan",
             errno.ENAMETOOLONG: "namnet är för långt", errno.EMFILE: "för många öppna filer",
             errno.ENOMEM: "minnet räckte inte", errno.EIO: "läsfel på disken",
             errno.ECONNREFUSED: "anslutningen nekades", errno.ECONNRESET: "anslutningen bröts",
             errno.ETIMEDOUT: "inget svar inom tidsgränsen", errno.ENETUNREACH: "nätverket går inte att nå",
             errno.EHOSTUNREACH: "servern går inte att nå"}
HTTP = {400: "ogiltig fråga", 401: "inloggning krävs", 403: "åtkomst nekad", 404: "finns inte",
        429: "för många frågor; försök senare", 500: "fel hos servern", 502: "fel hos servern",
        503: "tjänsten är inte tillgänglig just nu", 504: "servern svarade inte i tid"}


def explain(exc: BaseException, default: str = "ett oväntat fel") -> str:
    """What went wrong, in Swedish, from the exception a library raised: never its English message,
    never its class name. An exception of a kind not known here is `default` (the CLI adds that
    RODTRAD_DEBUG=1 shows the traceback to whoever maintains the installation)."""
    import ssl  # noqa: PLC0415
    import urllib.error  # noqa: PLC0415

    if isinstance(exc, json.JSONDecodeError):
        return f"ogiltig JSON på rad {exc.lineno}, kolumn {exc.colno}"
    if isinstance(exc, UnicodeDecodeError):
        return f"tecknen går inte att läsa som {exc.encoding} (byte {exc.start + 1})"
    if isinstance(exc, UnicodeError):
        return "tecknen går inte att läsa i den teckenkodningen"
    if isinstance(exc, (zipfile.BadZipFile, zipfile.LargeZipFile)):
        return "filen är ingen hel zip-fil (skadad, avkapad eller av ett annat slag)"
    if isinstance(exc, zlib.error):
        return "filen är skadad (innehållet går inte att packa upp)"
    if isinstance(exc, urllib.error.HTTPError):
        return f"servern svarade {exc.code}" + (f" ({HTTP[exc.code]})" if exc.code in HTTP else "")
    if isinstance(exc, urllib.error.URLError):
        reason = exc.reason
        return explain(reason, default) if isinstance(reason, BaseException) else "adressen går inte att nå"
    if isinstance(exc, socket.gaierror):
        return "adressen går inte att slå upp: namnet finns inte, eller nätverk saknas"
    if isinstance(exc, ssl.SSLError):
        return "en säker anslutning (TLS) gick inte att upprätta"
    if isinstance(exc, (TimeoutError, socket.timeout)):
        return "inget svar inom tidsgränsen"
    if isinstance(exc, OSError):
        said = OS_ERRORS.get(exc.errno) or (f"systemfel {exc.errno}" if exc.errno else "filen eller nätverket "
                                                                                         "gick inte att använda")
        return said + (f" ({exc.filename})" if exc.filename else "")
    if isinstance(exc, MemoryError):
        return "minnet räckte inte"
    if isinstance(exc, RecursionError):
        return "innehållet är för djupt nästlat"
    if isinstance(exc, KeyError) and exc.args:
        return f"fältet {exc.args[0]} saknas"
    return default
