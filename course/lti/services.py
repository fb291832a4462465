"""Calling a platform's LTI Advantage services: an OAuth 2 access token from a signed client
assertion (client-credentials grant), posting a score to a line item, and reading a course's roster
page by page. HTTP through requests; every JWT through ``keys.sign`` (PyJWT)."""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import requests

from ..models import LtiPlatform
from . import keys

SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
ROSTER_SCOPE = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
TIMEOUT = 10


class ServiceError(Exception):
    """The platform could not be reached or said no; the message is for logs and admins."""


_tokens: dict[tuple[str, str, str], tuple[float, str]] = {}
_tokens_lock = threading.Lock()


def access_token(platform: LtiPlatform, scope: str, session: requests.Session | None = None) -> str:
    key = (platform.token_url, platform.client_id, scope)
    with _tokens_lock:
        cached = _tokens.get(key)
        if cached and cached[0] > time.monotonic():
            return cached[1]
    now = int(time.time())
    assertion = keys.sign(
        {
            "iss": platform.client_id,
            "sub": platform.client_id,
            "aud": platform.token_url,
            "iat": now,
            "exp": now + 300,
            "jti": secrets.token_urlsafe(16),
        }
    )
    data = {
        "grant_type": "client_credentials",
        "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        "client_assertion": assertion,
        "scope": scope,
    }
    try:
        response = (session or requests).post(platform.token_url, data=data, timeout=TIMEOUT)
    except requests.RequestException as err:
        raise ServiceError(f"token endpoint unreachable: {err.__class__.__name__}") from err
    if response.status_code != 200:
        raise ServiceError(f"token endpoint answered {response.status_code}")
    body = response.json()
    token = body.get("access_token")
    if not token:
        raise ServiceError("token endpoint gave no access_token")
    lifetime = int(body.get("expires_in") or 3600)
    with _tokens_lock:
        _tokens[key] = (time.monotonic() + max(lifetime - 60, 0), token)
    return token


def forget_tokens() -> None:
    with _tokens_lock:
        _tokens.clear()


def scores_url(lineitem_url: str) -> str:
    """The line item's score endpoint: ``/scores`` added to its path, keeping its query."""
    parts = urlsplit(lineitem_url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/") + "/scores", parts.query, ""))


def post_score(platform: LtiPlatform, lineitem_url: str, score: dict[str, Any]) -> None:
    token = access_token(platform, SCORE_SCOPE)
    try:
        response = requests.post(
            scores_url(lineitem_url),
            json=score,
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/vnd.ims.lis.v1.score+json"},
            timeout=TIMEOUT,
        )
    except requests.RequestException as err:
        raise ServiceError(f"score endpoint unreachable: {err.__class__.__name__}") from err
    if response.status_code == 401:
        forget_tokens()  # an expired or revoked token: the next try asks for a new one
    if not 200 <= response.status_code < 300:
        raise ServiceError(f"score endpoint answered {response.status_code}")


def roster_pages(platform: LtiPlatform, memberships_url: str, max_pages: int = 100) -> Iterator[list[dict[str, Any]]]:
    """The members of a course, one page at a time, following ``Link: <...>; rel="next"``."""
    token = access_token(platform, ROSTER_SCOPE)
    url: str | None = memberships_url
    for _ in range(max_pages):
        if url is None:
            return
        try:
            response = requests.get(
                url,
                headers={
                    "Authorization": f"Bearer {token}",
                    "Accept": "application/vnd.ims.lti-nrps.v2.membershipcontainer+json",
                },
                timeout=TIMEOUT,
            )
        except requests.RequestException as err:
            raise ServiceError(f"roster unreachable: {err.__class__.__name__}") from err
        if response.status_code != 200:
            raise ServiceError(f"roster answered {response.status_code}")
        yield list(response.json().get("members") or [])
        url = response.links.get("next", {}).get("url")
