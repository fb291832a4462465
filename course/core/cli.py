"""`flask --app wsgi db upgrade|downgrade|current|revision`: the schema, through Alembic migrations."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from . import migrate
from .extensions import db

db_cli = AppGroup("db", help="Database schema (Alembic migrations).")


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Bring the database to the newest schema (or REVISION), keeping every row."""
    migrate.upgrade(db.engine, revision)
    click.echo(f"Database at revision {migrate.current_revision(db.engine)}.")


@db_cli.command("downgrade")
@click.argument("revision")
def db_downgrade(revision: str) -> None:
    """Step the schema back to REVISION (use with a backup at hand)."""
    migrate.downgrade(db.engine, revision)
    click.echo(f"Database at revision {migrate.current_revision(db.engine)}.")


@db_cli.command("current")
def db_current() -> None:
    """Show the schema revision of the database and the newest one available."""
    click.echo(f"database: {migrate.current_revision(db.engine) or '(empty)'}")
    click.echo(f"newest:   {migrate.head_revision(db.engine)}")


@db_cli.command("revision")
@click.option("-m", "--message", required=True)
def db_revision(message: str) -> None:
    """Write a new migration from the difference between the models and the database."""
    migrate.make_revision(db.engine, message)
