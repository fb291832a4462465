"""`flask --app wsgi users create|set-password|set-roles|deactivate|activate`: staff accounts."""

from __future__ import annotations

import sys
from collections.abc import Callable

import click
from flask.cli import AppGroup

from ..core.extensions import db
from ..core.text import clean_line, name_problem
from ..models import ROLES, User
from . import rules, staff
from .forms import EMAIL_LENGTH, EMAIL_PATTERN, USERNAME_PATTERN
from .passwords import MIN_LENGTH, is_common_password

users_cli = AppGroup("users", help="Accounts for teachers, trainers and administrators.")


@users_cli.command("create")
@click.argument("username")
@click.option("--role", "roles", multiple=True, required=True, type=click.Choice([r for r in ROLES if r != "student"]))
@click.option("--name", "display_name", help="Name shown in the app (default: the username).")
@click.option("--email", help="School e-mail address: links the school account at its first sign-in "
              "(when the school's identity provider says the address is verified).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def users_create(
    username: str, roles: tuple[str, ...], display_name: str | None, email: str | None, password_stdin: bool
) -> None:
    """Create a teacher, trainer or administrator account."""
    username = username.strip().lower()
    if not USERNAME_PATTERN.match(username):
        raise click.UsageError("username: use 3-40 characters: lowercase letters, digits, '.', '-' or '_'")
    display_name = clean_line(display_name) or username
    if len(display_name) > 80 or name_problem(display_name):
        raise click.UsageError("--name: use at most 80 visible characters, without control or direction marks")
    email = rules.normalise_email(email)
    if email and (len(email) > EMAIL_LENGTH or not EMAIL_PATTERN.match(email)):
        raise click.UsageError("--email: not an e-mail address")
    if password_stdin or not sys.stdin.isatty():
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    if len(password) < MIN_LENGTH:
        raise click.UsageError(f"password: use at least {MIN_LENGTH} characters")
    if is_common_password(password):
        raise click.UsageError("password: this is one of the most common passwords; choose another")
    try:
        user = rules.create_user(username, display_name, password, roles=roles, email=email or None)
    except rules.AccountError as err:
        raise click.ClickException(err.message) from None
    db.session.commit()
    linked = f"; the school account with {user.email} links at its first sign-in" if user.email else ""
    click.echo(f"Created {user.username} ({', '.join(user.roles)}{linked}).")


def _account(username: str) -> User:
    user = rules.find_user(username)
    if user is None:
        raise click.ClickException(f"no account with username {username.strip().lower()!r}")
    return user


def _apply(change: Callable[[], None]) -> None:
    try:
        change()
    except rules.AccountError as err:
        db.session.rollback()
        raise click.ClickException(err.message) from None


@users_cli.command("set-password")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def users_set_password(username: str, password_stdin: bool) -> None:
    """Give an account a new password; they choose their own at the next sign-in."""
    user = _account(username)
    if password_stdin or not sys.stdin.isatty():
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("New password", hide_input=True, confirmation_prompt=True)
    _apply(lambda: staff.choose_password(user, password, None))
    click.echo(f"New password set for {user.username}; their other sessions have ended. "
               "They choose their own password at the next sign-in.")


@users_cli.command("set-roles")
@click.argument("username")
@click.option("--role", "roles", multiple=True, required=True, type=click.Choice(staff.STAFF_ROLES))
def users_set_roles(username: str, roles: tuple[str, ...]) -> None:
    """Give a staff account exactly these roles (repeat --role for more than one)."""
    user = _account(username)
    _apply(lambda: staff.set_roles(user, tuple(dict.fromkeys(roles)), None))
    click.echo(f"{user.username} now has the roles: {', '.join(user.roles)}.")


@users_cli.command("deactivate")
@click.argument("username")
def users_deactivate(username: str) -> None:
    """Lock an account: it can no longer sign in; its work stays."""
    user = _account(username)
    _apply(lambda: staff.deactivate(user, None))
    click.echo(f"{user.username} is locked and signed out everywhere.")


@users_cli.command("activate")
@click.argument("username")
def users_activate(username: str) -> None:
    """Unlock an account locked with `deactivate`."""
    user = _account(username)
    _apply(lambda: staff.activate(user, None))
    click.echo(f"{user.username} can sign in again.")
