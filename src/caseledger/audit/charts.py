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


def heatmap(
    rows: Sequence[str],
    columns: Sequence[str],
    counts: dict[tuple[str, str], int],
    *,
    title: str,
) -> str:
    """A grid of counts (rows by columns), each cell shaded by its count and labelled with it."""
    if not rows or not columns:
        return f"<figure><figcaption>{escape(title)}</figcaption><p>Nothing to show.</p></figure>"
    label_w, cell_w, cell_h, head_h = 190, 46, 20, 40
    width, height = label_w + cell_w * len(columns) + 10, head_h + cell_h * len(rows) + 6
    top = max(counts.values(), default=1) or 1
    parts = [
        f'<svg role="img" aria-label="{escape(title)}" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg" '
        'font-family="sans-serif" font-size="11">'
    ]
    for j, col in enumerate(columns):
        x = label_w + j * cell_w + cell_w / 2
        parts.append(
            f'<text x="{x:.0f}" y="{head_h - 8}" text-anchor="middle">{escape(col[2:])}</text>'
        )
    for i, row in enumerate(rows):
        y = head_h + i * cell_h
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 14}" text-anchor="end">{escape(row[:28])}</text>'
        )
        for j, col in enumerate(columns):
            n = counts.get((row, col), 0)
            shade = 0.08 + 0.85 * n / top if n else 0.0
            x = label_w + j * cell_w
            parts.append(
                f'<rect x="{x}" y="{y}" width="{cell_w - 2}" height="{cell_h - 2}" '
                f'fill="#c0392b" fill-opacity="{shade:.2f}" stroke="#eee">'
                f"<title>{escape(row)}, {escape(col)}: {n}</title></rect>"
            )
            if n:
                parts.append(
                    f'<text x="{x + cell_w / 2 - 1:.0f}" y="{y + 13}" text-anchor="middle">'
                    f"{n}</text>"
                )
    parts.append("</svg>")
    return f"<figure><figcaption>{escape(title)}</figcaption>{''.join(parts)}</figure>"


def usage_bars(items: Sequence[tuple[str, float, float]], *, title: str, unit: str = "") -> str:
    """Bars of ``used`` against ``limit`` as a share (red from 90 %), labelled "used of limit"."""
    if not items:
        return f"<figure><figcaption>{escape(title)}</figcaption><p>Nothing to show.</p></figure>"
    label_w, bar_h, gap, plot_w = 190, 18, 6, 330
    width = label_w + plot_w + 160
    height = len(items) * (bar_h + gap) + gap
    parts = [
        f'<svg role="img" aria-label="{escape(title)}" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg" '
        'font-family="sans-serif" font-size="12">'
    ]
    for i, (label, used, limit) in enumerate(items):
        y = gap + i * (bar_h + gap)
        share = used / limit if limit else 0.0
        w = max(1.0, plot_w * min(share, 1.0))
        fill = "#c0392b" if share >= 0.9 else "#2e86c1"
        shown = f"{used:,.0f} of {limit:,.0f}{unit} ({share:.0%})"
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 13}" text-anchor="end">{escape(label[:28])}</text>'
            f'<rect x="{label_w}" y="{y}" width="{plot_w}" height="{bar_h}" fill="#eee"/>'
            f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{fill}">'
            f"<title>{escape(label)}: {escape(shown)}</title></rect>"
            f'<text x="{label_w + plot_w + 6}" y="{y + 13}">{escape(shown)}</text>'
        )
    parts.append("</svg>")
    return f"<figure><figcaption>{escape(title)}</figcaption>{''.join(parts)}</figure>"


def share_by_month(points: Sequence[tuple[str, float]], *, title: str) -> str:
    """A column per month of a share from 0 to 100 %, labelled with its percentage."""
    if not points:
        return f"<figure><figcaption>{escape(title)}</figcaption><p>Nothing to show.</p></figure>"
    col_w, plot_h, left, bottom = 38, 120, 36, 30
    width, height = left + col_w * len(points) + 10, plot_h + bottom + 16
    parts = [
        f'<svg role="img" aria-label="{escape(title)}" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg" '
        'font-family="sans-serif" font-size="11">',
        f'<line x1="{left}" y1="{16 + plot_h}" x2="{width - 6}" y2="{16 + plot_h}" stroke="#999"/>',
        f'<text x="{left - 4}" y="20" text-anchor="end">100%</text>',
        f'<text x="{left - 4}" y="{16 + plot_h}" text-anchor="end">0%</text>',
    ]
    for i, (month, share) in enumerate(points):
        h = plot_h * max(0.0, min(share, 1.0))
        x = left + i * col_w + 4
        fill = "#27ae60" if share >= 0.999 else "#d68910"
        parts.append(
            f'<rect x="{x}" y="{16 + plot_h - h:.1f}" width="{col_w - 8}" height="{h:.1f}" '
            f'fill="{fill}"><title>{escape(month)}: {share:.0%}</title></rect>'
            f'<text x="{x + (col_w - 8) / 2:.0f}" y="{16 + plot_h + 14}" '
            f'text-anchor="middle">{escape(month[2:])}</text>'
        )
    parts.append("</svg>")
    return f"<figure><figcaption>{escape(title)}</figcaption>{''.join(parts)}</figure>"
