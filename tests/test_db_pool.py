"""PostgreSQL connections from the pool: one used a moment ago is handed out without a ping (a
ping is a round trip, and a class handing in at once makes thousands of them); one that sat idle
is pinged, and when the database dropped it meanwhile, replaced before a request sees it."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine

from course.core import db as database

from .conftest import ON_POSTGRES, Backend

pytestmark = pytest.mark.skipif(not ON_POSTGRES, reason="the pool's ping is for database servers; SQLite has none")


def counting_pings(engine, monkeypatch) -> list[int]:
    pings: list[int] = []
    original = engine.dialect.do_ping

    def ping(dbapi_connection):
        pings.append(1)
        return original(dbapi_connection)

    monkeypatch.setattr(engine.dialect, "do_ping", ping)
    return pings


def backend_pid(engine) -> int:
    with engine.connect() as conn:
        return conn.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()


def test_a_connection_used_a_moment_ago_is_handed_out_without_a_ping(backend: Backend, monkeypatch):
    engine = database.make_engine(backend.url)
    pings = counting_pings(engine, monkeypatch)
    try:
        first, second = backend_pid(engine), backend_pid(engine)
    finally:
        engine.dispose()
    assert first == second  # the same pooled connection
    assert pings == []


def test_a_connection_the_database_dropped_while_it_sat_idle_is_replaced_before_use(backend: Backend, monkeypatch):
    monkeypatch.setattr(database, "PING_AFTER_IDLE_SECONDS", 0.0)  # every connection counts as idle
    engine = database.make_engine(backend.url)
    pings = counting_pings(engine, monkeypatch)
    admin = create_engine(backend.url)
    try:
        dropped = backend_pid(engine)
        with admin.begin() as conn:
            conn.exec_driver_sql(f"SELECT pg_terminate_backend({int(dropped)})")
        replacement = backend_pid(engine)  # would raise "terminating connection" without the ping
    finally:
        engine.dispose()
        admin.dispose()
    assert replacement != dropped
    assert pings  # the idle connection was tested first
