"""`flask --app wsgi restore PATH`: put a backup back, keeping the current database aside.

The backup is checked before anything changes (a SQLite file of this app, intact, from this
version of the app or an older one). The current database is first copied aside, then the backup
is written into it with SQLite's backup API, which other connections see as one change, and the
schema is migrated to the newest revision.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import datetime
from pathlib import Path

import click
from flask.cli import with_appcontext

from . import migrate
from .backup import BackupError, Inspection, configured_sqlite_file, copy_checked, inspect_file, open_existing
from .extensions import db

POSTGRES_HINT = (
    "restore with pg_restore into an empty database, e.g. `pg_restore --dbname=DBNAME course.dump`, "
    "then run `flask --app wsgi db upgrade`"
)


@click.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Replace the current database without asking.")
@with_appcontext
def restore_command(path: Path, yes: bool) -> None:
    """Replace the SQLite database with the backup at PATH; the current one is kept aside."""
    target = configured_sqlite_file(POSTGRES_HINT)
    backup = checked_backup(path)
    click.echo(f"Backup {path}: {backup.counts()}.")
    current = inspect_file(target) if target.exists() else None
    if current is not None and current.is_course_database:
        click.echo(f"Current database {target}: {current.counts()}.")
        if not yes:
            click.confirm("Replace the current database with the backup (the current one is kept aside)?", abort=True)
    aside = keep_aside(target) if target.exists() else None
    write_into(path, target)
    db.engine.dispose()  # no connection of this process may keep the schema it saw before
    migrate.upgrade(db.engine)
    restored = inspect_file(target)
    click.echo(
        f"Restored {target} from {path}: integrity {restored.integrity}; {restored.counts()}; "
        f"schema at revision {restored.revision}."
    )
    if aside is not None:
        click.echo(f"The previous database is kept at {aside}.")


def checked_backup(path: Path) -> Inspection:
    """The backup's inspection, or a refusal that leaves the current database as it is."""
    unchanged = "The current database is unchanged."
    if not path.is_file():
        raise BackupError(f"{path} does not exist: check the path of the backup. {unchanged}")
    backup = inspect_file(path)
    if not backup.is_course_database:
        reason = backup.integrity if not backup.healthy else "it has no course tables"
        raise BackupError(f"{path} is not a backup of this app ({reason}). {unchanged}")
    if not backup.healthy:
        raise BackupError(f"{path} is damaged (integrity check: {backup.integrity}). {unchanged}")
    if backup.revision is None or not migrate.knows_revision(db.engine, backup.revision):
        raise BackupError(
            f"{path} comes from a newer version of this app (schema {backup.revision}): update the app first, "
            f"then restore. {unchanged}"
        )
    return backup


def keep_aside(target: Path) -> Path:
    """A checked copy of the current database beside it, named after the moment of the restore."""
    aside = target.with_name(f"{target.name}.before-restore-{datetime.now():%Y%m%d-%H%M%S}")
    try:
        copy_checked(target, aside)
    except BackupError as err:
        raise BackupError(
            f"the current database could not be kept aside ({err.message}) Stop the app, move {target} "
            "away yourself, and restore again."
        ) from None
    return aside


def write_into(backup: Path, target: Path) -> None:
    """Copy the backup's pages into the database file (made if it is missing)."""
    try:
        with closing(open_existing(backup, read_only=True)) as source, closing(sqlite3.connect(target)) as live:
            source.backup(live)
    except sqlite3.Error as err:
        raise BackupError(f"cannot write the backup into {target}: {err}.") from None
