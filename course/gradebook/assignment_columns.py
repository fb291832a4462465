"""Per student and assignment: the rubric levels of the newest review and the peer feedback given
and received, for the gradebook's files. Two queries for the whole class."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import and_, func, select

from ..core.extensions import db
from ..models import Enrolment, PeerReview, Review, RubricScore, Submission


@dataclass(frozen=True)
class AssignmentExtras:
    rubric: dict[tuple[int, str], dict[str, str]]  # (student, lesson) -> criterion -> level
    given: Counter[tuple[int, str]]
    received: Counter[tuple[int, str]]


def load_extras(class_id: int) -> AssignmentExtras:
    in_class = and_(
        Submission.class_id == class_id,
        Submission.student_id.in_(select(Enrolment.student_id).where(Enrolment.class_id == class_id)),
    )
    rubric: dict[tuple[int, str], dict[str, str]] = {}
    # Oldest first, so the newest review's levels win.
    for student_id, slug, levels in db.session.execute(
        select(Submission.student_id, Submission.lesson_slug, RubricScore.levels)
        .join(Review, Review.submission_id == Submission.id)
        .join(RubricScore, RubricScore.review_id == Review.id)
        .where(in_class)
        .order_by(Submission.version, Review.created_at, Review.id)
    ):
        rubric[(student_id, slug)] = levels
    given: Counter[tuple[int, str]] = Counter()
    received: Counter[tuple[int, str]] = Counter()
    for reviewer, author, slug, count in db.session.execute(
        select(PeerReview.reviewer_id, PeerReview.author_id, PeerReview.lesson_slug, func.count())
        .where(PeerReview.class_id == class_id, PeerReview.state != "open")
        .group_by(PeerReview.reviewer_id, PeerReview.author_id, PeerReview.lesson_slug)
    ):
        given[(reviewer, slug)] += count
        received[(author, slug)] += count
    return AssignmentExtras(rubric, given, received)


def review_levels(submissions: list[Submission]) -> dict[int, dict[str, str]]:
    """Review id -> the rubric levels chosen with it."""
    ids = [review.id for submission in submissions for review in submission.reviews]
    if not ids:
        return {}
    query = select(RubricScore.review_id, RubricScore.levels).where(RubricScore.review_id.in_(ids))
    return {review_id: levels for review_id, levels in db.session.execute(query)}
