"""Headers, cookies and sessions on every kind of page.

One page of every blueprint (most of them several), each requested as someone who may see it,
carries the strict Content-Security-Policy and the other headers, over http and https; its rendered
HTML holds nothing that policy would block and points at no other host. The session cookie is
HttpOnly and SameSite=Lax, and Secure behind https. A password reset by a teacher ends the
student's other sessions, and the hourly cap on failed logins holds through the real store.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from flask import Flask, url_for
from flask.testing import FlaskClient
from werkzeug.wrappers import Response

from course.core.extensions import db
from course.models import LoginFailure

from .conftest import Backend, csrf_token, make_test_app
from .security_support import PASSWORD, USERS, World, build_world, inline_code, log_in, other_hosts

# Links a person may follow (never loaded by the page): the licence the credits must cite.
ALLOWED_LINKS = {"pages.credits": {"creativecommons.org"}}


@dataclass(frozen=True)
class Page:
    endpoint: str
    role: str
    values: Callable[[World], dict[str, object]] = lambda world: {}
    start: str | None = None  # a button to press first (POST), whose redirect leads to the page
    status: int = 200  # a page that says no (the school sign-in refused) carries the headers too


PAGES = [
    Page("pages.credits", "anonymous"),
    Page("pages.privacy", "anonymous"),
    Page("pages.staff_home", "trainer"),
    Page("health.healthz", "anonymous"),
    Page("auth.login", "anonymous"),
    Page("auth.signup", "anonymous"),
    Page("auth.account", "student"),
    Page("auth.change_password", "student"),
    Page("mydata.show", "student"),
    Page("mydata.download", "student"),
    Page("admin.users", "admin"),
    Page("admin.audit", "admin"),
    Page("admin.sign_in", "admin"),
    Page("admin_privacy.index", "admin"),
    Page("admin_privacy.dpia", "admin"),
    Page("admin_privacy.dpia_md", "admin"),
    # No identity provider is configured here: the school sign-in's refusal page, for an unknown one.
    Page("oidc.callback", "anonymous", lambda w: {"name": "school"}, status=404),
    Page("student.dashboard", "student"),
    Page("lessons.index", "student"),
    Page("lessons.competences", "student"),
    Page("lessons.show", "student", lambda w: {"slug": w.lesson_slug}),
    Page("lessons.guide", "owner", lambda w: {"slug": w.lesson_slug}),
    Page("assignments.write", "student", lambda w: {"slug": w.lesson_slug}),
    Page("assignments.version", "student", lambda w: {"submission_id": w.submissions["student"]}),
    Page("assignments.queue", "owner", lambda w: {"class_id": w.class_a}),
    Page("assignments.review", "owner", lambda w: {"class_id": w.class_a, "submission_id": w.submissions["student"]}),
    Page("quizzes.show", "student", lambda w: {"slug": w.quiz_slug}),
    Page("quizzes.attempt", "student", lambda w: {"slug": w.quiz_slug, "token": "-"}, start="quizzes.start"),
    Page("quizzes.review_attempt", "student", lambda w: {"slug": w.quiz_slug, "token": w.tokens["student"]}),
    Page("quizzes.class_questions", "owner", lambda w: {"slug": w.quiz_slug, "class_id": w.class_a}),
    Page("classes.index", "owner"),
    Page("classes.detail", "co_teacher", lambda w: {"class_id": w.class_a}),
    Page("gradebook.grid", "owner", lambda w: {"class_id": w.class_a}),
    Page("gradebook.export_grid", "owner", lambda w: {"class_id": w.class_a, "fmt": "xlsx"}),
    Page("lessons.index", "owner"),  # with the downloads for the school's own platform
    Page("portable.moodle_xml", "owner"),
    Page("gradebook.student", "owner", lambda w: {"class_id": w.class_a, "student_id": w.ids["student"]}),
    Page("gradebook.attempt", "owner", lambda w: {"class_id": w.class_a, "token": w.tokens["student"]}),
    Page("gradebook.items", "owner", lambda w: {"class_id": w.class_a, "slug": w.quiz_slug}),
    Page("gradebook.misconceptions", "owner", lambda w: {"class_id": w.class_a}),
    Page("tpack.index", "owner"),
    Page("tpack.scan", "co_teacher", lambda w: {"scan_id": 0}, start="tpack.start"),
    Page("tpack.result", "owner", lambda w: {"scan_id": w.scans["owner"]}),
    Page("tpack.history", "owner"),
    Page("trainer.index", "trainer"),
    Page("trainer.cohort", "trainer", lambda w: {"cohort_id": w.cohorts["trainer"]}),
    Page("trainer.export", "trainer", lambda w: {"cohort_id": w.cohorts["trainer"]}),
    Page("trainer.reach", "trainer"),
    Page("trainer.join", "co_teacher"),
    Page("trainer.session", "owner", lambda w: {"slug": w.session_slug}),
    Page("lti.index", "admin"),
    Page("live.control", "owner", lambda w: {"session_id": w.live["session"]}),
    Page("live.board", "owner", lambda w: {"session_id": w.live["session"]}),
    Page("live.room", "student", lambda w: {"room": w.live["room"]}),
    Page("live.join", "student"),
    Page("peer.give", "student", lambda w: {"task_id": w.assignment_objects["own"]["task_id"]}),
    Page("peer.overview", "owner", lambda w: {"class_id": w.class_a, "slug": w.lesson_slug}),
    Page("share.show", "anonymous", lambda w: {"link": w.assignment_objects["own"]["link"]}),
]


@pytest.fixture
def world(app: Flask) -> World:
    return build_world(app)


def fetch(app: Flask, client: FlaskClient, world: World, page: Page, base_url: str) -> Response:
    with app.test_request_context():
        url = url_for(page.endpoint, **page.values(world))
        start = url_for(page.start, **_start_values(page, world)) if page.start else None
    if start:
        token = csrf_token(client, "/account")
        # Over https Flask-WTF also wants a same-site Referer, as a browser sends it.
        headers = {"Referer": f"{base_url}/account"}
        pressed = client.post(start, data={"csrf_token": token}, base_url=base_url, headers=headers)
        assert pressed.status_code == 302, f"{page.start}: {pressed.status_code}"
        url = pressed.location
    response = client.get(url, base_url=base_url)
    response.close()
    return response


def _start_values(page: Page, world: World) -> dict[str, object]:
    return {"slug": world.quiz_slug} if page.start == "quizzes.start" else {}


def check_headers(response: Response, *, https: bool) -> None:
    policy = response.headers.get("Content-Security-Policy", "")
    directives = {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}
    assert directives.get("default-src") == ["'self'"], policy
    assert directives.get("frame-ancestors") == ["'none'"], policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, policy
    assert response.headers.get("X-Content-Type-Options") == "nosniff"
    assert response.headers.get("Referrer-Policy") == "same-origin"
    hsts = response.headers.get("Strict-Transport-Security")
    if https:
        assert hsts and int(re.search(r"max-age=(\d+)", hsts).group(1)) >= 180 * 24 * 3600, hsts
    else:
        assert hsts is None, "HSTS over plain http is meaningless and may pin a test host"


@pytest.mark.parametrize("page", PAGES, ids=[f"{p.endpoint}-as-{p.role}" for p in PAGES])
def test_every_page_kind_is_served_under_a_strict_policy(app, client, world, page):
    log_in(client, page.role)
    for base_url, https in (("http://localhost", False), ("https://localhost", True)):
        response = fetch(app, client, world, page, base_url)
        assert response.status_code == page.status, f"{page.endpoint} as {page.role}: {response.status_code}"
        check_headers(response, https=https)
    if response.mimetype == "text/html":
        html = response.get_data(as_text=True)
        assert not inline_code(html), f"{page.endpoint}: {inline_code(html)}"
        allowed = ALLOWED_LINKS.get(page.endpoint, set())
        foreign = [found for found in other_hosts(html) if not any(host in found for host in allowed)]
        assert not foreign, f"{page.endpoint} points at other hosts: {foreign}"
        assert response.headers.get("Cache-Control") == "no-store"


def test_every_blueprint_has_a_page_here(app):
    covered = {page.endpoint.split(".", 1)[0] for page in PAGES}
    assert set(app.blueprints) <= covered, f"add a page of: {sorted(set(app.blueprints) - covered)}"


def test_the_credits_link_only_to_the_licence(client):
    html = client.get("/credits").get_data(as_text=True)
    assert other_hosts(html) and all("creativecommons.org" in found for found in other_hosts(html))


@pytest.mark.parametrize("path", ["/login", "/nergens", "/static/css/app.css"])
def test_error_pages_and_static_files_carry_the_headers_too(client, path):
    response = client.get(path)
    response.close()
    check_headers(response, https=False)
    if response.mimetype == "text/html":
        html = response.get_data(as_text=True)
        assert not inline_code(html) and not other_hosts(html)


# --- cookies ------------------------------------------------------------------------------------


def session_cookie_header(client: FlaskClient, base_url: str = "http://localhost") -> str:
    response = client.get("/login", base_url=base_url)
    cookies = [value for value in response.headers.getlist("Set-Cookie") if value.startswith("session=")]
    assert cookies, "the login page sets the session cookie (it holds the CSRF token)"
    return cookies[0]


def attributes(cookie: str) -> dict[str, str]:
    parts = [part.strip() for part in cookie.split(";")[1:]]
    return {part.split("=", 1)[0].lower(): (part.split("=", 1)[1] if "=" in part else "") for part in parts}


def test_session_cookie_is_httponly_and_samesite_lax(client):
    found = attributes(session_cookie_header(client))
    assert "httponly" in found
    assert found.get("samesite") == "Lax"
    assert "secure" not in found  # plain http in development: a Secure cookie would never come back


@pytest.mark.parametrize(
    "overrides", [{"PREFERRED_URL_SCHEME": "https"}, {"SESSION_COOKIE_SECURE": True}], ids=["https-scheme", "flag"]
)
def test_session_cookie_is_secure_behind_https(tmp_path: Path, backend: Backend, overrides):
    application = make_test_app(tmp_path, backend, **overrides)
    try:
        found = attributes(session_cookie_header(application.test_client(), "https://localhost"))
        assert "secure" in found and "httponly" in found and found.get("samesite") == "Lax"
    finally:
        with application.app_context():
            db.session.remove()
            db.engine.dispose()
        backend.reset()


def test_login_starts_a_fresh_session(client, world):
    """Nothing planted in the session before login (session fixation) survives it."""
    csrf_token(client, "/login")
    with client.session_transaction() as before:
        before["planted"] = "by someone else"
        before["_user_id"] = "999:1"
    token = csrf_token(client, "/login")
    response = client.post("/login", data={"username": USERS["student"][0], "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    with client.session_transaction() as after:
        assert "planted" not in after
        assert after["_user_id"] == f"{world.ids['student']}:1"


@pytest.mark.parametrize(
    "target",
    ["//evil.example", "/\\evil.example", "/%5Cevil.example", "/%09/evil.example", "%2F%2Fevil.example",
     "https:evil.example", "/.//evil.example", "\\\\evil.example", " //evil.example", "javascript:alert(1)"],
)
def test_login_never_sends_you_to_another_site(client, world, target):
    token = csrf_token(client, "/login")
    response = client.post(
        f"/login?next={target}", data={"username": USERS["student"][0], "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302
    # Where a browser would go: tabs and newlines dropped, backslashes read as slashes.
    location = re.sub(r"[\t\n\r]", "", response.headers["Location"]).replace("\\", "/")
    resolved = urljoin("https://localhost/login", location)
    assert urlsplit(resolved).hostname == "localhost" and urlsplit(resolved).scheme == "https", location


# --- sessions -----------------------------------------------------------------------------------


def test_a_password_reset_by_the_teacher_ends_the_students_other_sessions(app, client, world):
    phone = app.test_client()
    log_in(phone, "student")
    assert phone.get("/student/").status_code == 200

    log_in(client, "owner")
    token = csrf_token(client, "/account")
    url = f"/teacher/classes/{world.class_a}/students/{world.ids['student']}/reset-password"
    page = client.post(url, data={"csrf_token": token}).get_data(as_text=True)
    temporary = re.search(r'class="big-code">([^<]+)<', page).group(1)

    response = phone.get("/student/")
    assert response.status_code == 302 and response.location.startswith("/login")
    assert phone.get("/account/data/download.json").status_code == 302  # nothing of theirs is reachable
    laptop = app.test_client()
    token = csrf_token(laptop, "/login")
    response = laptop.post("/login", data={"username": "sanne", "password": temporary, "csrf_token": token})
    assert response.status_code == 302


# --- login throttling through the real store ---------------------------------------------------


def _failures(app: Flask, username: str, count: int, newest_minutes_ago: int) -> None:
    """``count`` failed logins for the account, spread over the last hour, the newest some minutes ago."""
    now = datetime.now(UTC)
    with app.app_context():
        db.session.add_all(
            LoginFailure(key=f"user:{username}", failed_at=now - timedelta(minutes=newest_minutes_ago, seconds=n))
            for n in range(count)
        )
        db.session.commit()


def _login(app: Flask, username: str) -> Response:
    fresh = app.test_client()
    token = csrf_token(fresh, "/login")
    return fresh.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token})


def test_a_hundred_failures_in_an_hour_stop_the_account_even_with_the_right_password(app, world):
    # The growing wait after the newest failure (at most 15 minutes) is long over: only the cap holds.
    _failures(app, "sanne", 100, newest_minutes_ago=20)
    response = _login(app, "sanne")
    assert response.status_code == 429
    assert "Te veel mislukte pogingen" in response.get_data(as_text=True)


def test_ninety_nine_failures_an_hour_ago_do_not_lock_the_account(app, world):
    _failures(app, "sanne", 99, newest_minutes_ago=20)
    assert _login(app, "sanne").status_code == 302


def test_the_hourly_cap_is_per_account(app, world):
    _failures(app, "sanne", 100, newest_minutes_ago=20)
    assert _login(app, "sem").status_code == 302
