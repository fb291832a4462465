"""`flask --app wsgi course check`: every content problem as path:line: message."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from ..content.catalog import load_catalog
from ..content.export_hazards import export_hazards
from ..content.facts import check_facts
from ..content.summary_sections import check_summaries
from ..content.yaml_comments import check_inline_comments

course_cli = AppGroup("course", help="Course content (lessons, quizzes, teacher track).")


@course_cli.command("check")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object with counts and errors.")
def check(as_json: bool) -> None:
    """Check all lessons and quizzes; exit 1 when anything is wrong."""
    lessons_dir, quizzes_dir = Path(current_app.config["LESSONS_DIR"]), Path(current_app.config["QUIZZES_DIR"])
    catalog = load_catalog(lessons_dir, quizzes_dir)
    fact_errors, stale_facts = check_facts(lessons_dir, quizzes_dir, date.today())
    problems = {
        *catalog.problems,
        *export_hazards(catalog.quizzes, catalog.quizzes_dir.parent),
        *fact_errors,
        *check_inline_comments(lessons_dir, quizzes_dir),
        *check_summaries(catalog.lessons.values(), lessons_dir.resolve().name),
    }
    errors = [str(problem) for problem in sorted(problems)]
    warnings = [f"{p.path}:{p.line}: warning: {p.message}" for p in stale_facts]
    if as_json:
        click.echo(json.dumps({**catalog.counts, "errors": errors, "warnings": warnings}, ensure_ascii=False))
    else:
        for line in errors + warnings:
            click.echo(line)
        counts = catalog.counts
        summary = (
            f"{counts['lessons']} lessons, {counts['quizzes']} quizzes, {counts['questions']} questions, "
            f"{counts['tpack_items']} TPACK statements, {counts['trainer_sessions']} trainer sessions: "
        )
        click.echo(summary + (f"{len(errors)} error(s)" if errors else "no errors"))
    if errors:
        raise SystemExit(1)
