"""Who is logged in is read afresh on every request, through the driver's cursor where nothing
listens: changes to an account apply on the next page, and the values match the database's."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import event

from course.accounts import rules as accounts
from course.accounts.identity import signed_in_user
from course.core.content_store import catalog
from course.core.extensions import db
from course.lessons import progress
from course.models import User
from course.privacy.personal_data import delete_user


def test_a_deleted_account_is_logged_out_on_its_next_page(app, auth, client):
    auth.make_user("sanne")
    auth.login("sanne")
    assert client.get("/student/").status_code == 200
    with app.app_context():
        delete_user(accounts.find_user("sanne"), None)
        db.session.commit()
    response = client.get("/student/")
    assert response.status_code == 302 and "/login" in response.location


def test_a_role_taken_away_applies_on_the_next_page(app, auth, client):
    auth.make_user("docent", "teacher")
    auth.login("docent")
    assert client.get("/teacher/classes/").status_code == 200
    with app.app_context():
        accounts.find_user("docent").is_teacher = False
        db.session.commit()
    assert client.get("/teacher/classes/").status_code == 403


def test_the_signed_in_user_has_the_values_and_types_of_the_record(app, auth):
    user_id = auth.make_user("mila", "teacher", "trainer", name="Mila de Vries")
    with app.test_request_context():
        record = db.session.get(User, user_id)
        expected = {name: getattr(record, name) for name in ("username", "display_name", "session_version")}
        created = record.created_at
        db.session.expire_all()
        person = signed_in_user(user_id, record.session_version)
        assert person is not None
        assert {name: getattr(person, name) for name in expected} == expected
        assert person.roles == ["teacher", "trainer"] and person.is_staff
        assert all(isinstance(getattr(person, f"is_{role}"), bool) for role in ("student", "teacher", "admin"))
        assert isinstance(person.created_at, datetime) and person.created_at.tzinfo is not None
        assert person.created_at == created
        assert signed_in_user(user_id, record.session_version + 1) is None
        assert signed_in_user(user_id + 1000, 1) is None


def test_listeners_on_the_engine_still_see_the_login_query(app, auth):
    user_id = auth.make_user("sanne")
    seen: list[str] = []

    def record(conn, cursor, statement, *args):  # noqa: ANN001
        seen.append(statement)

    with app.test_request_context():
        event.listen(db.engine, "before_cursor_execute", record)
        try:
            assert signed_in_user(user_id, 1) is not None
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
    assert any("FROM users" in statement for statement in seen)


def test_the_lesson_state_is_the_same_with_and_without_listeners(app, auth):
    student_id = auth.make_user("sanne")
    teacher_id = auth.make_user("docent", "teacher")
    with app.test_request_context():
        lessons = [lesson for lesson in catalog().lessons.values() if lesson.assignment]
        done, handed_in, drafted = lessons[:3]
        progress.mark_done(student_id, done.slug)
        submission = progress.hand_in(student_id, handed_in.slug, "Mijn uitwerking")
        progress.review(submission, teacher_id, "needs_work", "Nog een voorbeeld erbij.")
        progress.save_draft(student_id, drafted.slug, "Begin")
        db.session.commit()

        def states() -> list[progress.LessonState]:
            db.session.rollback()
            return [progress.lesson_state(student_id, lesson, catalog()) for lesson in lessons[:4]]

        fast = states()
        statements: list[str] = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            observed = states()
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        assert statements  # the second round went the normal way
    assert fast == observed
    assert [state.status for state in fast] == ["done", "busy", "busy", "not_started"]
    assert [state.assignment_status for state in fast] == ["todo", "needs_work", "draft", "todo"]
    assert fast[1].last_activity is not None and fast[1].last_activity.tzinfo is not None
