"""What an administrator relies on: health check, backups, cache headers."""

import sqlite3

from sqlalchemy import select, text

from course.core.db import make_engine
from course.core.extensions import db
from course.core.migrate import current_revision, head_revision, upgrade
from course.models import User

from .conftest import make_test_app, sqlite_only


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_says_503_when_the_database_is_gone(tmp_path, backend):
    application = make_test_app(tmp_path, backend, DATABASE_URL=f"sqlite:///{tmp_path}/missing/dir/x.sqlite")
    response = application.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unreachable"


def test_static_files_are_versioned_and_cached_for_a_year(client):
    import re

    html = client.get("/login").get_data(as_text=True)
    href = re.search(r'href="(/static/css/app\.css\?v=[0-9a-f]+)"', html).group(1)
    response = client.get(href)
    assert response.status_code == 200
    response.close()
    assert "max-age=31536000" in response.headers["Cache-Control"]


@sqlite_only
def test_backup_copies_a_live_database_and_checks_the_copy(app, runner, auth, tmp_path):
    auth.make_user("sanne", "student")
    target = tmp_path / "course-backup.sqlite"
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    assert "integrity ok" in result.output and "users 1," in result.output and "quiz attempts 0" in result.output
    with sqlite3.connect(target) as copy:
        assert copy.execute("SELECT username FROM users").fetchall() == [("sanne",)]
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert [p.name for p in tmp_path.iterdir() if "backup" in p.name] == ["course-backup.sqlite"]  # no leftovers


@sqlite_only
def test_backup_never_overwrites_an_existing_file(runner, tmp_path):
    target = tmp_path / "exists.sqlite"
    target.write_text("an older backup")
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code != 0
    assert "exists already" in result.output
    assert target.read_text() == "an older backup"


def one_line_refusal(result) -> str:
    """A refused command: exit 1, one line of explanation, no traceback."""
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit)  # click's own exit, not a crash
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ")
    return lines[0]


@sqlite_only
def test_backup_of_a_mistyped_database_path_is_refused_and_makes_nothing(tmp_path, backend):
    mistyped = tmp_path / "cuorse.sqlite"
    application = make_test_app(tmp_path, backend, DATABASE_URL=f"sqlite:///{mistyped}")
    target = tmp_path / "backup.sqlite"
    message = one_line_refusal(application.test_cli_runner().invoke(args=["backup", str(target)]))
    assert str(mistyped) in message and "does not exist" in message and "DATABASE_URL" in message
    assert not mistyped.exists() and not target.exists()


@sqlite_only
def test_backup_of_a_database_without_tables_is_refused(tmp_path, backend):
    empty = tmp_path / "empty.sqlite"
    sqlite3.connect(empty).close()
    application = make_test_app(tmp_path, backend, DATABASE_URL=f"sqlite:///{empty}")
    target = tmp_path / "backup.sqlite"
    message = one_line_refusal(application.test_cli_runner().invoke(args=["backup", str(target)]))
    assert "no course tables" in message and "db upgrade" in message
    assert not target.exists()


@sqlite_only
def test_backup_into_a_missing_folder_says_so_in_one_line(runner, tmp_path):
    target = tmp_path / "bakcups" / "course.sqlite"
    message = one_line_refusal(runner.invoke(args=["backup", str(target)]))
    assert f"folder {tmp_path / 'bakcups'} does not exist" in message
    assert not target.parent.exists()


def usernames(application) -> list[str]:
    with application.app_context():
        names = sorted(db.session.scalars(select(User.username)))
        db.session.remove()
        return names


@sqlite_only
def test_restore_puts_the_backup_back_and_keeps_the_current_database_aside(app, runner, auth, tmp_path):
    auth.make_user("ayoub", "student")
    backup = tmp_path / "backup.sqlite"
    assert runner.invoke(args=["backup", str(backup)]).exit_code == 0
    auth.make_user("later", "student")  # work done after the backup

    result = runner.invoke(args=["restore", str(backup), "--yes"])
    assert result.exit_code == 0, result.output
    assert "integrity ok" in result.output and "users 1," in result.output and "revision" in result.output
    assert usernames(app) == ["ayoub"]
    aside = next(tmp_path.glob("course.sqlite.before-restore-*"))
    assert f"kept at {aside}" in result.output
    with sqlite3.connect(aside) as kept:
        assert sorted(n for (n,) in kept.execute("SELECT username FROM users")) == ["ayoub", "later"]
    assert auth.login("ayoub").status_code == 302  # the app works on the restored database


@sqlite_only
def test_restore_asks_before_replacing_the_database(app, runner, auth, tmp_path):
    auth.make_user("ayoub", "student")
    backup = tmp_path / "backup.sqlite"
    runner.invoke(args=["backup", str(backup)])
    auth.make_user("later", "student")
    result = runner.invoke(args=["restore", str(backup)], input="n\n")
    assert result.exit_code == 1 and "Replace the current database" in result.output
    assert usernames(app) == ["ayoub", "later"]


@sqlite_only
def test_restore_refuses_a_file_that_is_not_a_backup_and_changes_nothing(app, runner, auth, tmp_path):
    auth.make_user("ayoub", "student")
    not_a_backup = tmp_path / "notes.sqlite"
    not_a_backup.write_text("boodschappenlijst")
    message = one_line_refusal(runner.invoke(args=["restore", str(not_a_backup), "--yes"]))
    assert "is not a backup of this app" in message and "unchanged" in message
    missing = one_line_refusal(runner.invoke(args=["restore", str(tmp_path / "nope.sqlite"), "--yes"]))
    assert "does not exist" in missing
    assert usernames(app) == ["ayoub"] and not list(tmp_path.glob("*before-restore*"))


@sqlite_only
def test_restore_migrates_a_backup_of_an_older_release(app, runner, tmp_path):
    old = tmp_path / "release-1.sqlite"
    engine = make_engine(f"sqlite:///{old}")
    upgrade(engine, "0001")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO users (username, display_name, password_hash, is_student, is_teacher, is_trainer,"
                " is_admin, session_version, created_at)"
                " VALUES ('kevin', 'Kevin', 'x', true, false, false, false, 1, '2026-09-01')"
            )
        )
    engine.dispose()
    result = runner.invoke(args=["restore", str(old), "--yes"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert current_revision(db.engine) == head_revision(db.engine)
        db.engine.dispose()
    assert usernames(app) == ["kevin"]


@sqlite_only
def test_restore_refuses_a_backup_from_a_newer_release(app, runner, auth, tmp_path):
    backup = tmp_path / "backup.sqlite"
    runner.invoke(args=["backup", str(backup)])
    with sqlite3.connect(backup) as newer:
        newer.execute("UPDATE alembic_version SET version_num = '9999'")
    message = one_line_refusal(runner.invoke(args=["restore", str(backup), "--yes"]))
    assert "newer version" in message and "9999" in message


def test_backup_and_restore_on_postgresql_point_to_pg_dump(tmp_path, backend):
    application = make_test_app(tmp_path, backend, DATABASE_URL="postgresql+psycopg://course@db.school.example/course")
    cli = application.test_cli_runner()
    assert "pg_dump" in one_line_refusal(cli.invoke(args=["backup", str(tmp_path / "b.sqlite")]))
    assert "pg_restore" in one_line_refusal(cli.invoke(args=["restore", str(tmp_path / "b.sqlite")]))
