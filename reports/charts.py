"""The charts of the PDF reports, drawn as SVG here (WeasyPrint renders inline SVG; no script,
no chart library, nothing fetched).

Two charts: a line chart of rates over quarters (the eight-quarter trend) and a horizontal bar
chart of rates by child. Values are percentages (0–100) or None (no snapshot, zero denominator):
a None leaves a gap in a line and an empty bar labelled "—". Text is set in Noto Sans CJK SC, the
font the report embeds.
"""

from dataclasses import dataclass
from xml.sax.saxutils import escape

from django.utils.safestring import SafeString, mark_safe

FONT = "Noto Sans CJK SC"
COLORS = ("#b71c1c", "#1f5f99", "#5b8c2a", "#8e5ea2")
GRID = "#d9d9d9"
TEXT = "#333333"


@dataclass(frozen=True)
class Series:
    name: str
    values: list[float | None]


def _text(x, y, content, *, size=9, anchor="start", fill=TEXT, weight="normal"):
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-family="{FONT}" font-size="{size}" '
        f'font-weight="{weight}" fill="{fill}" text-anchor="{anchor}">{escape(str(content))}</text>'
    )


def _svg(width, height, parts, label) -> SafeString:
    body = "".join(parts)
    return mark_safe(  # noqa: S308 — every piece of text above goes through escape()
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(label)}">{body}</svg>'
    )


def _legend(series, x, y):
    parts = []
    for i, line in enumerate(series):
        color = COLORS[i % len(COLORS)]
        left = x + i * 130
        parts.append(f'<rect x="{left}" y="{y - 8}" width="12" height="8" fill="{color}"/>')
        parts.append(_text(left + 16, y, line.name))
    return parts


def _percent_label(value):
    return "—" if value is None else f"{value:.1f}%"


def line_chart(
    labels: list[str], series: list[Series], *, width=480, height=230, label=""
) -> SafeString:
    """Rates (0–100 %) over `labels` (quarters), one line per series; gaps where None."""
    left, right, top, bottom = 40, 12, 28, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / max(1, len(labels) - 1)

    def x_of(i):
        return left + (i * step if len(labels) > 1 else plot_w / 2)

    def y_of(value):
        return top + plot_h * (1 - min(max(value, 0), 100) / 100)

    parts = _legend(series, left, 12)
    for tick in range(0, 101, 20):
        y = y_of(tick)
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" '
            f'stroke="{GRID}" stroke-width="0.6"/>'
        )
        parts.append(_text(left - 4, y + 3, f"{tick}%", size=8, anchor="end"))
    for i, text in enumerate(labels):
        parts.append(_text(x_of(i), height - bottom + 14, text, size=8, anchor="middle"))
    for n, line in enumerate(series):
        color = COLORS[n % len(COLORS)]
        runs, current = [], []
        for i, value in enumerate(line.values):
            if value is None:
                if current:
                    runs.append(current)
                current = []
            else:
                current.append((x_of(i), y_of(value)))
        if current:
            runs.append(current)
        for run in runs:
            if len(run) > 1:
                points = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
                parts.append(
                    f'<polyline points="{points}" fill="none" stroke="{color}" stroke-width="1.6"/>'
                )
            for x, y in run:
                parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.2" fill="{color}"/>')
        last = next(
            ((i, v) for i, v in reversed(list(enumerate(line.values))) if v is not None), None
        )
        if last is not None:
            i, value = last
            parts.append(
                _text(x_of(i), y_of(value) - 5, _percent_label(value), size=8, anchor="middle")
            )
    return _svg(width, height, parts, label)


def bar_chart(names: list[str], series: list[Series], *, width=480, label="") -> SafeString:
    """Rates (0–100 %) by child, horizontal bars, one bar per series in each child's row."""
    left, right, top = 130, 44, 24
    bar = 7
    row = bar * len(series) + 6
    height = top + row * len(names) + 8
    plot_w = width - left - right
    parts = _legend(series, left, 12)
    for tick in range(0, 101, 25):
        x = left + plot_w * tick / 100
        parts.append(
            f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{height - 6}" '
            f'stroke="{GRID}" stroke-width="0.6"/>'
        )
    for i, name in enumerate(names):
        y = top + i * row
        short = name if len(name) <= 11 else name[:10] + "…"
        parts.append(_text(left - 4, y + row / 2 + 3, short, size=8, anchor="end"))
        for n, line in enumerate(series):
            value = line.values[i]
            color = COLORS[n % len(COLORS)]
            bar_y = y + 3 + n * bar
            bar_w = 0 if value is None else plot_w * min(max(value, 0), 100) / 100
            parts.append(
                f'<rect x="{left}" y="{bar_y:.1f}" width="{bar_w:.1f}" height="{bar - 1}" '
                f'fill="{color}"/>'
            )
            parts.append(
                _text(left + bar_w + 3, bar_y + bar - 1.5, _percent_label(value), size=6.5)
            )
    return _svg(width, height, parts, label)
