"""The SQLite database as a file: never created by accident, never written after it was replaced.

SQLite creates a missing file on connect. For a running app that turns a mistyped path, or a
database removed under it, into an empty database that answers ``SELECT 1`` (so /healthz says
"ok") while every page fails. The app therefore opens the file read-write without creating it;
only ``db upgrade`` and ``restore`` make a new one.

A pooled connection keeps the file it opened, even after that file was removed or replaced (a
restore by ``mv``): writes would go into a file nobody reads again. Every checkout compares the
file on disk with the one the connection opened, and reconnects when they differ.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from sqlalchemy import event
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import DisconnectionError

_IDENTITY = "course.sqlite_file"


def sqlite_path(url: str | URL) -> Path | None:
    """The file a SQLite URL points at (plain or ``file:`` URI form); None for other databases
    and for in-memory SQLite."""
    url = make_url(url)
    if url.get_backend_name() != "sqlite":
        return None
    database = url.database or ""
    if url.query.get("uri") == "true" and database.startswith("file:"):
        database = unquote(database[len("file:") :])
    if database in ("", ":memory:") or "mode=memory" in str(url):
        return None
    return Path(database)


def open_without_creating(url: str | URL) -> URL:
    """The same database as a URI that opens an existing file only (``mode=rw``)."""
    url = make_url(url)
    path = sqlite_path(url)
    if path is None or url.query.get("uri") == "true":
        return url
    return url.set(database="file:" + quote(str(path), safe="/"), query={**url.query, "mode": "rw", "uri": "true"})


def create_if_missing(url: str | URL) -> None:
    """Make an empty database file for a new installation (``db upgrade`` on first run)."""
    path = sqlite_path(url)
    if path is None or path.exists():
        return
    if not path.parent.is_dir():
        raise FileNotFoundError(f"folder {path.parent} does not exist")
    sqlite3.connect(path).close()


def watch_file(engine: Engine, path: Path) -> None:
    """Reconnect, instead of writing on, when the file was removed or replaced since connecting."""

    @event.listens_for(engine, "connect")
    def _remember(dbapi_connection: Any, record: Any) -> None:
        record.info[_IDENTITY] = _identity(path)

    @event.listens_for(engine, "checkout")
    def _same_file(dbapi_connection: Any, record: Any, proxy: Any) -> None:
        if _identity(path) != record.info.get(_IDENTITY):
            # The pool drops this connection and opens the file that is there now (or fails to).
            raise DisconnectionError(f"the database file {path} was removed or replaced")


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_dev, stat.st_ino
