"""Staff data with a lifecycle: a teacher deletes a scan or leaves a cohort, a trainer takes a
member out, an admin (page or command line) deletes a staff account, and the purge applies every
retention period the privacy statement names."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from course.accounts import throttle
from course.core.config import defaults
from course.core.extensions import db
from course.models import (
    Attendance,
    AuditEvent,
    Cohort,
    CohortMember,
    LoginFailure,
    Review,
    TpackAnswer,
    TpackScan,
    User,
)
from course.teacher_track import cohorts

from .conftest import ROOT
from .test_privacy import give_work, setup_class
from .test_trainer import as_user, give_scan, join, make_cohort, member_answers


def count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def uid(app, username: str) -> int:
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.username == username))


def scans_of(app, user_id: int) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(select(TpackScan.id).where(TpackScan.teacher_id == user_id)))


# --- scan verwijderen --------------------------------------------------------------------------


def test_teacher_deletes_her_own_scan_after_confirming(app, auth, client):
    teacher = auth.make_user("devries", "teacher")
    give_scan(app, teacher, member_answers(app, 1))
    give_scan(app, teacher, member_answers(app, 2))
    first, second = scans_of(app, teacher)
    auth.login("devries")
    page = client.get(f"/teacher/tpack/scan/{first}/result").get_data(as_text=True)
    assert "Scan verwijderen" in page and f'action="/teacher/tpack/scan/{first}/delete"' in page

    assert client.post(f"/teacher/tpack/scan/{first}/delete").status_code == 400  # no CSRF token: nothing happens
    assert scans_of(app, teacher) == [first, second]

    response = auth.post(f"/teacher/tpack/scan/{first}/delete", follow_redirects=True)
    assert "Je scan is verwijderd" in response.get_data(as_text=True)
    assert scans_of(app, teacher) == [second]
    assert count(app, TpackAnswer, TpackAnswer.scan_id == first) == 0

    again = auth.post(f"/teacher/tpack/scan/{first}/delete", follow_redirects=True)  # a double click
    assert again.status_code == 200 and "al verwijderd" in again.get_data(as_text=True)


def test_a_colleague_cannot_delete_someone_elses_scan(app, auth):
    owner = auth.make_user("devries", "teacher")
    give_scan(app, owner, member_answers(app, 1))
    auth.make_user("jansen", "teacher")
    auth.login("jansen")
    (scan,) = scans_of(app, owner)
    assert auth.post(f"/teacher/tpack/scan/{scan}/delete").status_code == 404
    assert scans_of(app, owner) == [scan]


# --- cohort membership and attendance ---------------------------------------------------------


def cohort_with_member(app, auth):
    auth.make_user("coach", "trainer")
    trainer = as_user(app, "coach")
    cohort_id, code = make_cohort(trainer)
    member = auth.make_user("devries", "teacher", name="Dirk de Vries")
    join(app, "devries", code)
    with app.app_context():
        db.session.add(Attendance(cohort_id=cohort_id, session_slug="sessie-1", user_id=member))
        db.session.commit()
    return trainer, cohort_id, member


def test_teacher_leaves_a_cohort_and_her_attendance_goes_with_her(app, auth):
    _, cohort_id, member = cohort_with_member(app, auth)
    teacher = as_user(app, "devries")
    page = teacher.client.get("/trainer/join").get_data(as_text=True)
    assert "Uit deze groep stappen" in page
    response = teacher.post(f"/trainer/cohorts/{cohort_id}/leave", token_from="/trainer/join", follow_redirects=True)
    assert "Je zit niet meer in" in response.get_data(as_text=True)
    assert count(app, CohortMember, CohortMember.user_id == member) == 0
    assert count(app, Attendance, Attendance.user_id == member) == 0


def test_trainer_takes_a_member_out_of_the_cohort(app, auth):
    trainer, cohort_id, member = cohort_with_member(app, auth)
    page = trainer.client.get(f"/trainer/cohorts/{cohort_id}").get_data(as_text=True)
    assert "Uit de groep halen" in page
    response = trainer.post(f"/trainer/cohorts/{cohort_id}/members/{member}/remove", follow_redirects=True)
    assert "Dirk de Vries zit niet meer in" in response.get_data(as_text=True)
    assert count(app, CohortMember, CohortMember.user_id == member) == 0
    assert count(app, Attendance, Attendance.user_id == member) == 0


# --- staff deletion ---------------------------------------------------------------------------


def staff_with_data(app, auth) -> int:
    """A teacher with a class, feedback on a student's work, a scan, a cohort, attendance and a log entry."""
    setup_class(auth)
    give_work(app, "sanne", "devries")
    teacher = uid(app, "devries")
    give_scan(app, teacher, member_answers(app, 1))
    auth.make_user("coach", "trainer")
    cohort_id, code = make_cohort(as_user(app, "coach"))
    join(app, "devries", code)
    with app.app_context():
        db.session.add(Attendance(cohort_id=cohort_id, session_slug="sessie-1", user_id=teacher))
        db.session.add(AuditEvent(actor_id=teacher, actor_name="Devries", action="assignment.review",
                                  object_type="submission", object_id=1, details={}))
        db.session.commit()
    return teacher


