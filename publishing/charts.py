"""Server-side SVG bar charts for the dashboard: no JavaScript, no CDN, nothing to fetch.

Every chart is drawn in a fixed coordinate system (``viewBox``) and scales to the width of the
page, so all years show on a phone and on a desktop without scrolling. Monthly charts share one
time axis (the same first and last month, the same x for a month), so their bars line up.
Counts come from the canned queries named on each chart, so the chart and the downloadable
numbers always agree.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

PALETTE = ("#1f6f8b", "#e07b39", "#6a994e", "#8e5ea2", "#bc4749")
WIDTH, HEIGHT = 720, 220
LEFT, RIGHT, TOP, BOTTOM = 58, 8, 14, 58  # room below for two rows of year labels on phones


@dataclass(frozen=True)
class Series:
    """Counts per (x key, series name): x keys are months ``YYYY-MM`` or crawl labels."""

    keys: list[str]
    names: list[str]
    counts: dict[tuple[str, str], int]

    def total(self, name: str) -> int:
        return sum(n for (_, s), n in self.counts.items() if s == name)

    def stack(self, key: str) -> int:
        return sum(self.counts.get((key, name), 0) for name in self.names)


def monthly_series(rows: list[tuple[str, str, int]], months: list[str] | None = None,
                   names: list[str] | None = None) -> Series:
    """A series from ``(month 'YYYY-MM', name, count)`` rows over ``months`` (default: every
    month from the first to the last row)."""
    counts: dict[tuple[str, str], int] = {}
    for month, name, n in rows:
        if month:
            counts[(month[:7], name)] = counts.get((month[:7], name), 0) + int(n)
    found = sorted({name for _, name in counts})
    names = [n for n in (names or []) if n in found] + [n for n in found if n not in (names or [])]
    if months is None:
        months = month_range(min(m for m, _ in counts), max(m for m, _ in counts)) if counts else []
    return Series(months, names, counts)


def shared_months(*row_sets: list[tuple[str, str, int]]) -> list[str]:
    """The one month axis for several monthly charts: from the earliest to the latest month."""
    months = [r[0][:7] for rows in row_sets for r in rows if r[0]]
    return month_range(min(months), max(months)) if months else []


def bar_chart_svg(title: str, series: Series, *, axis: str = "month", labels: dict[str, str] | None = None) -> Markup:
    """Stacked bars (one colour per series name) with y ticks and gridlines, and an x axis of
    years (``axis="month"``) or of the given ``labels`` (one per key, thinned to fit)."""
    if not series.keys or not series.counts:
        return Markup(f"<p class=\"chart-empty\">No data for {escape(title)} yet.</p>")
    peak = max(series.stack(k) for k in series.keys) or 1
    ticks = nice_ticks(peak)
    top = ticks[-1]
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / len(series.keys)
    bar_w = max(slot * 0.8, 0.5)
    y = lambda v: TOP + plot_h - plot_h * v / top  # noqa: E731
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="bar-chart" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'preserveAspectRatio="xMidYMid meet"><title>{escape(title)}</title>'
    ]
    for t in ticks:
        parts.append(f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(t):.1f}" y2="{y(t):.1f}"/>'
                     f'<text class="axis y-tick" x="{LEFT - 4}" y="{y(t) + 4:.1f}" text-anchor="end">{_short(t)}</text>')
    for i, key in enumerate(series.keys):
        x0, base = LEFT + i * slot, 0
        for j, name in enumerate(series.names):
            n = series.counts.get((key, name), 0)
            if not n:
                continue
            parts.append(
                f'<rect class="bar" data-series="{escape(name)}" data-site="{escape(name)}" data-month="{escape(key)}" '
                f'data-count="{n}" x="{x0:.2f}" y="{y(base + n):.2f}" width="{bar_w:.2f}" '
                f'height="{max(y(base) - y(base + n), 0.5):.2f}" fill="{_colour(j)}">'
                f'<title>{escape(key)} {escape(name)}: {n:,}</title></rect>')
            base += n
    parts.append(f'<line class="axis-line" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{TOP + plot_h}" y2="{TOP + plot_h}"/>')
    parts += _x_labels(series.keys, slot, axis, labels or {})
    parts.append("</svg>")
    return Markup("".join(parts))


def _x_labels(keys: list[str], slot: float, axis: str, labels: dict[str, str]) -> list[str]:
    base_y = HEIGHT - BOTTOM + 24
    out = []
    if axis == "month":
        years = [(i, key) for i, key in enumerate(keys) if i == 0 or key.endswith("-01")]
        for n, (i, key) in enumerate(years):
            x = LEFT + i * slot
            alt = " x-alt" if n % 2 else ""  # staggered onto a second row where the chart is narrow
            anchor = "end" if x > WIDTH - RIGHT - 30 else "start"
            out.append(f'<line class="x-tick" x1="{x:.1f}" x2="{x:.1f}" y1="{HEIGHT - BOTTOM}" y2="{HEIGHT - BOTTOM + 4}"/>'
                       f'<text class="axis x-tick-label{alt}" x="{x + 1:.1f}" y="{base_y}" text-anchor="{anchor}">'
                       f'{escape(key[:4])}</text>')
        return out
    every = max(1, math.ceil(len(keys) / 10))
    for i, key in enumerate(keys):
        if i % every == 0:
            x = LEFT + (i + 0.4) * slot
            out.append(f'<text class="axis x-tick-label" x="{x:.1f}" y="{base_y}" text-anchor="middle">'
                       f'{escape(labels.get(key, key))}</text>')
    return out


def nice_ticks(peak: int, count: int = 4) -> list[int]:
    """0 and round steps (1, 2, 5 × 10^k) up to the first at or above ``peak``."""
    raw = max(peak / count, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    step = max(1, int(step))
    ticks = [0]
    while ticks[-1] < peak:
        ticks.append(ticks[-1] + step)
    return ticks


def legend(series: Series) -> list[dict[str, object]]:
    """Name, colour and total for the chart key."""
    return [{"site": s, "name": s, "colour": _colour(j), "total": series.total(s)} for j, s in enumerate(series.names)]


def month_range(first: str, last: str) -> list[str]:
    year, month = int(first[:4]), int(first[5:7])
    end = (int(last[:4]), int(last[5:7]))
    months = []
    while (year, month) <= end:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _short(n: int) -> str:
    return f"{n / 1000:g}k" if n >= 1000 else str(n)


def _colour(index: int) -> str:
    return PALETTE[index % len(PALETTE)]
