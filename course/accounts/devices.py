"""Device cookies: a browser that signed in to an account before is known for that account.

The login throttle (``throttle.py``) counts a known browser's failures apart from everyone else's,
so a classmate guessing at your username from another browser never keeps you out.

One signed cookie per browser holds an entry per account that signed in there: a random device id
and a keyed digest of the username (a shared school computer shows no one's username in it). At most
``MAX_ENTRIES`` accounts, the most recent first. Signing uses the app's SECRET_KEY, so every server
of an installation reads the same cookie.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from flask import Request, Response, current_app
from itsdangerous import BadSignature, URLSafeSerializer

COOKIE = "device"
MAX_ENTRIES = 20
LIFETIME = timedelta(days=180)


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="device-cookie")


def _digest(username: str) -> str:
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, b"device:" + username.strip().lower().encode(), hashlib.sha256).hexdigest()[:32]


def _entries(request: Request) -> list[list[str]]:
    raw = request.cookies.get(COOKIE)
    if not raw:
        return []
    try:
        entries = _serializer().loads(raw)
    except BadSignature:
        return []
    if not isinstance(entries, list):
        return []
    return [e for e in entries if isinstance(e, list) and len(e) == 2 and all(isinstance(x, str) for x in e)]


def known_device(request: Request, username: str) -> str | None:
    """This browser's device id for ``username``, or None when it never signed in to it here."""
    digest = _digest(username)
    return next((device for device, who in _entries(request) if hmac.compare_digest(who, digest)), None)


def remember_device(request: Request, response: Response, username: str) -> None:
    """After a right password: keep (or move to the front) this account's entry."""
    digest = _digest(username)
    entries = [[d, who] for d, who in _entries(request) if not hmac.compare_digest(who, digest)]
    device = known_device(request, username) or secrets.token_urlsafe(16)
    entries = [[device, digest], *entries][:MAX_ENTRIES]
    response.set_cookie(
        COOKIE,
        _serializer().dumps(entries),
        max_age=int(LIFETIME.total_seconds()),
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
    )
