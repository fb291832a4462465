"""AVG rights built in: see your data, download it, have it deleted; old classes purged."""

import json
import re
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import String, Text, func, select

from course.accounts import rules as accounts
from course.core.extensions import db
from course.models import (
    AssignmentDraft,
    AttemptItem,
    AuditEvent,
    Base,
    LessonProgress,
    QuizAttempt,
    Review,
    SchoolClass,
    Submission,
    User,
)


def give_work(app, username, teacher_username="devries"):
    """Progress, a draft, a reviewed submission and a graded quiz attempt for one student."""
    with app.app_context():
        student = db.session.scalar(select(User).where(User.username == username))
        teacher = db.session.scalar(select(User).where(User.username == teacher_username))
        db.session.add(LessonProgress(student_id=student.id, lesson_slug="linkedin", done_at=datetime.now(UTC)))
        db.session.add(
            AssignmentDraft(student_id=student.id, lesson_slug="linkedin", body_text=f"concept van {username}")
        )
        submission = Submission(
            student_id=student.id,
            lesson_slug="linkedin",
            version=1,
            body_text="Mijn kopregel",
            body_html="<p>Mijn kopregel</p>",
        )
        submission.reviews.append(
            Review(teacher_id=teacher.id, status="needs_work", feedback_text="Maak het concreter.")
        )
        db.session.add(submission)
        attempt = QuizAttempt(
            user_id=student.id, quiz_slug="linkedin", quiz_version="v1", token=f"tok-{username}", seed=7,
            submitted_at=datetime.now(UTC), answers={"q1": "a"}, score=Decimal("1.5"), max_score=2,
        )  # fmt: skip
        attempt.items.append(AttemptItem(question_id="q1", position=0, score=Decimal("1.5"), max_score=2, chosen=["a"]))
        db.session.add(attempt)
        db.session.commit()
        return student.id


def setup_class(auth):
    auth.make_user("devries", "teacher")
    class_id, _ = auth.make_class("devries", "MV2A")
    auth.make_user("sanne", "student", name="Sanne")
    auth.enrol("sanne", class_id)
    return class_id


def test_student_sees_and_downloads_everything_stored_about_them(app, auth, client):
    setup_class(auth)
    give_work(app, "sanne")
    auth.login("sanne")
    page = client.get("/account/data/").get_data(as_text=True)
    assert "Mijn gegevens" in page and "MV2A" in page and "Les 5: " in page
    response = client.get("/account/data/download.json")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    assert data["account"]["username"] == "sanne"
    assert "password" not in json.dumps(data["account"])
    assert data["submissions"][0]["reviews"][0]["feedback"] == "Maak het concreter."
    assert data["quiz_attempts"][0]["answers"] == {"q1": "a"}
    assert data["assignment_drafts"][0]["text"] == "concept van sanne"


def test_own_data_page_says_gelezen_for_a_lesson_read_but_not_finished(app, auth, client):
    """Marking a lesson read is "gelezen"; "afgerond" means read, assignment handed in and quiz
    passed, so a lesson with only the first step must not be listed as afgerond."""
    from course.core.content_store import catalog

    setup_class(auth)
    auth.login("sanne")
    empty = client.get("/account/data/").get_data(as_text=True)
    assert "Nog geen lessen gelezen" in empty and "Ik heb deze les gelezen" in empty
    assert "afgerond" not in empty.lower() and "Rond je" not in empty
    assert auth.post("/lessons/linkedin/done", token_from="/lessons/linkedin").status_code == 302
    page = client.get("/account/data/").get_data(as_text=True)
    with app.app_context():
        lesson = catalog().lessons["linkedin"]
    read = page.split("Lessen die je hebt gelezen</h2>", 1)[1].split("<h2", 1)[0]
    assert lesson.title in read
    assert "afgerond" not in page.lower()


def test_own_data_page_speaks_plain_dutch(app, auth, client):
    """Dates as a Dutch reader writes them, lesson and quiz titles rather than file names, scores
    with a decimal comma, and a download explained without jargon."""
    from course.core.content_store import catalog

    setup_class(auth)
    give_work(app, "sanne")
    auth.login("sanne")
    page = client.get("/account/data/").get_data(as_text=True)
    with app.app_context():
        lesson = catalog().lessons["linkedin"]
        quiz = catalog().quizzes["linkedin"]
    assert f"Les {lesson.number}: {lesson.title}" in page
    assert f"<td>{quiz.title}</td>" in page
    assert "1,5 van 2" in page and "1.5" not in page
    assert not re.search(r"\d{4}-\d{2}-\d{2}", page), "an ISO date on the page"
    months = "jan|feb|mrt|apr|mei|jun|jul|aug|sep|okt|nov|dec"
    assert re.search(rf"Gemaakt op</dt><dd>\d{{1,2}} ({months}) \d{{4}}</dd>", page)
    assert "(JSON)" not in page and "Download mijn gegevens" in page
    assert "Kladblok" in page  # what to open the file with


