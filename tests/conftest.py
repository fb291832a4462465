"""Shared fixtures: a fresh app and database per test, a client, a CLI runner and an auth helper."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from hypothesis import settings
from sqlalchemy import create_engine
from sqlalchemy.engine import Engine, make_url

from course import create_app
from course.core.db import make_engine
from course.core.extensions import db
from course.core.migrate import upgrade
from course.models import Base

# Timing deadlines make property tests fail on a busy shared machine; correctness is what they check.
settings.register_profile("course", deadline=None)
settings.load_profile("course")

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


# Set TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test to run against PostgreSQL.
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "").strip()
ON_POSTGRES = TEST_DATABASE_URL.startswith("postgresql")
# The pure tests touch no database (tests/test_architecture.py keeps them so): the PostgreSQL pass
# would only repeat them.
collect_ignore_glob = ["unit/*"] if ON_POSTGRES else []
sqlite_only = pytest.mark.skipif(ON_POSTGRES, reason="SQLite-specific behaviour; this pass runs on PostgreSQL")


def _schema_url(base_url: str, schema: str) -> str:
    """The same PostgreSQL database, with every connection working inside ``schema``."""
    url = make_url(base_url)
    return url.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)


@contextmanager
def _postgres_schema(name: str) -> Iterator[str]:
    admin = create_engine(TEST_DATABASE_URL)
    with admin.begin() as conn:
        conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
        conn.exec_driver_sql(f'CREATE SCHEMA "{name}"')
    try:
        yield _schema_url(TEST_DATABASE_URL, name)
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
        admin.dispose()


# Children before parents. setval stands in the select list of a query without a subquery, so it
# only ever sees the rows the WHERE kept, whatever plan the server picks.
_EMPTY_EVERY_TABLE = "".join(
    f'DELETE FROM "{table.name}"; ' for table in reversed(Base.metadata.sorted_tables)
) + (
    "SELECT setval(quote_ident(schemaname) || '.' || quote_ident(sequencename), 1, false)"
    " FROM pg_sequences WHERE schemaname = current_schema()"
)


class Backend:
    """Where test databases come from: a migrated SQLite file copied per test, or one migrated
    PostgreSQL schema emptied after each test."""

    def __init__(self, url: str, template: Path | None) -> None:
        self.url = url
        self.template = template
        self._engine: Engine | None = None
        self._snapshots: list[str] = []

    def share_engine(self, app: Flask) -> None:
        """On PostgreSQL the test apps share one engine: a new connection is a new server process,
        and it cost more than many a test. Apps made inside a test keep their own."""
        if self.template is not None:
            return
        own = app.extensions["course.core.db"]
        own.engine.dispose()
        own.engine = self._shared()

    def _shared(self) -> Engine:
        if self._engine is None:
            self._engine = make_engine(self.url)
        return self._engine

    def release(self, app: Flask) -> None:
        """After a test: end the app's session; its engine goes unless it is the shared one."""
        with app.app_context():
            db.session.remove()
            if db.engine is not self._engine:
                db.engine.dispose()

    def database_url(self, tmp_path: Path) -> str:
        if self.template is None:
            return self.url
        database = tmp_path / "course.sqlite"
        shutil.copyfile(self.template, database)
        return f"sqlite:///{database}"

    def reset(self) -> None:
        if self.template is not None:
            return
        # DELETE and resetting the id sequences: on tables this small, TRUNCATE costs some 140 ms
        # a test (it makes new files for every table), DELETE a few milliseconds.
        with self._shared().begin() as conn:
            # One round trip: a statement list without parameters goes as one simple query.
            conn.exec_driver_sql(_EMPTY_EVERY_TABLE)

    def snapshot(self, name: str) -> str:
        """Copy every table (PostgreSQL) into schema ``<this schema>_<name>``, on the server, so
        that ``restore`` can put a world built once back per test, exactly as it was."""
        with self._shared().begin() as conn:
            schema = f"{conn.exec_driver_sql('SELECT current_schema()').scalar_one()}_{name}"
            copies = "".join(f'CREATE TABLE "{schema}"."{t}" AS TABLE "{t}"; ' for t in Base.metadata.tables)
            conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE; CREATE SCHEMA "{schema}"; {copies}')
        self._snapshots.append(schema)
        return schema

    def restore(self, schema: str) -> None:
        """Put a snapshot back into the emptied tables, with each id sequence past the ids it holds."""
        tables = Base.metadata.sorted_tables
        with self._shared().begin() as conn:
            conn.exec_driver_sql(
                "".join(f'INSERT INTO "{t.name}" SELECT * FROM "{schema}"."{t.name}"; ' for t in tables)
                + "".join(
                    f"SELECT setval(pg_get_serial_sequence('\"{t.name}\"', 'id'), max(id)) FROM \"{t.name}\"; "
                    for t in tables
                    if "id" in t.c and t.c.id.autoincrement is not False
                )
            )

    def close(self) -> None:
        if self._engine is not None:
            with self._engine.begin() as conn:
                for schema in self._snapshots:
                    conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
            self._engine.dispose()


