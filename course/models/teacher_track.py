"""The teacher track: TPACK self-assessments, train-the-trainer cohorts and attendance."""

from __future__ import annotations

import secrets
from datetime import date, datetime

from sqlalchemy import ColumnElement, Date, ForeignKey, Integer, String, UniqueConstraint, exists, func, or_, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow

INVITE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_invite_code() -> str:
    return "".join(secrets.choice(INVITE_ALPHABET) for _ in range(8))


GROWTH_GOAL_MAX = 300


class TpackScan(Base):
    """One sitting of the self-assessment; saved halfway it has no completed_at yet."""

    __tablename__ = "tpack_scans"

    id: Mapped[int] = mapped_column(primary_key=True)
    teacher_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    instrument_version: Mapped[str] = mapped_column(String(32))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    # One short growth goal in the teacher's own words; only ever shown to that teacher.
    growth_goal: Mapped[str | None] = mapped_column(String(GROWTH_GOAL_MAX), default=None)

    answers: Mapped[list[TpackAnswer]] = relationship(back_populates="scan", cascade="all, delete-orphan")


class TpackAnswer(Base):
    __tablename__ = "tpack_answers"
    __table_args__ = (UniqueConstraint("scan_id", "statement_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scan_id: Mapped[int] = mapped_column(ForeignKey("tpack_scans.id", ondelete="CASCADE"), index=True)
    statement_id: Mapped[str] = mapped_column(String(40))
    value: Mapped[int] = mapped_column(Integer)

    scan: Mapped[TpackScan] = relationship(back_populates="answers")


class TpackReleaseBreak(Base):
    """A moment after which cohort TPACK figures count only scans completed later.

    Written when a scan, a membership or a person that cohort figures rest on is deleted: figures
    recomputed without them could be set against figures a trainer remembers (6 x before - 5 x
    after) to single out the one who left. Holds no person."""

    __tablename__ = "tpack_release_breaks"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


def counted_in_figures() -> ColumnElement[bool]:
    """The scans cohort figures count: completed after the latest restart (all completed ones
    when there was none). Asked inside the statement that reads the scans, so a restart committed
    between two statements of one page can never pair the old scans with the new restart."""
    latest = select(func.max(TpackReleaseBreak.created_at)).scalar_subquery()
    return TpackScan.completed_at.is_not(None) & or_(latest.is_(None), TpackScan.completed_at > latest)


def has_counted_scan(user_id: int) -> ColumnElement[bool]:
    return exists().where(TpackScan.teacher_id == user_id, counted_in_figures())


def scan_in_figures(scan_id: int) -> ColumnElement[bool]:
    """Whether this scan feeds cohort figures: counted, and its owner is in at least one cohort."""
    return exists().where(
        TpackScan.id == scan_id, counted_in_figures(), CohortMember.user_id == TpackScan.teacher_id
    )


def in_cohort_figures(user_id: int) -> ColumnElement[bool]:
    """Whether a person's data feed cohort figures: a counted scan and at least one cohort."""
    return has_counted_scan(user_id) & exists().where(CohortMember.user_id == user_id)


def cohort_in_figures(cohort_id: int) -> ColumnElement[bool]:
    """Whether a cohort's figures rest on anyone: a member with a counted scan."""
    return exists().where(
        CohortMember.cohort_id == cohort_id, TpackScan.teacher_id == CohortMember.user_id, counted_in_figures()
    )


class Cohort(Base):
    __tablename__ = "cohorts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    starts_on: Mapped[date | None] = mapped_column(Date, default=None)
    ends_on: Mapped[date | None] = mapped_column(Date, default=None)
    invite_code: Mapped[str] = mapped_column(String(16), unique=True, default=new_invite_code)
    trainer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    members: Mapped[list[CohortMember]] = relationship(back_populates="cohort", cascade="all, delete-orphan")


class CohortMember(Base):
    __tablename__ = "cohort_members"
    __table_args__ = (UniqueConstraint("cohort_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    cohort: Mapped[Cohort] = relationship(back_populates="members")


class Attendance(Base):
    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("cohort_id", "session_slug", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    session_slug: Mapped[str] = mapped_column(String(80))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
