"""Charts drawn on the server as inline SVG: a funnel, horizontal bars and a monthly trend line.

Inline <svg> passes the Content-Security-Policy (no script, no style attribute: colours are
SVG presentation attributes, sizes come from static/css/reports.css) and prints the same
through WeasyPrint. Every text is escaped; the numbers are also in the tables beside.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from markupsafe import Markup, escape

FONT = "Noto Sans CJK SC, Noto Sans SC, Microsoft YaHei, sans-serif"
FUNNEL_COLOURS = ("#1d4f91", "#2a6bb5", "#3f88cc", "#5ea3dc", "#86bde8")
SERIES_COLOURS = ("#1d4f91", "#d9822b")
BAR_COLOUR = "#2a6bb5"
GRID_COLOUR = "#d8dee6"
TEXT_COLOUR = "#1f2933"
MUTED_COLOUR = "#52606d"


def _svg(width: int, height: int, title: str, body: list[str], css_class: str) -> Markup:
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {css_class}" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" font-family="{FONT}" fill="{TEXT_COLOUR}">'
        f"<title>{escape(title)}</title>{''.join(body)}</svg>"
    )


def _text(
    x: float, y: float, value, size: int = 13, anchor: str = "start", fill: str = TEXT_COLOUR, weight: str = "normal"
) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" fill="{fill}" '
        f'font-weight="{weight}">{escape(value)}</text>'
    )


def percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


def funnel(title: str, stages: Sequence[tuple[str, int, str]]) -> Markup:
    """stages: (label, count, rate text) from the widest to the narrowest; bars centred, width ∝ count."""
    width, row, label_w, bar_w = 720, 46, 170, 400
    height = row * len(stages) + 8
    top = max((count for _, count, _ in stages), default=0) or 1
    body = []
    for n, (label, count, rate) in enumerate(stages):
        y = 4 + n * row
        w = max(2.0, bar_w * count / top) if count else 0
        x = label_w + (bar_w - w) / 2
        colour = FUNNEL_COLOURS[n % len(FUNNEL_COLOURS)]
        body.append(_text(label_w - 10, y + row / 2 + 5, label, anchor="end"))
        if w:
            body.append(
                f'<rect class="funnel-bar" x="{x:.1f}" y="{y}" width="{w:.1f}" height="{row - 8}" rx="3" '
                f'fill="{colour}"/>'
            )
        body.append(_text(label_w + bar_w + 12, y + row / 2 - 2, f"{count:,}", size=15, weight="bold"))
        if rate:
            body.append(_text(label_w + bar_w + 12, y + row / 2 + 15, rate, size=12, fill=MUTED_COLOUR))
    return _svg(width, height, title, body, "chart-funnel")


def bars(title: str, items: Sequence[tuple[str, int]]) -> Markup:
    """Horizontal bars, one per item, longest scaled to the full width."""
    width, row, label_w, bar_w = 560, 30, 150, 300
    height = max(row * len(items), row) + 6
    top = max((value for _, value in items), default=0) or 1
    total = sum(value for _, value in items) or 1
    body = []
    for n, (label, value) in enumerate(items):
        y = 3 + n * row
        w = bar_w * value / top
        body.append(_text(label_w - 10, y + row / 2 + 4, label, anchor="end"))
        if value:
            body.append(
                f'<rect class="bar" x="{label_w}" y="{y + 4}" width="{max(w, 2):.1f}" height="{row - 10}" '
                f'rx="2" fill="{BAR_COLOUR}"/>'
            )
        body.append(
            _text(
                label_w + w + 8, y + row / 2 + 4, f"{value:,} ({value / total * 100:.0f}%)", size=12, fill=MUTED_COLOUR
            )
        )
    if not items:
        body.append(_text(label_w, row / 2 + 4, "—", fill=MUTED_COLOUR))
    return _svg(width, height, title, body, "chart-bars")


def nice_ceiling(value: int) -> tuple[int, int]:
    """A round top for an axis at or above `value`, and the step of its gridlines (4-5 steps)."""
    if value <= 4:
        return 4, 1
    magnitude = 10 ** int(math.log10(value / 4))
    for factor in (1, 2, 2.5, 5, 10):
        step = int(factor * magnitude) or 1
        if step * 5 >= value:
            return step * math.ceil(value / step), step
    return value, max(1, value // 4)


def trend(title: str, months: Sequence[str], series: Sequence[tuple[str, Sequence[int | None]]]) -> Markup:
    """One line per series over the months (YYYY-MM), with a y axis from 0 and a legend; None is not drawn."""
    width, height = 720, 280
    left, right, top_pad, bottom = 56, 16, 36, 40
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    peak = max((v for _, values in series for v in values if v is not None), default=0)
    top, step = nice_ceiling(peak)
    body = []
    for tick in range(0, top + 1, step):
        y = top_pad + plot_h * (1 - tick / top)
        body.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="{GRID_COLOUR}" '
            'stroke-width="1"/>'
        )
        body.append(_text(left - 8, y + 4, f"{tick:,}", size=11, anchor="end", fill=MUTED_COLOUR))
    count = len(months)
    x_of = (lambda i: left + plot_w / 2) if count <= 1 else (lambda i: left + plot_w * i / (count - 1))
    every = max(1, math.ceil(count / 8))
    for i, month in enumerate(months):
        last_fits = i == count - 1 and i % every >= every / 2
        if i % every == 0 or last_fits:
            anchor = "start" if i == 0 and count > 1 else "end" if i == count - 1 and count > 1 else "middle"
            body.append(_text(x_of(i), height - bottom + 18, month, size=11, anchor=anchor, fill=MUTED_COLOUR))
    for n, (name, values) in enumerate(series):
        colour = SERIES_COLOURS[n % len(SERIES_COLOURS)]
        drawn = [(i, v) for i, v in enumerate(values) if v is not None]
        points = " ".join(f"{x_of(i):.1f},{top_pad + plot_h * (1 - v / top):.1f}" for i, v in drawn)
        if len(drawn) > 1:
            body.append(
                f'<polyline class="trend-line" points="{points}" fill="none" stroke="{colour}" '
                'stroke-width="2.5" stroke-linejoin="round"/>'
            )
        for i, v in drawn:
            body.append(
                f'<circle cx="{x_of(i):.1f}" cy="{top_pad + plot_h * (1 - v / top):.1f}" r="3" '
                f'fill="{colour}"><title>{escape(name)} {escape(months[i])}: {v:,}</title></circle>'
            )
        legend_x = left + n * 200
        body.append(f'<rect x="{legend_x}" y="8" width="14" height="14" rx="2" fill="{colour}"/>')
        body.append(_text(legend_x + 20, 20, name, size=12))
    return _svg(width, height, title, body, "chart-trend")
