"""The documents' pictures drawn with matplotlib's Agg backend (no display, no pyplot state): each
function takes plain figures and returns PNG bytes. charts.py says in words what they show and
keeps them between runs; only it imports this module, and only when a picture must be drawn.

The bars and lines are matplotlib artists placed straight on the figure (`_Area`), not in an
Axes: an Axes makes two axes, four spines and their ticks, titles and a patch, and lays them out,
for each chart (about half of a bar chart's time, 16 → 7 ms; benchmarks/README.md). The places
here are known (fixed margins, our own scale), so nothing is measured; the scale's steps are
matplotlib's own (`MaxNLocator`). The risk matrix, rare in a document, keeps its Axes.

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
from matplotlib.patches import Rectangle  # noqa: E402
from matplotlib.ticker import AutoLocator, MaxNLocator  # noqa: E402


COLOURS = {"grön": "#2E7D32", "gul": "#F9A825", "röd": "#C62828", "ej bedömt": "#9E9E9E"}
BUDGET, FORECAST, OUTCOME = "#1F3A5F", "#E07B39", "#6A9FB5"
# what a bar's colour name means (charts.py names colours, so it needs no matplotlib)
NAMED = {**COLOURS, "utförda": COLOURS["grön"], "ej utförda": COLOURS["röd"], "ej svar": COLOURS["ej bedömt"],
         "avvikelser": COLOURS["gul"], "budget": BUDGET}
# the indicators' lines, in turn (matplotlib's own default cycle, "tab10")
CYCLE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf")
DPI = 100
RIGHT = 0.97  # the plotting area's right edge, as a fraction of the figure's width
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
        fig.subplots_adjust(left=left, right=RIGHT, bottom=bottom, top=top)
        return fig


class _Area:
    """The plotting area of `fig`: data from (x0, y0) to (x1, y1) shown in the figure's box from
    (left, bottom) to (right, top) (fractions of the figure). `x`, `y` give a datum's place in
    figure fractions; every artist is the figure's own (no Axes)."""

    def __init__(self, fig: Figure, box: tuple[float, float, float, float], xlim: tuple[float, float],
                 ylim: tuple[float, float]):
        self.fig = fig
        self.left, self.bottom, self.right, self.top = box
        self.x0, self.x1 = xlim if xlim[1] != xlim[0] else (xlim[0] - 1, xlim[0] + 1)
        self.y0, self.y1 = ylim if ylim[1] != ylim[0] else (ylim[0] - 1, ylim[0] + 1)  # y0 > y1: top down

    def x(self, value: float) -> float:
        return self.left + (value - self.x0) / (self.x1 - self.x0) * (self.right - self.left)

    def y(self, value: float) -> float:
        return self.bottom + (value - self.y0) / (self.y1 - self.y0) * (self.top - self.bottom)

    def bar(self, at: float, start: float, end: float, thickness: float, colour: str) -> None:
        """A horizontal bar from `start` to `end` (x, data) centred on `at` (y, data), `thickness` in y's data units."""
        x, y = self.x(min(start, end)), self.y(at + thickness / 2)
        self.fig.add_artist(Rectangle((x, y), self.x(max(start, end)) - x, self.y(at - thickness / 2) - y,
                                      transform=self.fig.transFigure, color=colour, linewidth=0))

    def line(self, xs, ys, **style) -> None:
        self.fig.add_artist(Line2D([self.x(v) for v in xs], [self.y(v) for v in ys],
                                   transform=self.fig.transFigure, **style))

    def text(self, x: float, y: float, text: str, **style) -> None:
        self.fig.text(self.x(x), self.y(y), text, **style)

    def left_labels(self, ys, labels: list[str], marks: bool = False) -> None:
        """Labels left of the area at data heights `ys`, right-aligned: a bar chart's categories, or
        with `marks` a scale's steps, each with a short tick mark."""
        for y, label in zip(ys, labels):
            if marks:
                self.fig.add_artist(Line2D([self.left - 0.008, self.left], [self.y(y)] * 2,
                                           transform=self.fig.transFigure, color="black", linewidth=0.8))
            self.fig.text(self.left - (0.014 if marks else 0.01), self.y(y), label, ha="right", va="center")

    def bottom_labels(self, xs, labels: list[str], upright: bool = False, height: float = 0.0) -> None:
        """Labels under the area at data places `xs`, each with a short tick mark; `upright`: turned
        a quarter (read from below), for labels wider than their place (`height`: the figure's, inches)."""
        tick = 0.02 if not upright else 0.056 / height
        for x, label in zip(xs, labels):
            self.fig.add_artist(Line2D([self.x(x)] * 2, [self.bottom, self.bottom - tick],
                                       transform=self.fig.transFigure, color="black", linewidth=0.8))
            if upright:
                self.fig.text(self.x(x), self.bottom - tick * 1.6, label, ha="center", va="top", rotation=90)
            else:
                self.fig.text(self.x(x), self.bottom - 0.035, label, ha="center", va="top")

    def edge(self, which: str) -> None:
        """The area's left or bottom edge as a line (the spine of an Axes)."""
        x = [self.left, self.left] if which == "left" else [self.left, self.right]
        y = [self.bottom, self.top] if which == "left" else [self.bottom, self.bottom]
        self.fig.add_artist(Line2D(x, y, transform=self.fig.transFigure, color="black", linewidth=0.8))