def assert_staff_gone(app, teacher: int) -> None:
    with app.app_context():
        assert db.session.get(User, teacher) is None
        assert db.session.scalar(select(func.count()).select_from(User).where(User.username == "devries")) == 0
    for model, column in ((TpackScan, TpackScan.teacher_id), (CohortMember, CohortMember.user_id),
                          (Attendance, Attendance.user_id), (AuditEvent, AuditEvent.actor_id)):
        assert count(app, model, column == teacher) == 0, model.__name__
    assert count(app, Review, Review.feedback_text == "Maak het concreter.") == 1  # the student keeps the feedback
    assert count(app, AuditEvent, AuditEvent.actor_name == "verwijderd account") == 1
    assert count(app, AuditEvent, AuditEvent.actor_name == "Devries") == 0


def test_admin_deletes_a_staff_account_after_seeing_what_goes_and_what_stays(app, auth, client):
    teacher = staff_with_data(app, auth)
    auth.make_user("beheer", "admin")
    auth.login("beheer")
    assert f"/admin/users/{teacher}/delete" in client.get("/admin/users").get_data(as_text=True)
    page = client.get(f"/admin/users/{teacher}/delete").get_data(as_text=True)
    assert "Dit wordt verwijderd" in page and "1 TPACK-scans met alle antwoorden en groeidoelen" in page
    assert "Dit blijft, zonder naam" in page and "1 feedback op werk van studenten" in page
    assert uid(app, "devries") == teacher  # looking changes nothing
    response = auth.post(f"/admin/users/{teacher}/delete", token_from=f"/admin/users/{teacher}/delete",
                         follow_redirects=True)
    assert "is verwijderd" in response.get_data(as_text=True)
    assert_staff_gone(app, teacher)
    again = auth.post(f"/admin/users/{teacher}/delete")  # a double click
    assert again.status_code == 302


def test_admin_cannot_delete_herself_or_a_student_on_the_staff_page(app, auth, client):
    setup_class(auth)
    admin = auth.make_user("beheer", "admin")
    auth.login("beheer")
    page = client.get(f"/admin/users/{admin}/delete").get_data(as_text=True)
    assert "Je kunt je eigen account niet verwijderen" in page and "Ja, verwijder" not in page
    auth.post(f"/admin/users/{admin}/delete")
    assert uid(app, "beheer") == admin
    student = uid(app, "sanne")
    assert client.get(f"/admin/users/{student}/delete").status_code == 404
    assert auth.post(f"/admin/users/{student}/delete").status_code == 404
    assert uid(app, "sanne") == student


def test_users_delete_command_says_what_goes_and_asks_first(app, auth, runner):
    teacher = staff_with_data(app, auth)
    result = runner.invoke(args=["users", "delete", "devries"], input="n\n")
    assert result.exit_code == 1
    assert "Removed:" in result.output and "1 TPACK scans with all answers" in result.output
    assert "1 cohort memberships" in result.output and "1 attendance records" in result.output
    assert "Kept without name (anonymised in the audit log):" in result.output
    assert "1 feedback on students' work" in result.output
    assert uid(app, "devries") == teacher  # answered no
    result = runner.invoke(args=["users", "delete", "devries", "--yes"])
    assert result.exit_code == 0, result.output
    assert "Deleted devries." in result.output
    assert_staff_gone(app, teacher)


def test_users_delete_command_refuses_students_unknown_names_and_the_last_admin(app, auth, runner):
    setup_class(auth)
    auth.make_user("beheer", "admin")
    for name, message in (("sanne", "geen medewerker"), ("niemand", "no account called"),
                          ("beheer", "enige beheerder")):
        result = runner.invoke(args=["users", "delete", name, "--yes"])
        assert result.exit_code == 1 and message in result.output, result.output
    assert uid(app, "sanne") and uid(app, "beheer")


# --- retention --------------------------------------------------------------------------------


