"""`flask --app wsgi demo`: load demo data once."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from .school import demo_logins, load_demo


@click.command("demo")
@with_appcontext
def demo_command() -> None:
    """Load demo data (a class with students and staff) unless it is there already."""
    created = load_demo()
    click.echo("Demo data loaded." if created else "Demo data was already there; nothing changed.")
    click.echo("Demo logins (username / password):")
    for login in demo_logins():
        click.echo(f"  {login.role:16} {login.username:24} {login.password}")