def _scale(values: list[float], steps: int = 4) -> tuple[tuple[float, float], list[float]]:
    """Limits for `values` with 5 % air each side (matplotlib's own margin), and the scale's steps
    within them as matplotlib's MaxNLocator chooses them (at most `steps` + 1 round numbers)."""
    lo, hi = min(values), max(values)
    air = (hi - lo) * 0.05 or abs(hi) * 0.05 or 1.0
    lo, hi = lo - air, hi + air
    return (lo, hi), [float(t) for t in MaxNLocator(steps).tick_values(lo, hi) if lo <= t <= hi]


def _key(fig: Figure, entries: list[tuple[str, str, str | None]], y: float, columns: int, left: float = 0.1,
         row: float = 0.06, fontsize: float | None = None) -> None:
    """A legend as plain artists in figure coordinates: per entry (label, colour, marker) a coloured
    sample (a line with its marker, or a square for bars: marker None) and the label in
    black, `columns` to a row from `y` (the first row's middle) down by `row`. matplotlib's own
    legend lays its boxes out twice per drawing (about a quarter of a chart's time); the places here
    are known, so nothing is measured."""
    width = (RIGHT - left) / columns
    for i, (label, colour, marker) in enumerate(entries):
        x, at = left + (i % columns) * width, y - (i // columns) * row
        bar = marker is None
        fig.add_artist(Line2D([x, x + 0.0175, x + 0.035], [at, at, at], transform=fig.transFigure, color=colour,
                              marker="s" if bar else marker, markevery=[1], linestyle="none" if bar else "-",
                              markersize=7 if bar else 5))
        fig.text(x + 0.045, at, label, va="center", fontsize=fontsize)


def _short(text: str, n: int = 30) -> str:
    return text if len(text) <= n else text[:n - 1] + "…"


def _millions(value, _pos=None) -> str:
    return f"{value / 1e6:,.1f}".replace(",", " ").replace(".", ",")


def bars(bars: list[tuple[str, int, str]]) -> bytes:
    """Horizontal bars, one per (label, n, colour name in NAMED), the value written on each."""
    with matplotlib.rc_context(_RC):
        height = 0.9 + 0.35 * max(len(bars), 1)
        longest = max([len(w) for w, _, _ in bars] + [0])  # "inget nyckeltal" needs more room than "grön"
        box = (max(0.16, (0.15 + 0.075 * longest) / 6.0), 0.45 / height, RIGHT, 1 - 0.3 / height)
        fig = _figure(6.0, height, *box[:2], box[3])
        # first bar at the top; the value written after each bar (no value axis: its ticks cost half a chart)
        area = _Area(fig, box, (0, max([n for _, n, _ in bars] + [1]) * 1.12), (len(bars) - 0.4, -0.6))
        for i, (label, n, colour) in enumerate(bars):
            area.bar(i, 0, n, 0.8, NAMED.get(colour, BUDGET))
            area.text(n, i, f" {n}", va="center")
        area.left_labels(range(len(bars)), [w for w, _, _ in bars])
        area.edge("left")
        return _png(fig)


def pairs(rows: list[tuple[str, float, float]], first: str, second: str) -> bytes:
    """Pairs of bars per row (name, first amount, second amount) in kr, written in millions."""
    with matplotlib.rc_context(_RC):
        height = 1.1 + 0.4 * max(len(rows), 1)
        box = (0.36, 0.5 / height, RIGHT, 1 - 0.3 / height)
        fig = _figure(6.3, height, *box[:2], box[3])
        least = min([0.0] + [min(r[1], r[2]) for r in rows])
        most = max([0.0] + [max(r[1], r[2]) for r in rows])
        air = (most - least or 1.0) * 0.15  # room for the amounts written beyond the bars' ends
        area = _Area(fig, box, (least - air if least < 0 else 0, most + air if most > 0 or not least else 0),
                     (len(rows) - 0.4, -0.6))
        for y, r in enumerate(rows):  # each amount at its bar's end, in millions: no value axis
            for amount, at, colour in ((r[1], y - 0.2, BUDGET), (r[2], y + 0.2, FORECAST)):
                area.bar(at, 0, amount, 0.38, colour)
                if amount < 0:
                    area.text(amount, at, f"{_millions(amount)} ", va="center", ha="right", fontsize=7)
                else:
                    area.text(amount, at, f" {_millions(amount)}", va="center", fontsize=7)
        area.left_labels(range(len(rows)), [_short(r[0]) for r in rows])
        area.line([0, 0], [area.y0, area.y1], color="black", linewidth=0.8)  # the zero line
        _key(fig, [(f"{first} (mnkr)", BUDGET, None), (f"{second} (mnkr)", FORECAST, None)], 0.22 / height, 2,
             left=0.36)
        return _png(fig)


def over_time(rows: list[tuple[str, float | None, float | None, float | None]], labels: list[str] | None = None) -> bytes:
    """Lines of budget, forecast and outcome to date at each period: rows (period, budget, outcome, forecast);
    `labels` the periods' names under the line (default: each row's period). Labels too wide for
    their place are written upright, and the picture grows to hold them (`_under`)."""
    names = [_short(n) for n in (labels if labels and len(labels) == len(rows) else [str(r[0]) for r in rows])]
    with matplotlib.rc_context(_RC):
        values = [r[i] for r in rows for i in (1, 2, 3) if r[i] is not None]
        ylim, steps = _scale(values or [0.0])
        # left of the area: the scale's name (upright, ~0.3 in from the edge) and its widest step
        left = (0.3 + max([_inches(_millions(s)) for s in steps] + [0.3]) + 0.12) / 6.3
        xlim = _xlimits(len(rows))
        upright, extra = _under(names, xlim, left, 6.3)
        height = 2.8 + extra
        box = (left, (0.12 * 2.8 + extra) / height, RIGHT, 1 - 0.14 * 2.8 / height)
        fig = _figure(6.3, height, *box[:2], box[3])
        xs = list(range(len(rows)))
        area = _Area(fig, box, xlim, ylim)
        key: list[tuple[str, str, str | None]] = []
        for index, label, colour, marker in ((1, "Budget", BUDGET, "s"), (3, "Prognos helår", FORECAST, "o"),
                                             (2, "Utfall hittills", OUTCOME, "^")):
            points = [(x, r[index]) for x, r in zip(xs, rows) if r[index] is not None]
            if points:
                area.line([p[0] for p in points], [p[1] for p in points], marker=marker, color=colour, linewidth=1.5,
                          markersize=6)
                key.append((label, colour, marker))
        area.bottom_labels(xs, names, upright=upright, height=height)
        area.left_labels(steps, [_millions(s) for s in steps], marks=True)
        area.edge("left")
        area.edge("bottom")
        fig.text(0.015, (box[1] + box[3]) / 2, "miljoner kr", rotation=90, ha="left", va="center")
        _key(fig, key, 1 - 0.06 * 2.8 / height, 3)
        return _png(fig)


def _inches(text: str, size: float = 9) -> float:
    """A generous width of `text` in DejaVu Sans at `size` pt (~0.62 em a letter: digits are 0.64 em, most lower-case letters less)."""
    return len(text) * size * 0.62 / 72


def _under(names: list[str], xlim: tuple[float, float], left: float, width: float) -> tuple[bool, float]:
    """Whether the labels `names` under periods 0..n-1 (shown from xlim[0] to xlim[1] between `left` and
    RIGHT of a figure `width` inches wide) must be upright: one is wider than the room between two
    periods, or half of one than the room to the picture's edge; and how many inches more the
    figure then needs below the area (a label across takes ~0.3 in there)."""
    room = (RIGHT - left) * width / (xlim[1] - xlim[0])  # inches from one period to the next
    edge = min(left * width + room * (0 - xlim[0]), (1 - RIGHT) * width + room * (xlim[1] - (len(names) - 1)))
    wide = max([_inches(n) for n in names] + [0.0])
    upright = (len(names) > 1 and wide > room * 0.9) or wide / 2 > edge
    return upright, (max(0.0, wide + 0.15 - 0.3) if upright else 0.0)


def _xlimits(n: int) -> tuple[float, float]:
    """Periods 0..n-1 with air each side (a single period in the middle)."""
    air = max(0.05 * (n - 1), 0.3)
    return -air, n - 1 + air


def trends(series: list[tuple[str, list[tuple[str, float]], float | None]], periods: list[str]) -> bytes:
    """One line per indicator of its values as per cent of its target: series (name, [(period, value)],
    target[, lower is better]); `periods` those used, in time order. A lower-is-better line says so in the key.
    The scale's steps are per cent of the target, the target's own step named "målvärdet"."""
    with matplotlib.rc_context(_RC):
        lines = [(_short(name, 26) + " (lägre är bättre)" if lower and lower[0] else _short(name, 44),
                  [(periods.index(p), 100 * v / target) for p, v in points])
                 for name, points, target, *lower in series if target]
        ylim, steps = _scale([100.0] + [v for _, points in lines for _, v in points])
        labels = [f"{s:,.0f} %".replace(",", " ") for s in steps]
        left = max(0.17, (0.3 + max([_inches(t) for t in labels] + [0.0]) + 0.12) / 6.3)
        xlim = _xlimits(len(periods))
        upright, extra = _under(periods, xlim, left, 6.3)
        height = 3.2 + extra
        box = (left, (0.96 + extra) / height, RIGHT, 1 - 0.16 / height)
        fig = _figure(6.3, height, *box[:2], box[3])
        area = _Area(fig, box, xlim, ylim)
        key: list[tuple[str, str, str | None]] = []
        area.line([area.x0, area.x1], [100, 100], color="#555555", linestyle="--", linewidth=1)
        for i, (name, points) in enumerate(lines):
            colour = CYCLE[i % len(CYCLE)]
            area.line([x for x, _ in points], [v for _, v in points], marker="o", color=colour, linewidth=1.5,
                      markersize=6)
            key.append((name, colour, "o"))
        area.bottom_labels(range(len(periods)), periods, upright=upright, height=height)
        # the target's line named, and the steps of the scale not too near it (a label is ~0.16 in high)
        near = 0.2 * (ylim[1] - ylim[0]) / ((box[3] - box[1]) * height)
        shown = [(100.0, "målvärdet")] + [(s, t) for s, t in zip(steps, labels) if abs(s - 100) > near]
        area.left_labels([s for s, _ in shown], [t for _, t in shown], marks=True)
        area.edge("left")
        area.edge("bottom")
        fig.text(0.015, (box[1] + box[3]) / 2, "% av målvärdet", rotation=90, ha="left", va="center", fontsize=8)
        _key(fig, key, 0.61 / height, 2, left=0.03, row=0.176 / height, fontsize=7)
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
