"""The student's path: lesson status, the one next step, progress that survives logging out."""

from __future__ import annotations

import re
import secrets
from decimal import Decimal

import pytest
from flask import Flask
from markupsafe import escape
from sqlalchemy import event, func, select

from course.assignments.views import assignment_queue
from course.core.content_store import catalog
from course.core.extensions import db
from course.lessons import progress
from course.models import AssignmentDraft, LessonProgress, QuizAttempt, Submission, utcnow


def lessons_of(app: Flask) -> list:
    with app.app_context():
        return list(catalog().lessons.values())


LESSON_STATUS = re.compile(
    r'<dt>Les</dt>\s*<dd><a href="[^"]+" class="status status-\w+">'
    r'(?:<span aria-hidden="true">[^<]*</span>)? ?([^<]+)<'
)


def lesson_card(html: str, lesson) -> str:
    """The dashboard card of ``lesson``."""
    return html.split(f'<li class="lesson-card" id="les-{lesson.number}">', 1)[1].split("</li>", 1)[0]


def status_cell(html: str, lesson) -> str:
    """The lesson status on the dashboard card of ``lesson``."""
    card = lesson_card(html, lesson)
    return LESSON_STATUS.search(card).group(1)


def next_step_button(html: str) -> tuple[str, str]:
    section = html.split('id="stap-kop"', 1)[1].split("</section>", 1)[0]
    match = re.search(r'<a class="button primary" href="([^"]+)">([^<]+)</a>', section)
    assert match, section
    return match.group(1), match.group(2)


def add_attempt(app: Flask, user_id: int, quiz_slug: str, percentage: int, *, preview: bool = False) -> None:
    with app.app_context():
        quiz = catalog().quizzes[quiz_slug]
        db.session.add(
            QuizAttempt(
                user_id=user_id,
                quiz_slug=quiz_slug,
                quiz_version=quiz.version,
                token=secrets.token_hex(16),
                seed=1,
                is_preview=preview,
                submitted_at=utcnow(),
                score=Decimal(quiz.max_score * percentage) / 100,
                max_score=quiz.max_score,
            )
        )
        db.session.commit()


def test_a_new_student_starts_at_lesson_one(app, auth, client):
    lessons = lessons_of(app)
    auth.make_user("sanne")
    auth.login("sanne")
    html = client.get("/student/").get_data(as_text=True)
    assert len(lessons) == 12
    assert all(status_cell(html, lesson) == "Nog niet begonnen" for lesson in lessons)
    url, label = next_step_button(html)
    assert url == f"/lessons/{lessons[0].slug}"
    assert label == f"Lees les 1: {escape(lessons[0].title)}"
    assert "Aanmelden bij de klas" in html  # the join form stays


def test_marking_done_moves_the_next_step_and_survives_logout(app, auth, client):
    lessons = lessons_of(app)
    auth.make_user("sanne")
    auth.login("sanne")
    auth.post(f"/lessons/{lessons[0].slug}/done")
    html = client.get("/student/").get_data(as_text=True)
    assert status_cell(html, lessons[0]) == "Gelezen"
    assert status_cell(html, lessons[1]) == "Nog niet begonnen"
    # Lesson 1 is done, its assignment is not: that is where the student carries on.
    assert next_step_button(html) == (f"/assignments/{lessons[0].slug}", "Maak de opdracht van les 1")
    assert "0 van de 12 lessen afgerond, 1 gelezen" in html

    auth.logout()
    auth.login("sanne")
    again = client.get("/student/").get_data(as_text=True)
    assert status_cell(again, lessons[0]) == "Gelezen"
    assert next_step_button(again) == next_step_button(html)


def test_a_draft_makes_a_lesson_busy_and_the_dashboard_remembers_it(app, auth, client):
    lessons = lessons_of(app)
    auth.make_user("sanne")
    auth.login("sanne")
    for lesson in lessons[:3]:
        auth.post(f"/lessons/{lesson.slug}/done")
    auth.post(f"/assignments/{lessons[4].slug}", {"body": "Mijn eerste ideeën", "save": "Concept opslaan"})
    html = client.get("/student/").get_data(as_text=True)
    assert status_cell(html, lessons[4]) == "Bezig"
    assert status_cell(html, lessons[3]) == "Nog niet begonnen"
    # Where the student was (lesson 5), not the first lesson not done (lesson 4).
    assert "Je was het laatst bezig met les 5" in html
    assert next_step_button(html) == (f"/lessons/{lessons[4].slug}", f"Ga verder met les 5: {escape(lessons[4].title)}")


def test_an_empty_draft_does_not_count_as_started(app, auth, client):
    lessons = lessons_of(app)
    auth.make_user("sanne")
    auth.login("sanne")
    auth.post(f"/assignments/{lessons[1].slug}", {"body": "   ", "save": "Concept opslaan"})
    html = client.get("/student/").get_data(as_text=True)
    assert status_cell(html, lessons[1]) == "Nog niet begonnen"


