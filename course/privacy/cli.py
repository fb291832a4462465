"""`flask --app wsgi privacy purge`: remove the data of classes archived long ago."""

from __future__ import annotations

from datetime import date

import click
from flask import current_app
from flask.cli import AppGroup

from .personal_data import plan_purge, purge

privacy_cli = AppGroup("privacy", help="Personal data: retention and removal.")


def _default_cutoff() -> date:
    months = int(current_app.config["ARCHIVED_CLASS_RETENTION_MONTHS"])
    today = date.today()
    year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
    return date(year, month + 1, min(today.day, 28))


@privacy_cli.command("purge")
@click.option(
    "--archived-before",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Purge classes archived before this date (default: the retention period in the privacy statement).",
)
@click.option("--dry-run", is_flag=True, help="Only say what would be removed.")
def purge_command(archived_before: object, dry_run: bool) -> None:
    """Delete students who were only in classes archived before the date, and those classes."""
    cutoff = archived_before.date() if archived_before else _default_cutoff()  # type: ignore[attr-defined]
    plan = plan_purge(cutoff)
    click.echo(f"Classes archived before {cutoff.isoformat()}: {len(plan.classes)}")
    for school_class in plan.classes:
        click.echo(f"  {school_class.name} ({school_class.school_year})")
    click.echo(f"Students deleted with all their work: {len(plan.students_deleted)}")
    click.echo(f"Enrolments removed of students who are also in a newer class: {plan.enrolments_removed}")
    if dry_run:
        click.echo("Dry run: nothing was changed.")
        return
    purge(plan, actor=None)
    click.echo("Done.")
