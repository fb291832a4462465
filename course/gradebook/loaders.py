"""Rows for item analysis, the misconceptions view and one student's page, each in a fixed number
of queries whatever the class size. No Flask in here."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..content.catalog import Catalog
from ..core.extensions import db
from ..models import AttemptItem, Enrolment, QuizAttempt, Submission, VoidedQuestion
from ..quizzes.results import standings
from .analysis import ItemResponse
from .grid import load_students


def _counting_ids(class_id: int, catalog: Catalog, quiz_slug: str | None = None) -> dict[int, tuple[int, str]]:
    """Counting attempt id -> (student id, quiz slug) for the class: one query for the students,
    one for all their attempts (course.results decides which attempt counts)."""
    students = [sid for sid, _, _ in load_students(class_id)]
    if not students:
        return {}
    found = {}
    for (student_id, slug), standing in standings(students, catalog, class_id=class_id).items():
        if standing.counting is not None and (quiz_slug is None or slug == quiz_slug):
            found[standing.counting.id] = (student_id, slug)
    return found


def _class_attempt_ids(class_id: int):  # noqa: ANN202 - a select, typed by SQLAlchemy
    return select(QuizAttempt.id).where(
        QuizAttempt.class_id == class_id,
        QuizAttempt.user_id.in_(select(Enrolment.student_id).where(Enrolment.class_id == class_id)),
        QuizAttempt.submitted_at.is_not(None),
        QuizAttempt.is_preview.is_(False),
    )


def quiz_responses(class_id: int, quiz_slug: str, catalog: Catalog) -> list[ItemResponse]:
    """The item rows of the class's counting attempts on one quiz (three queries)."""
    counting = _counting_ids(class_id, catalog, quiz_slug)
    if not counting:
        return []
    rows = db.session.execute(
        select(
            AttemptItem.attempt_id,
            AttemptItem.question_id,
            AttemptItem.score,
            AttemptItem.max_score,
            AttemptItem.chosen,
            AttemptItem.misconceptions,
        )
        .join(QuizAttempt, QuizAttempt.id == AttemptItem.attempt_id)
        .where(AttemptItem.attempt_id.in_(_class_attempt_ids(class_id)), QuizAttempt.quiz_slug == quiz_slug)
        .order_by(AttemptItem.attempt_id, AttemptItem.position)
    )
    return [
        ItemResponse(attempt_id, question_id, score, max_score, tuple(chosen or ()), tuple(misconceptions or ()))
        for attempt_id, question_id, score, max_score, chosen, misconceptions in rows
        if attempt_id in counting
    ]


def class_misconceptions(class_id: int, catalog: Catalog) -> dict[int, dict[str, list[str]]]:
    """Per student, per quiz the misconception tags of their counting attempt (three queries)."""
    counting = _counting_ids(class_id, catalog)
    chosen: dict[int, dict[str, list[str]]] = {}
    for student_id, slug in counting.values():
        chosen.setdefault(student_id, {})[slug] = []
    if not counting:
        return chosen
    rows = db.session.execute(
        select(AttemptItem.attempt_id, AttemptItem.misconceptions).where(
            AttemptItem.attempt_id.in_(_class_attempt_ids(class_id))
        )
    )
    for attempt_id, tags in rows:
        if attempt_id in counting and tags:
            student_id, slug = counting[attempt_id]
            chosen[student_id][slug].extend(tags)
    return chosen


def voided_in_class(class_id: int, quiz_slug: str) -> frozenset[str]:
    return frozenset(
        db.session.scalars(
            select(VoidedQuestion.question_id).where(
                VoidedQuestion.class_id == class_id, VoidedQuestion.quiz_slug == quiz_slug
            )
        )
    )


# -- one student ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class StudentWork:
    attempts: list[QuizAttempt]  # submitted, never previews, oldest first
    submissions: dict[str, list[Submission]]  # lesson slug -> versions, oldest first, with reviews


def student_work(student_id: int, class_id: int) -> StudentWork:
    """What the student made in this class; work made in another class is for that class's teachers."""
    attempts = list(
        db.session.scalars(
            select(QuizAttempt)
            .where(
                QuizAttempt.user_id == student_id,
                QuizAttempt.class_id == class_id,
                QuizAttempt.submitted_at.is_not(None),
                QuizAttempt.is_preview.is_(False),
            )
            .order_by(QuizAttempt.submitted_at, QuizAttempt.id)
        )
    )
    submissions: dict[str, list[Submission]] = {}
    for submission in db.session.scalars(
        select(Submission)
        .where(Submission.student_id == student_id, Submission.class_id == class_id)
        .options(selectinload(Submission.reviews))
        .order_by(Submission.lesson_slug, Submission.version)
    ):
        submissions.setdefault(submission.lesson_slug, []).append(submission)
    return StudentWork(attempts, submissions)


def class_attempt(class_id: int, token: str) -> QuizAttempt | None:
    """A submitted, graded attempt of a student in this class: the query is the access check."""
    return db.session.scalar(
        select(QuizAttempt)
        .options(selectinload(QuizAttempt.items))
        .where(
            QuizAttempt.token == token,
            QuizAttempt.submitted_at.is_not(None),
            QuizAttempt.is_preview.is_(False),
            QuizAttempt.class_id == class_id,
            QuizAttempt.user_id.in_(select(Enrolment.student_id).where(Enrolment.class_id == class_id)),
        )
    )
