"""Assignments: draft, hand in, feedback, hand in again; the teacher's queue; who may see what."""

from __future__ import annotations

import re
import threading
from html import unescape

import pytest
from flask import Flask
from sqlalchemy import func, select

from course.core.content_store import catalog
from course.core.extensions import db
from course.models import AssignmentDraft, Review, Submission
from tests.conftest import Auth, csrf_token
from tests.test_lessons import assert_no_active_content


def first_lesson(app: Flask):
    with app.app_context():
        return next(lesson for lesson in catalog().lessons.values() if lesson.assignment)


def class_with_student(auth, teacher: str = "devries", student: str = "sanne") -> tuple[int, int]:
    auth.make_user(teacher, "teacher")
    student_id = auth.make_user(student)
    class_id, _ = auth.make_class(teacher)
    auth.enrol(student, class_id)
    return class_id, student_id


def textarea(html: str) -> str:
    match = re.search(r"<textarea[^>]*>(.*?)</textarea>", html, re.S)
    assert match, "no textarea on the page"
    return unescape(match.group(1)).strip()


def submissions(app: Flask, student_id: int) -> list[Submission]:
    with app.app_context():
        rows = db.session.scalars(
            select(Submission).where(Submission.student_id == student_id).order_by(Submission.version)
        ).all()
        for row in rows:
            db.session.expunge(row)
        return list(rows)


def hand_in(auth, slug: str, text: str):
    return auth.post(f"/assignments/{slug}", {"body": text, "hand_in": "Inleveren"})


def review(auth, class_id: int, submission_id: int, status: str, feedback: str = ""):
    return auth.post(
        f"/teacher/classes/{class_id}/assignments/{submission_id}", {"status": status, "feedback": feedback}
    )


def test_draft_hand_in_feedback_resubmit_approved_keeps_every_version(app, auth, client):
    lesson = first_lesson(app)
    class_id, student_id = class_with_student(auth)
    url = f"/assignments/{lesson.slug}"

    auth.login("sanne")
    page = client.get(url).get_data(as_text=True)
    assert lesson.assignment.title in unescape(page)
    response = auth.post(url, {"body": "Eerste **idee**", "save": "Concept opslaan"})
    assert response.status_code == 302
    assert textarea(client.get(url).get_data(as_text=True)) == "Eerste **idee**"
    assert submissions(app, student_id) == []

    assert hand_in(auth, lesson.slug, "Mijn *uitwerking* met een [bron](https://example.org)").status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "Versie 1 is ingeleverd" in page
    assert "<em>uitwerking</em>" in page
    assert 'href="https://example.org" rel="noopener noreferrer"' in page
    # A double click on "Inleveren": refused, still one version.
    again = hand_in(auth, lesson.slug, "Mijn *uitwerking* met een [bron](https://example.org)")
    assert again.status_code == 200
    assert "Je hebt precies deze tekst al ingeleverd" in again.get_data(as_text=True)
    assert len(submissions(app, student_id)) == 1
    auth.logout()

    auth.login("devries")
    queue = client.get(f"/teacher/classes/{class_id}/assignments").get_data(as_text=True)
    first = submissions(app, student_id)[0]
    assert "Nog na te kijken (1)" in queue
    assert f"/teacher/classes/{class_id}/assignments/{first.id}" in queue
    form_page = client.get(f"/teacher/classes/{class_id}/assignments/{first.id}").get_data(as_text=True)
    assert "<em>uitwerking</em>" in form_page
    response = review(auth, class_id, first.id, "needs_work", "Leg **waarom** uit.")
    assert response.status_code == 302
    assert response.location.endswith(f"/teacher/classes/{class_id}/assignments")
    assert "Nog na te kijken (0)" in client.get(response.location).get_data(as_text=True)
    auth.logout()

    auth.login("sanne")
    page = client.get(url).get_data(as_text=True)
    assert "Moet beter" in page and "Leg <strong>waarom</strong> uit." in page
    refused = hand_in(auth, lesson.slug, "Mijn *uitwerking* met een [bron](https://example.org)")
    assert "Pas hem eerst aan met de feedback" in refused.get_data(as_text=True)
    assert hand_in(auth, lesson.slug, "Mijn uitwerking, nu met uitleg waarom.").status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "Versie 2 is ingeleverd" in page
    auth.logout()

    auth.login("devries")
    second = submissions(app, student_id)[1]
    queue = client.get(f"/teacher/classes/{class_id}/assignments").get_data(as_text=True)
    assert "Nog na te kijken (1)" in queue and f"/assignments/{second.id}" in queue
    assert review(auth, class_id, second.id, "approved", "Top!").status_code == 302
    auth.logout()

    auth.login("sanne")
    page = client.get(url).get_data(as_text=True)
    assert "Goedgekeurd" in page and "Je hoeft niets meer te doen" in page
    assert "<textarea" not in page  # nothing left to hand in
    assert "Versie 1" in page and "Versie 2" in page and "Leg <strong>waarom</strong> uit." in page

    versions = submissions(app, student_id)
    assert [v.version for v in versions] == [1, 2]
    assert versions[0].body_text.startswith("Mijn *uitwerking*")
    assert versions[1].body_text == "Mijn uitwerking, nu met uitleg waarom."
    with app.app_context():
        statuses = db.session.execute(
            select(Submission.version, Review.status).join(Review).order_by(Submission.version)
        ).all()
    assert [tuple(row) for row in statuses] == [(1, "needs_work"), (2, "approved")]


