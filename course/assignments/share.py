"""A link for the internship supervisor (praktijkopleider): one version of one assignment, no
account, 14 days, revocable by the student, one comment with a name. The audit log records
sharing, every view and revoking.

The secret in the link is an HMAC of a random salt under the app's secret key (see the model), so
the student can always see their link again and the database alone opens nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select

from ..core.audit import record
from ..core.extensions import db
from ..core.text import clean_line, clean_text
from ..lessons.progress import normalise_text
from ..models import Submission, SupervisorShare, User, utcnow

VALID_FOR = timedelta(days=14)
MAX_COMMENT = 2000


class ShareError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class _Supervisor:
    """The audit log's actor for a supervisor: no account, the name they typed is not needed."""

    id = None
    display_name = "praktijkopleider (via deellink)"


SUPERVISOR = _Supervisor()


def _secret(key: bytes, salt: str) -> str:
    return hmac.new(key, f"supervisor-share:{salt}".encode(), hashlib.sha256).hexdigest()[:40]


def token(share: SupervisorShare, key: bytes) -> str:
    return f"{share.id}-{_secret(key, share.salt)}"


def is_active(share: SupervisorShare, now: datetime | None = None) -> bool:
    return share.revoked_at is None and (now or utcnow()) < share.expires_at


def create(student: User, submission: Submission) -> SupervisorShare:
    """A new link for this version; an active link for the same version is reused (double click)."""
    for existing in shares_of(student.id, submission.lesson_slug):
        if existing.submission_id == submission.id and is_active(existing):
            return existing
    share = SupervisorShare(
        submission_id=submission.id, student_id=student.id, salt=secrets.token_hex(16),
        expires_at=utcnow() + VALID_FOR,
    )  # fmt: skip
    db.session.add(share)
    db.session.flush()
    record(student, "share.create", "supervisor_share", share.id, lesson=submission.lesson_slug,
           version=submission.version, student_id=student.id)  # fmt: skip
    db.session.commit()
    return share


def shares_of(student_id: int, slug: str) -> list[SupervisorShare]:
    return list(
        db.session.scalars(
            select(SupervisorShare)
            .join(Submission, Submission.id == SupervisorShare.submission_id)
            .where(SupervisorShare.student_id == student_id, Submission.lesson_slug == slug)
            .order_by(SupervisorShare.created_at.desc(), SupervisorShare.id.desc())
        )
    )


def revoke(student: User, share_id: int) -> SupervisorShare | None:
    share = db.session.get(SupervisorShare, share_id)
    if share is None or share.student_id != student.id:
        return None
    if share.revoked_at is None:
        share.revoked_at = utcnow()
        record(student, "share.revoke", "supervisor_share", share.id, student_id=student.id)
        db.session.commit()
    return share


def open_link(link: str, key: bytes) -> SupervisorShare | None:
    """The share behind a link, only while it is active; anything else is None (the page says 404)."""
    ident, _, secret = link.partition("-")
    if not ident.isdigit() or len(ident) > 12 or not secret:
        return None
    share = db.session.get(SupervisorShare, int(ident))
    if share is None or not hmac.compare_digest(secret, _secret(key, share.salt)):
        return None
    return share if is_active(share) else None


def record_view(share: SupervisorShare) -> None:
    record(SUPERVISOR, "share.view", "supervisor_share", share.id, student_id=share.student_id)  # type: ignore[arg-type]
    db.session.commit()


def comment(share: SupervisorShare, name: str, text: str) -> bool:
    """The one comment; False when there already is one (a double click stores one)."""
    name, text = clean_line(name), normalise_text(clean_text(text))
    if not name:
        raise ShareError("name", "Vul uw naam in, zodat de student weet van wie de reactie is.")
    if not text:
        raise ShareError("comment", "Schrijf uw reactie.")
    if len(text) > MAX_COMMENT:
        raise ShareError("comment", f"Gebruik hoogstens {MAX_COMMENT} tekens.")
    if share.comment_at is not None:
        return False
    share.comment_name, share.comment_text, share.comment_at = name[:80], text, utcnow()
    record(SUPERVISOR, "share.comment", "supervisor_share", share.id, student_id=share.student_id)  # type: ignore[arg-type]
    db.session.commit()
    return True


def comments_on(submission_ids: list[int]) -> list[SupervisorShare]:
    """Supervisor comments on these versions, for the student's and the teacher's page."""
    if not submission_ids:
        return []
    return list(
        db.session.scalars(
            select(SupervisorShare)
            .where(SupervisorShare.submission_id.in_(submission_ids), SupervisorShare.comment_at.is_not(None))
            .order_by(SupervisorShare.comment_at)
        )
    )
