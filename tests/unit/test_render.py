"""Markdown rendering: nothing unsafe reaches the HTML, anchors are stable, the cache works."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course.content.render import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_TAGS,
    RenderCache,
    render_markdown,
    render_user_text,
    sanitize_html,
)

SAFE_SCHEMES = ("http://", "https://", "mailto:")


class _Elements(HTMLParser):
    """Collects every element and its attributes, as a browser would see them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))


def elements(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Elements()
    parser.feed(html)
    parser.close()
    return parser.elements


def assert_safe(html: str) -> None:
    """Only allow-listed tags and attributes; every URL is web, mail or relative."""
    for tag, attrs in elements(html):
        assert tag in ALLOWED_TAGS, tag
        allowed = set(ALLOWED_ATTRIBUTES.get(tag, [])) | ({"rel"} if tag == "a" else set())
        assert set(attrs) <= allowed, (tag, attrs)
        for name in ("href", "src"):
            url = (attrs.get(name) or "").strip().lower()
            if ":" in url.split("/", 1)[0]:
                assert url.startswith(SAFE_SCHEMES), url
            assert not url.startswith("//"), url


ATTACKS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '<img src="x" onerror="alert(1)">',
    '<a href="https://ok.example" onclick="alert(1)">x</a>',
    "[klik](javascript:alert(1))",
    "[klik](JaVaScRiPt:alert(1))",
    "[klik](&#106;avascript:alert(1))",
    "[klik](javascript&colon;alert(1))",
    "[klik][ref]\n\n[ref]: javascript:alert(1)",
    "<javascript:alert(1)>",
    "[klik](vbscript:msgbox(1))",
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![plaatje](data:image/png;base64,iVBORw0KGgo=)",
    "![plaatje](javascript:alert(1))",
    "[ver](//evil.example/pad)",
    '<iframe src="https://evil.example"></iframe>',
    "<style>body{display:none}</style>",
    '<svg onload="alert(1)"></svg>',
    "<!-- <script>alert(1)</script> -->",
    '<div style="background:url(javascript:alert(1))">x</div>',
]


@pytest.mark.parametrize("source", ATTACKS)
@pytest.mark.parametrize("render", [render_markdown, render_user_text])
def test_attacks_never_reach_the_output(source: str, render) -> None:
    html = render(source)
    assert_safe(html)
    lowered = html.lower()
    assert "<script" not in lowered
    assert "<iframe" not in lowered
    assert "<svg" not in lowered
    assert 'href="javascript' not in lowered
    assert 'src="data' not in lowered


def test_raw_html_is_shown_as_text() -> None:
    html = render_markdown("Dit is <b>vet</b> en <script>alert(1)</script>.")
    assert "&lt;b&gt;vet&lt;/b&gt;" in html
    assert "&lt;script&gt;" in html
    assert elements(html) == [("p", {})]


@pytest.mark.parametrize(
    "dirty",
    [
        '<a href="javascript:alert(1)" onclick="x()">t</a>',
        '<img src="data:image/png;base64,AAAA" onerror="alert(1)">',
        '<p onmouseover="alert(1)" style="color:red">t</p><script>alert(2)</script>',
        '<h2 id="ok" class="x">t</h2><h1>groot</h1><td align="left">c</td>',
    ],
)
def test_sanitize_html_keeps_only_the_allow_list(dirty: str) -> None:
    html = sanitize_html(dirty)
    assert_safe(html)
    assert "onclick" not in html and "onerror" not in html and "style" not in html


def test_headings_get_unique_stable_ids() -> None:
    source = "## Activiteit\n\n## Activiteit\n\n## Activiteit-2\n\n### Wat is één *merk*?\n\n## ?!\n"
    html = render_markdown(source)
    ids = [attrs["id"] for tag, attrs in elements(html) if tag.startswith("h")]
    assert ids == ["activiteit", "activiteit-2", "activiteit-2-2", "wat-is-een-merk", "sectie"]
    assert render_markdown(source) == html


def test_h1_becomes_h2_in_lessons() -> None:
    html = render_markdown("# Titel\n")
    assert html.strip() == '<h2 id="titel">Titel</h2>'


def test_external_links_get_rel_and_internal_do_not() -> None:
    html = render_markdown(
        "[web](https://example.nl) [plain](http://example.nl) <https://auto.example>"
        " [mail](mailto:a@example.nl) [les](03-les.md) [hier](#activiteit)"
    )
    links = [attrs for tag, attrs in elements(html) if tag == "a"]
    assert [a.get("rel") for a in links] == [
        "noopener noreferrer",
        "noopener noreferrer",
        "noopener noreferrer",
        None,
        None,
        None,
    ]


