"""The spread of a live item as a horizontal bar chart, inline SVG made on the server.

Only numbers we count and labels passed through ``html.escape`` go into the markup, so a template
may mark it safe. Bars carry their count and share as text, so the chart reads without colour; the
board shows the same numbers in a table beside it. A right answer (quiz questions only) is marked
with a word, not only a colour.
"""

from __future__ import annotations

from html import escape

from ..core.numbers import percent_label

WIDTH = 900
ROW = 74
LABEL_WIDTH = 360
BAR_LEFT = LABEL_WIDTH + 20
BAR_MAX = WIDTH - BAR_LEFT - 150


def _wrap(text: str, width: int = 34) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return lines[:2] if len(lines) <= 2 else [*lines[:1], lines[1][: width - 1] + "…"]


def bar_chart(rows: list[tuple[str, int, bool | None]], *, title: str, chart_id: str) -> str:
    """``rows``: (option text, count, right answer or None). Shares are of all answers given."""
    total = sum(count for _, count, _ in rows) or 1
    height = ROW * len(rows) + 20
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{chart_id}-t" class="live-chart">',
        f'<title id="{chart_id}-t">{escape(title)}</title>',
    ]
    for index, (text, count, right) in enumerate(rows):
        top = 10 + index * ROW
        share = count / total
        label = _wrap(text)
        for n, line in enumerate(label):
            parts.append(f'<text x="0" y="{top + 26 + n * 26}" class="live-label">{escape(line)}</text>')
        width = max(2, round(BAR_MAX * share))
        style = "live-bar live-bar-right" if right else "live-bar"
        parts.append(f'<rect x="{BAR_LEFT}" y="{top + 6}" width="{width}" height="{ROW - 22}" class="{style}"/>')
        note = f"{count} ({percent_label(share * 100)})" + (" · goed" if right else "")
        parts.append(f'<text x="{BAR_LEFT + width + 12}" y="{top + 38}" class="live-count">{escape(note)}</text>')
    parts.append("</svg>")
    return "".join(parts)
