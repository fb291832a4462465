"""Content edited while the app runs (docs/authoring.md, "Editing content while the app runs"):
a clean edit serves at once, a broken one is refused whole while the last good version serves, and
answers are graded only against the quiz version the student had on screen and the file holds."""

from __future__ import annotations

import logging
import re
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from course.accounts.rules import find_user
from course.content.catalog import load_catalog
from course.content.quiz_files import Quiz
from course.core.content_store import catalog
from course.core.extensions import db
from course.models import QuizAttempt
from course.quizzes.attempts import submit_attempt

from .conftest import ROOT, Auth, make_test_app
from .quiz_support import QuizClient, form_data, right_answers, text_of, token_in

SLUG = "privacy-instellingen"
KEYED = "q2"  # a true/false question: turning its answer around changes the key and nothing else


@pytest.fixture
def course(tmp_path: Path) -> tuple[Path, Path]:
    lessons, quizzes = tmp_path / "content" / "lessons", tmp_path / "content" / "quizzes"
    shutil.copytree(ROOT / "lessons", lessons)
    shutil.copytree(ROOT / "quizzes", quizzes)
    return lessons, quizzes


@pytest.fixture
def live(tmp_path, backend, course):
    lessons, quizzes = course
    application = make_test_app(tmp_path, backend, LESSONS_DIR=str(lessons), QUIZZES_DIR=str(quizzes))
    client = application.test_client()
    auth = Auth(application, client)
    auth.make_user("sanne")
    auth.login("sanne")
    yield application, QuizClient(client)
    with application.app_context():
        db.session.remove()
        db.engine.dispose()
    backend.reset()


def quiz_file(course) -> Path:
    return course[1] / f"03-{SLUG}.yaml"


def loaded_quiz(course):
    return load_catalog(*course).quizzes[SLUG]


def turn_the_key_around(course) -> None:
    """The author finds the answer to q2 was wrong and fixes it."""
    path = quiz_file(course)
    text = path.read_text(encoding="utf-8")
    block = text.index(f"- id: {KEYED}\n")
    answer = re.compile(r"answer: (true|false)").search(text, block)
    flipped = "true" if answer.group(1) == "false" else "false"
    path.write_text(text[: answer.start()] + f"answer: {flipped}" + text[answer.end() :], encoding="utf-8")


def stored_attempts(application) -> list[QuizAttempt]:
    with application.app_context():
        rows = list(db.session.scalars(select(QuizAttempt).where(QuizAttempt.submitted_at.is_not(None))))
        db.session.expunge_all()
        return rows


def hand_in(student: QuizClient, token: str, shown: Quiz, answers: dict, csrf: str):
    """The POST of an attempt page that showed version ``shown`` of the quiz."""
    data = {**form_data(shown, answers), "csrf_token": csrf, "shown_version": shown.version}
    return student.client.post(f"/quizzes/{SLUG}/attempts/{token}", data=data)


def open_attempt(student: QuizClient) -> tuple[str, str]:
    """Start the quiz and open its page, as the student's browser does; (attempt token, CSRF token)."""
    token = student.start_token(SLUG)
    return token, token_in(student.attempt_page(SLUG, token))


def test_a_key_fixed_while_a_student_answers_is_shown_before_anything_is_graded(live, course, caplog):
    application, student = live
    old = loaded_quiz(course)
    token, csrf = open_attempt(student)
    answers = right_answers(old)  # right under the old key

    turn_the_key_around(course)
    new = loaded_quiz(course)
    with caplog.at_level(logging.INFO):
        response = hand_in(student, token, old, answers, csrf)

    # Nothing is graded against a version the student did not see: the new one is shown instead.
    assert response.status_code == 409
    page = text_of(response.get_data(as_text=True))
    assert "Deze quiz is aangepast terwijl je bezig was. Er is nog niets ingeleverd." in page
    assert stored_attempts(application) == []
    assert f'name="shown_version" type="hidden" value="{new.version}"' in response.get_data(as_text=True)
    reloads = [r.getMessage() for r in caplog.records if "course content reloaded" in r.getMessage()]
    assert reloads == [f"course content reloaded: quiz {SLUG} now version {new.version} (was {old.version})"]

    # Handed in again from the page with the new version: graded by the new key, version stored.
    again = hand_in(student, token, new, answers, csrf)
    assert again.status_code == 302 and again.location.endswith("/review")
    [attempt] = stored_attempts(application)
    assert attempt.quiz_version == new.version
    assert attempt.score == new.max_score - new.question(KEYED).points


