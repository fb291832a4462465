"""A radar chart as inline SVG, drawn on the server: no script, no CSS in attributes, no other host.

The markup is built only from numbers we compute and labels passed through ``html.escape``, so
the template may mark the returned string safe. Each series is one ``<polygon>`` with a vertex
per axis; series differ in dash pattern and vertex marker as well as colour, so the chart can be
read without seeing colour. The same numbers belong in a table beside the chart.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

# (colour, dash pattern or None for a solid line, marker shape); cycled when there are more series.
STYLES: tuple[tuple[str, str | None, str], ...] = (
    ("#4a3aa8", None, "circle"),  # the accent colour of app.css
    ("#a34700", "9 5", "square"),
    ("#2c6e31", "2 4", "diamond"),
    ("#00695c", "12 4 2 4", "cross"),
    ("#8b1a1a", "5 3", "circle"),
    ("#37474f", "1 6", "square"),
)

STYLE_NAMES = {
    None: "doorgetrokken lijn",
    "9 5": "lange streepjes",
    "2 4": "stippellijn",
    "12 4 2 4": "streep-punt",
    "5 3": "korte streepjes",
    "1 6": "losse puntjes",
}
MARKER_NAMES = {"circle": "rondjes", "square": "vierkantjes", "diamond": "ruitjes", "cross": "kruisjes"}

_ID = re.compile(r"^[a-z][a-z0-9-]{0,40}$")

WIDTH = 440
CENTRE_X = WIDTH / 2
CENTRE_Y = 195
RADIUS = 140
LABEL_GAP = 20
LEGEND_TOP = CENTRE_Y + RADIUS + 45
LEGEND_ROW = 26


@dataclass(frozen=True)
class Series:
    """One line in the chart: a scan, or a cohort's mean at one moment."""

    label: str
    values: Sequence[float | None]


def style_description(index: int) -> str:
    """How series ``index`` looks, in words, for the legend and the text alternative."""
    _, dash, marker = STYLES[index % len(STYLES)]
    return f"{STYLE_NAMES[dash]} met {MARKER_NAMES[marker]}"


def _num(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _point(axis: int, axes: int, radius: float) -> tuple[float, float]:
    angle = 2 * math.pi * axis / axes - math.pi / 2  # first axis straight up, then clockwise
    return CENTRE_X + radius * math.cos(angle), CENTRE_Y + radius * math.sin(angle)


def _marker(shape: str, x: float, y: float, colour: str) -> str:
    if shape == "circle":
        return f'<circle cx="{_num(x)}" cy="{_num(y)}" r="4" fill="{colour}"/>'
    if shape == "square":
        return f'<rect x="{_num(x - 3.5)}" y="{_num(y - 3.5)}" width="7" height="7" fill="{colour}"/>'
    if shape == "diamond":
        return (
            f'<path d="M{_num(x)} {_num(y - 5)}L{_num(x + 5)} {_num(y)}L{_num(x)} {_num(y + 5)}'
            f'L{_num(x - 5)} {_num(y)}Z" fill="{colour}"/>'
        )
    return (
        f'<path d="M{_num(x - 4)} {_num(y - 4)}L{_num(x + 4)} {_num(y + 4)}M{_num(x - 4)} {_num(y + 4)}'
        f'L{_num(x + 4)} {_num(y - 4)}" stroke="{colour}" stroke-width="2.5"/>'
    )


def radar_svg(
    axes: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    description: str,
    chart_id: str = "radar",
    scale_max: int = 5,
) -> str:
    """The chart as an ``<svg>`` string; ``chart_id`` keeps title/desc ids unique on the page."""
    if not _ID.match(chart_id):
        raise ValueError("chart_id must be lowercase letters, digits and hyphens")
    if len(axes) < 3:
        raise ValueError("a radar chart needs at least three axes")
    if any(len(s.values) != len(axes) for s in series):
        raise ValueError("every series needs one value per axis")
    count = len(axes)
    height = LEGEND_TOP + LEGEND_ROW * len(series) + 10
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="radar" viewBox="0 0 {WIDTH} {height}" '
        f'role="img" aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
        '<g fill="none" stroke="#b8bec6" stroke-width="1">',
    ]
    for ring in range(1, scale_max + 1):
        parts.append(f'<circle cx="{_num(CENTRE_X)}" cy="{_num(CENTRE_Y)}" r="{_num(RADIUS * ring / scale_max)}"/>')
    for axis in range(count):
        x, y = _point(axis, count, RADIUS)
        parts.append(f'<line x1="{_num(CENTRE_X)}" y1="{_num(CENTRE_Y)}" x2="{_num(x)}" y2="{_num(y)}"/>')
    parts.append("</g>")
    parts.append('<g fill="#555b63" font-size="11" text-anchor="start">')
    for ring in range(1, scale_max + 1):
        y = CENTRE_Y - RADIUS * ring / scale_max - 3
        parts.append(f'<text x="{_num(CENTRE_X + 4)}" y="{_num(y)}">{ring}</text>')
    parts.append("</g>")
    parts.append('<g fill="#1b1f24" font-size="15" font-weight="600">')
    for axis, label in enumerate(axes):
        x, y = _point(axis, count, RADIUS + LABEL_GAP)
        dx = x - CENTRE_X
        anchor = "middle" if abs(dx) < 10 else ("start" if dx > 0 else "end")
        parts.append(f'<text x="{_num(x)}" y="{_num(y + 5)}" text-anchor="{anchor}">{escape(label)}</text>')
    parts.append("</g>")
    for index, line in enumerate(series):
        colour, dash, marker = STYLES[index % len(STYLES)]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        points = []
        for axis, value in enumerate(line.values):
            clamped = 0.0 if value is None else min(max(float(value), 0.0), float(scale_max))
            points.append(_point(axis, count, RADIUS * clamped / scale_max))
        coords = " ".join(f"{_num(x)},{_num(y)}" for x, y in points)
        parts.append(f'<g class="radar-series"><title>{escape(line.label)}</title>')
        parts.append(
            f'<polygon points="{coords}" fill="{colour}" fill-opacity="0.08" stroke="{colour}" '
            f'stroke-width="2.5" stroke-linejoin="round"{dash_attr}/>'
        )
        parts.extend(_marker(marker, x, y, colour) for x, y in points)
        parts.append("</g>")
        legend_y = LEGEND_TOP + LEGEND_ROW * index
        parts.append(
            f'<line x1="20" y1="{legend_y}" x2="70" y2="{legend_y}" stroke="{colour}" stroke-width="3"{dash_attr}/>'
        )
        parts.append(_marker(marker, 45, legend_y, colour))
        parts.append(f'<text x="80" y="{legend_y + 5}" font-size="14" fill="#1b1f24">{escape(line.label)}</text>')
    parts.append("</svg>")
    return "".join(parts)
