"""Database engine and session per application, with SQLite tuned for a class writing at once."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from flask import Flask, current_app, has_request_context, request
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session, scoped_session, sessionmaker

from .sqlite_file import open_without_creating, sqlite_path, watch_file

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_reading: ContextVar[bool] = ContextVar("course_db_reading", default=False)
_writing_on_get: ContextVar[bool] = ContextVar("course_db_writing_on_get", default=False)


def _app_context_id() -> int:
    from flask import globals as flask_globals

    return id(flask_globals._cv_app.get(None))


class _AppBoundSession(Session):
    """A session that uses the engine of the Flask app that is current when it runs a query."""

    def get_bind(self, mapper: Any = None, clause: Any = None, **kwargs: Any) -> Engine:
        return current_app.extensions["course.core.db"].engine


class Database:
    """Holds one engine per app and a session scoped to the app context."""

    def __init__(self) -> None:
        self.session = scoped_session(sessionmaker(class_=_AppBoundSession), scopefunc=_app_context_id)

    def init_app(self, app: Flask) -> None:
        url = str(app.config["DATABASE_URL"])
        engine = make_engine(url, busy_timeout_ms=int(app.config["SQLITE_BUSY_TIMEOUT_MS"]))
        app.extensions["course.core.db"] = _AppDatabase(engine)

        @app.teardown_appcontext
        def _remove_session(exc: BaseException | None) -> None:
            self.session.remove()

    @property
    def engine(self) -> Engine:
        return self.engine_for(current_app)

    @staticmethod
    def engine_for(app: Flask) -> Engine:
        """The app's engine without an app context, for WSGI code that runs before Flask's."""
        return app.extensions["course.core.db"].engine

    @contextmanager
    def reading(self) -> Iterator[None]:
        """A read-only stretch inside a writing request: its transaction does not take SQLite's
        write lock and ends on leaving, so slow work after it (a password hash) holds no lock.
        Other databases lock rows, not the file: there it stays in the request's one transaction,
        which saves two transactions' round trips on every submit."""
        if self.engine.dialect.name != "sqlite":
            yield
            return
        self.session.rollback()
        token = _reading.set(True)
        try:
            yield
        finally:
            self.session.rollback()
            _reading.reset(token)

    @contextmanager
    def writing_on_get(self) -> Iterator[None]:
        """A GET that has to write (the return from a school's sign-in page, which the provider
        sends as a GET): its transaction takes SQLite's write lock up front, as a POST's does, so a
        class signing in for the first time queues briefly instead of failing on a stale read."""
        self.session.rollback()
        token = _writing_on_get.set(True)
        try:
            yield
        finally:
            _writing_on_get.reset(token)

    def writing(self) -> bool:
        """Will the next transaction take SQLite's write lock (a POST, a command)?"""
        return _is_write_transaction()


class _AppDatabase:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine


def _is_write_transaction() -> bool:
    """Requests that may change state write; so do commands run outside a request."""
    if _reading.get():
        return False
    if _writing_on_get.get():
        return True
    if has_request_context():
        return request.method in WRITE_METHODS
    return True


# A pooled connection unused for this long is tested before it is handed out (see _ping_when_idle).
PING_AFTER_IDLE_SECONDS = 10.0


def make_engine(url: str, busy_timeout_ms: int = 10_000) -> Engine:
    if not url.startswith("sqlite"):
        engine = create_engine(url)
        _ping_when_idle(engine, PING_AFTER_IDLE_SECONDS)
        return engine

    engine = create_engine(open_without_creating(url), connect_args={"timeout": busy_timeout_ms / 1000})
    path = sqlite_path(url)
    if path is not None:
        watch_file(engine, path)

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, connection_record: Any) -> None:
        # Take transaction control from pysqlite so BEGIN IMMEDIATE below is honoured.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        # A writer takes the write lock up front and waits on busy_timeout, instead of failing
        # with "database is locked" when it upgrades a read lock halfway through.
        # Straight to the driver: this runs on every request, and SQLAlchemy's statement machinery
        # costs more than the statement itself.
        connection.connection.driver_connection.execute("BEGIN IMMEDIATE" if _is_write_transaction() else "BEGIN")

    return engine


def _ping_when_idle(engine: Engine, idle_seconds: float) -> None:
    """Like ``pool_pre_ping``, but only for connections that sat unused in the pool for a while.

    A request on SQLite takes a connection from the pool two to four times (``db.reading()`` returns it in
    between), and a ping is one more round trip to the database each time: with a class handing in
    at once, those waits for the server added up to more than the statements themselves. A
    connection used a moment ago is as alive as a ping would show; one that sat idle (the database
    may have restarted since) is pinged and, when dead, replaced before the request sees it. A
    database that goes away mid-request is still a 503 (course/core/error_pages.py).
    """

    @event.listens_for(engine, "checkin")
    def _returned(dbapi_connection: Any, record: Any) -> None:
        record.info["returned_at"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _handed_out(dbapi_connection: Any, record: Any, proxy: Any) -> None:
        returned = record.info.get("returned_at")
        if returned is None or time.monotonic() - returned < idle_seconds:
            return  # new, or back in the pool a moment ago
        try:
            alive = engine.dialect.do_ping(dbapi_connection)
        except Exception as err:  # whatever the driver raises for a dead connection
            raise DisconnectionError("pooled connection failed its ping") from err
        if not alive:
            raise DisconnectionError("pooled connection failed its ping")


db = Database()