def test_an_attempt_started_after_the_edit_is_graded_by_the_new_key(live, course):
    application, student = live
    turn_the_key_around(course)
    new = loaded_quiz(course)
    token, review = student.take(new, right_answers(new))
    [attempt] = stored_attempts(application)
    assert (attempt.quiz_version, attempt.score) == (new.version, new.max_score)


def test_a_broken_edit_keeps_the_last_good_quiz_serving_and_grades_nothing_until_fixed(live, course, caplog):
    application, student = live
    old = loaded_quiz(course)
    token, csrf = open_attempt(student)
    path = quiz_file(course)
    good = path.read_text(encoding="utf-8")
    path.write_text(good.replace("counts: best", "counts: beste"), encoding="utf-8")  # a typo

    with caplog.at_level(logging.ERROR):
        response = hand_in(student, token, old, right_answers(old), csrf)
        hand_in(student, token, old, right_answers(old), csrf)
    assert response.status_code == 503 and int(response.headers["Retry-After"]) > 0
    assert "Deze quiz wordt op dit moment aangepast." in text_of(response.get_data(as_text=True))
    assert stored_attempts(application) == []
    problems = [r.getMessage() for r in caplog.records if r.getMessage().startswith("content problem:")]
    assert problems == [f"content problem: quizzes/03-{SLUG}.yaml:6: counts must be 'best' or 'last', not 'beste'"]
    with application.app_context():
        assert catalog().quizzes[SLUG].version == old.version  # the last good version still serves
    assert student.client.get(f"/quizzes/{SLUG}").status_code == 200

    path.write_text(good, encoding="utf-8")  # fixed: the same text as before, so the same version
    fixed = hand_in(student, token, old, right_answers(old), csrf)
    assert fixed.status_code == 302
    [attempt] = stored_attempts(application)
    assert (attempt.quiz_version, attempt.score) == (old.version, old.max_score)


def test_a_broken_lesson_elsewhere_does_not_hold_up_an_unchanged_quiz(live, course):
    application, student = live
    quiz = loaded_quiz(course)
    lesson = next(course[0].glob("05-*.md"))
    lesson.write_text(lesson.read_text(encoding="utf-8").replace("\nsummary:", "\nsumary:", 1), encoding="utf-8")
    application.config["CONTENT_CHECK_SECONDS"] = 0
    token, _ = student.take(quiz, right_answers(quiz))
    [attempt] = stored_attempts(application)
    assert attempt.quiz_version == quiz.version


def test_a_student_whose_stored_submit_was_cut_off_lands_on_the_review_when_retrying(live, course):
    """A worker killed after the commit but before the answer reached the browser: the student
    presses the button again and sees the review; nothing is stored twice."""
    application, student = live
    quiz = loaded_quiz(course)
    token, csrf = open_attempt(student)
    answers = right_answers(quiz)
    with application.app_context():
        user_id = find_user("sanne").id
        assert submit_attempt(user_id, token, catalog().quizzes[SLUG], answers)  # the dead worker's commit
    retry = hand_in(student, token, quiz, answers, csrf)
    assert retry.status_code == 302 and retry.location.endswith(f"/attempts/{token}/review")
    assert "Vraag 1" in student.client.get(retry.location).get_data(as_text=True)
    [attempt] = stored_attempts(application)
    assert attempt.score == quiz.max_score


def test_an_editors_swap_file_does_not_make_the_app_load_the_content_again(live, course, monkeypatch):
    application, student = live
    application.config["CONTENT_CHECK_SECONDS"] = 0
    loads = []
    monkeypatch.setattr("course.core.content_store.load_catalog", lambda *a: loads.append(a))
    (course[1] / f".03-{SLUG}.yaml.swp").write_bytes(b"vim was here")
    (course[0] / "05-linkedin.md~").write_text("een oude versie", encoding="utf-8")
    assert student.client.get(f"/quizzes/{SLUG}").status_code == 200
    assert loads == []
