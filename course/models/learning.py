"""What students do in the module: lessons done, assignment work and teacher reviews.

Content lives in files; rows refer to it by slug, so editing a lesson never touches these tables.
Work carries the class it was made in (``class_id``): the teachers of that class see it, the
teachers of another class the student is or was in do not.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow

REVIEW_STATUSES = ("approved", "needs_work")


class LessonProgress(Base):
    __tablename__ = "lesson_progress"
    __table_args__ = (UniqueConstraint("student_id", "lesson_slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    lesson_slug: Mapped[str] = mapped_column(String(80))
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class AssignmentDraft(Base):
    """The one text a student is working on for a lesson; handing it in copies it to a Submission."""

    __tablename__ = "assignment_drafts"
    __table_args__ = (UniqueConstraint("student_id", "lesson_slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    lesson_slug: Mapped[str] = mapped_column(String(80))
    body_text: Mapped[str] = mapped_column(Text, default="")
    class_id: Mapped[int | None] = mapped_column(ForeignKey("school_classes.id", ondelete="SET NULL"), index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Submission(Base):
    """One handed-in version of an assignment. Never changed after hand-in; every version is kept."""

    __tablename__ = "submissions"
    __table_args__ = (UniqueConstraint("student_id", "lesson_slug", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    lesson_slug: Mapped[str] = mapped_column(String(80), index=True)
    version: Mapped[int] = mapped_column(Integer)
    class_id: Mapped[int | None] = mapped_column(ForeignKey("school_classes.id", ondelete="SET NULL"), index=True)
    body_text: Mapped[str] = mapped_column(Text)
    # Sanitised once, when handed in: pages show this without further processing.
    body_html: Mapped[str] = mapped_column(Text)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    reviews: Mapped[list[Review]] = relationship(
        back_populates="submission", cascade="all, delete-orphan", order_by="Review.created_at"
    )

    @property
    def latest_review(self) -> Review | None:
        return self.reviews[-1] if self.reviews else None


class Review(Base):
    """A teacher's status and feedback on one submission; later reviews add to the history."""

    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    teacher_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    feedback_text: Mapped[str] = mapped_column(Text, default="")
    feedback_html: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    submission: Mapped[Submission] = relationship(back_populates="reviews")