def test_a_quiz_attempt_makes_a_lesson_busy_but_a_preview_attempt_does_not(app, auth, client):
    lessons = lessons_of(app)
    student = auth.make_user("sanne")
    auth.login("sanne")
    add_attempt(app, student, lessons[2].quiz, 40, preview=True)
    html = client.get("/student/").get_data(as_text=True)
    assert status_cell(html, lessons[2]) == "Nog niet begonnen"
    add_attempt(app, student, lessons[2].quiz, 40)
    html = client.get("/student/").get_data(as_text=True)
    assert status_cell(html, lessons[2]) == "Bezig"
    card = lesson_card(html, lessons[2])
    assert "40%" in card and "nog niet gehaald" in card


def test_undo_leaves_the_lesson_busy(app, auth, client):
    lessons = lessons_of(app)
    auth.make_user("sanne")
    auth.login("sanne")
    auth.post(f"/lessons/{lessons[0].slug}/done")
    auth.post(f"/lessons/{lessons[0].slug}/undo")
    html = client.get("/student/").get_data(as_text=True)
    assert status_cell(html, lessons[0]) == "Bezig"
    assert next_step_button(html)[0] == f"/lessons/{lessons[0].slug}"


def test_reading_pages_never_writes(app, auth, client):
    lessons = lessons_of(app)
    auth.make_user("sanne")
    auth.login("sanne")
    auth.post(f"/lessons/{lessons[0].slug}/done")
    auth.post(f"/assignments/{lessons[0].slug}", {"body": "Tekst", "hand_in": "Inleveren"})
    writes: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001
        if statement.lstrip().split(" ", 1)[0].upper() in {"INSERT", "UPDATE", "DELETE"}:
            writes.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        for url in ["/student/", "/lessons/", f"/lessons/{lessons[0].slug}", f"/assignments/{lessons[0].slug}"]:
            assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert writes == []


def _all_done(app: Flask, student_id: int, *, approve: bool = True) -> None:
    """Every lesson done and every assignment approved, straight through the services."""
    with app.app_context():
        teacher_id = student_id  # who reviews does not matter for the path
        for lesson in catalog().lessons.values():
            progress.mark_done(student_id, lesson.slug)
            if lesson.assignment:
                submission = progress.hand_in(student_id, lesson.slug, f"Uitwerking {lesson.number}")
                if approve:
                    progress.review(submission, teacher_id, "approved", "")


def test_when_every_lesson_is_done_the_quizzes_come_next(app, auth, client):
    if "quizzes" not in app.blueprints:
        pytest.skip("the quizzes feature is not installed in this tree")
    lessons = lessons_of(app)
    student = auth.make_user("sanne")
    _all_done(app, student)
    auth.login("sanne")
    # The student was last busy with lesson 12: its quiz first.
    html = client.get("/student/").get_data(as_text=True)
    assert next_step_button(html) == (f"/quizzes/{lessons[-1].quiz}", "Maak de quiz van les 12")
    # Lesson 12 complete: then the first lesson quiz not passed yet.
    add_attempt(app, student, lessons[-1].quiz, 100)
    html = client.get("/student/").get_data(as_text=True)
    first = next(lesson for lesson in lessons if lesson.quiz)
    assert next_step_button(html) == (f"/quizzes/{first.quiz}", f"Maak de quiz van les {first.number}")


def test_after_every_lesson_quiz_passed_the_final_quiz_and_then_the_end(app, auth, client):
    lessons = lessons_of(app)
    student = auth.make_user("sanne")
    _all_done(app, student)
    for lesson in lessons:
        if lesson.quiz:
            add_attempt(app, student, lesson.quiz, 100)
    with app.app_context():
        final = catalog().final_quiz
        overview = progress.overview(student, catalog(), quizzes_available=True)
    assert overview.read_count == overview.finished_count == 12
    assert all(state.quiz and state.quiz.passed for state in overview.lessons if state.lesson.quiz)
    assert overview.next_step == progress.NextStep("final_quiz", None, final.slug)
    add_attempt(app, student, final.slug, 100)
    with app.app_context():
        assert progress.overview(student, catalog()).next_step.kind == "finished"
    auth.login("sanne")
    html = client.get("/student/").get_data(as_text=True)
    assert "Je bent klaar met de hele module" in html
    assert "12 van de 12 lessen afgerond, 12 gelezen" in html
    assert all(status_cell(html, lesson) == "Afgerond" for lesson in lessons)
    assert "Je hebt deze les afgerond." in client.get(f"/lessons/{lessons[0].slug}").get_data(as_text=True)


def test_a_read_lesson_with_a_draft_and_a_failed_quiz_is_read_not_finished(app, auth, client):
    lessons = lessons_of(app)
    student = auth.make_user("sanne")
    auth.login("sanne")
    lesson = lessons[3]
    auth.post(f"/lessons/{lesson.slug}/done")
    auth.post(f"/assignments/{lesson.slug}", {"body": "Eerste opzet", "save": "Concept opslaan"})
    add_attempt(app, student, lesson.quiz, 29)
    html = client.get("/student/").get_data(as_text=True)
    assert status_cell(html, lesson) == "Gelezen"
    assert "0 van de 12 lessen afgerond, 1 gelezen" in html
    card = lesson_card(html, lesson)
    assert "Concept" in card and "29% nog niet gehaald" in card
    assert f'action="/quizzes/{lesson.quiz}/start"' in card  # a failed score offers a new attempt
    page = client.get(f"/lessons/{lesson.slug}").get_data(as_text=True)
    assert "Je hebt deze les gelezen. Lever nog je opdracht in. Haal nog de quiz." in page


