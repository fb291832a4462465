"""The radar chart: one polygon per scan with a vertex per domain, readable without colour."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET

import pytest

from course.teacher_track.radar import CENTRE_X, CENTRE_Y, RADIUS, STYLES, Series, radar_svg

SVG = "{http://www.w3.org/2000/svg}"
AXES = ["TK", "CK", "PK", "PCK", "TCK", "TPK", "TPACK"]


def chart(*series: Series, **kwargs: str) -> ET.Element:
    text = radar_svg(AXES, list(series), title=kwargs.get("title", "Profiel"), description="Uitleg", chart_id="test")
    return ET.fromstring(text)  # also proves the markup is well-formed XML


def vertices(polygon: ET.Element) -> list[tuple[float, float]]:
    return [tuple(float(n) for n in pair.split(",")) for pair in polygon.get("points", "").split()]


def test_one_polygon_per_scan_with_seven_vertices() -> None:
    scans = [Series(f"Scan {n}", [1 + (n + i) % 5 for i in range(7)]) for n in range(1, 4)]
    polygons = chart(*scans).findall(f".//{SVG}polygon")
    assert len(polygons) == 3
    assert all(len(vertices(p)) == 7 for p in polygons)


def test_no_series_draws_axes_but_no_polygon() -> None:
    root = chart()
    assert root.findall(f".//{SVG}polygon") == []
    labels = [t.text for t in root.iter(f"{SVG}text")]
    assert all(axis in labels for axis in AXES)


def test_vertices_sit_at_the_value_on_their_axis() -> None:
    polygon = chart(Series("Scan", [5, 2.5, None, 9, 1, 0, 4])).find(f".//{SVG}polygon")
    distances = [math.dist((CENTRE_X, CENTRE_Y), point) for point in vertices(polygon)]
    expected = [RADIUS, RADIUS / 2, 0, RADIUS, RADIUS / 5, 0, RADIUS * 4 / 5]  # 9 is drawn at the edge (5)
    assert distances == pytest.approx(expected, abs=0.1)
    top_x, top_y = vertices(polygon)[0]
    assert top_x == pytest.approx(CENTRE_X) and top_y < CENTRE_Y  # the first axis points up


def test_series_differ_in_dash_pattern_not_only_colour_and_have_a_legend() -> None:
    scans = [Series(f"Scan {n}", [3] * 7) for n in range(1, 5)]
    root = chart(*scans)
    polygons = root.findall(f".//{SVG}polygon")
    patterns = [p.get("stroke-dasharray") for p in polygons]
    assert len(set(patterns)) == 4
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert all(f"Scan {n}" in texts for n in range(1, 5))
    assert len(STYLES) >= 4


def test_accessible_name_and_description() -> None:
    root = chart(Series("Scan 1", [3] * 7), title="Jouw profiel")
    assert root.get("role") == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title.text == "Jouw profiel" and desc.text == "Uitleg"
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"


def test_labels_are_escaped_and_nothing_runs_or_styles_inline() -> None:
    text = radar_svg(
        ["<b>A</b>", "B&C", "C"],
        [Series('<script>alert(1)</script>"', [1, 2, 3])],
        title="<i>t</i>",
        description="d & e",
        chart_id="x",
    )
    assert "<script" not in text and "<b>" not in text and "<i>" not in text
    assert "&lt;b&gt;A&lt;/b&gt;" in text and "B&amp;C" in text
    assert " style=" not in text
    assert not re.search(r"\son[a-z]+=", text)
    ET.fromstring(text)


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError):
        radar_svg(AXES, [Series("x", [1, 2])], title="t", description="d")
    with pytest.raises(ValueError):
        radar_svg(AXES, [], title="t", description="d", chart_id='x" onload="alert(1)')
    with pytest.raises(ValueError):
        radar_svg(["a", "b"], [], title="t", description="d")
