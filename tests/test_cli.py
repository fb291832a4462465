from sqlalchemy import func, inspect, select, text

from course.core.db import make_engine
from course.core.extensions import db
from course.core.migrate import downgrade, upgrade
from course.models import Base, SchoolClass, User

from .conftest import make_test_app, sqlite_only


def test_users_create_reads_password_from_stdin(app, runner):
    result = runner.invoke(
        args=["users", "create", "bakker", "--role", "teacher", "--role", "trainer", "--name", "Meneer Bakker"],
        input="een lang wachtwoord\n",
    )
    assert result.exit_code == 0, result.output
    assert "Created bakker (teacher, trainer)" in result.output
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "bakker"))
        assert user.display_name == "Meneer Bakker" and user.is_trainer


def test_users_create_refuses_a_short_password(runner):
    result = runner.invoke(args=["users", "create", "bakker", "--role", "teacher"], input="kort\n")
    assert result.exit_code != 0
    assert "at least 10 characters" in result.output


def test_users_create_refuses_a_taken_username(runner):
    runner.invoke(args=["users", "create", "bakker", "--role", "teacher"], input="een lang wachtwoord\n")
    result = runner.invoke(args=["users", "create", "bakker", "--role", "admin"], input="een lang wachtwoord\n")
    assert result.exit_code != 0 and "al bezet" in result.output


def test_demo_is_idempotent_and_prints_logins(app, runner, client, auth):
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    assert "docent" in first.output and "student-demo-2026" in first.output
    second = runner.invoke(args=["demo"])
    assert "nothing changed" in second.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SchoolClass)) == 1
        assert db.session.scalar(select(func.count()).select_from(User).where(User.is_student)) == 25
    assert auth.login("docent", "docent-demo-2026").status_code == 302
    auth.logout()
    assert auth.login("student07", "student-demo-2026").status_code == 302


def test_demo_gives_every_page_something_to_show(app, runner):
    from course.models import Cohort, CohortMember, QuizAttempt, TpackScan

    runner.invoke(args=["demo"])
    with app.app_context():
        submitted = db.session.scalar(
            select(func.count()).select_from(QuizAttempt).where(QuizAttempt.submitted_at.is_not(None))
        )
        assert submitted == 18 * 3  # eighteen students took the quizzes of lessons 1 to 3
        cohort = db.session.scalar(select(Cohort))
        members = db.session.scalar(
            select(func.count()).select_from(CohortMember).where(CohortMember.cohort_id == cohort.id)
        )
        assert members == 5
        assert db.session.scalar(select(func.count()).select_from(TpackScan)) == 5  # enough for the group means


def test_migrations_build_the_schema_from_an_empty_database(empty_database_url):
    engine = make_engine(empty_database_url)
    upgrade(engine)
    tables = set(inspect(engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    engine.dispose()


def test_migrations_match_the_models(empty_database_url):
    """A model change without a migration would break `db upgrade` on real installations."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    engine = make_engine(empty_database_url)
    upgrade(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    engine.dispose()
    assert diff == []


def test_upgrade_from_an_earlier_revision_keeps_rows(empty_database_url):
    engine = make_engine(empty_database_url)
    upgrade(engine, "0001")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO users (username, display_name, password_hash, is_student, is_teacher, is_trainer,"
                " is_admin, session_version, created_at)"
                " VALUES ('kevin', 'Kevin', 'x', true, false, false, false, 1, '2026-09-01')"
            )
        )
    upgrade(engine)  # an installation of the first release moves to the newest schema
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM users")).scalar() == 1
    engine.dispose()


def test_db_upgrade_command(runner):
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert "Database at revision" in result.output


def test_downgrade_to_base_and_back(empty_database_url):
    engine = make_engine(empty_database_url)
    upgrade(engine)
    downgrade(engine, "base")
    assert "users" not in inspect(engine).get_table_names()
    upgrade(engine)
    assert "users" in inspect(engine).get_table_names()
    engine.dispose()


def test_downgrade_asks_before_dropping_tables_that_hold_rows(app, runner):
    runner.invoke(args=["users", "create", "bakker", "--role", "teacher"], input="een lang wachtwoord\n")
    refused = runner.invoke(args=["db", "downgrade", "base"], input="n\n")
    assert refused.exit_code == 1
    assert "drops tables that hold data" in refused.output and "users (1 row)" in refused.output
    assert "backup" in refused.output and "Drop them? [y/N]" in refused.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 1
        db.session.remove()
    try:
        confirmed = runner.invoke(args=["db", "downgrade", "base", "--yes"])
        assert confirmed.exit_code == 0, confirmed.output
        with app.app_context():
            assert "users" not in inspect(db.engine).get_table_names()
    finally:
        assert runner.invoke(args=["db", "upgrade"]).exit_code == 0


def test_downgrade_that_drops_only_empty_tables_does_not_ask(app, runner):
    try:
        result = runner.invoke(args=["db", "downgrade", "0002"])  # drops login_failures, which is empty
        assert result.exit_code == 0, result.output
        assert "Drop them?" not in result.output and "Database at revision 0002" in result.output
    finally:
        assert runner.invoke(args=["db", "upgrade"]).exit_code == 0


@sqlite_only
def test_db_current_on_a_new_installation_says_how_to_make_the_database(tmp_path, backend):
    missing = tmp_path / "new-installation.sqlite"
    application = make_test_app(tmp_path, backend, DATABASE_URL=f"sqlite:///{missing}")
    result = application.test_cli_runner().invoke(args=["db", "current"])
    assert result.exit_code == 0, result.output
    assert f"{missing} does not exist; `flask --app wsgi db upgrade` makes it" in result.output
    assert not missing.exists()


def test_a_mistyped_revision_is_one_line_that_says_where_to_look(runner):
    for command in (["db", "downgrade", "0x02"], ["db", "upgrade", "0x04"]):
        result = runner.invoke(args=command)
        assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and "Can't locate revision" in lines[0] and "db current" in lines[0]
