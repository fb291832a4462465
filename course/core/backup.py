"""`flask --app wsgi backup PATH`: a consistent, checked copy of a live SQLite database.

A backup that looks fine but is empty is worse than none: the source must exist and hold the
course's tables, the copy is written under a temporary name, checked (``PRAGMA integrity_check``
and the row counts of the main tables) and only then given its name.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select
from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.engine import make_url

from ..models import Base
from .sqlite_file import sqlite_path

# The tables whose counts tell an administrator at a glance that a copy holds the school's data.
MAIN_TABLES = (
    ("users", "users"),
    ("school_classes", "classes"),
    ("enrolments", "enrolments"),
    ("lesson_progress", "lessons done or started"),
    ("submissions", "hand-ins"),
    ("quiz_attempts", "quiz attempts"),
    ("tpack_scans", "TPACK scans"),
    ("audit_events", "audit events"),
)
_COUNT_SQL = {
    table: str(select(func.count()).select_from(Base.metadata.tables[table]).compile(dialect=sqlite_dialect.dialect()))
    for table, _ in MAIN_TABLES
}
COURSE_TABLES = frozenset({"alembic_version", "users"})


@dataclass(frozen=True)
class Inspection:
    """What a database file holds, as far as an administrator needs to know."""

    integrity: str  # "ok", or SQLite's first complaint
    revision: str | None
    rows: dict[str, int]  # label of a main table -> rows
    is_course_database: bool

    @property
    def healthy(self) -> bool:
        return self.integrity == "ok"

    def counts(self) -> str:
        return ", ".join(f"{label} {count}" for label, count in self.rows.items()) or "no course tables"


class BackupError(click.ClickException):
    """A refusal, printed as one line that says what to do."""


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(path: Path) -> None:
    """Copy the SQLite database to PATH while the app keeps running, and check the copy."""
    source = configured_sqlite_file("back it up with pg_dump, e.g. `pg_dump --format=custom --file=course.dump DBNAME`")
    refuse_missing_source(source)
    if path.exists():
        raise BackupError(f"{path} exists already; choose a new file name so no backup is overwritten.")
    if not path.parent.is_dir():
        raise BackupError(f"folder {path.parent} does not exist: check the path, or create it first (mkdir -p).")
    inspection = copy_checked(source, path)
    click.echo(f"Backup written to {path}: integrity {inspection.integrity}; {inspection.counts()}.")


def configured_sqlite_file(postgres_hint: str) -> Path:
    """The file of this installation's SQLite database; a clear refusal on PostgreSQL."""
    url = current_app.config["DATABASE_URL"]
    path = sqlite_path(url)
    if path is None:
        backend = make_url(url).get_backend_name()
        raise BackupError(f"this installation uses {backend}, not a SQLite file: {postgres_hint} (see the README).")
    return path


def refuse_missing_source(source: Path) -> None:
    """A mistyped DATABASE_URL must not give an empty backup that looks like a good one."""
    if not source.is_file():
        raise BackupError(
            f"the database {source} does not exist: check DATABASE_URL (or instance/config.py). Nothing was written."
        )
    inspection = inspect_file(source)
    if not inspection.is_course_database:
        raise BackupError(
            f"the database {source} holds no course tables: check DATABASE_URL, or run "
            "`flask --app wsgi db upgrade` on a new installation. Nothing was written."
        )


def copy_checked(source: Path, target: Path) -> Inspection:
    """Copy with SQLite's online backup API, check the copy, then give it its name."""
    partial = target.with_name(f".{target.name}.partial")
    try:
        copy_sqlite(source, partial)
        inspection = inspect_file(partial)
        if not inspection.healthy:
            raise BackupError(f"the copy failed its integrity check ({inspection.integrity}); nothing was kept.")
        os.replace(partial, target)
    except OSError as err:
        raise BackupError(f"cannot write {target}: {err.strerror or err}.") from None
    except sqlite3.Error as err:
        raise BackupError(f"cannot copy {source}: {err}.") from None
    finally:
        partial.unlink(missing_ok=True)
    return inspection


def copy_sqlite(source: Path, target: Path) -> None:
    """SQLite's online backup API: a consistent snapshot even while others write (a file copy
    of a WAL database can miss committed transactions or catch one halfway)."""
    with closing(open_existing(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode = DELETE")  # a single self-contained file


def open_existing(path: Path, *, read_only: bool = False) -> sqlite3.Connection:
    """A connection to a database file that must exist already (SQLite would make an empty one)."""
    mode = "ro" if read_only else "rw"
    return sqlite3.connect(f"file:{quote(str(path), safe='/')}?mode={mode}", uri=True)


def inspect_file(path: Path) -> Inspection:
    """Integrity, schema revision and main-table counts of a database file; never changes it."""
    try:
        with closing(open_existing(path, read_only=True)) as connection:
            return inspect_connection(connection)
    except sqlite3.DatabaseError as err:  # not a database at all, or unreadable
        return Inspection(integrity=str(err), revision=None, rows={}, is_course_database=False)


def inspect_connection(connection: sqlite3.Connection) -> Inspection:
    tables = {name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    integrity = str(connection.execute("PRAGMA integrity_check").fetchone()[0])
    revision = None
    if "alembic_version" in tables:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        revision = row[0] if row else None
    rows = {
        label: int(connection.execute(_COUNT_SQL[table]).fetchone()[0])
        for table, label in MAIN_TABLES
        if table in tables
    }
    return Inspection(integrity, revision, rows, COURSE_TABLES <= tables)
