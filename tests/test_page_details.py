"""Small things a teacher notices: the guide says its title once and keeps its lesson-plan times on
one line, and a misconception reads as a sentence rather than an internal tag."""

from __future__ import annotations

import re

from course.core.content_store import catalog

from .gradebook_support import take
from .quiz_support import right_answers


def test_teacher_guide_shows_its_title_once(app, auth, client):
    auth.make_user("docent", "teacher")
    auth.login("docent")
    with app.app_context():
        lessons = list(catalog().lessons.values())
    for lesson in lessons:
        html = client.get(f"/lessons/{lesson.slug}/guide").get_data(as_text=True)
        assert len(re.findall(r"<h1\b", html)) == 1, lesson.slug
        assert 'class="lesson-body guide-body"' in html  # the time column stays on one line (lessons.css)


def test_a_chosen_misconception_reads_as_a_sentence_on_the_attempt_page(app, auth, client):
    auth.make_user("docent", "teacher")
    class_id, _ = auth.make_class("docent")
    student_id = auth.make_user("sanne", name="Sanne")
    auth.enrol("sanne", class_id)
    with app.app_context():
        content = catalog()
        quiz = next(q for q in content.quizzes.values()
                    if any(o.misconception for q_ in q.questions for o in q_.options))
        question = next(q for q in quiz.questions if any(o.misconception and not o.correct for o in q.options))
        wrong = next(o for o in question.options if o.misconception and not o.correct)
        sentence = content.misconceptions[wrong.misconception]
    answers = right_answers(quiz)
    answers[question.id] = wrong.id if question.kind != "multiple" else [wrong.id]
    token = take(app, student_id, quiz.slug, answers)
    auth.login("docent")
    html = client.get(f"/teacher/gradebook/{class_id}/attempts/{token}").get_data(as_text=True)
    assert f"Denkfout: {sentence}" in " ".join(html.split())
    assert wrong.misconception not in html
