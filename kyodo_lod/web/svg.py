"""A bar chart drawn on the server as SVG, so it shows without JavaScript."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr


@dataclass(frozen=True)
class Bar:
    key: str  # "17"
    label: str  # shown left of the bar
    value: int
    color: str
    href: str | None = None
    tooltip: str = ""


LABEL_PX = 13  # the charts' label size (style.css, compare.html)


def text_width(text: str, font_px: float = LABEL_PX) -> float:
    """How wide ``text`` is drawn, near enough to lay out a chart: a Japanese (wide) character
    is about one em, a Latin one about 0.6 em. No font is measured on the server."""
    return sum(font_px if unicodedata.east_asian_width(c) in "WF" else 0.6 * font_px for c in text)


def label_margin(labels: Iterable[str], font_px: float = LABEL_PX, least: int = 96) -> int:
    """The left margin that shows the longest label whole (plus a little room)."""
    return max([least, *(round(text_width(label, font_px)) + 16 for label in labels)])


def bar_chart(bars: Sequence[Bar], title: str, description: str, width: int = 640) -> str:
    """Horizontal bars with their values, titled and described for screen readers: an "img"
    unless bars are links (an img may not hold interactive children; the HTML checker allows
    no other role on svg, so linked charts keep the svg's own graphics role).

    Every text goes through XML escaping: labels come from data."""
    row, top, right = 26, 8, 48
    left = label_margin(bar.label for bar in bars)
    width = max(width, left + 240 + right)  # the bars keep room however long the labels are
    height = top * 2 + row * max(1, len(bars))
    span = width - left - right
    peak = max((b.value for b in bars), default=0) or 1
    role = "" if any(b.href for b in bars) else ' role="img"'
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%"{role} aria-labelledby="chart-title chart-desc" class="chart">',
        f'<title id="chart-title">{escape(title)}</title>',
        f'<desc id="chart-desc">{escape(description)}</desc>',
    ]
    for i, bar in enumerate(bars):
        y = top + i * row
        length = round(span * bar.value / peak)
        color = bar.color if _is_colour(bar.color) else "#5b6770"
        bar_svg = (
            f'<text x="{left - 8}" y="{y + 17}" text-anchor="end" class="chart-label">'
            f"{escape(bar.label)}</text>"
            f'<rect x="{left}" y="{y + 4}" width="{max(length, 1)}" height="{row - 8}" '
            f'fill={quoteattr(color)} rx="3"><title>{escape(bar.tooltip or bar.label)}: '
            f"{bar.value}</title></rect>"
            f'<text x="{left + length + 6}" y="{y + 17}" class="chart-value">{bar.value}</text>'
        )
        if bar.href:
            bar_svg = f"<a href={quoteattr(bar.href)}>{bar_svg}</a>"
        out.append(bar_svg)
    out.append("</svg>")
    return "".join(out)


def _is_colour(value: str) -> bool:
    text = value.strip()
    return (
        text.startswith("#")
        and len(text) in (4, 7)
        and all(c in "0123456789abcdefABCDEF" for c in text[1:])
    )
