"""Peer feedback: the teacher switches it on per assignment per class; after handing in, each
student gets two classmates' work (``peer_allocation``), gives a rubric level per criterion, one
top and one tip; the author can report a hurtful comment, which hides it until the teacher decides.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import func, select

from ..core.audit import record
from ..core.extensions import db
from ..core.text import clean_text
from ..lessons.progress import normalise_text
from ..models import Enrolment, PeerReview, PeerSetting, Submission, User, utcnow
from .peer_allocation import Pair, allocate

MAX_COMMENT = 1000
OPEN, GIVEN, REPORTED, HIDDEN = "open", "given", "reported", "hidden"


class PeerError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def setting(class_id: int, slug: str) -> PeerSetting | None:
    return db.session.scalar(
        select(PeerSetting).where(PeerSetting.class_id == class_id, PeerSetting.lesson_slug == slug)
    )


def is_on(class_id: int | None, slug: str) -> bool:
    found = setting(class_id, slug) if class_id is not None else None
    return found is not None and found.enabled


def switched_on(class_id: int) -> set[str]:
    """The lessons with peer feedback on in this class."""
    return set(
        db.session.scalars(
            select(PeerSetting.lesson_slug).where(PeerSetting.class_id == class_id, PeerSetting.enabled)
        )
    )


def switch(class_id: int, slug: str, enabled: bool, anonymous: bool, actor: User) -> PeerSetting:
    found = setting(class_id, slug)
    if found is None:
        found = PeerSetting(class_id=class_id, lesson_slug=slug)
        db.session.add(found)
    found.enabled, found.anonymous = enabled, anonymous
    record(actor, "peer.switch", "class", class_id, lesson=slug, enabled=enabled, anonymous=anonymous)
    db.session.flush()
    if enabled:
        hand_out(class_id, slug)
    db.session.commit()
    return found


def _latest_in_class(class_id: int, slug: str) -> dict[int, Submission]:
    """Each current class member's newest version made in this class."""
    latest: dict[int, Submission] = {}
    for submission in db.session.scalars(
        select(Submission)
        .where(
            Submission.class_id == class_id,
            Submission.lesson_slug == slug,
            Submission.student_id.in_(select(Enrolment.student_id).where(Enrolment.class_id == class_id)),
        )
        .order_by(Submission.version)
    ):
        latest[submission.student_id] = submission
    return latest


def hand_out(class_id: int, slug: str) -> None:
    """Give every student who handed in their classmates' work; open tasks follow the newest version.
    The caller commits."""
    latest = _latest_in_class(class_id, slug)
    first_in = dict(
        db.session.execute(
            select(Submission.student_id, func.min(Submission.submitted_at))
            .where(Submission.class_id == class_id, Submission.lesson_slug == slug)
            .group_by(Submission.student_id)
        ).all()
    )
    authors = sorted(latest, key=lambda s: (first_in[s], s))
    rows = {
        (row.reviewer_id, row.author_id): row
        for row in db.session.scalars(
            select(PeerReview).where(PeerReview.class_id == class_id, PeerReview.lesson_slug == slug)
        )
    }
    pairs = allocate(authors, [Pair(r, a, row.state != OPEN) for (r, a), row in rows.items()])
    wanted = {(p.reviewer, p.author) for p in pairs}
    for key, row in rows.items():
        if key not in wanted:
            db.session.delete(row)
        elif row.state == OPEN:
            row.submission_id = latest[row.author_id].id
    db.session.flush()
    for reviewer, author in sorted(wanted - set(rows)):
        db.session.add(
            PeerReview(
                class_id=class_id, lesson_slug=slug, reviewer_id=reviewer, author_id=author,
                submission_id=latest[author].id,
            )
        )  # fmt: skip


def after_hand_in(submission: Submission) -> None:
    if submission.class_id is not None and is_on(submission.class_id, submission.lesson_slug):
        hand_out(submission.class_id, submission.lesson_slug)
        db.session.commit()


# --- the student's side ----------------------------------------------------------------------


def tasks_for(reviewer_id: int, slug: str) -> list[PeerReview]:
    """The work this student gives feedback on, while peer feedback is on in that class."""
    return list(
        db.session.scalars(
            select(PeerReview)
            .join(PeerSetting, (PeerSetting.class_id == PeerReview.class_id)
                  & (PeerSetting.lesson_slug == PeerReview.lesson_slug))
            .join(Enrolment, (Enrolment.class_id == PeerReview.class_id) & (Enrolment.student_id == reviewer_id))
            .where(PeerReview.reviewer_id == reviewer_id, PeerReview.lesson_slug == slug, PeerSetting.enabled)
            .order_by(PeerReview.id)
        )
    )


