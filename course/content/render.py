"""Markdown to safe HTML: one markdown pipeline, one sanitiser, one render cache.

Every piece of HTML that comes from markdown goes through ``sanitize_html``, so replacing
bleach later means changing that one function. Rendering is done once per loaded content
(``RenderCache``) or once when user text is saved (``render_user_text``), never per request.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from pathlib import Path

import bleach
from bleach import html5lib_shim
from markdown_it import MarkdownIt
from markdown_it.token import Token

ResolveLink = Callable[[str], "str | None"]

ALLOWED_PROTOCOLS: frozenset[str] = frozenset({"http", "https", "mailto"})
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")

# The one allow-list. Markdown never needs more than this; anything else is dropped.
ALLOWED_TAGS: frozenset[str] = frozenset(
    {
        "p", "br", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "strong", "em", "code",
        "pre", "blockquote", "a", "img", "table", "thead", "tbody", "tr", "th", "td", "hr",
    }
)
ALLOWED_ATTRIBUTES: dict[str, list[str]] = {
    "a": ["href", "title", "class"],
    "img": ["src", "alt", "title"],
    **{f"h{level}": ["id"] for level in range(2, 7)},
}
EXTERNAL_REL = "noopener noreferrer"


# --- links -------------------------------------------------------------------------------


def url_scheme(url: str) -> str | None:
    """Lower-case scheme of ``url`` or None for a relative URL."""
    match = _SCHEME.match(url.strip())
    return match.group(1).lower() if match else None


def is_relative_url(url: str) -> bool:
    """True for paths like ``03-x.md`` or ``media/a.png``; ``//host`` is not relative."""
    stripped = url.strip()
    return url_scheme(stripped) is None and not stripped.startswith(("//", "\\\\", "/\\"))


def is_allowed_url(url: str) -> bool:
    """Only http, https, mailto and relative links may become links or images."""
    scheme = url_scheme(url)
    if scheme is None:
        return is_relative_url(url)
    return scheme in ALLOWED_PROTOCOLS


def is_external_url(url: str) -> bool:
    """External web links get ``rel="noopener noreferrer"``."""
    return url_scheme(url) in {"http", "https"}


# --- markdown ----------------------------------------------------------------------------


def _new_parser(*, images: bool = True) -> MarkdownIt:
    """CommonMark with tables, raw HTML off and our own link validation."""
    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    md.validateLink = is_allowed_url  # type: ignore[method-assign]
    if not images:
        md.disable("image")
    return md


_LESSON_PARSER = _new_parser()
_USER_PARSER = _new_parser(images=False)