def test_text_is_rendered_once_when_handed_in(app, auth, client, monkeypatch):
    lesson = first_lesson(app)
    class_id, student_id = class_with_student(auth)
    auth.login("sanne")
    hand_in(auth, lesson.slug, "Een **vet** woord")
    submission = submissions(app, student_id)[0]
    assert submission.body_html.strip() == "<p>Een <strong>vet</strong> woord</p>"

    import course.content.render as render

    def fail(*args, **kwargs):
        raise AssertionError("user text rendered on a page view")

    monkeypatch.setattr(render, "render_user_text", fail)
    monkeypatch.setattr("course.lessons.views.progress.render_user_text", fail)
    assert "<strong>vet</strong>" in client.get(f"/assignments/{lesson.slug}").get_data(as_text=True)
    auth.logout()
    auth.login("devries")
    page = client.get(f"/teacher/classes/{class_id}/assignments/{submission.id}").get_data(as_text=True)
    assert "<strong>vet</strong>" in page


ATTACK = (
    "<script>alert('student')</script>\n\n"
    '[klik](javascript:alert(1)) en [ook](JaVaScRiPt:alert(2)) en <a href="javascript:alert(3)">a</a>\n\n'
    '<img src="x" onerror="alert(4)"> ![plaatje](javascript:alert(5))\n\n'
    "[data](data:text/html;base64,PHNjcmlwdD4=)"
)


def test_script_and_javascript_links_in_an_assignment_never_reach_a_page(app, auth, client):
    lesson = first_lesson(app)
    class_id, student_id = class_with_student(auth)
    auth.login("sanne")
    hand_in(auth, lesson.slug, ATTACK)
    submission = submissions(app, student_id)[0]
    assert_no_active_content(submission.body_html)
    assert "<script" not in submission.body_html
    assert_no_active_content(client.get(f"/assignments/{lesson.slug}").get_data(as_text=True))
    assert_no_active_content(client.get(f"/assignments/versions/{submission.id}").get_data(as_text=True))
    auth.logout()

    auth.login("devries")
    page = client.get(f"/teacher/classes/{class_id}/assignments/{submission.id}").get_data(as_text=True)
    assert_no_active_content(page)
    assert "<script>alert(" not in page
    review(auth, class_id, submission.id, "needs_work", ATTACK)
    auth.logout()

    auth.login("sanne")
    page = client.get(f"/assignments/{lesson.slug}").get_data(as_text=True)
    assert_no_active_content(page)
    before_textarea = page.split("<textarea", 1)[0]
    assert "<script>alert(" not in before_textarea  # the feedback shown above the form
    with app.app_context():
        feedback = db.session.scalar(select(Review.feedback_html))
    assert_no_active_content(feedback)
    assert "<script" not in feedback


def test_forms_that_fail_keep_the_text_and_say_what_to_do(app, auth, client):
    lesson = first_lesson(app)
    class_id, student_id = class_with_student(auth)
    auth.login("sanne")
    page = hand_in(auth, lesson.slug, "   ").get_data(as_text=True)
    assert "Je tekst is nog leeg" in page and 'aria-invalid="true"' in page
    assert submissions(app, student_id) == []
    long_text = "x" * 20_001
    page = auth.post(f"/assignments/{lesson.slug}", {"body": long_text, "save": "Concept opslaan"}).get_data(
        as_text=True
    )
    assert "Je tekst is te lang" in page and long_text in page
    hand_in(auth, lesson.slug, "Klaar")
    auth.logout()

    auth.login("devries")
    submission = submissions(app, student_id)[0]
    page = review(auth, class_id, submission.id, "needs_work", "").get_data(as_text=True)
    assert "Schrijf erbij wat de student moet verbeteren" in page
    assert re.search(r'<input checked[^>]*value="needs_work"', page)
    page = review(auth, class_id, submission.id, "", "Goed zo").get_data(as_text=True)
    assert "Kies of de opdracht goed is of beter moet" in page and "Goed zo" in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Review)) == 0


