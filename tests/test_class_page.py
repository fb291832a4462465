"""The class page shows what waits for the teacher and links each name to the student's progress; a
student's password reset, removal and deletion live on the student's page, each behind a page that
asks first (GET shows what will happen and changes nothing, POST with the token does it)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from course.core.extensions import db
from course.models import AuditEvent, Enrolment, User

from .gradebook_support import add_co_teacher, build_fixture_class
from .quiz_support import text_of


@pytest.fixture
def fx(app, auth):
    made = build_fixture_class(app, auth)
    auth.login("docent")
    return made


def page(auth, url: str) -> str:
    response = auth.client.get(url)
    assert response.status_code == 200, f"{url}: {response.status_code}"
    return response.get_data(as_text=True)


def password_hash(app, user_id: int) -> str:
    with app.app_context():
        return db.session.get(User, user_id).password_hash


def test_class_page_shows_what_waits_and_links_names_to_progress(auth, fx):
    html = page(auth, f"/teacher/classes/{fx.class_id}")
    text = text_of(html)
    # Anna's second assignment waits for a first look; Bram failed quiz 1, Chris did 2 lessons of a middle of 5,5.
    assert "1 opdracht wacht op feedback" in text
    assert f'href="/teacher/classes/{fx.class_id}/assignments"' in html
    assert "studenten lopen achter" in text and f'href="/teacher/gradebook/{fx.class_id}?achter=y"' in html
    assert "Bram : 1 quiz niet gehaald" in text  # the name is a link, then why
    assert "Chris : 2 lessen gelezen, het midden van de klas 5,5" in text
    assert "Daan :" not in text
    for name in ("anna", "bram", "chris", "daan"):
        assert f'href="/teacher/gradebook/{fx.class_id}/students/{fx.ids[name]}">{name.title()}</a>' in html
    # Nothing on the class page resets, removes or deletes a student.
    assert not re.search(r"/students/\d+/(reset-password|remove|delete)", html)
    assert "Nieuw wachtwoord" not in text and "Uit de klas halen" not in text and "Account verwijderen" not in text


def test_confirmation_pages_ask_first_and_the_post_does_it(app, auth, fx):
    anna, bram = fx.ids["anna"], fx.ids["bram"]
    student_page = page(auth, f"/teacher/gradebook/{fx.class_id}/students/{anna}")
    base = f"/teacher/classes/{fx.class_id}/students/{anna}"
    for action in ("reset-password", "remove", "delete"):
        assert f'href="{base}/{action}"' in student_page

    before = password_hash(app, anna)
    asking = text_of(page(auth, f"{base}/reset-password"))
    assert "Weet je het zeker?" in asking and "tijdelijk wachtwoord" in asking
    assert password_hash(app, anna) == before  # the GET changed nothing
    done = auth.post(f"{base}/reset-password").get_data(as_text=True)
    assert re.search(r'class="big-code">[^<]+<', done) and password_hash(app, anna) != before

    asking = text_of(page(auth, f"{base}/remove"))
    assert "Weet je het zeker?" in asking and "Het account en het gemaakte werk blijven bestaan" in asking
    with app.app_context():
        assert db.session.scalar(select(Enrolment).where(Enrolment.student_id == anna)) is not None
    response = auth.post(f"{base}/remove")
    assert response.status_code == 302 and response.location.endswith(f"/teacher/classes/{fx.class_id}")
    with app.app_context():
        assert db.session.scalar(select(Enrolment).where(Enrolment.student_id == anna)) is None
        assert db.session.get(User, anna) is not None

    delete = f"/teacher/classes/{fx.class_id}/students/{bram}/delete"
    assert "Dit kan niet ongedaan worden gemaakt" in text_of(page(auth, delete))
    assert auth.post(delete).status_code == 302
    with app.app_context():
        assert db.session.get(User, bram) is None
        actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"user.password_reset", "class.remove_student"} <= actions


def test_confirmation_pages_refuse_who_may_not(app, auth, fx):
    anna = fx.ids["anna"]
    base = f"/teacher/classes/{fx.class_id}/students/{anna}"
    auth.make_user("vreemd", "teacher")
    auth.make_class("vreemd", "MV9Z")
    add_co_teacher(app, auth, "collega", fx.class_id)

    auth.logout()
    auth.login("vreemd")
    for action in ("reset-password", "remove", "delete"):
        assert auth.client.get(f"{base}/{action}").status_code == 404

    auth.logout()
    auth.login("collega")
    assert "/delete" not in page(auth, f"/teacher/gradebook/{fx.class_id}/students/{anna}")
    refused = text_of(page(auth, f"{base}/delete"))
    assert "Alleen de eigenaar van de klas" in refused and "Ja, verwijder alles" not in refused
    response = auth.post(f"{base}/delete")
    assert response.status_code == 302 and response.location.endswith(f"/students/{anna}")
    with app.app_context():
        assert db.session.get(User, anna) is not None
