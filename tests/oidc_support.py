"""A real OpenID Connect provider on loopback for the school sign-in tests, and a person using it.

The provider is the certified `oidc-provider` package (tests/oidc/provider.mjs), installed by
`make test` with `npm ci`. Where npm is missing the tests skip with one line saying how to install
it; in CI (``CI`` set) a missing provider fails the run instead, so the tests can never quietly not run.
"""

from __future__ import annotations

import json
import os
import re
import selectors
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import pytest
import requests
from flask.testing import FlaskClient

OIDC_DIR = Path(__file__).resolve().parent / "oidc"
SCRIPT = OIDC_DIR / "provider.mjs"
CLIENT_SECRET = "a-client-secret-for-the-tests-only-0123456789"
START_SECONDS = 20

MISSING_NPM = (
    "npm not found: the OpenID Connect sign-in tests need Node.js 18+ and npm "
    "(`apt-get install nodejs npm`); `make test` then installs the test provider with `npm ci`"
)
NOT_INSTALLED = (
    "the test OpenID Connect provider is not installed: run `make test`, or "
    "`npm ci --prefix tests/oidc`, first"
)


def npm_missing_here() -> bool:
    """True only outside CI on a machine without Node.js and npm: the one case the tests may skip."""
    return (shutil.which("npm") is None or shutil.which("node") is None) and not os.environ.get("CI")


def require_provider() -> None:
    """Skip (npm missing, not in CI) or fail (anything else missing) before starting the provider."""
    if npm_missing_here():
        pytest.skip(MISSING_NPM)
    if shutil.which("npm") is None or shutil.which("node") is None:
        pytest.fail(MISSING_NPM + " -- in CI this is an error: .ci/run installs them")
    if not (OIDC_DIR / "node_modules" / "oidc-provider").is_dir():
        pytest.fail(NOT_INSTALLED)


# --- who is at the school ------------------------------------------------------------------------

SCHOOL_DOMAIN = "school.nl"
TENANT = "tenant-van-de-school"
# subject (the login typed on the provider's page) -> claims
ACCOUNTS: dict[str, dict[str, Any]] = {
    "student-sanne": {"name": "Sanne de Vries", "email": "sanne@student.school.nl", "email_verified": True,
                      "hd": SCHOOL_DOMAIN, "tid": TENANT, "groups": ["studenten"]},
    "docent-jansen": {"name": "Mevrouw Jansen", "email": "Jansen@School.nl", "email_verified": True,
                      "hd": SCHOOL_DOMAIN, "tid": TENANT, "groups": ["docenten"]},
    "docent-onbevestigd": {"name": "Piet Pieters", "email": "pieters@school.nl", "email_verified": False,
                           "hd": SCHOOL_DOMAIN, "tid": TENANT, "groups": []},
    "andere-school": {"name": "Anna Anders", "email": "anna@andereschool.nl", "email_verified": True,
                      "hd": "andereschool.nl", "tid": TENANT, "groups": []},
    "ander-tenant": {"name": "Tom Tenant", "email": "tom@school.nl", "email_verified": True,
                     "hd": SCHOOL_DOMAIN, "tid": "een-andere-tenant", "groups": []},
    "naamloos": {"email": "x@student.school.nl", "email_verified": True, "hd": SCHOOL_DOMAIN, "tid": TENANT},
}


