"""Flask commands: `flask --app wsgi db|demo ...`; each feature adds its own group."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from .core import migrate
from .core.extensions import db

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


def init_app(app: Flask) -> None:
    app.cli.add_command(db_cli)
    from .accounts.cli import users_cli

    app.cli.add_command(users_cli)
    from .demo.cli import demo_command

    app.cli.add_command(demo_command)

    from .core.backup import backup_command
    from .core.content_cli import course_cli

    app.cli.add_command(course_cli)

    from .quizzes.cli import quizzes_cli

    app.cli.add_command(quizzes_cli)
    app.cli.add_command(backup_command)

    from .privacy.cli import privacy_cli

    app.cli.add_command(privacy_cli)
