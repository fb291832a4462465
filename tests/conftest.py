"""Shared fixtures: a fresh app and database per test, a client, a CLI runner and an auth helper."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from course import create_app
from course.db import make_engine
from course.extensions import db
from course.migrate import upgrade

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def template_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Migrate once per test run; every test gets a copy of this file."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


def make_test_app(tmp_path: Path, template_database: Path, **overrides: object) -> Flask:
    database = tmp_path / "course.sqlite"
    shutil.copyfile(template_database, database)
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "DATABASE_URL": f"sqlite:///{database}",
    }
    config.update(overrides)
    return create_app(config)


@pytest.fixture
def app(tmp_path: Path, template_database: Path) -> Iterator[Flask]:
    application = make_test_app(tmp_path, template_database)
    yield application
    with application.app_context():
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


CSRF_PATTERN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def csrf_token(client: FlaskClient, url: str = "/login") -> str:
    html = client.get(url).get_data(as_text=True)
    match = CSRF_PATTERN.search(html)
    assert match, f"no CSRF token on {url}"
    return match.group(1) or match.group(2)


class Auth:
    """Creates people and logs in as them through the real login form."""

    def __init__(self, app: Flask, client: FlaskClient) -> None:
        self.app = app
        self.client = client

    def make_user(self, username: str, *roles: str, password: str = "correct horse battery", name: str | None = None) -> int:
        from course import accounts

        with self.app.app_context():
            user = accounts.create_user(username, name or username.title(), password, roles=roles or ("student",))
            db.session.commit()
            return user.id

    def make_class(self, teacher_username: str, name: str = "MV2A", year: str = "2026-2027") -> tuple[int, str]:
        from course import accounts

        with self.app.app_context():
            teacher = accounts.find_user(teacher_username)
            school_class = accounts.create_class(teacher, name, year)
            return school_class.id, school_class.join_code

    def enrol(self, username: str, class_id: int) -> None:
        from course import accounts
        from course.models import SchoolClass

        with self.app.app_context():
            accounts.enrol(db.session.get(SchoolClass, class_id), accounts.find_user(username))
            db.session.commit()

    def login(self, username: str, password: str = "correct horse battery"):
        token = csrf_token(self.client, "/login")
        return self.client.post("/login", data={"username": username, "password": password, "csrf_token": token})

    def logout(self):
        token = csrf_token(self.client, "/account")
        return self.client.post("/logout", data={"csrf_token": token})

    def post(self, url: str, data: dict | None = None, token_from: str | None = None, **kwargs):
        """POST with a valid CSRF token taken from ``token_from`` (default: the account page)."""
        payload = dict(data or {})
        payload["csrf_token"] = csrf_token(self.client, token_from or "/account")
        return self.client.post(url, data=payload, **kwargs)


@pytest.fixture
def auth(app: Flask, client: FlaskClient) -> Auth:
    return Auth(app, client)
