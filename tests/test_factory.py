from pathlib import Path

from course import create_app
from course.core.extensions import db

from .conftest import sqlite_only


def test_test_config_is_used(app):
    assert app.testing
    assert app.config["SECRET_KEY"] == "test-secret"


def test_default_app_is_not_testing_and_keeps_database_in_instance(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    application = create_app()
    assert not application.testing
    assert application.config["DATABASE_URL"].startswith("sqlite:///")
    assert Path(application.config["DATABASE_URL"][len("sqlite:///"):]).parent == Path(application.instance_path)


def test_database_url_comes_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/elsewhere.sqlite")
    application = create_app()
    assert application.config["DATABASE_URL"].endswith("elsewhere.sqlite")


@sqlite_only
def test_sqlite_is_tuned_for_concurrent_writers(app):
    with app.app_context():
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000


@sqlite_only
def test_write_transactions_take_the_write_lock_up_front(app):
    """A POST's transaction begins IMMEDIATE: a second writer waits instead of failing later."""
    import sqlite3

    import sqlalchemy

    path = app.config["DATABASE_URL"][len("sqlite:///"):]
    with app.test_request_context("/", method="POST"):
        db.session.execute(sqlalchemy.text("SELECT 1"))
        other = sqlite3.connect(path, timeout=0.05, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as err:
            assert "locked" in str(err)
        else:
            raise AssertionError("the POST transaction did not hold the write lock")
        finally:
            other.close()
        db.session.rollback()


@sqlite_only
def test_read_requests_do_not_block_writers(app):
    import sqlite3

    import sqlalchemy

    path = app.config["DATABASE_URL"][len("sqlite:///"):]
    with app.test_request_context("/", method="GET"):
        db.session.execute(sqlalchemy.text("SELECT 1"))
        other = sqlite3.connect(path, timeout=0.05, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        other.close()
        db.session.rollback()


def test_pages_carry_a_strict_content_security_policy(client):
    response = client.get("/login")
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_pages_are_dutch_and_have_a_skip_link(client):
    html = client.get("/login").get_data(as_text=True)
    assert '<html lang="nl">' in html
    assert 'href="#inhoud"' in html
    assert "<script>" not in html


def test_unknown_page_is_a_dutch_404_in_the_layout(client):
    response = client.get("/bestaat-niet")
    assert response.status_code == 404
    assert "Pagina niet gevonden" in response.get_data(as_text=True)