def slugify(text: str) -> str:
    """Anchor from heading text, stable across renders: ``Wat is het?`` -> ``wat-is-het``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug or "sectie"


def inline_text(token: Token) -> str:
    """Plain text of an inline token (text, code, image alt), for anchors and alt texts."""
    parts: list[str] = []
    for child in token.children or []:
        if child.type in {"text", "code_inline"}:
            parts.append(child.content)
        elif child.type in {"softbreak", "hardbreak"}:
            parts.append(" ")
        elif child.type == "image":
            parts.append(inline_text(child))
    return "".join(parts)


def _fix_headings(tokens: list[Token], min_level: int, anchors: bool) -> None:
    """Clamp heading levels to ``min_level``..6 and give each heading a unique id."""
    seen: set[str] = set()
    for index, token in enumerate(tokens):
        if token.type not in {"heading_open", "heading_close"}:
            continue
        level = min(max(int(token.tag[1]), min_level), 6)
        token.tag = f"h{level}"
        if token.type == "heading_open" and anchors:
            inline = tokens[index + 1] if index + 1 < len(tokens) else None
            base = slugify(inline_text(inline) if inline is not None else "")
            anchor, counter = base, 1
            while anchor in seen:
                counter += 1
                anchor = f"{base}-{counter}"
            seen.add(anchor)
            token.attrSet("id", anchor)


def _text_token(content: str) -> Token:
    return Token("text", "", 0, content=content)


def _resolve_inline(children: list[Token], resolve_link: ResolveLink | None) -> list[Token]:
    """Map relative links/images through ``resolve_link``; a broken one becomes plain text."""
    result: list[Token] = []
    open_links: list[bool] = []  # per open link: was it dropped?
    for child in children:
        if child.type == "link_open":
            href = str(child.attrGet("href") or "")
            target = _resolved(href, resolve_link)
            open_links.append(target is None)
            if target is None:
                continue
            child.attrSet("href", target)
        elif child.type == "link_close":
            if open_links and open_links.pop():
                continue
        elif child.type == "image":
            src = str(child.attrGet("src") or "")
            target = _resolved(src, resolve_link)
            if target is None:
                result.append(_text_token(inline_text(child)))
                continue
            child.attrSet("src", target)
        result.append(child)
    return result


def _resolved(url: str, resolve_link: ResolveLink | None) -> str | None:
    """App URL for a relative link, the URL itself for external ones and fragments."""
    if not is_relative_url(url) or url.startswith("#") or resolve_link is None:
        return url
    return resolve_link(url)


# --- glossary terms ------------------------------------------------------------------------

TERM_CLASS = "term"


@dataclass(frozen=True)
class TermLinks:
    """Words to link to their glossary entry: one pattern of every form (longest first, so
    "persoonsgegevens" wins over a shorter form inside it) and per form the link and the term."""

    pattern: re.Pattern[str] | None
    targets: dict[str, tuple[str, str]]  # casefolded form -> (href, term)

    @classmethod
    def build(cls, forms: dict[str, tuple[str, str]]) -> TermLinks:
        ordered = sorted(forms, key=lambda form: (-len(form), form))
        if not ordered:
            return cls(None, {})
        # Whole words only: no letter, digit or hyphen may touch the match on either side.
        alternatives = "|".join(re.escape(form) for form in ordered)
        pattern = re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])", re.IGNORECASE)
        return cls(pattern, {form.casefold(): target for form, target in forms.items()})


def _link_terms(tokens: list[Token], terms: TermLinks) -> None:
    """Link the first use of each glossary term in running text: never in a heading, a link or
    code (code is its own token type, so only ``text`` tokens are looked at)."""
    if terms.pattern is None:
        return
    linked: set[str] = set()  # terms already linked in this document
    in_heading = False
    for token in tokens:
        if token.type == "heading_open":
            in_heading = True
        elif token.type == "heading_close":
            in_heading = False
        elif token.type == "inline" and token.children and not in_heading:
            token.children = _link_terms_inline(token.children, terms, linked)


def _link_terms_inline(children: list[Token], terms: TermLinks, linked: set[str]) -> list[Token]:
    result: list[Token] = []
    link_depth = 0
    for child in children:
        if child.type == "link_open":
            link_depth += 1
        elif child.type == "link_close":
            link_depth -= 1
        if child.type != "text" or link_depth > 0:
            result.append(child)
            continue
        result.extend(_split_text(child.content, terms, linked))
    return result


def _split_text(text: str, terms: TermLinks, linked: set[str]) -> list[Token]:
    assert terms.pattern is not None
    pieces: list[Token] = []
    start = 0
    for match in terms.pattern.finditer(text):
        href, term = terms.targets[match.group(0).casefold()]
        if term in linked:
            continue
        linked.add(term)
        if match.start() > start:
            pieces.append(_text_token(text[start : match.start()]))
        link_open = Token("link_open", "a", 1)
        link_open.attrSet("href", href)
        link_open.attrSet("class", TERM_CLASS)
        pieces += [link_open, _text_token(match.group(0)), Token("link_close", "a", -1)]
        start = match.end()
    if start == 0:
        return [_text_token(text)]
    if start < len(text):
        pieces.append(_text_token(text[start:]))
    return pieces


def _render(
    md: MarkdownIt,
    text: str,
    resolve_link: ResolveLink | None,
    *,
    min_heading: int,
    anchors: bool,
    terms: TermLinks | None = None,
) -> str:
    tokens = md.parse(text)
    _fix_headings(tokens, min_heading, anchors)
    for token in tokens:
        if token.type == "inline" and token.children:
            token.children = _resolve_inline(token.children, resolve_link)
    if terms is not None:  # after resolving: the glossary links are app URLs already
        _link_terms(tokens, terms)
    return sanitize_html(md.renderer.render(tokens, md.options, {}))


def render_markdown(
    text: str,
    resolve_link: ResolveLink | None = None,
    *,
    min_heading: int = 2,
    terms: TermLinks | None = None,
) -> str:
    """Lesson, guide and trainer markdown to sanitised HTML.

    ``#`` headings become ``h2`` (the page title is the only ``h1``). Relative links and
    images go through ``resolve_link`` (returns the app URL, or None for a broken link,
    which is then left as plain text); without a resolver they are kept as written.
    With ``terms``, the first use of each glossary word links to its entry.
    """
    html = _render(_LESSON_PARSER, text, resolve_link, min_heading=min_heading, anchors=True, terms=terms)
    return wrap_tables(html)


# A wide table scrolls inside its own box on a phone; the box takes keyboard focus so it can be
# scrolled without a mouse, and is named for screen readers (WCAG 1.4.10, 2.1.1).
_TABLE_BOX = '<div class="table-wrap" role="region" tabindex="0" aria-label="Tabel (schuif opzij als hij niet past)">'


def wrap_tables(html: str) -> str:
    """Put each table of sanitised HTML in a scroll box. Runs after the sanitiser: any ``<table>``
    a writer typed as text is escaped by then, so only real tables match."""
    return html.replace("<table>", _TABLE_BOX + "<table>").replace("</table>", "</table></div>")


def _no_relative_links(_href: str) -> None:
    return None


def render_user_text(text: str) -> str:
    """Student work and teacher feedback: no images, headings h3+, no ids, web links only.

    Relative links are left as text so a student cannot point others at app URLs.
    Call once when the text is saved and store the result.
    """
    return _render(_USER_PARSER, text, _no_relative_links, min_heading=3, anchors=False)


# --- sanitiser -----------------------------------------------------------------------------


class _ExternalRelFilter(html5lib_shim.Filter):
    """Adds rel="noopener noreferrer" to links that leave the app; runs after sanitising."""

    def __iter__(self):  # type: ignore[no-untyped-def]
        for token in super().__iter__():
            if token["type"] in {"StartTag", "EmptyTag"} and token["name"] == "a":
                attrs = dict(token["data"])
                if is_external_url(attrs.get((None, "href"), "")):
                    attrs[(None, "rel")] = EXTERNAL_REL
                    token["data"] = attrs
            yield token


_local = threading.local()


def _cleaner() -> bleach.Cleaner:
    """bleach cleaners keep parser state, so each thread gets its own."""
    cleaner = getattr(_local, "cleaner", None)
    if cleaner is None:
        cleaner = bleach.Cleaner(
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            protocols=ALLOWED_PROTOCOLS,
            strip=True,
            strip_comments=True,
            filters=[_ExternalRelFilter],
        )
        _local.cleaner = cleaner
    return cleaner


def sanitize_html(html: str) -> str:
    """The only sanitiser: keeps the allow-list above, drops everything else."""
    return _cleaner().clean(html)


# --- cache ---------------------------------------------------------------------------------


class RenderCache:
    """Rendered HTML per content file and variant, for one loaded version of the content.

    The app makes a new cache whenever it loads changed content, so a warm page neither reads,
    parses nor even looks at a file. ``misses`` counts how often ``produce`` ran, which tests use
    to prove warm renders do no work.
    """

    def __init__(self) -> None:
        self._entries: dict[tuple[str, Hashable], str] = {}
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, path: Path, produce: Callable[[], str], variant: Hashable = None) -> str:
        """Cached HTML for ``path``, or ``produce()`` the first time.

        ``variant`` separates renders of the same file (body vs guide, resolver version).
        """
        key = (str(path), variant)
        with self._lock:
            html = self._entries.get(key)
            if html is not None:
                self.hits += 1
                return html
            self.misses += 1
        html = produce()
        with self._lock:
            self._entries[key] = html
        return html

    def clear(self) -> None:
        """Forget everything, e.g. after the set of lessons changed (links may resolve now)."""
        with self._lock:
            self._entries.clear()
