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


def capped(items: list, limit: int, more="… och {n} till") -> list:
    """At most `limit` of `items`; when some are left out, the last shown is followed by `more`: a
    str with {n} the number left out, or a function of that number (to make its noun agree with
    `count`). limit <= 0: all of them."""
    if limit <= 0 or len(items) <= limit:
        return list(items)
    n = len(items) - limit
    return [*items[:limit], more(n) if callable(more) else more.format(n=n)]


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


OS_ERRORS = {errno.ENOSPC: ("disken är full", "the disk is full"),
             errno.EACCES: ("behörighet saknas", "permission denied"),
             errno.EPERM: ("behörighet saknas", "permission denied"),
             errno.EROFS: ("platsen är skrivskyddad", "the place is read-only"),
             errno.ENOENT: ("filen eller mappen finns inte", "no such file or folder"),
             errno.EBUSY: ("filen används av ett annat program", "the file is used by another program"),
             errno.EISDIR: ("det är en mapp, inte en fil", "it is a folder, not a file"),
             errno.ENOTDIR: ("det är en fil, inte en mapp", "it is a file, not a folder"),
             errno.EEXIST: ("finns redan", "exists already"),
             errno.ENAMETOOLONG: ("namnet är för långt", "the name is too long"),
             errno.EMFILE: ("för många öppna filer", "too many open files"),
             errno.ENOMEM: ("minnet räckte inte", "out of memory"),
             errno.EIO: ("läsfel på disken", "a read error on the disk"),
             errno.ECONNREFUSED: ("anslutningen nekades", "the connection was refused"),
             errno.ECONNRESET: ("anslutningen bröts", "the connection was reset"),
             errno.ETIMEDOUT: ("inget svar inom tidsgränsen", "no answer in time"),
             errno.ENETUNREACH: ("nätverket går inte att nå", "the network is unreachable"),
             errno.EHOSTUNREACH: ("servern går inte att nå", "the server is unreachable")}
HTTP = {400: ("ogiltig fråga", "bad request"), 401: ("inloggning krävs", "login required"),
        403: ("åtkomst nekad", "access denied"), 404: ("finns inte", "not found"),
        429: ("för många frågor; försök senare", "too many requests; try later"),
        500: ("fel hos servern", "server error"), 502: ("fel hos servern", "server error"),
        503: ("tjänsten är inte tillgänglig just nu", "the service is unavailable"),
        504: ("servern svarade inte i tid", "the server did not answer in time")}
UNEXPECTED = Said("ett oväntat fel", "an unexpected error")


def explain(exc: BaseException, default: str = UNEXPECTED, file: bool = True) -> Said:
    """What went wrong, in Swedish (a `Said`: its English in `.en`, for --lang en), from the
    exception a library raised: never its English message, never its class name. An exception of a
    kind not known here is `default` (the CLI adds that RODTRAD_DEBUG=1 shows the traceback to
    whoever maintains the installation). `file`: an OS error names its file, in parentheses."""
    sv, en = _explain(exc, file)
    if sv is None:
        return default if isinstance(default, Said) else Said(default)
    return Said(sv, en)


def _explain(exc: BaseException, file: bool = True) -> tuple[str | None, str | None]:
    import ssl  # noqa: PLC0415
    import urllib.error  # noqa: PLC0415

    if isinstance(exc, json.JSONDecodeError):
        return (f"ogiltig JSON på rad {exc.lineno}, kolumn {exc.colno}",
                f"invalid JSON at line {exc.lineno}, column {exc.colno}")
    if isinstance(exc, UnicodeDecodeError):
        return (f"tecknen går inte att läsa som {exc.encoding} (byte {exc.start + 1})",
                f"the characters cannot be read as {exc.encoding} (byte {exc.start + 1})")
    if isinstance(exc, UnicodeError):
        return "tecknen går inte att läsa i den teckenkodningen", "the characters cannot be read in that encoding"
    if isinstance(exc, (zipfile.BadZipFile, zipfile.LargeZipFile)):
        return ("filen är ingen hel zip-fil (skadad, avkapad eller av ett annat slag)",
                "the file is not a whole zip file (damaged, cut short or of another kind)")
    if isinstance(exc, zlib.error):
        return "filen är skadad (innehållet går inte att packa upp)", "the file is damaged (its content cannot be unpacked)"
    if isinstance(exc, urllib.error.HTTPError):
        sv, en = HTTP.get(exc.code, ("", ""))
        return (f"servern svarade {exc.code}" + (f" ({sv})" if sv else ""),
                f"the server answered {exc.code}" + (f" ({en})" if en else ""))
    if isinstance(exc, urllib.error.URLError):
        if isinstance(exc.reason, BaseException):
            return _explain(exc.reason, file)
        return "adressen går inte att nå", "the address cannot be reached"
    if isinstance(exc, socket.gaierror):
        return ("adressen går inte att slå upp: namnet finns inte, eller nätverk saknas",
                "the address cannot be looked up: the name does not exist, or there is no network")
    if isinstance(exc, ssl.SSLError):
        return "en säker anslutning (TLS) gick inte att upprätta", "a secure connection (TLS) could not be made"
    if isinstance(exc, (TimeoutError, socket.timeout)):
        return "inget svar inom tidsgränsen", "no answer in time"
    if isinstance(exc, OSError):
        sv, en = OS_ERRORS.get(exc.errno) or ((f"systemfel {exc.errno}", f"system error {exc.errno}") if exc.errno
                                               else ("filen eller nätverket gick inte att använda",
                                                     "the file or the network could not be used"))
        where = f" ({exc.filename})" if exc.filename and file else ""
        return sv + where, en + where
    if isinstance(exc, MemoryError):
        return "minnet räckte inte", "out of memory"
    if isinstance(exc, RecursionError):
        return "innehållet är för djupt nästlat", "the content is nested too deeply"
    if isinstance(exc, KeyError) and exc.args:
        return f"fältet {exc.args[0]} saknas", f"the field {exc.args[0]} is missing"
    return None, None
