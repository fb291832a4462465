"""Flask commands: `flask --app wsgi db|users|demo ...`."""

from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import AppGroup, with_appcontext

from . import accounts
from .core import migrate
from .core.extensions import db
from .forms import USERNAME_PATTERN
from .models import ROLES
from .passwords import MIN_LENGTH, is_common_password

db_cli = AppGroup("db", help="Database schema (Alembic migrations).")
users_cli = AppGroup("users", help="Accounts for teachers, trainers and administrators.")


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


@users_cli.command("create")
@click.argument("username")
@click.option("--role", "roles", multiple=True, required=True, type=click.Choice([r for r in ROLES if r != "student"]))
@click.option("--name", "display_name", help="Name shown in the app (default: the username).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def users_create(username: str, roles: tuple[str, ...], display_name: str | None, password_stdin: bool) -> None:
    """Create a teacher, trainer or administrator account."""
    username = username.strip().lower()
    if not USERNAME_PATTERN.match(username):
        raise click.UsageError("username: use 3-40 characters: lowercase letters, digits, '.', '-' or '_'")
    if password_stdin or not sys.stdin.isatty():
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    if len(password) < MIN_LENGTH:
        raise click.UsageError(f"password: use at least {MIN_LENGTH} characters")
    if is_common_password(password):
        raise click.UsageError("password: this is one of the most common passwords; choose another")
    try:
        user = accounts.create_user(username, display_name or username, password, roles=roles)
    except accounts.AccountError as err:
        raise click.ClickException(err.message) from None
    db.session.commit()
    click.echo(f"Created {user.username} ({', '.join(user.roles)}).")


@click.command("demo")
@with_appcontext
def demo_command() -> None:
    """Load demo data (a class with students and staff) unless it is there already."""
    from .demo import demo_logins, load_demo

    created = load_demo()
    click.echo("Demo data loaded." if created else "Demo data was already there; nothing changed.")
    click.echo("Demo logins (username / password):")
    for login in demo_logins():
        click.echo(f"  {login.role:16} {login.username:24} {login.password}")


def init_app(app: Flask) -> None:
    app.cli.add_command(db_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(demo_command)

    from .core.backup import backup_command
    from .core.content_cli import course_cli

    app.cli.add_command(course_cli)

    from .quizzes_cli import quizzes_cli

    app.cli.add_command(quizzes_cli)
    app.cli.add_command(backup_command)

    from .privacy_cli import privacy_cli

    app.cli.add_command(privacy_cli)
