"""The documents' pictures drawn with matplotlib's Agg backend (no display, no pyplot state): each
function takes plain figures and returns PNG bytes. charts.py says in words what they show and
keeps them between runs; only it imports this module, and only when a picture must be drawn.

The bytes are the same on every run: no software or time stamp in the PNG (`metadata`), fixed
size and resolution, the bundled DejaVu Sans font (å, ä, ö).
"""
from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg", force=False)
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.ticker import AutoLocator, MaxNLocator  # noqa: E402


COLOURS = {"grön": "#2E7D32", "gul": "#F9A825", "röd": "#C62828", "ej bedömt": "#9E9E9E"}
BUDGET, FORECAST, OUTCOME = "#1F3A5F", "#E07B39", "#6A9FB5"
# what a bar's colour name means (charts.py names colours, so it needs no matplotlib)
NAMED = {**COLOURS, "utförda": COLOURS["grön"], "ej utförda": COLOURS["röd"], "ej svar": COLOURS["ej bedömt"],
         "avvikelser": COLOURS["gul"], "budget": BUDGET}
DPI = 100
_RC = {"font.family": "DejaVu Sans", "font.size": 9, "axes.spines.top": False, "axes.spines.right": False,
       "svg.hashsalt": "rodtrad", "path.simplify": True}


def _png(fig: Figure) -> bytes:
    for ax in fig.axes:  # few ticks: each is a text to lay out and draw (most of a chart's cost)
        for axis, n in ((ax.xaxis, 4), (ax.yaxis, 4)):
            if isinstance(axis.get_major_locator(), AutoLocator):
                axis.set_major_locator(MaxNLocator(n))
    FigureCanvasAgg(fig)
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=DPI, metadata={"Software": None}, bbox_inches=None,
                pil_kwargs={"compress_level": 1})  # the .docx deflates it again; level 6 costs ~15 % of a chart
    return out.getvalue()


def _figure(width: float, height: float, left: float = 0.1, bottom: float = 0.15, top: float = 0.88) -> Figure:
    """A figure with fixed margins (a layout engine costs ~0.5 s a chart; margins are known here)."""
    with matplotlib.rc_context(_RC):
        fig = Figure(figsize=(width, height))
        fig.subplots_adjust(left=left, right=0.97, bottom=bottom, top=top)
        return fig


