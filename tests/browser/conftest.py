"""Browser tests: the real app on a free port with a fresh SQLite database, one headless Debian
Chromium for the whole session, and a context per person. Skipped with one line when Chromium is
missing, and in the PostgreSQL pass (they start their own SQLite app)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

from . import support

JOURNEYS_FIRST = ("test_journeys.py", "test_accessibility.py")


def _why_not() -> str | None:
    if os.environ.get("TEST_DATABASE_URL", "").strip():
        return support.ON_POSTGRES_PASS
    if not support.CHROMIUM.exists():
        return support.MISSING_CHROMIUM
    return None


def pytest_runtest_setup(item: pytest.Item) -> None:
    """One place that skips, before any fixture starts a server or a browser: every test skips
    from this line, so pytest -ra folds them into a single line for the whole folder."""
    reason = _why_not()
    if reason and Path(str(item.path)).resolve().is_relative_to(Path(__file__).resolve().parent):
        pytest.skip(reason)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The journeys run before the accessibility checks, so the last check can compare the pages
    the journeys showed with the pages axe looked at."""
    here = Path(__file__).resolve().parent

    def rank(item: pytest.Item) -> int:
        path = Path(str(item.path)).resolve()
        if path.parent != here or path.name not in JOURNEYS_FIRST:
            return -1
        return JOURNEYS_FIRST.index(path.name)

    ranked = [(rank(item), n, item) for n, item in enumerate(items)]
    if any(r >= 0 for r, _, _ in ranked):
        first = min(n for r, n, _ in ranked if r >= 0)
        ours = sorted(((r, n, item) for r, n, item in ranked if r >= 0), key=lambda t: (t[0], t[1]))
        others = [item for r, _, item in ranked if r < 0]
        items[:] = others[:first] + [item for _, _, item in ours] + others[first:]


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    lines = support.summary_lines()
    if lines:
        terminalreporter.section("axe-core: WCAG 2.1 A/AA violations recorded, per page")
        for line in lines:
            terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def live_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """A fresh, migrated SQLite database and the real app on it (no TESTING flag)."""
    from course import create_app
    from course.core.db import make_engine
    from course.core.extensions import db
    from course.core.migrate import upgrade

    folder = tmp_path_factory.mktemp("browser-db")
    url = f"sqlite:///{folder / 'course.sqlite'}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    app = create_app({"SECRET_KEY": "browser-tests", "DATABASE_URL": url})
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="session")
def live_server(live_app: Flask) -> Iterator[support.LiveServer]:
    server = support.LiveServer(live_app)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def base_url(live_server: support.LiveServer) -> str:
    return live_server.url


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """One Chromium for the session; never downloaded, always Debian's."""
    chromium = playwright.chromium.launch(
        executable_path=str(support.CHROMIUM), headless=True, args=support.LAUNCH_ARGS
    )
    yield chromium
    chromium.close()


PageFactory = Callable[..., Page]


@pytest.fixture
def new_page(browser: Browser, live_server: support.LiveServer) -> Iterator[PageFactory]:
    """A page in a fresh browser context (one per person), closed after the test. Every page is
    watched: the pages it shows are remembered, and a server error fails the test."""
    contexts: list[BrowserContext] = []
    errors: list[str] = []

    def make(viewport: dict[str, int] | None = None) -> Page:
        context = browser.new_context(viewport=viewport or support.LAPTOP, locale="nl-NL", accept_downloads=True)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        support.watch(page, live_server.endpoint, errors)
        return page

    yield make
    for context in contexts:
        context.close()
    assert not errors, f"the server answered with an error: {errors}"
