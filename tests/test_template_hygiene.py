"""Every template: no inline script, no event-handler attributes, no style attributes, nothing
loaded from another host. A strict Content-Security-Policy would block them anyway; this test
finds them before a user meets a broken page."""

import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parent.parent / "course" / "templates"
ALL_TEMPLATES = sorted(TEMPLATES.rglob("*.html"))

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
EVENT_ATTRIBUTE = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[^>]*\sstyle\s*=", re.IGNORECASE)
LOADED_URL = re.compile(r"""\b(?:src|srcset|action|poster|data)\s*=\s*["']\s*(?:https?:)?//""", re.IGNORECASE)
LINK_TAG = re.compile(r"<link\b[^>]*>", re.IGNORECASE)
ANCHOR_TO_OTHER_HOST = re.compile(r"""<a\b[^>]*\bhref\s*=\s*["']\s*(?:https?:)?//([^/"']+)""", re.IGNORECASE)
# Links a person may follow (never loaded by the page): the licence the reference requires us to cite.
ALLOWED_LINK_HOSTS = {"creativecommons.org"}


def test_templates_are_found():
    assert len(ALL_TEMPLATES) >= 10


@pytest.mark.parametrize("path", ALL_TEMPLATES, ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_template_is_safe_under_a_strict_policy(path):
    text = path.read_text(encoding="utf-8")
    assert not INLINE_SCRIPT.search(text), "inline <script>: move it to course/static/js/"
    assert not EVENT_ATTRIBUTE.search(text), "on*= attribute: attach the handler from a static script"
    assert not STYLE_ATTRIBUTE.search(text), "style= attribute: use a class in course/static/css/"
    assert not LOADED_URL.search(text), "a resource from another host: serve it from course/static/"
    for tag in LINK_TAG.findall(text):
        assert "//" not in tag.split("href", 1)[-1][:12], f"stylesheet or icon from another host: {tag}"
    for host in ANCHOR_TO_OTHER_HOST.findall(text):
        assert host in ALLOWED_LINK_HOSTS, f"link to {host}"