def task_for(reviewer_id: int, task_id: int) -> PeerReview | None:
    """One task, only for its reviewer while peer feedback is on: the query is the access check."""
    task = db.session.get(PeerReview, task_id)
    if task is None or task.reviewer_id != reviewer_id or not is_on(task.class_id, task.lesson_slug):
        return None
    in_class = db.session.scalar(
        select(Enrolment.id).where(Enrolment.class_id == task.class_id, Enrolment.student_id == reviewer_id)
    )
    return task if in_class is not None else None


def give(task: PeerReview, levels: dict[str, str], top: str, tip: str) -> bool:
    """Store the feedback once; False when it was already given (a double click)."""
    top, tip = normalise_text(clean_text(top)), normalise_text(clean_text(tip))
    if not top:
        raise PeerError("top", "Schrijf één top: wat is goed aan dit werk?")
    if not tip:
        raise PeerError("tip", "Schrijf één tip: wat kan beter?")
    for field, text in (("top", top), ("tip", tip)):
        if len(text) > MAX_COMMENT:
            raise PeerError(field, f"Gebruik hoogstens {MAX_COMMENT} tekens.")
    if task.state != OPEN:
        return False
    task.levels, task.top, task.tip = levels, top, tip
    task.state, task.given_at = GIVEN, utcnow()
    db.session.commit()
    return True


def received_by(author_id: int, submission_ids: list[int]) -> list[PeerReview]:
    """Feedback on these versions that the author may read: given, not reported or hidden."""
    if not submission_ids:
        return []
    return list(
        db.session.scalars(
            select(PeerReview)
            .join(PeerSetting, (PeerSetting.class_id == PeerReview.class_id)
                  & (PeerSetting.lesson_slug == PeerReview.lesson_slug))
            .where(
                PeerReview.author_id == author_id,
                PeerReview.submission_id.in_(submission_ids),
                PeerReview.state == GIVEN,
                PeerSetting.enabled,
            )
            .order_by(PeerReview.given_at)
        )
    )


def reviewer_names(rows: list[PeerReview]) -> dict[int, str]:
    """Feedback id -> who wrote it, only where the teacher chose named peer feedback."""
    named = {
        (row.class_id, row.lesson_slug)
        for row in rows
        if (found := setting(row.class_id, row.lesson_slug)) is not None and not found.anonymous
    }
    wanted = [row for row in rows if (row.class_id, row.lesson_slug) in named]
    if not wanted:
        return {}
    names = dict(
        db.session.execute(
            select(User.id, User.display_name).where(User.id.in_({row.reviewer_id for row in wanted}))
        ).all()
    )
    return {row.id: names[row.reviewer_id] for row in wanted if row.reviewer_id in names}


def report(author_id: int, feedback_id: int) -> PeerReview | None:
    """The author marks a comment as hurtful: hidden at once, until the teacher decides."""
    row = db.session.get(PeerReview, feedback_id)
    if row is None or row.author_id != author_id or row.state not in (GIVEN, REPORTED):
        return None
    if row.state == GIVEN:
        row.state = REPORTED
        record(db.session.get(User, author_id), "peer.report", "peer_review", row.id, lesson=row.lesson_slug)
        db.session.commit()
    return row


# --- the teacher's side -----------------------------------------------------------------------


def for_class(class_id: int, slug: str) -> list[PeerReview]:
    return list(
        db.session.scalars(
            select(PeerReview)
            .where(PeerReview.class_id == class_id, PeerReview.lesson_slug == slug)
            .order_by(PeerReview.author_id, PeerReview.id)
        )
    )


def decide(class_id: int, feedback_id: int, show: bool, actor: User) -> PeerReview | None:
    """The teacher hides a comment, or shows a reported or hidden one again."""
    row = db.session.get(PeerReview, feedback_id)
    if row is None or row.class_id != class_id or row.state == OPEN:
        return None
    row.state = GIVEN if show else HIDDEN
    record(actor, "peer.show" if show else "peer.hide", "peer_review", row.id, lesson=row.lesson_slug)
    db.session.commit()
    return row


@dataclass(frozen=True)
class PeerCounts:
    given: int
    received: int


def counts(class_id: int) -> dict[tuple[int, str], PeerCounts]:
    """(student, lesson) -> feedback given and received, for the gradebook: two queries."""
    given = Counter(
        dict(
            ((r, s), n) for r, s, n in db.session.execute(
                select(PeerReview.reviewer_id, PeerReview.lesson_slug, func.count())
                .where(PeerReview.class_id == class_id, PeerReview.state != OPEN)
                .group_by(PeerReview.reviewer_id, PeerReview.lesson_slug)
            )
        )
    )  # fmt: skip
    received = Counter(
        dict(
            ((a, s), n) for a, s, n in db.session.execute(
                select(PeerReview.author_id, PeerReview.lesson_slug, func.count())
                .where(PeerReview.class_id == class_id, PeerReview.state != OPEN)
                .group_by(PeerReview.author_id, PeerReview.lesson_slug)
            )
        )
    )  # fmt: skip
    return {key: PeerCounts(given[key], received[key]) for key in set(given) | set(received)}
