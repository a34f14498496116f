"""The documents' pictures: what each shows in words, and its PNG, drawn once and kept.

Every chart returns PNG bytes and an alternative text that says what it shows in words and
figures (WCAG 2.1 1.1.1). The drawing is drawing.py's (matplotlib); this module imports it only
when a picture is not already kept, so a run whose charts are all kept never loads matplotlib.

`Charts(cache)` keeps each PNG in the folder `cache` (the workspace's .cache/diagram), named by
the SHA-256 of what it shows, drawing.py's own source and matplotlib's version: the same figures
always give the same file, and a new release or matplotlib draws anew. A re-consolidation
redraws only what changed (the economy department consolidates a period again as late files come
in, and writes the documents again as it edits its own texts). The PNG bytes are the same drawn or
kept (drawing.py), so a document is byte for byte the same either way. A kept file that is not a
whole PNG (a write cut short) is drawn anew (`_kept`). An auditor's rebuild (verify) draws
everything and keeps nothing, so a picture changed in the cache cannot pass as the consolidated one. The folder is bounded: the least recently used files beyond
`KEEP` are removed (`prune`).
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from importlib import metadata
from pathlib import Path

from .numbers import kr, num

LIGHTS = ("grön", "gul", "röd", "ej bedömt")
KEEP = 1000  # files in the cache at most (~20 KB each, ~20 MB on a shared drive): the demo's 28 charts a run, 35 runs
_MAGIC = b"\x89PNG\r\n\x1a\n"


def _version() -> str:
    """What the pictures depend on beyond their figures: drawing.py's source and matplotlib's version."""
    global _VERSION
    if _VERSION is None:
        here = Path(__file__).parent
        source = b"".join((here / name).read_bytes() for name in ("drawing.py", "numbers.py"))
        try:
            mpl = metadata.version("matplotlib")
        except metadata.PackageNotFoundError:
            mpl = "?"
        _VERSION = hashlib.sha256(source + mpl.encode()).hexdigest()[:16]
    return _VERSION


_VERSION: str | None = None


class Charts:
    """The charts of documents; `cache`: the folder PNGs are kept in (None: every picture drawn).
    `drawn` and `kept` count the pictures of this object's life (for the benchmark and tests)."""

    def __init__(self, cache: Path | str | None = None):
        self.cache = Path(cache) if cache else None
        self.drawn = self.kept = 0

    def _picture(self, kind: str, *args) -> bytes:
        """The PNG of drawing.`kind`(*args): kept when it was drawn before, else drawn (and kept)."""
        path = None
        if self.cache is not None:
            key = hashlib.sha256(json.dumps([kind, _version(), args], ensure_ascii=False, default=str)
                                 .encode()).hexdigest()
            path = self.cache / f"{key}.png"
            png = _kept(path)
            if png is not None:
                self.kept += 1
                return png
        from . import drawing  # noqa: PLC0415  # matplotlib: only when a picture is drawn

        png = getattr(drawing, kind)(*args)
        self.drawn += 1
        if path is not None:
            _keep(path, png)
        return png

    def lights(self, counts: dict[str, int], what: str) -> tuple[bytes, str]:
        """Horizontal bars: how many goals (or indicators) have each light; `counts` light -> n. A word
        that is no light (a goal's reason for having none: "inget nyckeltal") is a grey bar of its own."""
        order = [w for w in LIGHTS if counts.get(w)] + sorted(w for w in counts if w not in LIGHTS and counts[w])
        png = self._picture("bars", [(w, counts[w], w if w in LIGHTS else "ej bedömt") for w in order])
        said = ", ".join(f"{counts[w]} {w}" for w in order) or "inga"
        return png, f"Stapeldiagram: {what.lower()} per trafikljus, {sum(counts.values())} totalt: {said}."

    def controls(self, counts: list[tuple[str, int]]) -> tuple[bytes, str]:
        """The internal control's results: (what, n) such as ("utförda", 20), ("avvikelser", 2)."""
        png = self._picture("bars", [(w, n, w) for w, n in counts])
        said = ", ".join(f"{w} {n}" for w, n in counts)
        return png, f"Stapeldiagram: intern kontroll, kontrollmomentens resultat: {said}."

    def budget_forecast(self, rows: list[tuple[str, float, float]], first: str, second: str) -> tuple[bytes, str]:
        """Pairs of bars per node: (name, budget, forecast) in kr; `first`/`second` name the two amounts."""
        png = self._picture("pairs", [list(r) for r in rows], first, second)
        said = "; ".join(f"{name}: {first.lower()} {kr(a)} kr, {second.lower()} {kr(b)} kr" for name, a, b in rows)
        return png, f"Stapeldiagram: {first.lower()} och {second.lower()} per rad i tabellen ovan. {said}."

    def forecast_over_time(self, rows: list[tuple[str, float | None, float | None, float | None]],
                           labels: list[str] | None = None) -> tuple[bytes, str]:
        """The year's forecast at each consolidated period: rows (period, budget, outcome to date, forecast) in kr;
        `labels` what the picture writes under each period (short: `month`), the words name the periods."""
        png = self._picture("over_time", [list(r) for r in rows], *([list(labels)] if labels else []))
        said = "; ".join(f"{p}: budget {kr(b)} kr, utfall {kr(o)} kr, prognos {kr(f)} kr" for p, b, o, f in rows)
        return png, f"Linjediagram: budget, utfall hittills och helårsprognos vid varje uppföljning. {said}."

    def indicator_trends(self, series: list[tuple], periods: list[str]) -> tuple[bytes, str]:
        """Each indicator's values period by period as per cent of its target (100 = the target reached):
        series of (name, [(period, value)], target[, lower]), `periods` in time order; one line per
        indicator. `lower`: lower is better (sjukfrånvaro), said in the key and the words, since its
        line above the target is the worse side."""
        series = [(s[0], s[1], s[2], bool(s[3]) if len(s) > 3 else False) for s in series]
        used = {p for _, points, _, _ in series for p, _ in points}
        periods = [p for p in periods if p in used]
        png = self._picture("trends", [[name, [list(pt) for pt in points], target, *([True] if lower else [])]
                                       for name, points, target, lower in series], periods)
        said = "; ".join(f"{name}: " + ", ".join(f"{p} {num(v)}" for p, v in points) + f" (målvärde {num(t)}"
                         + (", lägre är bättre)" if lower else ")") for name, points, t, lower in series)
        return png, f"Linjediagram per nyckeltal: utfall period för period mot målvärdet. {said}."

    def risk_matrix(self, cells: dict[tuple[int, int], int], size: int = 4) -> tuple[bytes, str]:
        """Risks counted by (probability, consequence), each 1..size; colour by risk class (score ≥ 9 red, ≥ 4 yellow)."""
        size = max([size, *(max(k) for k in cells)] if cells else [size])
        png = self._picture("risks", [[p, c, cells[(p, c)]] for p, c in sorted(cells)], size)
        said = "; ".join(f"sannolikhet {p} och konsekvens {c}: {n}" for (p, c), n in sorted(cells.items())) or "inga risker"
        return png, (f"Riskmatris med sannolikhet (1–{size}) mot konsekvens (1–{size}); riskvärde = sannolikhet × konsekvens, "
                     f"röd från 9, gul från 4. Antal risker per ruta: {said}. Totalt {sum(cells.values())} risker.")


