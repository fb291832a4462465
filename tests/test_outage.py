"""The database away: every page answers with the Dutch error pages, never a bare English
"Internal Server Error", and the log gets one line per request instead of a traceback.

On SQLite the database file is removed under the running app (or held locked past the busy
timeout); on PostgreSQL the app is pointed at a port where nothing listens, or its connections run
through a relay that the test cuts. Neither disturbs any other database on the server.
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.engine import make_url

from bench.clients import Student
from bench.clients import csrf as bench_csrf
from bench.server import STUDENT_PASSWORD, free_port, gunicorn, seed
from course.core.extensions import db

from .conftest import ON_POSTGRES, Auth, Backend, csrf_token, make_test_app, sqlite_only
from .tcp_cut import CuttableRelay

LESSON = "/lessons/wie-ben-jij-online"


@pytest.fixture
def outage_app(tmp_path: Path, backend: Backend):
    """The app with a page that fails by itself, and exceptions handled as in production."""
    application = make_test_app(tmp_path, backend, PROPAGATE_EXCEPTIONS=False)

    @application.get("/test/kapot")
    def broken() -> str:
        raise RuntimeError("a bug in a page")

    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()
    backend.reset()


def cut_off(application: Flask, client: FlaskClient, tmp_path: Path, backend: Backend) -> FlaskClient:
    """The same signed-in browser, from now on talking to an app that cannot reach its database."""
    if not ON_POSTGRES:
        database = Path(application.config["DATABASE_URL"][len("sqlite:///") :])
        for path in database.parent.glob(database.name + "*"):
            path.unlink()
        return client
    nowhere = make_url(backend.url).set(port=free_port()).render_as_string(hide_password=False)
    elsewhere = make_test_app(tmp_path / "cut-off", backend, DATABASE_URL=nowhere, PROPAGATE_EXCEPTIONS=False)
    browser = elsewhere.test_client()
    browser.set_cookie("session", client.get_cookie("session").value)
    return browser


@pytest.fixture
def signed_in(outage_app: Flask) -> tuple[FlaskClient, str]:
    """A student signed in while the database was there; returns the browser and a CSRF token."""
    client = outage_app.test_client()
    auth = Auth(outage_app, client)
    auth.make_user("sanne")
    auth.login("sanne")
    assert client.get(LESSON).status_code == 200
    return client, csrf_token(client, LESSON)


def assert_dutch_page(response, code: int, title: str) -> str:
    page = response.get_data(as_text=True)
    assert response.status_code == code
    assert '<html lang="nl">' in page and f"<h1>{title}</h1>" in page
    assert "Internal Server Error" not in page
    assert "Uitloggen" not in page  # nobody could be looked up: the layout shows no one's menu
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    return page


def test_a_page_while_the_database_is_away_says_503_in_dutch(outage_app, signed_in, tmp_path, backend, caplog):
    client, _ = signed_in
    browser = cut_off(outage_app, client, tmp_path, backend)
    with caplog.at_level(logging.ERROR):
        response = browser.get(LESSON)
    page = assert_dutch_page(response, 503, "Even niet bereikbaar")
    assert "Probeer het over een minuut opnieuw" in page
    assert int(response.headers["Retry-After"]) > 0
    logged = [r for r in caplog.records if "database unreachable" in r.getMessage()]
    assert len(logged) == 1 and logged[0].exc_info is None
    assert f"GET {LESSON}" in logged[0].getMessage()
    assert "\n" not in logged[0].getMessage()


def test_a_form_sent_while_the_database_is_away_says_it_may_not_be_stored(outage_app, signed_in, tmp_path, backend):
    client, token = signed_in
    browser = cut_off(outage_app, client, tmp_path, backend)
    response = browser.post(f"{LESSON}/done", data={"csrf_token": token})
    page = assert_dutch_page(response, 503, "Even niet bereikbaar")
    assert "misschien niet opgeslagen" in page and "Retry-After" in response.headers


def test_the_500_page_needs_no_database_either(outage_app, signed_in, tmp_path, backend):
    client, _ = signed_in
    browser = cut_off(outage_app, client, tmp_path, backend)
    page = assert_dutch_page(browser.get("/test/kapot"), 500, "Er ging iets mis")
    assert "Foutcode 500" in page


def test_the_500_page_still_shows_the_menu_while_the_database_is_there(outage_app, signed_in):
    client, _ = signed_in
    response = client.get("/test/kapot")
    assert response.status_code == 500 and "Uitloggen" in response.get_data(as_text=True)


def test_healthz_says_503_once_the_database_file_is_gone(outage_app, signed_in, tmp_path, backend):
    client, _ = signed_in
    assert client.get("/healthz").status_code == 200
    browser = cut_off(outage_app, client, tmp_path, backend)
    assert browser.get("/healthz").status_code == 503


@sqlite_only
def test_the_app_never_makes_a_new_empty_database_in_place_of_a_removed_one(outage_app, signed_in, tmp_path, backend):
    client, _ = signed_in
    database = Path(outage_app.config["DATABASE_URL"][len("sqlite:///") :])
    cut_off(outage_app, client, tmp_path, backend)
    client.get(LESSON)
    client.get("/healthz")
    assert not database.exists()


@sqlite_only
def test_a_database_locked_past_the_busy_timeout_is_a_503_too(tmp_path, backend):
    application = make_test_app(tmp_path, backend, SQLITE_BUSY_TIMEOUT_MS=100)
    client = application.test_client()
    auth = Auth(application, client)
    auth.make_user("sanne")
    auth.login("sanne")
    token = csrf_token(client, LESSON)
    holder = sqlite3.connect(application.config["DATABASE_URL"][len("sqlite:///") :], isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # a backup tool or a stuck process keeps the write lock
    try:
        response = client.post(f"{LESSON}/done", data={"csrf_token": token})
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    page = response.get_data(as_text=True)
    assert response.status_code == 503 and "Retry-After" in response.headers
    assert "misschien niet opgeslagen" in page
    assert client.post(f"{LESSON}/done", data={"csrf_token": token}).status_code == 302  # and it comes back
    with application.app_context():
        db.engine.dispose()


@pytest.mark.slow
@sqlite_only
def test_gunicorn_answers_the_dutch_503_when_the_database_file_is_removed(tmp_path):
    """The probe's finding: gunicorn's bare English "Internal Server Error" during an outage."""
    database = tmp_path / "course.sqlite"
    seeded = seed(f"sqlite:///{database}", 1)
    with gunicorn(seeded.database_url, workers=2) as base:
        student = Student(base, seeded.students[0], STUDENT_PASSWORD)
        student.login()
        page = student.http.get(f"{base}{LESSON}", timeout=30).text
        csrf = bench_csrf(page)
        for path in tmp_path.glob("course.sqlite*"):
            path.unlink()
        answers = [student.http.get(f"{base}{LESSON}", timeout=30) for _ in range(3)]
        answers.append(student.http.post(f"{base}{LESSON}/done", data={"csrf_token": csrf}, timeout=30))
        health = requests.get(f"{base}/healthz", timeout=30)
        student.http.close()
    for response in answers:
        assert response.status_code == 503 and response.headers["Retry-After"]
        assert "<h1>Even niet bereikbaar</h1>" in response.text and "Internal Server Error" not in response.text
    assert health.status_code == 503
    assert not database.exists()


@pytest.mark.skipif(not ON_POSTGRES, reason="PostgreSQL going away mid-run; the SQLite tests remove the file")
def test_postgresql_cut_while_the_app_runs_gives_503_pages_and_no_traceback(tmp_path, backend, caplog):
    url = make_url(backend.url)
    relay = CuttableRelay(url.host or "127.0.0.1", url.port or 5432)
    through_relay = url.set(host="127.0.0.1", port=relay.port).render_as_string(hide_password=False)
    application = make_test_app(tmp_path, backend, DATABASE_URL=through_relay, PROPAGATE_EXCEPTIONS=False)
    client = application.test_client()
    auth = Auth(application, client)
    try:
        auth.make_user("sanne")
        auth.login("sanne")
        token = csrf_token(client, LESSON)  # the pool now holds live connections through the relay
        relay.cut()
        with caplog.at_level(logging.WARNING):
            pages = [client.get(LESSON), client.post(f"{LESSON}/done", data={"csrf_token": token}), client.get(LESSON)]
    finally:
        with application.app_context():
            db.engine.dispose()
        backend.reset()
    for response in pages:
        assert_dutch_page(response, 503, "Even niet bereikbaar")
    assert [r for r in caplog.records if r.exc_info] == []  # no traceback from the app or the pool
    assert len([r for r in caplog.records if "database unreachable" in r.getMessage()]) == 3