def _key(fig: Figure, entries: list[tuple[str, str, str | None]], y: float, columns: int, left: float = 0.1,
         row: float = 0.06, fontsize: float | None = None) -> None:
    """A legend as plain artists in figure coordinates: per entry (label, colour, marker) a coloured
    sample (a line with its marker, or a square for bars: marker None) and the label in
    black, `columns` to a row from `y` (the first row's middle) down by `row`. matplotlib's own
    legend lays its boxes out twice per drawing (about a quarter of a chart's time); the places here
    are known, so nothing is measured."""
    width = (0.97 - left) / columns
    for i, (label, colour, marker) in enumerate(entries):
        x, at = left + (i % columns) * width, y - (i // columns) * row
        bar = marker is None
        fig.add_artist(Line2D([x, x + 0.0175, x + 0.035], [at, at, at], transform=fig.transFigure, color=colour,
                              marker="s" if bar else marker, markevery=[1], linestyle="none" if bar else "-",
                              markersize=7 if bar else 5))
        fig.text(x + 0.045, at, label, va="center", fontsize=fontsize)


def _labels(ax, ys, labels: list[str]) -> None:
    """Category labels left of the axes at data heights `ys`, as plain texts: a tick is a text and
    three lines made and laid out by the axis machinery, which the bar charts do not need."""
    ax.set_yticks([])
    for y, label in zip(ys, labels):
        ax.text(-0.015, y, label, transform=ax.get_yaxis_transform(), ha="right", va="center")


def _short(text: str, n: int = 30) -> str:
    return text if len(text) <= n else text[:n - 1] + "…"


def _millions(value, _pos=None) -> str:
    return f"{value / 1e6:,.1f}".replace(",", " ").replace(".", ",")


def bars(bars: list[tuple[str, int, str]]) -> bytes:
    """Horizontal bars, one per (label, n, colour name in NAMED), the value written on each."""
    with matplotlib.rc_context(_RC):
        height = 0.9 + 0.35 * max(len(bars), 1)
        longest = max([len(w) for w, _, _ in bars] + [0])  # "inget nyckeltal" needs more room than "grön"
        fig = _figure(6.0, height, left=max(0.16, (0.15 + 0.075 * longest) / 6.0), bottom=0.45 / height,
                      top=1 - 0.3 / height)
        ax = fig.add_subplot()
        ax.barh(range(len(bars)), [n for _, n, _ in bars], color=[NAMED.get(c, BUDGET) for _, _, c in bars])
        _labels(ax, range(len(bars)), [w for w, _, _ in bars])
        ax.invert_yaxis()
        for i, (_, n, _) in enumerate(bars):  # the value on each bar: no value axis (its ticks cost half a chart)
            ax.text(n, i, f" {n}", va="center")
        ax.set_xticks([])
        ax.spines["bottom"].set_visible(False)
        ax.set_xlim(0, max([n for _, n, _ in bars] + [1]) * 1.12)
        return _png(fig)


def pairs(rows: list[tuple[str, float, float]], first: str, second: str) -> bytes:
    """Pairs of bars per row (name, first amount, second amount) in kr, written in millions."""
    with matplotlib.rc_context(_RC):
        height = 1.1 + 0.4 * max(len(rows), 1)
        fig = _figure(6.3, height, left=0.36, bottom=0.5 / height, top=1 - 0.3 / height)
        ax = fig.add_subplot()
        ys = range(len(rows))
        ax.barh([y - 0.2 for y in ys], [r[1] for r in rows], height=0.38, color=BUDGET)
        ax.barh([y + 0.2 for y in ys], [r[2] for r in rows], height=0.38, color=FORECAST)
        _labels(ax, ys, [_short(r[0]) for r in rows])
        ax.invert_yaxis()
        for y, r in zip(ys, rows):  # each amount on its bar, in millions: no value axis
            ax.text(r[1], y - 0.2, f" {_millions(r[1])}", va="center", fontsize=7)
            ax.text(r[2], y + 0.2, f" {_millions(r[2])}", va="center", fontsize=7)
        ax.set_xticks([])
        ax.spines["bottom"].set_visible(False)
        ax.set_xlim(min(0, *(min(r[1], r[2]) for r in rows)), max([1, *(max(r[1], r[2]) for r in rows)]) * 1.15)
        _key(fig, [(f"{first} (mnkr)", BUDGET, None), (f"{second} (mnkr)", FORECAST, None)], 0.22 / height, 2,
             left=0.36)
        return _png(fig)


def over_time(rows: list[tuple[str, float | None, float | None, float | None]]) -> bytes:
    """Lines of budget, forecast and outcome to date at each period: rows (period, budget, outcome, forecast)."""
    with matplotlib.rc_context(_RC):
        fig = _figure(6.3, 2.8, left=0.1, bottom=0.12, top=0.86)
        ax = fig.add_subplot()
        xs = list(range(len(rows)))
        key: list[tuple[str, str, str | None]] = []
        for index, label, colour, marker in ((1, "Budget", BUDGET, "s"), (3, "Prognos helår", FORECAST, "o"),
                                             (2, "Utfall hittills", OUTCOME, "^")):
            points = [(x, r[index]) for x, r in zip(xs, rows) if r[index] is not None]
            if points:
                ax.plot([p[0] for p in points], [p[1] for p in points], marker=marker, color=colour)
                key.append((label, colour, marker))
        ax.set_xticks(xs, [r[0] for r in rows])
        ax.yaxis.set_major_formatter(_millions)
        ax.set_ylabel("miljoner kr")
        _key(fig, key, 0.94, 3)
        return _png(fig)


def trends(series: list[tuple[str, list[tuple[str, float]], float | None]], periods: list[str]) -> bytes:
    """One line per indicator of its values as per cent of its target; `periods` those used, in time order."""
    with matplotlib.rc_context(_RC):
        fig = _figure(6.3, 3.2, left=0.17, bottom=0.3, top=0.95)
        ax = fig.add_subplot()
        key: list[tuple[str, str, str | None]] = []
        for name, points, target in series:
            if target:
                line, = ax.plot([periods.index(p) for p, _ in points], [100 * v / target for _, v in points],
                                marker="o")
                key.append((_short(name, 40), line.get_color(), "o"))
        ax.axhline(100, color="#555555", linestyle="--", linewidth=1)
        ax.set_xticks(range(len(periods)), periods)
        ax.set_yticks([100], ["målvärdet"])  # one tick: the line that matters (each tick costs as much as a line)
        ax.set_ylabel("% av målvärdet", fontsize=8)
        _key(fig, key, 0.19, 2, left=0.03, row=0.055, fontsize=7)
        return _png(fig)


def risks(counted: list[tuple[int, int, int]], size: int) -> bytes:
    """A size × size matrix of probability against consequence, coloured by risk class (score ≥ 9
    red, ≥ 4 yellow), with the number of risks in each cell: `counted` (probability, consequence, n)."""
    cells = {(p, c): n for p, c, n in counted}
    with matplotlib.rc_context(_RC):
        fig = _figure(4.2, 3.8, left=0.15, bottom=0.14)
        ax = fig.add_subplot()
        for p in range(1, size + 1):
            for c in range(1, size + 1):
                score = p * c
                colour = COLOURS["röd"] if score >= 9 else COLOURS["gul"] if score >= 4 else COLOURS["grön"]
                ax.add_patch(matplotlib.patches.Rectangle((c - 0.5, p - 0.5), 1, 1, color=colour, alpha=0.35))
                n = cells.get((p, c), 0)
                if n:
                    ax.text(c, p, str(n), ha="center", va="center", fontsize=11, fontweight="bold")
        ax.set_xlim(0.5, size + 0.5)
        ax.set_ylim(0.5, size + 0.5)
        ax.set_xticks(range(1, size + 1))
        ax.set_yticks(range(1, size + 1))
        ax.set_xlabel("Konsekvens")
        ax.set_ylabel("Sannolikhet")
        return _png(fig)
