"""Schema migrations (Alembic) driven from the app, so `flask --app wsgi db upgrade` needs no ini file."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import func, inspect, select, table
from sqlalchemy.engine import Connection, Engine

from .config import PROJECT_ROOT
from .sqlite_file import create_if_missing

MIGRATIONS_DIR = PROJECT_ROOT / "migrations"
VERSION_TABLE = "alembic_version"


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate to ``revision``; on a new SQLite installation this makes the database file."""
    create_if_missing(engine.url)
    cfg = alembic_config(engine)
    with _migrating(engine) as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)


def downgrade(engine: Engine, revision: str) -> None:
    cfg = alembic_config(engine)
    with _migrating(engine) as connection:
        cfg.attributes["connection"] = connection
        command.downgrade(cfg, revision)


@contextmanager
def _migrating(engine: Engine) -> Iterator[Connection]:
    """One transaction for the whole migration. On SQLite, foreign keys are off while it runs:
    altering a table there means copying and dropping it, and dropping a table that others point
    to with ON DELETE CASCADE would delete their rows. The keys are checked before committing."""
    with engine.connect() as connection:
        sqlite = engine.dialect.name == "sqlite"
        if sqlite:  # outside any transaction, or SQLite ignores it
            connection.connection.driver_connection.execute("PRAGMA foreign_keys = OFF")
        try:
            with connection.begin():
                yield connection
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
                    if broken:
                        raise RuntimeError(f"migration left rows pointing at rows that do not exist: {broken[:5]}")
        finally:
            if sqlite:
                connection.connection.driver_connection.execute("PRAGMA foreign_keys = ON")


def rows_a_downgrade_drops(engine: Engine, revision: str) -> dict[str, int]:
    """Tables that hold rows now and would be gone after downgrading to ``revision``, with their
    row counts. Found by running the downgrade in a transaction that is rolled back (both SQLite
    and PostgreSQL undo schema changes with it), so relative targets like ``-1`` work too."""
    with engine.connect() as connection:
        before = {name: _rows(connection, name) for name in inspect(connection).get_table_names()}
    cfg = alembic_config(engine)
    with engine.connect() as connection:
        trial = connection.begin()
        try:
            cfg.attributes["connection"] = connection
            command.downgrade(cfg, revision)
            after = set(inspect(connection).get_table_names())
        finally:
            trial.rollback()
    return {name: rows for name, rows in before.items() if name not in after and name != VERSION_TABLE and rows}


def _rows(connection: Connection, name: str) -> int:
    return int(connection.scalar(select(func.count()).select_from(table(name))) or 0)


def make_revision(engine: Engine, message: str) -> None:
    cfg = alembic_config(engine)
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.revision(cfg, message=message, autogenerate=True)


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision(engine: Engine) -> str | None:
    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


def knows_revision(engine: Engine, revision: str) -> bool:
    """Is ``revision`` one of this app's migrations (a database from a newer app is not)?"""
    try:
        return ScriptDirectory.from_config(alembic_config(engine)).get_revision(revision) is not None
    except CommandError:
        return False
