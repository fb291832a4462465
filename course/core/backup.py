"""`flask --app wsgi backup PATH`: a consistent copy of a live SQLite database."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.engine import make_url


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(path: Path) -> None:
    """Copy the SQLite database to PATH while the app keeps running."""
    url = make_url(current_app.config["DATABASE_URL"])
    if url.get_backend_name() != "sqlite":
        raise click.ClickException(
            "This installation uses PostgreSQL: back it up with pg_dump, e.g. "
            "`pg_dump --format=custom --file=course.dump DBNAME` (see the README)."
        )
    if path.exists():
        raise click.ClickException(f"{path} exists already; choose a new file name so no backup is overwritten.")
    pages = copy_sqlite(url.database or "", path)
    click.echo(f"Backup written to {path} ({pages} pages).")


def copy_sqlite(source: str, target: Path) -> int:
    """SQLite's online backup API: a consistent snapshot even while others write (a file copy
    of a WAL database can miss committed transactions or catch one halfway)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
        pages = dst.execute("PRAGMA page_count").fetchone()[0]
        dst.execute("PRAGMA journal_mode = DELETE")  # a single self-contained file
    src.close()
    dst.close()
    return int(pages)
