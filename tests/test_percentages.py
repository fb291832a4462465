"""One score, one number: 7 of 11 (63.6 %) reads the same on every page and in every file that
shows it, for the student and for the teacher."""

from __future__ import annotations

import re
import secrets
from decimal import Decimal

from course.core.content_store import catalog
from course.core.extensions import db
from course.models import QuizAttempt, utcnow

from .test_gradebook_exports import read_csv


def _attempt(app, student_id: int, class_id: int, score: str, max_score: int) -> tuple[int, str, str, str]:
    """A submitted attempt on the first lesson's quiz; returns (lesson number, lesson slug, quiz slug, token)."""
    with app.app_context():
        lesson = next(lesson for lesson in catalog().lessons.values() if lesson.quiz)
        quiz = catalog().quizzes[lesson.quiz]
        token = secrets.token_hex(16)
        db.session.add(QuizAttempt(
            user_id=student_id, quiz_slug=quiz.slug, quiz_version=quiz.version, class_id=class_id, token=token,
            seed=1, submitted_at=utcnow(), answers={}, score=Decimal(score), max_score=max_score,
        ))  # fmt: skip
        db.session.commit()
        return lesson.number, lesson.slug, quiz.slug, token


def _percentages(html: str) -> set[str]:
    text = re.sub(r"<[^>]+>", " ", html)
    return set(re.findall(r"\b(\d{1,3})\s?%", text))


def test_seven_of_eleven_is_63_percent_everywhere(app, auth, client):
    auth.make_user("docent", "teacher")
    class_id, _ = auth.make_class("docent")
    student_id = auth.make_user("sanne", name="Sanne")
    auth.enrol("sanne", class_id)
    number, lesson, quiz, token = _attempt(app, student_id, class_id, "7", 11)

    auth.login("sanne")
    student_pages = {
        "dashboard": "/student/",
        "lesson": f"/lessons/{lesson}",
        "quiz": f"/quizzes/{quiz}",
        "review": f"/quizzes/{quiz}/attempts/{token}/review",
    }
    for name, url in student_pages.items():
        response = client.get(url)
        assert response.status_code == 200, (name, url)
        shown = _percentages(response.get_data(as_text=True))
        assert "63" in shown and "64" not in shown, (name, shown)
    auth.logout()

    auth.login("docent")
    teacher_pages = {
        "grid": f"/teacher/gradebook/{class_id}",
        "student": f"/teacher/gradebook/{class_id}/students/{student_id}",
        "attempt": f"/teacher/gradebook/{class_id}/attempts/{token}",
    }
    for name, url in teacher_pages.items():
        response = client.get(url)
        assert response.status_code == 200, (name, url)
        shown = _percentages(response.get_data(as_text=True))
        assert "63" in shown and "64" not in shown, (name, shown)
    records = read_csv(client.get(f"/teacher/gradebook/{class_id}/cijfers.csv").data)
    header, row = records[0], records[1]
    values = dict(zip(header, row, strict=True))
    assert values[f"Les {number} quiz %"] == "63"
    assert values["Gemiddelde quizscore %"] == "63"

