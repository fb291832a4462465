"""What an administrator relies on: health check, backups, cache headers."""

import sqlite3

from sqlalchemy import select

from course.core.extensions import db
from course.models import User

from .conftest import sqlite_only


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_says_503_when_the_database_is_gone(tmp_path, backend):
    from .conftest import make_test_app

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
def test_backup_copies_a_live_database_consistently(app, runner, auth, tmp_path):
    auth.make_user("sanne", "student")
    target = tmp_path / "backups" / "course-backup.sqlite"
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    with sqlite3.connect(target) as copy:
        assert copy.execute("SELECT username FROM users").fetchall() == [("sanne",)]
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)


@sqlite_only
def test_backup_never_overwrites_an_existing_file(runner, tmp_path):
    target = tmp_path / "exists.sqlite"
    target.write_text("an older backup")
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code != 0
    assert "exists already" in result.output
    assert target.read_text() == "an older backup"


@sqlite_only
def test_restoring_a_backup_gives_back_the_data(app, runner, auth, tmp_path, backend):
    from .conftest import make_test_app

    auth.make_user("ayoub", "student")
    target = tmp_path / "restore" / "copy.sqlite"
    assert runner.invoke(args=["backup", str(target)]).exit_code == 0
    restored = make_test_app(tmp_path / "restore", backend, DATABASE_URL=f"sqlite:///{target}")
    with restored.app_context():
        assert db.session.scalar(select(User.username)) == "ayoub"
        db.engine.dispose()