def test_data_export_is_only_ever_your_own(app, auth, client):
    setup_class(auth)
    auth.make_user("ayoub", "student")
    give_work(app, "sanne")
    auth.login("ayoub")
    data = json.loads(client.get("/account/data/download.json").get_data(as_text=True))
    assert data["account"]["username"] == "ayoub"
    assert data["submissions"] == [] and data["quiz_attempts"] == []


def rows_referring_to(app, user_id, username):
    """Every row that points at the user by foreign key, or mentions the username in text."""
    found = []
    with app.app_context():
        for table in Base.metadata.sorted_tables:
            for column in table.columns:
                if any(fk.column.table.name == "users" for fk in column.foreign_keys):
                    count = db.session.scalar(select(func.count()).select_from(table).where(column == user_id))
                    if count:
                        found.append(f"{table.name}.{column.name}")
                elif isinstance(column.type, String | Text) and table.name != "users":
                    count = db.session.scalar(select(func.count()).select_from(table).where(column.contains(username)))
                    if count:
                        found.append(f"{table.name}.{column.name} mentions {username}")
            if table.name == "users":
                if db.session.get(User, user_id) is not None:
                    found.append("users")
        events = db.session.scalars(select(AuditEvent)).all()
        for event in events:
            if user_id in (event.details or {}).values() or event.object_id == user_id and event.object_type == "user":
                found.append(f"audit_events {event.action}")
    return found


def test_teacher_deletes_a_student_and_nothing_refers_to_them_afterwards(app, auth, client):
    class_id = setup_class(auth)
    student_id = give_work(app, "sanne")
    auth.login("devries")
    # leave traces in the log as well
    auth.post(f"/teacher/classes/{class_id}/students/{student_id}/reset-password")
    assert rows_referring_to(app, student_id, "sanne") != []
    response = auth.post(f"/teacher/classes/{class_id}/students/{student_id}/delete")
    assert response.status_code == 302
    assert rows_referring_to(app, student_id, "sanne") == []
    with app.app_context():
        assert (
            db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "user.delete"))
            == 1
        )


def test_teacher_cannot_delete_a_student_who_is_also_in_a_colleagues_class(app, auth, client):
    class_id = setup_class(auth)
    auth.make_user("bakker", "teacher")
    other_class, _ = auth.make_class("bakker", "ICT1B")
    auth.enrol("sanne", other_class)
    with app.app_context():
        student_id = db.session.scalar(select(User.id).where(User.username == "sanne"))
    auth.login("devries")
    response = auth.post(f"/teacher/classes/{class_id}/students/{student_id}/delete", follow_redirects=True)
    assert "Vraag de beheerder" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, student_id) is not None


def test_a_co_teacher_cannot_delete_an_account_but_the_owner_can(app, auth, client):
    class_id = setup_class(auth)
    auth.make_user("bakker", "teacher")
    with app.app_context():
        accounts.add_co_teacher(db.session.get(SchoolClass, class_id), "bakker")
        db.session.commit()
        student_id = db.session.scalar(select(User.id).where(User.username == "sanne"))
    delete_url = f"/teacher/classes/{class_id}/students/{student_id}/delete"

    student_page = f"/teacher/gradebook/{class_id}/students/{student_id}"
    auth.login("bakker")
    page = client.get(student_page).get_data(as_text=True)
    assert delete_url not in page
    assert "alleen de eigenaar van deze klas" in page
    response = auth.post(delete_url, follow_redirects=True)
    assert "Alleen de eigenaar van de klas kan een account verwijderen" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, student_id) is not None

    auth.logout()
    auth.login("devries")
    assert delete_url in client.get(student_page).get_data(as_text=True)
    assert auth.post(delete_url).status_code == 302
    with app.app_context():
        assert db.session.get(User, student_id) is None


def test_teacher_of_another_class_cannot_delete(app, auth):
    class_id = setup_class(auth)
    auth.make_user("bakker", "teacher")
    with app.app_context():
        student_id = db.session.scalar(select(User.id).where(User.username == "sanne"))
    auth.login("bakker")
    assert auth.post(f"/teacher/classes/{class_id}/students/{student_id}/delete").status_code == 404