class OidcProvider:
    """oidc-provider in a Node process of its own, on a free port of 127.0.0.1."""

    def __init__(self, clients: list[dict[str, Any]], accounts: dict[str, dict[str, Any]],
                 claims_at_userinfo_only: bool = False) -> None:
        require_provider()
        self._folder = tempfile.TemporaryDirectory(prefix="oidc-provider-")
        setup = Path(self._folder.name) / "setup.json"
        setup.write_text(json.dumps({"clients": clients, "accounts": accounts,
                                     "claimsAtUserinfoOnly": claims_at_userinfo_only}), encoding="utf-8")
        self.log = Path(self._folder.name) / "provider.log"
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(  # noqa: S603 - a fixed script of this repository
                ["node", str(SCRIPT), str(setup)],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, cwd=OIDC_DIR,
            )
        self.issuer = self._read_issuer()

    def _read_issuer(self) -> str:
        assert self.process.stdout is not None
        with selectors.DefaultSelector() as selector:
            selector.register(self.process.stdout, selectors.EVENT_READ)
            ready = selector.select(timeout=START_SECONDS)
        line = self.process.stdout.readline() if ready else b""
        if not line:
            self.stop()
            raise RuntimeError(f"the test OpenID Connect provider did not start:\n{self.log.read_text()}")
        return json.loads(line)["issuer"]

    def stop(self) -> None:
        if self.process.poll() is None:
            assert self.process.stdin is not None
            self.process.stdin.close()  # the provider stops when its input closes
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()
        self._folder.cleanup()

    # -- a person on the provider's own pages -------------------------------------------------

    def sign_in(self, authorize_url: str, login: str, back_to: str, *, cancel: bool = False) -> str:
        """Follow ``authorize_url`` as a browser would, type ``login`` (and any password) on the
        provider's sign-in page, or press Cancel there, and return the URL it sends the person back
        to (which starts with ``back_to``)."""
        browser = requests.Session()
        response = self._follow(browser, browser.get(authorize_url, allow_redirects=False, timeout=10), back_to)
        if isinstance(response, str):
            return response  # already signed in at the provider
        if cancel:
            abort = re.search(r'href="([^"]*/abort)"', response.text)
            assert abort, "no Cancel link on the provider's page"
            answer = browser.get(urljoin(response.url, unescape(abort.group(1))), allow_redirects=False, timeout=10)
        else:
            action = re.search(r'<form[^>]*action="([^"]+)"', response.text)
            assert action, f"no sign-in form on the provider's page:\n{response.text[:500]}"
            answer = browser.post(urljoin(response.url, unescape(action.group(1))),
                                  data={"prompt": "login", "login": login, "password": "any"},
                                  allow_redirects=False, timeout=10)
        result = self._follow(browser, answer, back_to)
        assert isinstance(result, str), f"the provider did not send the person back:\n{result.text[:500]}"
        return result

    @staticmethod
    def _follow(browser: requests.Session, response: requests.Response, back_to: str) -> str | requests.Response:
        for _ in range(10):
            if response.status_code not in (302, 303):
                return response
            location = urljoin(response.url, response.headers["Location"])
            if location.startswith(back_to):
                return location
            response = browser.get(location, allow_redirects=False, timeout=10)
        raise AssertionError("the provider redirected more than ten times")


@contextmanager
def running_provider(clients: list[dict[str, Any]], accounts: dict[str, dict[str, Any]] | None = None,
                     claims_at_userinfo_only: bool = False) -> Iterator[OidcProvider]:
    provider = OidcProvider(clients, ACCOUNTS if accounts is None else accounts, claims_at_userinfo_only)
    try:
        yield provider
    finally:
        provider.stop()


def client_entry(client_id: str, redirect_uris: list[str], misbehave: str | None = None) -> dict[str, Any]:
    entry: dict[str, Any] = {"client_id": client_id, "client_secret": CLIENT_SECRET, "redirect_uris": redirect_uris}
    if misbehave:
        entry["misbehave"] = misbehave
    return entry


def closed_port() -> int:
    """A port on 127.0.0.1 where nothing listens: a provider that is down."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- the app's side ------------------------------------------------------------------------------

APP_URL = "http://localhost"  # the Flask test client's host


def with_query(url: str, **changes: str) -> str:
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    query.update(changes)
    return urlunsplit(parts._replace(query=urlencode(query)))


def query_of(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query))


def local_path(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def sign_in(
    client: FlaskClient,
    provider: OidcProvider,
    login: str,
    name: str = "school",
    *,
    change_request: Callable[[str], str] | None = None,
    change_return: Callable[[str], str] | None = None,
    cancel: bool = False,
):
    """Click "Inloggen met je schoolaccount", sign in on the provider's page and come back.
    ``change_request`` and ``change_return`` tamper with the way there and back, as an attacker could."""
    start = client.get(f"/oidc/{name}/login")
    assert start.status_code == 302, f"no redirect to the provider: {start.status_code} {start.get_data()[:300]!r}"
    authorize_url = start.location
    if change_request is not None:
        authorize_url = change_request(authorize_url)
    back = provider.sign_in(authorize_url, login, f"{APP_URL}/oidc/{name}/callback", cancel=cancel)
    if change_return is not None:
        back = change_return(back)
    return client.get(local_path(back))
