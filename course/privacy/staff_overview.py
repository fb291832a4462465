"""A staff member's own data for the "Mijn gegevens" page: the same categories as the download
(classes taught, feedback written, TPACK scans, cohorts and attendance, trainer status, log
entries), as counts and the most recent few, in a fixed number of queries whatever the amounts.

Feedback shows the lesson, the verdict and the date, not the student: their data, not yours.
Log sentences name no one else either."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select

from ..accounts.identity import Person
from ..core.audit_sentences import Sentence, sentences
from ..core.content_store import catalog
from ..core.extensions import db
from ..models import (
    Attendance,
    AuditEvent,
    ClassTeacher,
    Cohort,
    CohortMember,
    Review,
    SchoolClass,
    Submission,
    TpackScan,
)

RECENT = 5  # how many of the latest feedback and log entries the page lists; the download has all


@dataclass(frozen=True)
class TaughtClass:
    name: str
    school_year: str
    is_owner: bool


@dataclass(frozen=True)
class FeedbackLine:
    lesson: str
    approved: bool
    at: datetime


@dataclass(frozen=True)
class ScanLine:
    at: datetime
    version: str
    completed: bool
    growth_goal: str | None


@dataclass(frozen=True)
class Membership:
    cohort: str
    joined_at: datetime
    sessions: list[tuple[str, datetime]]  # (session title, recorded at)


@dataclass(frozen=True)
class LedCohort:
    name: str
    starts_on: date | None
    ends_on: date | None


@dataclass(frozen=True)
class StaffOverview:
    classes: list[TaughtClass]
    feedback_count: int
    recent_feedback: list[FeedbackLine]
    scans: list[ScanLine]
    memberships: list[Membership]
    is_trainer: bool
    cohorts_led: list[LedCohort]
    log_count: int
    recent_log: list[tuple[datetime, Sentence]]


def is_staff(user: Any) -> bool:
    return bool(getattr(user, "is_teacher", False) or getattr(user, "is_trainer", False)
                or getattr(user, "is_admin", False))


def lesson_title(slug: str) -> str:
    lesson = catalog().lessons.get(slug)
    return f"Les {lesson.number}: {lesson.title}" if lesson else slug


def staff_overview(user: Person) -> StaffOverview:
    classes = db.session.execute(
        select(SchoolClass.name, SchoolClass.school_year, ClassTeacher.is_owner)
        .join(ClassTeacher, ClassTeacher.class_id == SchoolClass.id)
        .where(ClassTeacher.teacher_id == user.id)
        .order_by(SchoolClass.school_year.desc(), SchoolClass.name)
    ).all()
    feedback_count = db.session.scalar(select(func.count(Review.id)).where(Review.teacher_id == user.id)) or 0
    feedback = db.session.execute(
        select(Submission.lesson_slug, Review.status, Review.created_at)
        .join(Submission, Submission.id == Review.submission_id)
        .where(Review.teacher_id == user.id)
        .order_by(Review.created_at.desc(), Review.id.desc())
        .limit(RECENT)
    ).all()
    scans = db.session.scalars(
        select(TpackScan).where(TpackScan.teacher_id == user.id).order_by(TpackScan.started_at)
    ).all()
    return StaffOverview(
        classes=[TaughtClass(n, y, bool(o)) for n, y, o in classes],
        feedback_count=feedback_count,
        recent_feedback=[FeedbackLine(lesson_title(slug), status == "approved", at) for slug, status, at in feedback],
        scans=[ScanLine(s.completed_at or s.started_at, s.instrument_version, s.completed_at is not None,
                        s.growth_goal) for s in scans],
        memberships=_memberships(user.id),
        is_trainer=bool(getattr(user, "is_trainer", False)),
        cohorts_led=[
            LedCohort(n, s, e) for n, s, e in db.session.execute(
                select(Cohort.name, Cohort.starts_on, Cohort.ends_on)
                .where(Cohort.trainer_id == user.id).order_by(Cohort.id)
            )
        ],
        **_log(user.id),
    )


def _memberships(user_id: int) -> list[Membership]:
    joined = db.session.execute(
        select(Cohort.id, Cohort.name, CohortMember.joined_at)
        .join(CohortMember, CohortMember.cohort_id == Cohort.id)
        .where(CohortMember.user_id == user_id)
        .order_by(CohortMember.joined_at)
    ).all()
    present: dict[int, list[tuple[str, datetime]]] = {}
    titles = {s.slug: s.title for s in catalog().trainer_sessions}
    for cohort_id, slug, at in db.session.execute(
        select(Attendance.cohort_id, Attendance.session_slug, Attendance.recorded_at)
        .where(Attendance.user_id == user_id)
        .order_by(Attendance.recorded_at)
    ):
        present.setdefault(cohort_id, []).append((titles.get(slug, slug), at))
    return [Membership(name, at, present.get(cohort_id, [])) for cohort_id, name, at in joined]


def _log(user_id: int) -> dict[str, Any]:
    count = db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.actor_id == user_id)) or 0
    events = list(db.session.scalars(
        select(AuditEvent).where(AuditEvent.actor_id == user_id)
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc()).limit(RECENT)
    ))
    return {
        "log_count": count,
        "recent_log": list(zip([e.created_at for e in events], sentences(events, private_to=user_id), strict=True)),
    }
