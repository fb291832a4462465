"""What hangs off a handed-in version: its images, classmates' feedback and the link for the
internship supervisor. Every row goes with its submission (ON DELETE CASCADE), so deleting a
student or purging a class takes all of it along.

Images live in the database, not on disk: backup, restore, the own-data export and deletion then
reach them without a folder to keep in step.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow
from .learning import Review

PEER_STATES = ("open", "given", "reported", "hidden")


class SubmissionImage(Base):
    """One image of a version, re-encoded (no EXIF or GPS) and scaled; with its thumbnail."""

    __tablename__ = "submission_images"
    __table_args__ = (UniqueConstraint("submission_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)  # 1, 2 or 3
    mimetype: Mapped[str] = mapped_column(String(20))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    alt_text: Mapped[str] = mapped_column(String(200), default="")
    data: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    thumbnail: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PeerSetting(Base):
    """Peer feedback switched on by a teacher for one assignment in one class."""

    __tablename__ = "peer_settings"
    __table_args__ = (UniqueConstraint("class_id", "lesson_slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("school_classes.id", ondelete="CASCADE"), index=True)
    lesson_slug: Mapped[str] = mapped_column(String(80))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    anonymous: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class PeerReview(Base):
    """A classmate asked to give feedback on one version, and what they gave: a level per rubric
    criterion, one top and one tip. ``state`` follows open -> given -> reported/hidden."""

    __tablename__ = "peer_reviews"
    __table_args__ = (UniqueConstraint("reviewer_id", "class_id", "lesson_slug", "author_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("school_classes.id", ondelete="CASCADE"), index=True)
    lesson_slug: Mapped[str] = mapped_column(String(80))
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    state: Mapped[str] = mapped_column(String(10), default="open")
    levels: Mapped[dict] = mapped_column(JSON, default=dict)  # criterion -> level, as the rubric read then
    top: Mapped[str] = mapped_column(Text, default="")
    tip: Mapped[str] = mapped_column(Text, default="")
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    given_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)


class RubricScore(Base):
    """The level a teacher clicked per rubric criterion when reviewing a version."""

    __tablename__ = "rubric_scores"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"), unique=True)
    levels: Mapped[dict] = mapped_column(JSON, default=dict)  # criterion -> level

    review: Mapped[Review] = relationship()


class SupervisorShare(Base):
    """A link that shows one version to the internship supervisor for 14 days, with one comment.

    The link's secret is not stored: it is an HMAC of ``salt`` with the app's secret key, so the
    student can see the link again, while a copy of the database alone opens nothing.
    """

    __tablename__ = "supervisor_shares"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    salt: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    comment_name: Mapped[str] = mapped_column(String(80), default="")
    comment_text: Mapped[str] = mapped_column(Text, default="")
    comment_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
