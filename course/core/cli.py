"""`flask --app wsgi db upgrade|downgrade|current|revision`: the schema, through Alembic migrations."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click
from alembic.util import CommandError
from flask.cli import AppGroup

from . import migrate
from .extensions import db
from .sqlite_file import sqlite_path

db_cli = AppGroup("db", help="Database schema (Alembic migrations).")


@contextmanager
def _one_line_errors() -> Iterator[None]:
    """A mistyped revision is one line that says what to do, not an Alembic traceback."""
    try:
        yield
    except CommandError as err:
        raise click.ClickException(f"{err}. `flask --app wsgi db current` shows the revisions.") from None


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Bring the database to the newest schema (or REVISION), keeping every row."""
    with _one_line_errors():
        migrate.upgrade(db.engine, revision)
    click.echo(f"Database at revision {migrate.current_revision(db.engine)}.")


@db_cli.command("downgrade")
@click.argument("revision")
@click.option("--yes", is_flag=True, help="Drop tables that hold rows without asking.")
def db_downgrade(revision: str, yes: bool) -> None:
    """Step the schema back to REVISION (use with a backup at hand)."""
    with _one_line_errors():
        doomed = migrate.rows_a_downgrade_drops(db.engine, revision)
    if doomed and not yes:
        listed = ", ".join(f"{name} ({rows} row{'s' if rows != 1 else ''})" for name, rows in doomed.items())
        click.echo(f"Downgrading to {revision} drops tables that hold data: {listed}.")
        click.echo("Those rows are gone for good; make a backup first (`flask --app wsgi backup PATH`).")
        click.confirm("Drop them?", abort=True)
    migrate.downgrade(db.engine, revision)
    click.echo(f"Database at revision {migrate.current_revision(db.engine)}.")


@db_cli.command("current")
def db_current() -> None:
    """Show the schema revision of the database and the newest one available."""
    path = sqlite_path(db.engine.url)
    if path is not None and not path.exists():
        click.echo(f"database: (none yet: {path} does not exist; `flask --app wsgi db upgrade` makes it)")
    else:
        click.echo(f"database: {migrate.current_revision(db.engine) or '(empty)'}")
    click.echo(f"newest:   {migrate.head_revision(db.engine)}")


@db_cli.command("revision")
@click.option("-m", "--message", required=True)
def db_revision(message: str) -> None:
    """Write a new migration from the difference between the models and the database."""
    migrate.make_revision(db.engine, message)
