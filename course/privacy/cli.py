"""`flask --app wsgi privacy purge`: apply the retention periods of the privacy statement.

Safe to run as often as you like; README has the cron line that runs it every hour."""

from __future__ import annotations

from datetime import date

import click
from flask import current_app
from flask.cli import AppGroup

from ..accounts import throttle
from .personal_data import plan_purge, purge
from .purge_steps import steps

privacy_cli = AppGroup("privacy", help="Personal data: retention and removal.")


def months_ago(months: int, today: date | None = None) -> date:
    today = today or date.today()
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
    """Delete students who were only in classes archived before the date, and those classes;
    cohorts whose last session is past their retention period; failed sign-ins older than an hour."""
    cutoff = (
        archived_before.date()  # type: ignore[attr-defined]
        if archived_before
        else months_ago(int(current_app.config["ARCHIVED_CLASS_RETENTION_MONTHS"]))
    )
    cohort_cutoff = months_ago(int(current_app.config["COHORT_RETENTION_MONTHS"]))
    plan = plan_purge(cutoff, cohorts_ended_before=cohort_cutoff)
    click.echo(f"Classes archived before {cutoff.isoformat()}: {len(plan.classes)}")
    for school_class in plan.classes:
        click.echo(f"  {school_class.name} ({school_class.school_year})")
    click.echo(f"Students deleted with all their work: {len(plan.students_deleted)}")
    click.echo(f"Enrolments removed of students who are also in a newer class: {plan.enrolments_removed}")
    click.echo(
        f"Cohorts whose last session was before {cohort_cutoff.isoformat()} "
        f"(deleted with their members and attendance): {len(plan.cohorts)}"
    )
    for cohort in plan.cohorts:
        click.echo(f"  {cohort.name}")
    for label, step in steps():
        click.echo(f"{label}: {step(dry_run)}")
    if dry_run:
        click.echo("Dry run: nothing was changed.")
        return
    forgotten = throttle.forget_expired()
    click.echo(f"Failed sign-ins older than an hour removed: {forgotten}")
    if plan.classes or plan.cohorts:
        purge(plan, actor=None)
    click.echo("Done.")
