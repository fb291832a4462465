"""Working inside the platform's frame, and leaving it for a new window.

A platform shows the tool in an iframe, where the normal session cookie (SameSite=Lax) is not sent.
A launch in a frame therefore keeps its session in a second cookie, ``embedded_session``:
SameSite=None, Secure and Partitioned (CHIPS), so browsers keep it for this platform's frame only;
the normal cookie stays as strict as before. Where a browser refuses even that, or someone wants
more room, a single-use token carries the signed-in person to a new window: signed, valid for
``HANDOFF_SECONDS``, and refused the second time.
"""

from __future__ import annotations

import hashlib
import secrets

from flask import Flask, g, request
from flask.sessions import SecureCookieSessionInterface, SessionMixin
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy.exc import IntegrityError

from ..core.extensions import db
from ..models import LtiHandoff, User, utcnow

EMBEDDED_COOKIE = "embedded_session"
STATE_COOKIE = "lti_state"
HANDOFF_SECONDS = 60


class EmbeddedAwareSessionInterface(SecureCookieSessionInterface):
    """The normal session cookie, or inside a platform frame the embedded one (``g.embedded``)."""

    def open_session(self, app: Flask, request_: object) -> SessionMixin | None:  # type: ignore[override]
        cookies = request.cookies
        g.embedded = app.config["SESSION_COOKIE_NAME"] not in cookies and EMBEDDED_COOKIE in cookies
        return super().open_session(app, request)

    def _embedded(self) -> bool:
        return bool(g.get("embedded"))

    def get_cookie_name(self, app: Flask) -> str:
        return EMBEDDED_COOKIE if self._embedded() else super().get_cookie_name(app)

    def get_cookie_samesite(self, app: Flask) -> str | None:
        return "None" if self._embedded() else super().get_cookie_samesite(app)

    def get_cookie_secure(self, app: Flask) -> bool:
        return True if self._embedded() else super().get_cookie_secure(app)

    def get_cookie_partitioned(self, app: Flask) -> bool:
        return True if self._embedded() else super().get_cookie_partitioned(app)


def in_frame() -> bool:
    """Does the browser say this request loads a frame (Fetch Metadata)?"""
    return request.headers.get("Sec-Fetch-Dest") in ("iframe", "frame")


# --- moving to a new window ----------------------------------------------------------------------


def _serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt="lti-new-window")


def handoff_token(secret_key: str, user: User | object, target: str) -> str:
    return _serializer(secret_key).dumps(
        {"u": user.id, "v": user.session_version, "t": target, "j": secrets.token_urlsafe(8)}  # type: ignore[attr-defined]
    )


class HandoffRefused(Exception):
    pass


def redeem(secret_key: str, token: str) -> tuple[User, str]:
    """The person and page of a token, used once within its minute; HandoffRefused otherwise."""
    try:
        data = _serializer(secret_key).loads(token, max_age=HANDOFF_SECONDS)
    except BadSignature:
        raise HandoffRefused("expired or forged") from None
    user = db.session.get(User, data.get("u"))
    if user is None or user.session_version != data.get("v"):
        raise HandoffRefused("account changed")
    digest = hashlib.sha256(token.encode()).hexdigest()
    db.session.add(LtiHandoff(token_hash=digest, user_id=user.id, target=str(data.get("t"))[:1000], used_at=utcnow()))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise HandoffRefused("used before") from None
    return user, str(data.get("t") or "/")
