"""Lesson lookups and links that the lesson pages, the student dashboard and assignments share."""

from __future__ import annotations

from flask import abort, current_app, url_for
from flask_login import current_user

from ..content.lesson_files import Lesson
from ..core.content_store import catalog, markdown_html, render_cache
from . import progress


def lesson_or_404(slug: str) -> Lesson:
    lesson = catalog().lessons.get(slug)
    if lesson is None:
        abort(404)
    return lesson


def assignment_html(lesson: Lesson) -> str:
    """Instructions rendered once per loaded version of the content, like the body."""
    assert lesson.assignment is not None
    instructions = lesson.assignment.instructions
    return render_cache().get(lesson.path, lambda: markdown_html(instructions), ("assignment", instructions))


def quizzes_available() -> bool:
    return "quizzes" in current_app.blueprints


def quiz_url(slug: str | None) -> str | None:
    """The quiz page, or None while the quizzes feature is not installed (then: no link)."""
    if not slug or not quizzes_available():
        return None
    return url_for("quizzes.show", slug=slug)


def step_url(step: progress.NextStep) -> str | None:
    if step.kind == "lesson" and step.lesson:
        return url_for("lessons.show", slug=step.lesson.slug)
    if step.kind == "assignment" and step.lesson:
        return url_for("assignments.write", slug=step.lesson.slug)
    if step.kind in ("quiz", "final_quiz"):
        return quiz_url(step.quiz_slug)
    return None


def student_overview() -> progress.Overview | None:
    """The current user's path, or None for staff (their preview has no progress)."""
    if not progress.counts_for(current_user):
        return None
    return progress.overview(current_user.id, catalog(), quizzes_available=quizzes_available())
