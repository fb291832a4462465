"""The live lesson: a teacher's session on the board, the answers while it runs, and the class's
totals that stay after it ends (never who answered what)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, UTCDateTime, utcnow


class LiveSession(Base):
    __tablename__ = "live_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("school_classes.id", ondelete="CASCADE"), index=True)
    teacher_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    lesson_slug: Mapped[str] = mapped_column(String(80))
    # Short and unambiguous, to type from the board; unique among sessions that have not ended.
    room_code: Mapped[str] = mapped_column(String(8), index=True)
    items: Mapped[list] = mapped_column(JSON)  # ["statement:<id>", "question:<quiz>:<id>", ...]
    position: Mapped[int] = mapped_column(Integer, default=0)
    revealed: Mapped[bool] = mapped_column(Boolean, default=False)
    # Bumped on every change a phone or the board must follow: polls compare it (ETag).
    version: Mapped[int] = mapped_column(Integer, default=1)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None, index=True)


class LiveAnswer(Base):
    """One student's answer to one item while the session runs; deleted when it ends."""

    __tablename__ = "live_answers"
    __table_args__ = (UniqueConstraint("session_id", "position", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("live_sessions.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    choice: Mapped[list] = mapped_column(JSON)  # option ids
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class LiveTotal(Base):
    """How many in a class chose an option of an item in a live lesson: all that is kept."""

    __tablename__ = "live_totals"

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("school_classes.id", ondelete="CASCADE"), index=True)
    lesson_slug: Mapped[str] = mapped_column(String(80))
    item: Mapped[str] = mapped_column(String(200))
    option_id: Mapped[str] = mapped_column(String(80))
    count: Mapped[int] = mapped_column(Integer)
    misconception: Mapped[str | None] = mapped_column(String(80), default=None)
    held_on: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