def test_retention_purge_deletes_cohorts_long_past_their_last_session(app, auth, runner):
    auth.make_user("coach", "trainer")
    member = auth.make_user("devries", "teacher")
    with app.app_context():
        trainer = db.session.get(User, uid(app, "coach"))
        old = cohorts.create_cohort(trainer, "Oud", date(2020, 1, 1), date(2020, 6, 1))
        recent = cohorts.create_cohort(trainer, "Recent", date.today() - timedelta(days=400), date.today())
        for cohort in (old, recent):
            db.session.add(CohortMember(cohort_id=cohort.id, user_id=member))
            db.session.add(Attendance(cohort_id=cohort.id, session_slug="sessie-1", user_id=member))
        db.session.commit()
        old_id, recent_id = old.id, recent.id
    dry = runner.invoke(args=["privacy", "purge", "--dry-run"])
    assert "(deleted with their members and attendance): 1" in dry.output and "  Oud" in dry.output
    assert count(app, Cohort, Cohort.id == old_id) == 1
    result = runner.invoke(args=["privacy", "purge"])
    assert result.exit_code == 0, result.output
    assert count(app, Cohort, Cohort.id == old_id) == 0
    assert count(app, CohortMember, CohortMember.cohort_id == old_id) == 0
    assert count(app, Attendance, Attendance.cohort_id == old_id) == 0
    assert count(app, Cohort, Cohort.id == recent_id) == 1  # 24 months after its last session: not yet
    assert count(app, Attendance, Attendance.cohort_id == recent_id) == 1


def test_retention_failed_logins_are_gone_after_an_hour_without_new_failures(app, runner):
    now = datetime.now(UTC)
    with app.app_context():
        throttle.record_failure("devries", "198.51.100.7", now=now - timedelta(minutes=61))
        throttle.record_failure("jansen", "203.0.113.9", now=now - timedelta(minutes=5))
    assert count(app, LoginFailure, LoginFailure.key.contains("198.51.100.7")) >= 1
    result = runner.invoke(args=["privacy", "purge"])  # no new failure for that address, ever
    assert result.exit_code == 0, result.output
    assert re.search(r"Failed sign-ins older than an hour removed: [1-9]", result.output)
    assert count(app, LoginFailure, LoginFailure.key.contains("198.51.100.7")) == 0
    assert count(app, LoginFailure, LoginFailure.key.contains("devries")) == 0
    assert count(app, LoginFailure, LoginFailure.key.contains("203.0.113.9")) >= 1  # still counting


def test_retention_a_failure_anywhere_clears_every_expired_row(app):
    now = datetime.now(UTC)
    with app.app_context():
        throttle.record_failure("devries", "198.51.100.7", now=now - timedelta(minutes=90))
        throttle.record_failure("jansen", "203.0.113.9", now=now)
    assert count(app, LoginFailure, LoginFailure.key.contains("198.51.100.7")) == 0


def statement(app) -> str:
    return re.sub(r"\s+", " ", app.test_client().get("/privacy").get_data(as_text=True))


def test_retention_figures_in_the_statement_match_what_is_enforced(app):
    text = statement(app)
    config = defaults("/tmp")
    assert f"Tot {config['COHORT_RETENTION_MONTHS']} maanden na de laatste bijeenkomst" in text
    assert "hooguit twee uur" in text  # an hour counted, the hourly purge wipes anything older
    assert f"{config['BACKUP_RETENTION_DAYS']} dagen. Wat verwijderd is" in text
    assert "tot de beheerder je account verwijdert" in text
    assert "Tot je een scan zelf verwijdert" in text
    assert "Bezoekerslog van de webserver" in text and "Standaard geen" in text


def test_retention_purge_runs_hourly_and_backups_are_kept_as_long_as_the_statement_says():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    purge = re.search(r"^\s*(\S+) \* \* \* \*\s+.*flask --app wsgi privacy purge", readme, re.M)
    assert purge and purge.group(1).isdigit()  # once every hour
    days = defaults("/tmp")["BACKUP_RETENTION_DAYS"]
    assert re.search(rf"find /var/backups/course .*-mtime \+{days} -delete", readme)


def test_retention_gunicorn_keeps_no_access_log_unless_asked(monkeypatch):
    monkeypatch.delenv("ACCESS_LOG", raising=False)
    settings: dict[str, object] = {}
    exec(compile(Path(ROOT / "gunicorn.conf.py").read_text(), "gunicorn.conf.py", "exec"), settings)  # noqa: S102
    assert settings["accesslog"] is None
    monkeypatch.setenv("ACCESS_LOG", "-")
    exec(compile(Path(ROOT / "gunicorn.conf.py").read_text(), "gunicorn.conf.py", "exec"), settings)  # noqa: S102
    assert settings["accesslog"] == "-"