@pytest.fixture(scope="session")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Backend]:
    """Migrate once per test run."""
    if ON_POSTGRES:
        with _postgres_schema(f"pytest_{os.getpid()}") as url:
            engine = make_engine(url)
            upgrade(engine)
            engine.dispose()
            backend = Backend(url, None)
            yield backend
            backend.close()  # before the schema is dropped: the drop would wait for its connection
        return
    path = tmp_path_factory.mktemp("template") / "template.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    yield Backend(f"sqlite:///{path}", path)


@pytest.fixture
def empty_database_url(tmp_path: Path) -> Iterator[str]:
    """A database with no tables at all, on the backend of this pass (for migration tests)."""
    if ON_POSTGRES:
        with _postgres_schema(f"pytest_empty_{os.getpid()}") as url:
            yield url
        return
    yield f"sqlite:///{tmp_path}/empty.sqlite"


@pytest.fixture(autouse=True)
def cheap_password_hashes(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Hashing at the real cost takes most of a test that signs in; only the tests marked
    ``real_password_hash`` are about the hash itself. Hashes keep their settings inside them, so
    one made here still verifies anywhere."""
    if request.node.get_closest_marker("real_password_hash") is None:
        from course.accounts import passwords

        from .security_support import CHEAP_HASHER

        monkeypatch.setattr(passwords, "_hasher", CHEAP_HASHER)


def make_test_app(tmp_path: Path, backend: Backend, **overrides: object) -> Flask:
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "DATABASE_URL": backend.database_url(tmp_path),
    }
    config.update(overrides)
    return create_app(config)


@pytest.fixture
def app(tmp_path: Path, backend: Backend) -> Iterator[Flask]:
    application = make_test_app(tmp_path, backend)
    backend.share_engine(application)
    yield application
    backend.release(application)
    backend.reset()


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


def write_lock_is_free(app: Flask) -> bool:
    """Could another connection take SQLite's write lock right now (is no request holding it)?"""
    import sqlite3

    other = sqlite3.connect(app.config["DATABASE_URL"][len("sqlite:///") :], timeout=0.05, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError:  # "database is locked"
        return False
    finally:
        other.close()


class Auth:
    """Creates people and logs in as them through the real login form."""

    def __init__(self, app: Flask, client: FlaskClient) -> None:
        self.app = app
        self.client = client

    def make_user(
        self, username: str, *roles: str, password: str = "correct horse battery", name: str | None = None
    ) -> int:
        from course.accounts import rules as accounts

        with self.app.app_context():
            user = accounts.create_user(username, name or username.title(), password, roles=roles or ("student",))
            db.session.commit()
            return user.id

    def make_class(self, teacher_username: str, name: str = "MV2A", year: str = "2026-2027") -> tuple[int, str]:
        from course.accounts import rules as accounts

        with self.app.app_context():
            teacher = accounts.find_user(teacher_username)
            school_class = accounts.create_class(teacher, name, year)
            return school_class.id, school_class.join_code

    def enrol(self, username: str, class_id: int) -> None:
        from course.accounts import rules as accounts
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


@pytest.fixture(scope="session")
def oidc_provider() -> Iterator[object]:
    """The real OpenID Connect provider on loopback (tests/oidc_support.py), once per test run, with
    the clients the test app's providers use: the school's, and two that get a broken ID token."""
    from .oidc_support import APP_URL, client_entry, running_provider

    clients = [
        client_entry("course-app", [f"{APP_URL}/oidc/school/callback", f"{APP_URL}/oidc/verkeerde-issuer/callback"]),
        client_entry("audience-app", [f"{APP_URL}/oidc/andere-app/callback"], misbehave="other-audience"),
        client_entry("expired-app", [f"{APP_URL}/oidc/verlopen/callback"], misbehave="expired"),
    ]
    with running_provider(clients) as provider:
        yield provider


@pytest.fixture
def course_copy(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the module's lessons and quizzes that a test may break."""
    lessons, quizzes = tmp_path / "lessons", tmp_path / "quizzes"
    shutil.copytree(ROOT / "lessons", lessons)
    shutil.copytree(ROOT / "quizzes", quizzes)
    return lessons, quizzes
