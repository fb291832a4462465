"""Grades back to the platform through an outbox, so none is lost.

When the counting attempt of a student on a quiz may have changed (``quizzes.events``), the score
for every platform grade column of that quiz in the attempt's class is written to ``LtiScore``
first, in its own transaction. It is sent right after the request that caused it, and again by
``flask --app wsgi lti send-scores`` (cron) while the platform is down or answers an error, with a
back-off from half a minute to six hours. One row per column and student: the newest score wins,
and a row is only marked sent when the score sent is still the one it holds.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, exists, select, update

from ..core.content_store import catalog
from ..core.extensions import db
from ..models import ExternalIdentity, LtiContext, LtiPlatform, LtiResourceLink, LtiScore, utcnow
from ..quizzes.results import standings
from . import services

log = logging.getLogger(__name__)
CLAIM_FOR = timedelta(minutes=2)  # a worker that took a row and died gives it back after this
MAX_BACKOFF = timedelta(hours=6)


def has_grade_column(quiz_slug: str, class_id: Any) -> ColumnElement[bool]:
    """SQL: the class (a value or the attempt's column) has a platform grade column for this quiz.
    ``record`` has work only then; the hand-in asks this in its own statement (quizzes.events)."""
    return exists().where(
        LtiResourceLink.context_pk == LtiContext.id,
        LtiContext.class_id == class_id,
        LtiResourceLink.quiz_slug == quiz_slug,
        LtiResourceLink.lineitem_url.is_not(None),
    )


def record(user_id: int, quiz_slug: str, class_id: int | None) -> list[int]:
    """Put the student's current score on this quiz in the outbox for every grade column of it in
    the class; returns the ids of rows that need sending."""
    if class_id is None:
        return []
    columns = db.session.execute(
        select(LtiResourceLink.lineitem_url, LtiContext.platform_id, LtiPlatform.issuer)
        .join(LtiContext, LtiContext.id == LtiResourceLink.context_pk)
        .join(LtiPlatform, LtiPlatform.id == LtiContext.platform_id)
        .where(
            LtiContext.class_id == class_id,
            LtiResourceLink.quiz_slug == quiz_slug,
            LtiResourceLink.lineitem_url.is_not(None),
        )
        .distinct()
    ).all()
    if not columns:
        return []
    quiz = catalog().quizzes.get(quiz_slug)
    standing = standings([user_id], catalog(), only_quiz=quiz_slug, class_id=class_id).get((user_id, quiz_slug))
    if quiz is None or standing is None or standing.counting is None:
        return []
    given, maximum = Decimal(standing.counting.score), int(standing.counting.max_score or quiz.max_score)
    due = []
    for lineitem_url, platform_id, issuer in columns:
        subject = db.session.scalar(
            select(ExternalIdentity.subject).where(
                ExternalIdentity.user_id == user_id, ExternalIdentity.issuer == issuer, ExternalIdentity.kind == "lti"
            )
        )
        if subject is None:
            continue  # this student never came through that platform: it has no column for them
        row = db.session.scalar(
            select(LtiScore).where(LtiScore.lineitem_url == lineitem_url, LtiScore.user_id == user_id)
        )
        if row is None:
            row = LtiScore(
                platform_id=platform_id,
                lineitem_url=lineitem_url,
                user_id=user_id,
                subject=subject,
                class_id=class_id,
                quiz_slug=quiz_slug,
                score_given=given,
                score_maximum=maximum,
            )
            db.session.add(row)
        elif row.status == "sent" and row.sent_score == given and row.score_maximum == maximum:
            continue
        row.score_given, row.score_maximum = given, maximum
        row.status, row.tries, row.next_try_at, row.last_error = "pending", 0, utcnow(), None
        db.session.flush()
        due.append(row.id)
    db.session.commit()
    return due


def _payload(row: LtiScore) -> dict[str, object]:
    return {
        "userId": row.subject,
        "scoreGiven": float(row.score_given),
        "scoreMaximum": row.score_maximum,
        "activityProgress": "Completed",
        "gradingProgress": "FullyGraded",
        "timestamp": datetime.now(UTC).isoformat(timespec="milliseconds"),
    }


def _backoff(tries: int) -> timedelta:
    return min(timedelta(seconds=30 * 2 ** max(tries - 1, 0)), MAX_BACKOFF)


def send_due(only: list[int] | None = None, limit: int = 200) -> tuple[int, int]:
    """Send the rows that are due (or just ``only`` those). Returns (sent, failed)."""
    now = utcnow()
    query = select(LtiScore.id).where(LtiScore.status == "pending", LtiScore.next_try_at <= now)
    if only is not None:
        query = query.where(LtiScore.id.in_(only))
    ids = list(db.session.scalars(query.order_by(LtiScore.next_try_at).limit(limit)))
    db.session.commit()
    sent = failed = 0
    for row_id in ids:
        # Take the row: another worker sending at the same moment finds it taken.
        taken = db.session.execute(
            update(LtiScore)
            .where(LtiScore.id == row_id, LtiScore.status == "pending", LtiScore.next_try_at <= now)
            .values(next_try_at=now + CLAIM_FOR),
            execution_options={"synchronize_session": False},
        )
        db.session.commit()
        if taken.rowcount != 1:
            continue
        row = db.session.get(LtiScore, row_id)
        platform = db.session.get(LtiPlatform, row.platform_id)
        given = row.score_given
        try:
            services.post_score(platform, row.lineitem_url, _payload(row))
        except services.ServiceError as err:
            failed += 1
            log.warning("lti score %s for user %s not sent (try %s): %s", row.id, row.user_id, row.tries + 1, err)
            db.session.execute(
                update(LtiScore)
                .where(LtiScore.id == row_id, LtiScore.status == "pending")
                .values(
                    tries=LtiScore.tries + 1, next_try_at=utcnow() + _backoff(row.tries + 1), last_error=str(err)[:300]
                ),
                execution_options={"synchronize_session": False},
            )
        else:
            sent += 1
            # Sent: unless a newer score came in meanwhile, which then goes out next.
            done = db.session.execute(
                update(LtiScore)
                .where(LtiScore.id == row_id, LtiScore.score_given == given)
                .values(status="sent", sent_score=given, sent_at=utcnow(), last_error=None),
                execution_options={"synchronize_session": False},
            )
            if done.rowcount != 1:
                db.session.execute(
                    update(LtiScore).where(LtiScore.id == row_id).values(next_try_at=utcnow()),
                    execution_options={"synchronize_session": False},
                )
        db.session.commit()
    return sent, failed


def status_by_student(class_id: int) -> dict[int, str]:
    """Per student of the class with a platform grade column: "sent" when the platform has every
    latest score, "pending" when one is still on its way."""
    result: dict[int, str] = {}
    for user_id, status in db.session.execute(
        select(LtiScore.user_id, LtiScore.status).where(LtiScore.class_id == class_id)
    ):
        if result.get(user_id) != "pending":
            result[user_id] = status
    return result