def test_a_double_clicked_review_is_stored_once(app, auth, client):
    lesson = first_lesson(app)
    class_id, student_id = class_with_student(auth)
    auth.login("sanne")
    hand_in(auth, lesson.slug, "Tekst")
    auth.logout()
    auth.login("devries")
    submission = submissions(app, student_id)[0]
    review(auth, class_id, submission.id, "approved", "Prima")
    review(auth, class_id, submission.id, "approved", "Prima")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Review)) == 1


def test_saving_the_review_goes_on_to_the_oldest_in_the_queue(app, auth, client):
    lessons_with_work = [lesson for lesson in catalog_lessons(app) if lesson.assignment]
    class_id, first_id = class_with_student(auth)
    second_id = auth.make_user("ayoub")
    auth.enrol("ayoub", class_id)
    for username in ("sanne", "ayoub"):
        auth.login(username)
        hand_in(auth, lessons_with_work[0].slug, f"Werk van {username}")
        auth.logout()
    auth.login("sanne")
    hand_in(auth, lessons_with_work[1].slug, "Nog een opdracht")
    auth.logout()
    auth.login("devries")
    queue = client.get(f"/teacher/classes/{class_id}/assignments").get_data(as_text=True)
    assert queue.index("Sanne") < queue.index("Ayoub")  # oldest first
    sanne_first = submissions(app, first_id)[0]
    ayoub_first = submissions(app, second_id)[0]
    response = review(auth, class_id, sanne_first.id, "approved")
    assert response.location.endswith(f"/teacher/classes/{class_id}/assignments/{ayoub_first.id}")


def catalog_lessons(app: Flask) -> list:
    with app.app_context():
        return list(catalog().lessons.values())


def test_an_older_version_cannot_be_reviewed(app, auth, client):
    lesson = first_lesson(app)
    class_id, student_id = class_with_student(auth)
    auth.login("sanne")
    hand_in(auth, lesson.slug, "Versie een")
    hand_in(auth, lesson.slug, "Versie twee")
    auth.logout()
    auth.login("devries")
    old, new = submissions(app, student_id)
    page = client.get(f"/teacher/classes/{class_id}/assignments/{old.id}").get_data(as_text=True)
    assert "Dit is een oudere versie" in page
    assert "Nog na te kijken (1)" in client.get(f"/teacher/classes/{class_id}/assignments").get_data(as_text=True)
    page = review(auth, class_id, old.id, "approved").get_data(as_text=True)
    assert "Dit is een oudere versie" in page and "nieuwere versie ingeleverd" in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Review)) == 0


def test_a_student_never_reads_another_students_work(app, auth, client):
    lesson = first_lesson(app)
    class_id, sanne_id = class_with_student(auth)
    auth.make_user("ayoub")
    auth.enrol("ayoub", class_id)
    auth.login("sanne")
    hand_in(auth, lesson.slug, "Geheim van Sanne")
    own = submissions(app, sanne_id)[0]
    assert "Geheim van Sanne" in client.get(f"/assignments/versions/{own.id}").get_data(as_text=True)
    auth.logout()
    auth.login("ayoub")
    assert client.get(f"/assignments/versions/{own.id}").status_code == 404
    page = client.get(f"/assignments/{lesson.slug}").get_data(as_text=True)
    assert "Geheim van Sanne" not in page
    assert client.get(f"/teacher/classes/{class_id}/assignments").status_code == 403
    assert client.get(f"/teacher/classes/{class_id}/assignments/{own.id}").status_code == 403
    assert review(auth, class_id, own.id, "approved").status_code == 403


def test_a_teacher_of_another_class_gets_404(app, auth, client):
    lesson = first_lesson(app)
    class_id, student_id = class_with_student(auth)
    auth.make_user("bakker", "teacher")
    other_class, _ = auth.make_class("bakker", "ICT1B")
    auth.login("sanne")
    hand_in(auth, lesson.slug, "Werk")
    auth.logout()
    submission = submissions(app, student_id)[0]
    auth.login("bakker")
    assert client.get(f"/teacher/classes/{class_id}/assignments").status_code == 404
    assert client.get(f"/teacher/classes/{class_id}/assignments/{submission.id}").status_code == 404
    assert review(auth, class_id, submission.id, "approved").status_code == 404
    # Nor through their own class: the submission's student is not in it.
    assert client.get(f"/teacher/classes/{other_class}/assignments/{submission.id}").status_code == 404
    assert review(auth, other_class, submission.id, "approved").status_code == 404
    assert "Nog na te kijken (0)" in client.get(f"/teacher/classes/{other_class}/assignments").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Review)) == 0


