"""`flask --app wsgi quizzes export-gift|export-moodle-xml|regrade`: reuse quizzes elsewhere, regrade
deliberately."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from ..accounts import rules as accounts
from ..content.quiz_files import Quiz
from ..core.content_store import catalog
from ..models import utcnow
from . import attempts
from .gift import export_gift
from .moodle_xml import ExportError, export_moodle_xml

quizzes_cli = AppGroup(
    "quizzes", help="Quizzes: Moodle GIFT and Moodle XML export, regrading after a quiz file changed."
)


def _quiz(slug: str) -> Quiz:
    quizzes = catalog().quizzes
    quiz = quizzes.get(slug)
    if quiz is None:
        known = ", ".join(sorted(quizzes)) or "(none)"
        raise click.ClickException(f"unknown quiz slug '{slug}'. Known quizzes: {known}")
    return quiz


@quizzes_cli.command("export-gift")
@click.argument("slug", required=False)
def export_gift_command(slug: str | None) -> None:
    """Write all quizzes (or only SLUG) as Moodle GIFT to standard output."""
    quizzes = [_quiz(slug)] if slug else list(catalog().quizzes.values())
    click.echo(export_gift(quizzes), nl=False)


@quizzes_cli.command("export-moodle-xml")
@click.argument("slug", required=False)
@click.option(
    "--ordering-as-matching",
    is_flag=True,
    help="Write ordering questions as matching (item -> position), for Moodle older than 4.4.",
)
def export_moodle_xml_command(slug: str | None, ordering_as_matching: bool) -> None:
    """Write all quizzes (or only SLUG) as Moodle XML to standard output, a category per quiz."""
    quizzes = [_quiz(slug)] if slug else list(catalog().quizzes.values())
    ordering = "matching" if ordering_as_matching else "ordering"
    try:
        data = export_moodle_xml(quizzes, ordering=ordering)
    except ExportError as err:
        raise click.ClickException(f"{err}; `flask --app wsgi course check` shows where") from None
    click.echo(data.decode("utf-8"), nl=False)


@quizzes_cli.command("regrade")
@click.argument("slug")
@click.option("--dry-run", is_flag=True, help="Only list old and new scores; change nothing.")
@click.option("--by", "username", help="Teacher or administrator who regrades (required unless --dry-run).")
def regrade_command(slug: str, dry_run: bool, username: str | None) -> None:
    """Grade every submitted attempt of SLUG again under the current version of the quiz file."""
    quiz = _quiz(slug)
    actor = None
    if not dry_run:
        if not username:
            raise click.UsageError("--by USERNAME is required to apply a regrade (or use --dry-run to only look)")
        actor = accounts.find_user(username)
        if actor is None:
            raise click.ClickException(f"no user '{username}'")
        if not attempts.can_regrade(actor):
            raise click.ClickException(f"{actor.username} is not a teacher or administrator")
    changes = attempts.plan_regrade(quiz) if actor is None else attempts.apply_regrade(quiz, actor)
    when = f"{utcnow():%Y-%m-%d %H:%M} UTC"
    mode = "dry run, nothing changed" if actor is None else f"applied by {actor.username} at {when}"
    click.echo(f"Regrade of {quiz.slug} under version {quiz.version} ({mode})")
    for change in changes:
        old = f"{_score(change.old_score)}/{change.old_max} (version {change.old_version})"
        new = f"{_score(change.new_score)}/{change.new_max} (version {change.new_version})"
        flags = " [preview]" if change.is_preview else ""
        state = "changes" if change.changed else "same"
        click.echo(f"  attempt {change.attempt_id:>5} {change.username:<24} old {old} -> new {new}  {state}{flags}")
    changed = sum(1 for c in changes if c.changed)
    verb = "would change" if actor is None else "changed"
    click.echo(f"{len(changes)} submitted attempt(s); {changed} {verb}.")


def _score(value: object) -> str:
    return "-" if value is None else str(value)
