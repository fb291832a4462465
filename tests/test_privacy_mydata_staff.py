"""Mijn gegevens for staff: the teacher's own side (classes, teacher track, log) next to what a
student sees, and the log entry a trainer leaves when taking someone out of a group."""

from __future__ import annotations

import re

from sqlalchemy import select

from course.core import audit
from course.core.extensions import db
from course.models import AuditEvent, TpackScan, User, utcnow

from .query_count import page_with_query_count
from .test_privacy import give_work, setup_class
from .test_trainer import JOIN, as_user, catalog_sessions, make_cohort

PAGE = "/account/data/"


def test_teacher_sees_their_classes_group_scan_and_log_entries_without_student_names(app, auth, client):
    class_id = setup_class(auth)  # devries teaches MV2A, with student Sanne
    give_work(app, "sanne")  # with feedback by devries: "moet beter"
    auth.make_user("coach", "trainer", name="Carla Coach")
    auth.login("coach")
    cohort_id, code = make_cohort(auth)
    teacher = as_user(app, "devries")
    teacher.post(JOIN, {"invite_code": code}, token_from=JOIN)
    first = catalog_sessions(app)[0]
    with app.app_context():
        teacher_id = db.session.scalar(select(User.id).where(User.username == "devries"))
        student_id = db.session.scalar(select(User.id).where(User.username == "sanne"))
        db.session.add(TpackScan(teacher_id=teacher_id, instrument_version="2", completed_at=utcnow(),
                                 growth_goal="Vaker laten zien hoe ik zoek"))
        db.session.commit()
    url = f"/trainer/cohorts/{cohort_id}"
    auth.post(f"{url}/attendance", {"present": [f"{first.slug}:{teacher_id}"]}, token_from=url)
    teacher.post(f"/teacher/classes/{class_id}/students/{student_id}/reset-password")

    page = teacher.client.get(PAGE).get_data(as_text=True)

    assert "MV2A (2026-2027): je maakte de klas zelf" in page
    assert "Team Economie, sinds" in page and f"Je was bij: {first.title}" in page
    assert "vragenlijst versie 2" in page and "Vaker laten zien hoe ik zoek" in page  # her own goal
    assert "Het logboek noteert 1 handeling van jou." in page
    assert "Devries gaf iemand een nieuw tijdelijk wachtwoord." in page
    assert "Sanne" not in page  # the student she acted on is not named
    assert "Je bent geen trainer." in page
    # Why and how long, from the inventory: groups go 24 months after their last session.
    assert "Tot 24 maanden na de laatste bijeenkomst van de groep." in page
    assert not re.search(r"\d{4}-\d{2}-\d{2}", page), "an ISO date on the page"
    assert "Je gaf 1 keer een beoordeling" in page and "Les 5: " in page and "moet beter" in page
    assert "Maak het concreter." not in page  # the text itself is in the download
    assert "Nog geen." not in page and "Nog geen quizpogingen" not in page  # no student sections for staff


def test_student_page_has_no_staff_sections(app, auth, client):
    setup_class(auth)
    auth.login("sanne")
    page = client.get(PAGE).get_data(as_text=True)
    assert "Klassen die je geeft" not in page and "Wat je deed (logboek)" not in page and "TPACK" not in page
    assert "MV2A" in page and "Nog geen quizpogingen" in page


def test_trainer_removing_a_member_leaves_one_log_entry_with_a_dutch_sentence(app, auth, client):
    auth.make_user("coach", "trainer", name="Carla Coach")
    auth.make_user("beheer", "admin")
    auth.login("coach")
    cohort_id, code = make_cohort(auth)
    anna = auth.make_user("anna", "teacher", name="Anna de Vries")
    auth.make_user("bram", "teacher")
    for name in ("anna", "bram"):
        as_user(app, name).post(JOIN, {"invite_code": code}, token_from=JOIN)
    url = f"/trainer/cohorts/{cohort_id}"
    assert auth.post(f"{url}/members/{anna}/remove", token_from=url).status_code == 302
    auth.post(f"{url}/members/{anna}/remove", token_from=url)  # a second click removes nothing
    bram = as_user(app, "bram")  # leaving on one's own leaves nothing behind
    bram.post(f"/trainer/cohorts/{cohort_id}/leave", token_from=JOIN)
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action.like("cohort.%"))).all()
        assert [(e.object_id, e.details, e.actor_name) for e in events] == [
            (anna, {"cohort_id": cohort_id}, "Carla Coach")
        ]
    log = as_user(app, "beheer").client.get("/admin/audit").get_data(as_text=True)
    assert re.search(r"Carla Coach haalde <a [^>]*>Anna de Vries</a> uit <a [^>]*>de groep Team Economie</a>\. "
                     r"Ook de aanwezigheid is verwijderd\.", log)


def count_page_queries(app, client) -> int:
    return page_with_query_count(app, client, PAGE)[0]


def test_a_teachers_page_costs_the_same_queries_for_one_or_many_reviews_and_log_entries(app, auth, client):
    class_id = setup_class(auth)

    def work_and_log(username: str) -> None:
        if username != "sanne":
            auth.make_user(username, "student")
            auth.enrol(username, class_id)
        student_id = give_work(app, username)
        with app.app_context():
            audit.record(db.session.scalar(select(User).where(User.username == "devries")),
                         "user.password_reset", "user", student_id)
            db.session.commit()

    work_and_log("sanne")
    auth.login("devries")
    client.get(PAGE)  # warm up
    few = count_page_queries(app, client)
    for k in range(6):
        work_and_log(f"student{k}")
    many = count_page_queries(app, client)
    assert many == few, f"{few} queries for one review and log entry, {many} for seven"