def test_an_admin_may_review_any_class(app, auth, client):
    lesson = first_lesson(app)
    class_id, student_id = class_with_student(auth)
    auth.make_user("beheer", "admin")
    auth.login("sanne")
    hand_in(auth, lesson.slug, "Werk")
    auth.logout()
    auth.login("beheer")
    submission = submissions(app, student_id)[0]
    assert client.get(f"/teacher/classes/{class_id}/assignments").status_code == 200
    assert review(auth, class_id, submission.id, "approved").status_code == 302


@pytest.mark.parametrize("role", ["teacher", "trainer", "admin"])
def test_staff_preview_of_an_assignment_stores_nothing(app, auth, client, role):
    lesson = first_lesson(app)
    auth.make_user("staff", role)
    auth.login("staff")
    page = client.get(f"/assignments/{lesson.slug}").get_data(as_text=True)
    assert "Voorbeeldweergave" in page
    for button in ({"save": "Concept opslaan"}, {"hand_in": "Inleveren"}):
        page = auth.post(f"/assignments/{lesson.slug}", {"body": "Proeftekst", **button}).get_data(as_text=True)
        assert "niet opgeslagen" in page and "Proeftekst" in textarea(page)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AssignmentDraft)) == 0
        assert db.session.scalar(select(func.count()).select_from(Submission)) == 0


def test_class_page_links_to_the_queue(app, auth, client):
    class_id, _ = class_with_student(auth)
    auth.login("devries")
    page = client.get(f"/teacher/classes/{class_id}").get_data(as_text=True)
    assert f'href="/teacher/classes/{class_id}/assignments"' in page


def test_unknown_lesson_has_no_assignment_page(app, auth, client):
    auth.make_user("sanne")
    auth.login("sanne")
    assert client.get("/assignments/bestaat-niet").status_code == 404
    assert auth.post("/assignments/bestaat-niet", {"body": "x", "save": "1"}).status_code == 404


def test_two_hand_ins_at_the_same_moment_make_one_version(app, auth):
    lesson = first_lesson(app)
    _, student_id = class_with_student(auth)
    tabs = []
    for _ in range(4):  # four tabs of one student, each with its own session
        tab = Auth(app, app.test_client())
        tab.login("sanne")
        tabs.append((tab, csrf_token(tab.client, f"/assignments/{lesson.slug}")))
    barrier = threading.Barrier(len(tabs))
    codes: list[int] = []

    def press(tab: Auth, token: str) -> None:
        barrier.wait()
        response = tab.client.post(
            f"/assignments/{lesson.slug}", data={"body": "Zelfde tekst", "hand_in": "Inleveren", "csrf_token": token}
        )
        codes.append(response.status_code)

    threads = [threading.Thread(target=press, args=tab) for tab in tabs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(codes) == [200, 200, 200, 302]  # one stored, three told it was already handed in
    assert [s.version for s in submissions(app, student_id)] == [1]


def test_reviews_are_in_the_audit_log(app, auth, client):
    """Status and feedback affect grades; the administrator can see who gave them and when."""
    from sqlalchemy import select

    from course.core.extensions import db
    from course.models import AuditEvent, Submission, User

    auth.make_user("devries", "teacher")
    class_id, _ = auth.make_class("devries")
    student_id = auth.make_user("priya", "student")
    auth.enrol("priya", class_id)
    with app.app_context():
        submission = Submission(
            student_id=student_id, lesson_slug="linkedin", version=1, body_text="x", body_html="<p>x</p>",
            class_id=class_id,
        )
        db.session.add(submission)
        db.session.commit()
        submission_id = submission.id
    auth.login("devries")
    page = client.get(f"/teacher/classes/{class_id}/assignments/{submission_id}").get_data(as_text=True)
    from .conftest import CSRF_PATTERN

    match = CSRF_PATTERN.search(page)
    client.post(
        f"/teacher/classes/{class_id}/assignments/{submission_id}",
        data={"status": "approved", "feedback": "Sterk!", "csrf_token": match.group(1) or match.group(2)},
    )
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "assignment.review"))
        assert event is not None and event.details["status"] == "approved"
        assert event.actor_id == db.session.scalar(select(User.id).where(User.username == "devries"))
