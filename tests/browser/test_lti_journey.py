"""A launch from a learning platform's course page into an iframe on another site, then on into a
new window: what a student does in Moodle or itslearning, in Chromium."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from flask import Flask
from playwright.sync_api import Browser, expect

from ..lti_platform import INSTRUCTOR, Platform
from .support import LAPTOP, LiveServer, shoot

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def tool(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Flask, LiveServer]]:
    """Its own app and server: a registered platform changes every page's frame policy."""
    from course import create_app
    from course.core.db import make_engine
    from course.core.extensions import db
    from course.core.migrate import upgrade

    url = f"sqlite:///{tmp_path_factory.mktemp('lti-browser') / 'course.sqlite'}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    app = create_app({"SECRET_KEY": "lti-browser", "DATABASE_URL": url, "LTI_JWKS_COOLDOWN": 0.0})
    server = LiveServer(app)
    server.start()
    yield app, server
    server.stop()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_lti_launch_into_a_frame_on_another_site_and_on_into_a_new_window(tool, browser: Browser):
    from course.lti import platforms

    app, server = tool
    platform = Platform(host="localhost")  # another site than the tool at 127.0.0.1
    try:
        with app.app_context():
            platforms.add_platform(**platform.registration())
        platform.tool_login_url = server.url + "/lti/login"
        platform.login_target = server.url + "/lessons/"
        platform.login_sub, platform.login_roles = "teacher-1", [INSTRUCTOR]
        context = browser.new_context(viewport=LAPTOP, locale="nl-NL")
        context.set_default_timeout(10_000)
        page = context.new_page()
        page.goto(platform.url + "/course")
        frame = page.frame_locator("iframe")
        frame.get_by_role("button", name="Verder naar de les").click()
        new_window = frame.get_by_role("button", name="Open in een nieuw venster")
        expect(new_window).to_be_visible()
        shoot(page, "lti-iframe")
        with context.expect_page() as opened:
            new_window.click()
        window = opened.value
        window.wait_for_load_state()
        expect(window).to_have_url(re.compile(re.escape(server.url) + r"/lessons/$"))
        expect(window.get_by_role("heading", level=1)).to_be_visible()
        expect(window.get_by_role("button", name="Uitloggen")).to_be_visible()  # signed in, no password asked
        shoot(window, "lti-new-window")
        context.close()
    finally:
        platform.close()