def test_relative_links_go_through_the_resolver() -> None:
    def resolve(href: str) -> str | None:
        return {"03-les.md#a": "/lessen/les#a", "media/a.png": "/media/a.png"}.get(href)

    html = render_markdown(
        "[goed](03-les.md#a) en [kapot](04-weg.md) ![foto](media/a.png) ![weg](media/weg.png)",
        resolve,
    )
    assert '<a href="/lessen/les#a">goed</a>' in html
    assert '<img src="/media/a.png" alt="foto">' in html
    assert "kapot" in html and "04-weg.md" not in html
    assert "weg" in html and "media/weg.png" not in html
    assert_safe(html)


def test_web_links_do_not_go_through_the_resolver() -> None:
    seen: list[str] = []

    def resolve(href: str) -> str | None:
        seen.append(href)
        return None

    render_markdown("[a](https://example.nl) [b](#x) [c](mailto:a@example.nl)", resolve)
    assert seen == []


def test_tables_render_without_style_attributes() -> None:
    html = render_markdown("| a | b |\n|:--|--:|\n| 1 | 2 |\n")
    tags = [tag for tag, _ in elements(html)]
    assert tags == ["div", "table", "thead", "tr", "th", "th", "tbody", "tr", "td", "td"]
    assert "style" not in html


def test_user_text_has_no_images_ids_or_big_headings() -> None:
    html = render_user_text("# Groot\n\n## Middel\n\n![foto](https://example.nl/a.png)\n")
    found = elements(html)
    assert [tag for tag, _ in found] == ["h3", "h3", "p", "a"]
    assert all("id" not in attrs for _, attrs in found)
    assert "img" not in html


def test_user_text_keeps_web_links_and_drops_relative_ones() -> None:
    html = render_user_text("[bron](https://example.nl) en [app](/admin/users) en [x](../y)")
    links = [attrs["href"] for tag, attrs in elements(html) if tag == "a"]
    assert links == ["https://example.nl"]
    assert "app" in html and "x" in html


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("[]()<>!#*`:/\"'=&;-\n ajsvcdtm.1")) | st.characters()))
def test_any_markdown_renders_safely(source: str) -> None:
    assert_safe(render_markdown(source, lambda href: "/app/" + href))
    assert_safe(render_user_text(source))


# --- cache -----------------------------------------------------------------------------------


def _cached(cache: RenderCache, path: Path, parses: list[int]) -> str:
    def produce() -> str:
        parses.append(1)
        return render_markdown(path.read_text(encoding="utf-8"))

    return cache.get(path, produce)


def test_warm_render_of_unchanged_file_does_not_parse_again(tmp_path: Path) -> None:
    path = tmp_path / "01-les.md"
    path.write_text("## Eerste\n", encoding="utf-8")
    cache, parses = RenderCache(), []
    first = _cached(cache, path, parses)
    second = _cached(cache, path, parses)
    assert first == second
    assert first.strip() == '<h2 id="eerste">Eerste</h2>'
    assert (cache.misses, cache.hits, len(parses)) == (1, 1, 1)


def test_the_cache_never_looks_at_the_file_again(tmp_path: Path) -> None:
    """A cache belongs to one loaded version of the content: an edit on disk is for the next load
    (which checks it first) to pick up, not for a page render."""
    path = tmp_path / "01-les.md"
    path.write_text("## Eerste\n", encoding="utf-8")
    cache, parses = RenderCache(), []
    first = _cached(cache, path, parses)
    path.write_text("## Tweede\n", encoding="utf-8")
    assert _cached(cache, path, parses) == first
    path.unlink()
    assert _cached(cache, path, parses) == first
    assert (cache.misses, len(parses)) == (1, 1)


def test_variants_of_one_file_are_cached_apart(tmp_path: Path) -> None:
    path = tmp_path / "01-les.md"
    path.write_text("x", encoding="utf-8")
    cache = RenderCache()
    assert cache.get(path, lambda: "body", variant="body") == "body"
    assert cache.get(path, lambda: "guide", variant="guide") == "guide"
    assert cache.get(path, lambda: "other", variant="body") == "body"
    assert cache.misses == 2
    cache.clear()
    assert cache.get(path, lambda: "new", variant="body") == "new"


def test_tables_scroll_in_a_focusable_named_box() -> None:
    html = render_markdown("| a | b |\n|---|---|\n| 1 | 2 |\n\nTekst met `<table>` erin.")
    assert html.count('<div class="table-wrap" role="region" tabindex="0"') == 1
    assert html.index("<div class=\"table-wrap\"") < html.index("<table>") < html.index("</table></div>")
    assert "&lt;table&gt;" in html  # typed text stays text
