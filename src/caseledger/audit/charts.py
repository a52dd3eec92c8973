"""Small inline SVG charts: no scripts, no fonts or files to fetch, so a report opens offline."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

BAR_COLOURS = {"error": "#c0392b", "warning": "#d68910", "info": "#2e86c1", "": "#34495e"}


def bar_chart(
    items: Sequence[tuple[str, float]],
    *,
    title: str,
    unit: str = "",
    colour: str = "#34495e",
    colours: Sequence[str] | None = None,
    width: int = 640,
) -> str:
    """A horizontal bar chart of ``(label, value)`` pairs, as an accessible SVG element."""
    if not items:
        return f"<figure><figcaption>{escape(title)}</figcaption><p>Nothing to show.</p></figure>"
    label_w, bar_h, gap = 190, 18, 6
    plot_w = width - label_w - 90
    top = max(v for _, v in items) or 1.0
    height = len(items) * (bar_h + gap) + gap
    parts = [
        f'<svg role="img" aria-label="{escape(title)}" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg" '
        'font-family="sans-serif" font-size="12">'
    ]
    for i, (label, value) in enumerate(items):
        y = gap + i * (bar_h + gap)
        w = max(1.0, plot_w * value / top)
        fill = colours[i] if colours else colour
        shown = f"{unit}{value:,.2f}" if unit == "$" else f"{value:,.0f}"
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 13}" text-anchor="end">{escape(label[:28])}</text>'
            f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{fill}">'
            f"<title>{escape(label)}: {escape(shown)}</title></rect>"
            f'<text x="{label_w + w + 4:.1f}" y="{y + 13}">{escape(shown)}</text>'
        )
    parts.append("</svg>")
    return f"<figure><figcaption>{escape(title)}</figcaption>{''.join(parts)}</figure>"