def test_a_quiz_without_attempts_left_is_no_next_step(app, auth):
    lessons = lessons_of(app)
    student = auth.make_user("sanne")
    _all_done(app, student)
    with app.app_context():
        quizzes = catalog().quizzes
    limited = next(lesson for lesson in lessons if lesson.quiz and quizzes[lesson.quiz].policy.max_attempts)
    for _ in range(quizzes[limited.quiz].policy.max_attempts):
        add_attempt(app, student, limited.quiz, 0)
    with app.app_context():
        step = progress.overview(student, catalog()).next_step
    assert step.quiz_slug != limited.quiz


def test_needs_work_brings_the_student_back_to_the_assignment(app, auth, client):
    lessons = lessons_of(app)
    student = auth.make_user("sanne")
    with app.app_context():
        progress.mark_done(student, lessons[0].slug)
        progress.mark_done(student, lessons[1].slug)
        first = progress.hand_in(student, lessons[0].slug, "Versie een")
        progress.hand_in(student, lessons[1].slug, "Les twee")
        progress.review(first, student, "needs_work", "Schrijf erbij waarom.")
    auth.login("sanne")
    html = client.get("/student/").get_data(as_text=True)
    assert "Je docent vraagt je om iets te verbeteren" in html
    assert status_cell(html, lessons[0]) == "Gelezen"
    assert "Moet beter" in lesson_card(html, lessons[0])
    with app.app_context():
        # Last busy with lesson 2: handed in, so (without quizzes) the first lesson not done is next,
        # before the assignment that needs work.
        assert progress.overview(student, catalog(), quizzes_available=False).next_step == progress.NextStep(
            "lesson", lessons[2]
        )
        # With quizzes, lesson 2 still has its quiz open: that comes first.
        assert progress.overview(student, catalog()).next_step == progress.NextStep("quiz", lessons[1], lessons[1].quiz)
        for lesson in lessons[2:]:
            progress.mark_done(student, lesson.slug)
        for lesson in lessons[2:]:
            progress.hand_in(student, lesson.slug, f"Les {lesson.number}")
        assert progress.overview(student, catalog(), quizzes_available=False).next_step == progress.NextStep(
            "assignment", lessons[0]
        )


def test_the_overview_takes_a_fixed_number_of_queries(app, auth):
    lessons = lessons_of(app)
    few = auth.make_user("few")
    many = auth.make_user("many")
    with app.app_context():
        progress.mark_done(few, lessons[0].slug)
        progress.hand_in(few, lessons[0].slug, "Tekst")
        for lesson in lessons:
            progress.mark_done(many, lesson.slug)
            progress.hand_in(many, lesson.slug, f"Tekst {lesson.number}")
            progress.save_draft(many, lesson.slug, f"Tekst {lesson.number} en meer")
        counts = []
        for student in (few, many):
            statements: list[str] = []

            def record(conn, cursor, statement, *args, bucket=statements):  # noqa: ANN001
                bucket.append(statement)

            event.listen(db.engine, "before_cursor_execute", record)
            db.session.expire_all()
            progress.overview(student, catalog())
            event.remove(db.engine, "before_cursor_execute", record)
            counts.append(len([s for s in statements if s.lstrip().upper().startswith("SELECT")]))
    assert counts[0] == counts[1]


def test_demo_adds_a_little_progress_once(app, runner):
    assert runner.invoke(args=["demo"]).exit_code == 0
    with app.app_context():
        done = db.session.scalar(select(func.count()).select_from(LessonProgress))
        drafts = db.session.scalar(select(func.count()).select_from(AssignmentDraft))
        submissions = db.session.scalar(select(func.count()).select_from(Submission))
        assert done > 0 and drafts > 0 and submissions > 0
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(LessonProgress)) == done
        assert db.session.scalar(select(func.count()).select_from(Submission)) == submissions


def test_demo_queue_has_work_for_the_teacher(app, runner, auth, client):
    runner.invoke(args=["demo"])
    auth.login("docent", "docent-demo-2026")
    with app.app_context():
        from course.demo.school import DEMO_JOIN_CODE
        from course.models import SchoolClass

        class_id = db.session.scalar(select(SchoolClass.id).where(SchoolClass.join_code == DEMO_JOIN_CODE))
        queue = assignment_queue(class_id)
    assert queue
    assert queue == sorted(queue, key=lambda pair: pair[0].submitted_at)
    html = client.get(f"/teacher/classes/{class_id}/assignments").get_data(as_text=True)
    assert f"Nog na te kijken ({len(queue)})" in html
    auth.logout()
    auth.login("student01", "student-demo-2026")
    html = client.get("/student/").get_data(as_text=True)
    assert status_cell(html, lessons_of(app)[0]) == "Gelezen"
