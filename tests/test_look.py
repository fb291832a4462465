"""The face of the app: the login page says what the app is, the wordmark in the header is a link
a screen reader announces as "Personal Branding", and the icons load nothing from anywhere."""

from __future__ import annotations

import re
from pathlib import Path

from lxml import html

STATIC = Path(__file__).resolve().parent.parent / "course" / "static"


def _text(element: html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


def test_login_page_says_in_one_sentence_what_the_app_is(client):
    page = html.fromstring(client.get("/login").get_data(as_text=True))
    intro = page.xpath('//main//*[@class="intro"]/p')
    assert len(intro) == 1, "the login page needs one introduction"
    sentence = _text(intro[0])
    assert sentence.startswith("Personal Branding is een lesprogramma voor mbo-studenten")
    assert "privacy" in sentence and "online" in sentence
    assert sentence.count(".") == 1 and sentence.endswith("."), f"one sentence: {sentence!r}"
    # It comes before the form, so a newcomer reads it first.
    box = intro[0].getparent()
    assert box.getparent().index(box) == 0


def test_wordmark_is_a_link_named_personal_branding_with_a_decorative_icon(client):
    page = html.fromstring(client.get("/login").get_data(as_text=True))
    (brand,) = page.xpath('//header//a[@class="brand"]')
    assert _text(brand) == "Personal Branding", "the link's accessible name is its text"
    (icon,) = brand.xpath(".//img")
    assert icon.get("alt") == "", "the icon repeats the name: screen readers should skip it"
    served = client.get(icon.get("src"))
    try:
        assert served.status_code == 200 and served.mimetype == "image/svg+xml"
    finally:
        served.close()


def test_icons_are_svg_that_load_nothing(client):
    for name in ("icon.svg", "favicon.svg", "wordmark.svg"):
        svg = (STATIC / name).read_text(encoding="utf-8")
        assert "<title" in svg and "Personal Branding" in svg, f"{name} has no title"
        loads = re.findall(r"""(?:href|src)\s*=\s*["'](?!#)|url\(|@import""", svg)
        assert not loads, f"{name} loads something: {loads}"


def test_an_empty_page_says_what_to_do_next(auth, client):
    auth.make_user("nieuwe-docent", "teacher")
    auth.login("nieuwe-docent")
    page = html.fromstring(client.get("/teacher/tpack/history").get_data(as_text=True))
    (empty,) = page.xpath('//main//*[@class="empty-state"]')
    assert "Rond eerst een scan af" in _text(empty)
    (next_step,) = empty.xpath(".//a")
    assert next_step.get("href") == "/teacher/tpack/" and _text(next_step) == "Naar de scan"