MONTHS = ("jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec")


def month(dates: list[str | None]) -> list[str] | None:
    """Each period's month as a chart writes it under its point ("jan", …, "dec"; "dec 26" when the
    periods are of more than one year), from its date (ISO, the period's last day: a year has one
    period a month at most, model/periodcheck.py); None when a date is missing or two share a month."""
    try:
        parts = [(int(d[:4]), int(d[5:7])) for d in dates]
    except (TypeError, ValueError):
        return None
    if len(set(parts)) != len(parts) or not all(1 <= m <= 12 for _, m in parts):
        return None
    years = len({y for y, _ in parts}) > 1
    return [MONTHS[m - 1] + (f" {y % 100:02d}" if years else "") for y, m in parts]


def holds_any(cache: Path | str | None) -> bool:
    """Whether the folder `cache` keeps any chart."""
    try:
        return cache is not None and any(e.name.endswith(".png") for e in os.scandir(cache))
    except OSError:
        return False


def load_drawing() -> None:
    """Load drawing.py and matplotlib now (before worker processes fork, so they share it)."""
    from . import drawing  # noqa: F401, PLC0415


def _kept(path: Path) -> bytes | None:
    """A kept PNG, or None when there is none (or it is no PNG: a broken write is drawn anew).
    Its time is touched, so `prune` removes the least recently used first."""
    try:
        png = path.read_bytes()
    except OSError:
        return None
    if not png.startswith(_MAGIC) or not png.endswith(b"IEND\xaeB`\x82"):
        return None
    try:
        os.utime(path)
    except OSError:
        pass  # a read-only cache still serves
    return png


_UMASK = os.umask(0o022)  # read once, at import (before any thread or worker): setting it is the only way
os.umask(_UMASK)


def _keep(path: Path, png: bytes) -> None:
    """Write `png` to `path` whole or not at all (another process may read it meanwhile); a cache
    that cannot be written is no error: the picture is in the document either way."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
        os.fchmod(fd, 0o666 & ~_UMASK)  # mkstemp's 0600 would keep a colleague's run from the shared cache
        with os.fdopen(fd, "wb") as out:
            out.write(png)
        os.replace(tmp, path)
    except OSError:
        return


def prune(cache: Path | str, keep: int = KEEP) -> int:
    """Remove the least recently used PNGs of `cache` beyond `keep`, and stray temporary files;
    returns how many were removed."""
    folder = Path(cache)
    try:
        entries = [(e.stat().st_mtime, e.path) for e in os.scandir(folder) if e.is_file()]
    except OSError:
        return 0
    stray = [p for _, p in entries if not p.endswith(".png")]
    pngs = sorted((e for e in entries if e[1].endswith(".png")), reverse=True)
    removed = 0
    for path in stray + [p for _, p in pngs[keep:]]:
        try:
            os.unlink(path)
            removed += 1
        except OSError:
            pass  # removed by another run meanwhile, or not ours to remove: the next prune tries again
    return removed


_PLAIN = Charts()  # every picture drawn (tests, and callers without a workspace)
lights, controls, budget_forecast = _PLAIN.lights, _PLAIN.controls, _PLAIN.budget_forecast
forecast_over_time, indicator_trends, risk_matrix = _PLAIN.forecast_over_time, _PLAIN.indicator_trends, _PLAIN.risk_matrix