def archive(app, class_id, when):
    with app.app_context():
        db.session.get(SchoolClass, class_id).archived_at = when
        db.session.commit()


def test_purge_dry_run_changes_nothing_and_purge_removes_old_classes(app, auth, runner):
    old_class = setup_class(auth)
    new_class, _ = auth.make_class("devries", "MV3A")
    auth.make_user("daan", "student")
    auth.enrol("daan", old_class)
    auth.enrol("daan", new_class)  # still in a current class: keeps the account
    sanne_id = give_work(app, "sanne")
    archive(app, old_class, datetime(2025, 7, 1, tzinfo=UTC))

    dry = runner.invoke(args=["privacy", "purge", "--archived-before", "2026-01-01", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "Students deleted with all their work: 1" in dry.output
    assert "Dry run: nothing was changed." in dry.output
    with app.app_context():
        assert db.session.get(User, sanne_id) is not None

    result = runner.invoke(args=["privacy", "purge", "--archived-before", "2026-01-01"])
    assert result.exit_code == 0, result.output
    assert rows_referring_to(app, sanne_id, "sanne") == []
    with app.app_context():
        assert db.session.get(SchoolClass, old_class) is None
        assert db.session.scalar(select(User).where(User.username == "daan")) is not None
        assert db.session.get(SchoolClass, new_class) is not None


def test_purge_leaves_classes_archived_after_the_date(app, auth, runner):
    class_id = setup_class(auth)
    archive(app, class_id, datetime(2026, 6, 1, tzinfo=UTC))
    result = runner.invoke(args=["privacy", "purge", "--archived-before", "2026-01-01"])
    assert "Classes archived before 2026-01-01: 0" in result.output
    with app.app_context():
        assert db.session.get(SchoolClass, class_id) is not None


def test_privacy_statement_follows_the_retention_setting(tmp_path, backend):
    from .conftest import make_test_app

    application = make_test_app(tmp_path, backend, ARCHIVED_CLASS_RETENTION_MONTHS=18)
    html = application.test_client().get("/privacy").get_data(as_text=True)
    assert "Tot 18 maanden nadat je klas is gearchiveerd" in html
    assert "AVG, artikel 15" in html
    with application.app_context():
        db.engine.dispose()


def test_admin_reads_the_audit_log(app, auth, client):
    class_id = setup_class(auth)
    auth.make_user("beheer", "admin")
    with app.app_context():
        student_id = db.session.scalar(select(User.id).where(User.username == "sanne"))
    auth.login("devries")
    auth.post(f"/teacher/classes/{class_id}/students/{student_id}/reset-password")
    auth.logout()
    auth.login("beheer")
    html = client.get("/admin/audit").get_data(as_text=True)
    assert "Wachtwoord opnieuw ingesteld" in html and "Devries" in html


def test_students_and_teachers_cannot_read_the_audit_log(auth, client):
    auth.make_user("devries", "teacher")
    auth.login("devries")
    assert client.get("/admin/audit").status_code == 403


def test_deleting_a_student_also_clears_their_name_from_regrade_entries_in_the_log(app, auth):
    """Voiding a question logs every regraded attempt with the student's username; after the
    student is deleted the log keeps that a regrade happened, not whose it was."""
    from course.core.content_store import catalog
    from course.quizzes import attempts

    from .quiz_support import right_answers

    class_id = setup_class(auth)
    with app.app_context():
        quiz = next(iter(catalog().quizzes.values()))
        student = db.session.scalar(select(User).where(User.username == "sanne"))
        started = attempts.start_attempt(student, quiz, preview=False)
        answers = right_answers(quiz)
        answers.pop(quiz.questions[0].id)  # one question wrong, so voiding it changes the score
        assert attempts.submit_attempt(student.id, started.token, quiz, answers)
        student_id = student.id
    auth.login("devries")
    auth.post(f"/quizzes/{quiz.slug}/classes/{class_id}/questions/{quiz.questions[0].id}/void")
    with app.app_context():
        logged = [json.dumps(e.details) for e in db.session.scalars(select(AuditEvent))]
        assert any('"sanne"' in text for text in logged)  # the log names whose grade changed
    assert auth.post(f"/teacher/classes/{class_id}/students/{student_id}/delete").status_code == 302
    with app.app_context():
        events = db.session.scalars(select(AuditEvent)).all()
        assert {e.action for e in events} >= {"quiz.void", "user.delete"}
        assert not [e.action for e in events if "sanne" in json.dumps(e.details)]
