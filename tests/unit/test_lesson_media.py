"""The drawings in lessons/media/: well-formed SVG with a title and description, used by a lesson,
and nothing in them that runs code or loads another file."""

from __future__ import annotations

import re
from pathlib import Path
from xml.etree import ElementTree

from course.content.media_files import check_svg

ROOT = Path(__file__).resolve().parents[2]
MEDIA = ROOT / "lessons" / "media"
SVG = "{http://www.w3.org/2000/svg}"
_IMAGE = re.compile(r"!\[[^\]]+\]\(media/([^)\s]+)\)")


def drawings() -> list[Path]:
    return sorted(MEDIA.glob("*.svg"))


def test_every_drawing_is_an_svg_with_title_and_description_and_a_viewbox():
    assert len(drawings()) >= 12
    for path in drawings():
        root = ElementTree.parse(path).getroot()
        assert root.tag == f"{SVG}svg", path.name
        children = [child.tag for child in root]
        assert children[:2] == [f"{SVG}title", f"{SVG}desc"], path.name
        assert root.findtext(f"{SVG}title", "").strip() and root.findtext(f"{SVG}desc", "").strip(), path.name
        # Only a viewBox, no fixed size: the drawing scales to the width of a phone.
        assert "viewBox" in root.attrib and "width" not in root.attrib, path.name


def test_drawings_pass_the_content_check():
    for path in drawings():
        assert check_svg(path, path.name) == [], path.name


def test_every_drawing_is_used_by_the_lesson_its_number_names():
    used: dict[str, set[str]] = {}
    for lesson in (ROOT / "lessons").glob("[0-9][0-9]-*.md"):
        if not lesson.name.endswith(".docent.md"):
            used[lesson.name[:2]] = set(_IMAGE.findall(lesson.read_text(encoding="utf-8")))
    assert len(used) == 12
    for number, images in used.items():
        assert any(name.endswith(".svg") for name in images), f"lesson {number} has no drawing"
    for path in drawings():
        assert path.name in used[path.name[:2]], f"{path.name} is not used by lesson {path.name[:2]}"
