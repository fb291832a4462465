"""`flask --app wsgi users delete USERNAME`: delete a staff account, saying first what goes and
what stays without a name in the audit log."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from ..core.extensions import db
from ..models import User
from .staff_deletion import StaffDeletionRefused, delete_staff, plan_staff_deletion


@click.command("delete")
@click.argument("username")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def users_delete_command(username: str, yes: bool) -> None:
    """Delete a teacher, trainer or administrator and their personal data."""
    user = db.session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None:
        raise click.ClickException(f"no account called {username!r}")
    try:
        plan = plan_staff_deletion(user, actor=None)
    except StaffDeletionRefused as err:
        raise click.ClickException(err.message) from None
    click.echo(f"Deleting {user.username} ({user.display_name}, {', '.join(user.roles)}).")
    click.echo("Removed:")
    click.echo("  the account (name, username, password, e-mail address)")
    for label, _, count in plan.removed():
        click.echo(f"  {count} {label}")
    click.echo("Kept without name (anonymised in the audit log):")
    for label, _, count in plan.anonymised():
        click.echo(f"  {count} {label}")
    click.echo("  log entries about this account keep the action and time, not who it was")
    if not yes:
        click.confirm("Delete this account?", abort=True)
    delete_staff(plan, actor=None)
    click.echo(f"Deleted {username}.")
