"""Server-side SVG bar charts for the dashboard: no JavaScript, no CDN, nothing to fetch.

Counts come from the same SQL as the ``posts_per_month`` / ``comments_per_month`` canned queries,
so the chart and the downloadable numbers always agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from markupsafe import Markup

PALETTE = ("#1f6f8b", "#e07b39", "#6a994e", "#8e5ea2", "#bc4749")
BAR_WIDTH, BAR_GAP, HEIGHT, MARGIN_LEFT, MARGIN_BOTTOM, MARGIN_TOP = 7, 4, 200, 40, 28, 10


@dataclass(frozen=True)
class MonthlySeries:
    """Counts per (month, site), with every month between the first and last filled in."""

    months: list[str]
    sites: list[str]
    counts: dict[tuple[str, str], int]

    def total(self, site: str) -> int:
        return sum(n for (_, s), n in self.counts.items() if s == site)


def monthly_series(rows: list[tuple[str, str, int]]) -> MonthlySeries:
    """Build a series from ``(month 'YYYY-MM', site, count)`` rows."""
    counts = {(month, site): int(n) for month, site, n in rows if month}
    sites = sorted({site for _, site in counts})
    months = _month_range(min(m for m, _ in counts), max(m for m, _ in counts)) if counts else []
    return MonthlySeries(months, sites, counts)


def bar_chart_svg(title: str, series: MonthlySeries) -> Markup:
    """A grouped bar chart (one bar per site per month) as inline SVG, with hover titles."""
    if not series.months:
        return Markup(f"<p class=\"chart-empty\">No data for {escape(title)} yet.</p>")
    peak = max(series.counts.values())
    group = len(series.sites) * BAR_WIDTH + BAR_GAP
    width = MARGIN_LEFT + group * len(series.months) + 10
    plot_h = HEIGHT - MARGIN_BOTTOM - MARGIN_TOP
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="bar-chart" width="{width}" '
        f'height="{HEIGHT}" viewBox="0 0 {width} {HEIGHT}"><title>{escape(title)}</title>',
        f'<text x="{MARGIN_LEFT - 4}" y="{MARGIN_TOP + 8}" text-anchor="end" class="axis">{peak}</text>',
        f'<line x1="{MARGIN_LEFT}" y1="{HEIGHT - MARGIN_BOTTOM}" x2="{width - 10}" '
        f'y2="{HEIGHT - MARGIN_BOTTOM}" stroke="#999"/>',
    ]
    for i, month in enumerate(series.months):
        x0 = MARGIN_LEFT + i * group
        if i == 0 or month.endswith("-01"):
            parts.append(f'<text x="{x0}" y="{HEIGHT - 10}" class="axis">{escape(month[:4])}</text>')
        for j, site in enumerate(series.sites):
            n = series.counts.get((month, site), 0)
            if not n:
                continue
            h = max(1.0, plot_h * n / peak)
            parts.append(
                f'<rect class="bar" data-site="{escape(site)}" data-month="{month}" data-count="{n}" '
                f'x="{x0 + j * BAR_WIDTH}" y="{HEIGHT - MARGIN_BOTTOM - h:.1f}" width="{BAR_WIDTH - 1}" '
                f'height="{h:.1f}" fill="{_colour(j)}"><title>{month} {escape(site)}: {n}</title></rect>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))


def legend(series: MonthlySeries) -> list[dict[str, object]]:
    """Site, colour and total for the chart key."""
    return [{"site": s, "colour": _colour(j), "total": series.total(s)} for j, s in enumerate(series.sites)]


def _colour(index: int) -> str:
    return PALETTE[index % len(PALETTE)]


def _month_range(first: str, last: str) -> list[str]:
    year, month = int(first[:4]), int(first[5:7])
    end = (int(last[:4]), int(last[5:7]))
    months = []
    while (year, month) <= end:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months
