"""Quiz attempts, per-question results, voided questions."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, Numeric, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow

SCORE = Numeric(12, 4)


class QuizAttempt(Base):
    """One start of a quiz. The token makes submitting idempotent; the seed fixes the option order."""

    __tablename__ = "quiz_attempts"
    __table_args__ = (
        # At most one open (unsubmitted) attempt per person and quiz: a double-clicked start reuses it.
        Index(
            "uq_quiz_attempts_open",
            "user_id",
            "quiz_slug",
            unique=True,
            sqlite_where=text("submitted_at IS NULL"),
            postgresql_where=text("submitted_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    quiz_slug: Mapped[str] = mapped_column(String(80), index=True)
    quiz_version: Mapped[str] = mapped_column(String(32))
    # The class the attempt was made in: its teachers see it and its voids apply to it.
    class_id: Mapped[int | None] = mapped_column(ForeignKey("school_classes.id", ondelete="SET NULL"), index=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    seed: Mapped[int] = mapped_column(Integer)
    # Staff walking through a quiz as a student would: kept apart from every gradebook.
    is_preview: Mapped[bool] = mapped_column(Boolean, default=False)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    answers: Mapped[dict | None] = mapped_column(JSON, default=None)
    # While the attempt is open: the choices on screen (field name -> value or values), saved with
    # "Tussendoor opslaan" or as they change, so a student who leaves finds them back. Cleared on submit.
    saved_answers: Mapped[dict | None] = mapped_column(JSON, default=None)
    score: Mapped[Decimal | None] = mapped_column(SCORE, default=None)
    max_score: Mapped[int | None] = mapped_column(Integer, default=None)

    items: Mapped[list[AttemptItem]] = relationship(
        back_populates="attempt", cascade="all, delete-orphan", order_by="AttemptItem.position"
    )


class AttemptItem(Base):
    """The result of one question in one attempt, kept as rows so item analysis is one query."""

    __tablename__ = "attempt_items"
    __table_args__ = (UniqueConstraint("attempt_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("quiz_attempts.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[str] = mapped_column(String(40))
    position: Mapped[int] = mapped_column(Integer)
    score: Mapped[Decimal] = mapped_column(SCORE)
    max_score: Mapped[int] = mapped_column(Integer)
    # The option ids the student chose (for ordering/matching: the wrongly placed ones), and the
    # misconception tags of the wrong choices.
    chosen: Mapped[list] = mapped_column(JSON, default=list)
    misconceptions: Mapped[list] = mapped_column(JSON, default=list)

    attempt: Mapped[QuizAttempt] = relationship(back_populates="items")


class VoidedQuestion(Base):
    """A question a teacher took out of a quiz for one class: everyone gets its points."""

    __tablename__ = "voided_questions"
    __table_args__ = (UniqueConstraint("class_id", "quiz_slug", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("school_classes.id", ondelete="CASCADE"), index=True)
    quiz_slug: Mapped[str] = mapped_column(String(80))
    question_id: Mapped[str] = mapped_column(String(40))
    voided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    voided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
