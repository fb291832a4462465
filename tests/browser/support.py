"""What the browser tests share: the live server, people, logging in, keyboard moves, axe and
screenshots. No fixtures here (see conftest.py), so test modules can import it directly."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Flask
from playwright.sync_api import Locator, Page, expect
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

CHROMIUM = Path("/usr/bin/chromium")
MISSING_CHROMIUM = (
    f"Chromium not found at {CHROMIUM}: install it with `apt-get install chromium` to run the browser tests"
)
ON_POSTGRES_PASS = (
    "browser tests start their own SQLite app: they ran in the SQLite pass, not again on PostgreSQL"
)
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
PHONE = {"width": 375, "height": 812}
LAPTOP = {"width": 1280, "height": 800}
SIZES = {"375x812": PHONE, "1280x800": LAPTOP}
PASSWORD = "correct horse battery"

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# page name -> size label -> recorded violations ("minor: 2", per rule), for the summary.
AXE_SUMMARY: dict[str, dict[str, Counter[str]]] = {}
# endpoint -> one path that reached it, for every page a journey showed.
VISITED: dict[str, str] = {}


# -- the app on a real port -----------------------------------------------------------------------


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """One line per request would drown pytest's output; errors are still logged."""


class LiveServer:
    """The real app served by werkzeug on a free port, in a thread of the test process, so tests
    can prepare data through the app's own services on the same database."""

    def __init__(self, app: Flask, port: int = 0) -> None:
        self.app = app
        self.server: BaseWSGIServer = make_server(
            "127.0.0.1", port, app, threaded=True, request_handler=_QuietHandler
        )
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self._thread = threading.Thread(target=self.server.serve_forever, name="live-server", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=10)

    def endpoint(self, url: str) -> str | None:
        """Which view served a URL of this server (None for other hosts and unknown paths)."""
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != self.url:
            return None
        adapter = self.app.url_map.bind("127.0.0.1")
        try:
            endpoint, _ = adapter.match(parts.path, method="GET")
        except (HTTPException, RequestRedirect):
            return None
        return str(endpoint)


# -- people, made through the app's services ------------------------------------------------------


def make_user(app: Flask, username: str, *roles: str, name: str | None = None) -> int:
    from course.accounts import rules as accounts
    from course.core.extensions import db

    with app.app_context():
        user = accounts.create_user(username, name or username.title(), PASSWORD, roles=roles or ("student",))
        db.session.commit()
        return user.id


# -- what a person does ---------------------------------------------------------------------------


def log_in(page: Page, base_url: str, username: str, password: str = PASSWORD) -> None:
    page.goto(base_url + "/login")
    page.get_by_label("Gebruikersnaam", exact=True).fill(username)
    page.get_by_label("Wachtwoord", exact=True).fill(password)
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("button", name="Uitloggen")).to_be_visible()


def tab_until(page: Page, predicate: str, arg: Any = None, limit: int = 200, what: str = "") -> None:
    """Press Tab until ``predicate(document.activeElement, arg)`` holds, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"([arg]) => ({predicate})(document.activeElement, arg)", [arg]):
            return
    raise AssertionError(f"{limit} presses of Tab never reached {what or predicate}")


def tab_to(page: Page, target: Locator, limit: int = 200) -> None:
    """Press Tab until ``target`` has the focus."""
    handle = target.element_handle()
    assert handle is not None, f"{target} is not on the page"
    tab_until(page, "(el, target) => el === target", handle, limit, what=str(target))


def focused(page: Page, script: str = "el => el.value") -> Any:
    return page.evaluate(f"({script})(document.activeElement)")


def text_of(page: Page) -> str:
    """The page as a reader sees it, whitespace collapsed."""
    return " ".join(page.locator("body").inner_text().split())


# -- screenshots and axe --------------------------------------------------------------------------


def shoot(page: Page, name: str) -> None:
    """Save the page as a phone and as a laptop show it, for a person to look at."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    original = page.viewport_size or LAPTOP
    for label, size in SIZES.items():
        page.set_viewport_size(size)
        page.screenshot(path=str(ARTIFACTS / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size(original)


@lru_cache(maxsize=1)
def axe_source() -> str:
    """axe-core as shipped in the axe-playwright-python wheel: nothing is downloaded at test time."""
    return (files("axe_playwright_python") / "axe.min.js").read_text(encoding="utf-8")


AXE_RUN = """async (tags) => {
  const result = await axe.run(document, {runOnly: tags, resultTypes: ['violations']});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, count: v.nodes.length,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' -> ' + (n.failureSummary || '').split('\\n').join(' ')),
  }));
}"""


def run_axe(page: Page) -> list[dict[str, Any]]:
    """The WCAG 2.1 A/AA violations on the page as it is now. Injected with evaluate: the app's
    Content-Security-Policy rightly blocks inline script tags, evaluate is not subject to it."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    return page.evaluate(AXE_RUN, AXE_TAGS)


def record_axe(page_name: str, size_label: str, violations: list[dict[str, Any]]) -> None:
    counts: Counter[str] = Counter()
    for violation in violations:
        counts[f"{violation['impact']} {violation['id']}"] += violation["count"]
    AXE_SUMMARY.setdefault(page_name, {})[size_label] = counts


def every_violation(violations: list[dict[str, Any]]) -> list[str]:
    """Each violation as a line, whatever its impact: the pages are held to none at all."""
    return [f"{v['impact']} {v['id']} ({v['help']}): " + "; ".join(v["nodes"]) for v in violations]


def summary_lines() -> list[str]:
    """Per page and size: the recorded violations, counted by impact and rule."""
    lines = []
    for page_name in sorted(AXE_SUMMARY):
        parts = []
        for label, counts in AXE_SUMMARY[page_name].items():
            by_impact: Counter[str] = Counter()
            for key, n in counts.items():
                by_impact[key.split(" ", 1)[0]] += n
            detail = ", ".join(f"{key} x{n}" for key, n in sorted(counts.items()))
            total = sum(counts.values())
            parts.append(f"{label}: {total} " + (f"({detail})" if detail else "(none)"))
        lines.append(f"{page_name:<32} " + " | ".join(parts))
    return lines


def watch(page: Page, endpoint_of: Callable[[str], str | None], errors: list[str]) -> None:
    """Remember which pages a journey shows, and every server error on the way."""

    def on_navigated(frame: Any) -> None:
        if frame == page.main_frame:
            endpoint = endpoint_of(frame.url)
            if endpoint and endpoint != "static":
                VISITED.setdefault(endpoint, urlsplit(frame.url).path)

    def on_response(response: Any) -> None:
        if response.status >= 500:
            errors.append(f"{response.status} {response.request.method} {response.url}")

    page.on("framenavigated", on_navigated)
    page.on("response", on_response)
