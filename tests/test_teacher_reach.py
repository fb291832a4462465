"""A teacher's reach ends at their class, tried as a teacher of another class would.

The rule: a student is in one active class at a time and moving needs the current class's teacher;
work and grades belong to the class they were made in. The world (tests/security_support.py) has S1
("sanne") in class A of the owner, and last year in the former teacher's class, now archived, with
work and feedback made there.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import select, text

from course.core.db import make_engine
from course.core.extensions import db
from course.core.migrate import upgrade
from course.models import AuditEvent, ClassMove, Enrolment, QuizAttempt, User

from .conftest import csrf_token
from .security_support import NEW_PASSWORD, USERS, World, build_world, log_in

STUDENT_NAME = "Sanne"


@pytest.fixture
def world(app: Flask) -> World:
    return build_world(app)


def browser_of(app: Flask, role: str):
    client = app.test_client()
    log_in(client, role)
    return client


def post(client, url: str, data: dict | None = None, token_from: str = "/account"):
    return client.post(url, data={**(data or {}), "csrf_token": csrf_token(client, token_from)})


def text_of(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, f"{url}: {response.status_code}"
    return response.get_data(as_text=True)


def test_a_teachers_pages_show_only_the_work_made_in_their_class(app, world):
    sanne = world.ids["student"]
    owner, former = browser_of(app, "owner"), browser_of(app, "former")
    now = text_of(owner, f"/teacher/gradebook/{world.class_a}/students/{sanne}")
    assert "Feedback van vorig jaar" not in now and "Het werk van vorig jaar" not in now
    then = text_of(former, f"/teacher/gradebook/{world.class_former}/students/{sanne}")
    assert "Feedback van vorig jaar" in then
    assert "Het werk van Sanne" not in then  # handed in this year, in class A
    token, submission = world.former_work
    assert owner.get(f"/teacher/gradebook/{world.class_a}/attempts/{token}").status_code == 404
    assert owner.get(f"/teacher/classes/{world.class_a}/assignments/{submission}").status_code == 404
    assert former.get(f"/teacher/gradebook/{world.class_former}/attempts/{world.tokens['student']}").status_code == 404
    review = text_of(owner, f"/teacher/classes/{world.class_a}/assignments/{world.submissions['student']}")
    assert "Feedback van vorig jaar" not in review  # no older versions from the other class either


def without_tokens(page: str) -> str:
    return re.sub(r'name="csrf_token" value="[^"]+"', "", page)


def _score(app: Flask, token: str):
    with app.app_context():
        return db.session.scalar(select(QuizAttempt.score).where(QuizAttempt.token == token))


def test_a_void_in_another_class_never_changes_a_figure_in_this_one(app, world):
    with app.app_context():
        attempt = db.session.scalar(select(QuizAttempt).where(QuizAttempt.token == world.tokens["student"]))
        attempt.score = attempt.score - 1  # one question wrong, so a void would show
        db.session.commit()
    before_a = _score(app, world.tokens["student"])
    grid_before = without_tokens(text_of(browser_of(app, "owner"), f"/teacher/gradebook/{world.class_a}"))
    former = browser_of(app, "former")
    url = f"/quizzes/{world.quiz_slug}/classes/{world.class_former}/questions/{world.question_id}/void"
    assert post(former, url, token_from=f"/quizzes/{world.quiz_slug}/classes/{world.class_former}").status_code == 302
    assert _score(app, world.tokens["student"]) == before_a
    assert without_tokens(text_of(browser_of(app, "owner"), f"/teacher/gradebook/{world.class_a}")) == grid_before
    with app.app_context():
        voided = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "quiz.void"))
        assert voided.details["regraded"] == []  # last year's attempt already had every point


def test_joining_another_class_asks_the_current_teacher_first(app, world):
    sem = browser_of(app, "other_student")  # in class B of the other teacher
    response = post(sem, "/student/join", {"join_code": world.join_code_a}, token_from="/student/")
    assert response.status_code == 302
    dashboard = text_of(sem, "/student/")
    assert "Je hebt gevraagd om over te stappen naar" in dashboard
    owner = browser_of(app, "owner")
    assert owner.get(f"/teacher/gradebook/{world.class_a}/students/{world.ids['other_student']}").status_code == 404
    other = browser_of(app, "other_teacher")
    page = text_of(other, f"/teacher/classes/{world.class_b}")
    assert "Verzoeken om over te stappen" in page
    approve = re.search(r'action="(/teacher/classes/\d+/moves/\d+/approve)"', page).group(1)
    assert post(other, approve).status_code == 302
    with app.app_context():
        classes = set(
            db.session.scalars(select(Enrolment.class_id).where(Enrolment.student_id == world.ids["other_student"]))
        )
        assert classes == {world.class_a}
        assert db.session.scalar(select(ClassMove).where(ClassMove.student_id == world.ids["other_student"])) is None
    # Work made before the move stays with class B, which the student has left.
    assert owner.get(f"/teacher/gradebook/{world.class_a}/attempts/{world.tokens['other_student']}").status_code == 404


def test_a_declined_move_leaves_the_student_where_they_were(app, world):
    owner = browser_of(app, "owner")
    page = text_of(owner, f"/teacher/classes/{world.class_a}")
    decline = re.search(r'action="(/teacher/classes/\d+/moves/\d+/decline)"', page).group(1)
    assert post(owner, decline).status_code == 302
    with app.app_context():
        classes = set(
            db.session.scalars(select(Enrolment.class_id).where(Enrolment.student_id == world.ids["student"]))
        )
        assert classes == {world.class_a, world.class_former}
        actions = set(db.session.scalars(select(AuditEvent.action)))
        assert "class.move_declined" in actions


def test_only_a_teacher_of_the_students_current_class_resets_the_password(app, world):
    sanne = world.ids["student"]
    former = browser_of(app, "former")
    url = f"/teacher/classes/{world.class_former}/students/{sanne}/reset-password"
    asking = text_of(former, url)
    assert "zit nu in een andere klas" in asking and "Ja, geef een nieuw wachtwoord" not in asking
    response = post(former, url)
    assert response.status_code == 302
    assert "zit nu in een andere klas" in text_of(former, response.location)
    with app.app_context():
        assert db.session.get(User, sanne).session_version == 1  # nothing changed


def test_a_reset_password_must_be_replaced_and_the_student_is_told(app, world):
    sanne = world.ids["student"]
    owner = browser_of(app, "owner")
    page = post(owner, f"/teacher/classes/{world.class_a}/students/{sanne}/reset-password").get_data(as_text=True)
    temporary = re.search(r'class="big-code">([^<]+)<', page).group(1)
    student = app.test_client()
    token = csrf_token(student, "/login")
    response = student.post(
        "/login", data={"username": USERS["student"][0], "password": temporary, "csrf_token": token}
    )
    assert response.status_code == 302
    for url in ("/student/", "/lessons/", "/account/data/"):
        response = student.get(url)
        assert response.status_code == 302 and response.location.endswith("/account/password"), url
    notice = text_of(student, "/account/password")
    assert "opnieuw ingesteld" in notice and "Eva Eigenaar" in notice
    response = post(
        student,
        "/account/password",
        {"current_password": temporary, "password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD},
        token_from="/account/password",
    )
    assert response.status_code == 302
    assert student.get("/student/").status_code == 200
    assert "Eva Eigenaar" in text_of(student, "/account")  # who reset it stays visible on the account page
    with app.app_context():
        assert (
            db.session.scalar(
                select(AuditEvent).where(AuditEvent.action == "user.password_reset", AuditEvent.object_id == sanne)
            )
            is not None
        )


def test_the_new_password_cannot_be_the_temporary_one(app, world):
    sanne = world.ids["student"]
    owner = browser_of(app, "owner")
    page = post(owner, f"/teacher/classes/{world.class_a}/students/{sanne}/reset-password").get_data(as_text=True)
    temporary = re.search(r'class="big-code">([^<]+)<', page).group(1)
    student = app.test_client()
    student.post(
        "/login",
        data={"username": USERS["student"][0], "password": temporary, "csrf_token": csrf_token(student, "/login")},
    )
    response = post(
        student,
        "/account/password",
        {"current_password": temporary, "password": temporary + "x", "password_confirm": temporary + "x"},
        token_from="/account/password",
    )
    assert response.status_code == 302  # a different password is fine
    with app.app_context():
        assert not db.session.get(User, sanne).must_change_password


def test_migration_gives_existing_work_the_class_it_was_made_in(empty_database_url):
    engine = make_engine(empty_database_url)
    upgrade(engine, "0003")
    t0 = datetime(2025, 9, 1, tzinfo=UTC)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO users (id, username, display_name, password_hash, is_student, is_teacher,"
                " is_trainer, is_admin, session_version, created_at)"
                " VALUES (1, 'sanne', 'Sanne', '-', true, false, false, false, 1, :t)"
            ),
            {"t": t0},
        )
        for class_id, year in ((10, "2025-2026"), (20, "2026-2027")):
            conn.execute(
                text(
                    "INSERT INTO school_classes (id, name, school_year, join_code, created_at)"
                    " VALUES (:id, 'K', :y, :c, :t)"
                ),
                {"id": class_id, "y": year, "c": f"CODE{class_id}", "t": t0},
            )
        conn.execute(
            text("INSERT INTO enrolments (id, class_id, student_id, joined_at) VALUES (1, 10, 1, :t)"), {"t": t0}
        )
        conn.execute(
            text("INSERT INTO enrolments (id, class_id, student_id, joined_at) VALUES (2, 20, 1, :t)"),
            {"t": t0 + timedelta(days=365)},
        )
        for attempt_id, started in ((1, t0 + timedelta(days=30)), (2, t0 + timedelta(days=400))):
            conn.execute(
                text(
                    "INSERT INTO quiz_attempts (id, user_id, quiz_slug, quiz_version, token, seed, is_preview,"
                    " started_at, submitted_at) VALUES (:id, 1, 'q', 'v', :tok, 1, false, :t, :t)"
                ),
                {"id": attempt_id, "tok": f"t{attempt_id}", "t": started},
            )
        conn.execute(
            text(
                "INSERT INTO attempt_items (attempt_id, question_id, position, score, max_score, chosen,"
                " misconceptions)"
                " VALUES (1, 'q1', 1, 1, 1, '[]', '[]')"
            )
        )
    upgrade(engine)
    with engine.connect() as conn:
        rows = dict(conn.execute(text("SELECT id, class_id FROM quiz_attempts ORDER BY id")).all())
    assert rows == {1: 10, 2: 20}
    with engine.connect() as conn:  # altering tables on SQLite must not cascade into the rows that point at them
        assert conn.execute(text("SELECT count(*) FROM attempt_items")).scalar() == 1
        assert conn.execute(text("SELECT count(*) FROM enrolments")).scalar() == 2
    engine.dispose()
