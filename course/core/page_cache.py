"""Rendered pages kept per process, for the page a class reads most: a lesson.

A lesson page looks the same for every student in the same state (not started, busy, done; the
assignment's status; the quiz score), so its HTML is rendered once per state and reused. The only
per-person part left is the CSRF token of its forms: the cached page carries a marker in its place,
filled in for each request. Pages with a flash message are rendered fresh.

Whatever a cached template shows must come from the key the view passes; anything personal that is
not in the key (a name, a date) would be shown to the next student in the same state.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

from flask import Flask, current_app, g, render_template, request, session
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

# Cannot occur in rendered HTML: templates escape what they print, and content is sanitised.
CSRF_MARKER = "\x00csrf\x00"
# A few hundred lesson states per worker is some megabytes; beyond that the cache starts over.
PAGE_CACHE_LIMIT = 400
# One entry per logged-in session that viewed a page in this worker: a school's day is some thousands.
SIGNED_TOKEN_LIMIT = 20_000

EXTENSION = "course.core.page_cache"
SIGNED_TOKENS = "course.signed_csrf_tokens"
TOKEN_IN_G = "csrf_token"  # where Flask-WTF keeps the token it signed for this request (WTF_CSRF_FIELD_NAME)


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION] = {}
    app.extensions[SIGNED_TOKENS] = {}
    # Flask-WTF offers csrf_token() both as a global (seen by imported macros) and through a
    # context processor (seen by the page itself): both must be this one.
    app.jinja_env.globals["csrf_token"] = page_csrf_token
    app.context_processor(lambda: {"csrf_token": page_csrf_token})


def forget_pages() -> None:
    """Drop every kept page: the content they were rendered from has changed."""
    pages = current_app.extensions.get(EXTENSION)
    if pages is not None:
        pages.clear()


def page_csrf_token() -> str:
    """The template's ``csrf_token()``: the real token, or the marker while a page is cached."""
    if g.get("rendering_cached_page"):
        return CSRF_MARKER
    return signed_csrf_token()


def signed_csrf_token() -> str:
    """The session's CSRF token in its signed form, signed once per session and process.

    Tokens do not expire (WTF_CSRF_TIME_LIMIT is None), so a token signed earlier is as good as a
    new one, and signing is the costliest step of a cached page. With a time limit set, every
    request signs afresh, as Flask-WTF does.
    """
    raw = session.get("csrf_token")
    if raw is None or current_app.config.get("WTF_CSRF_TIME_LIMIT") is not None:
        return generate_csrf()
    signed: dict[str, str] = current_app.extensions[SIGNED_TOKENS]
    token = signed.get(raw)
    if token is None:
        if len(signed) >= SIGNED_TOKEN_LIMIT:
            signed.clear()
        token = signed[raw] = generate_csrf()
    return token


def render_cached(template: str, key: tuple[Hashable, ...], context: Callable[[], dict[str, Any]]) -> str:
    """``render_template(template, **context())``, reused for every request with the same key.

    ``key`` must hold everything the page shows that differs between people; the menu (roles),
    the path and the app's mount point are added here.
    """
    if session.get("_flashes") or g.get("embedded"):  # a frame's page links out with a token of its own
        return render_template(template, **context())
    pages: dict[tuple[Hashable, ...], str] = current_app.extensions[EXTENSION]
    full_key = (template, request.script_root, request.path, tuple(current_user.roles), *key)
    page = pages.get(full_key)
    if page is None:
        page, personal = _render_shell(template, context())
        if personal:  # a form signed a real token past the marker: never reuse this page
            current_app.logger.warning("%s holds a personal CSRF token; it is not cached", template)
        else:
            if len(pages) >= PAGE_CACHE_LIMIT:
                pages.clear()
            pages[full_key] = page
    return page.replace(CSRF_MARKER, signed_csrf_token())


def _render_shell(template: str, context: dict[str, Any]) -> tuple[str, bool]:
    """The page with markers for tokens, and whether a real token got into it anyway (Flask-WTF
    keeps a token it signed in ``g``; a WTForms form field, say, signs one)."""
    earlier = g.pop(TOKEN_IN_G, None)
    g.rendering_cached_page = True
    try:
        page = render_template(template, **context)
        personal = TOKEN_IN_G in g
    finally:
        g.rendering_cached_page = False
        if earlier is not None:
            setattr(g, TOKEN_IN_G, earlier)
    return page, personal
