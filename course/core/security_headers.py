"""Response headers that make the browser refuse inline script, framing and other hosts."""

from __future__ import annotations

from flask import Flask, request
from werkzeug.wrappers import Response

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "media-src 'self'",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def init_app(app: Flask) -> None:
    app.after_request(_set_headers)


def baseline_headers(*, secure: bool) -> list[tuple[str, str]]:
    """The headers every response carries unless it sets its own; also for responses made outside
    Flask's request handling (the live poll)."""
    headers = [
        ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "same-origin"),
        ("X-Frame-Options", "DENY"),
        ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
    ]
    if secure:
        headers.append(("Strict-Transport-Security", "max-age=31536000; includeSubDomains"))
    return headers


def _set_headers(response: Response) -> Response:
    headers = response.headers
    for name, value in baseline_headers(secure=request.is_secure):
        if name == "X-Frame-Options" and "frame-ancestors 'none'" not in headers.get("Content-Security-Policy", ""):
            # Older browsers know only this header; where learning platforms may frame the app,
            # the policy's frame-ancestors lists them and this header (which cannot) stays away.
            continue
        headers.setdefault(name, value)
    if response.mimetype == "text/html":
        # Pages show personal data: keep them out of shared caches and the back-forward cache of others.
        headers.setdefault("Cache-Control", "no-store")
    return response
