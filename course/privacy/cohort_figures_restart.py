"""Cohort TPACK figures restart after a deletion, so old and new figures cannot be set against
each other to single out the one who left (see ``TpackReleaseBreak``)."""

from __future__ import annotations

from sqlalchemy import func, select

from ..core.extensions import db
from ..models import TpackReleaseBreak, TpackScan, cohort_in_figures, in_cohort_figures, utcnow


def restart_cohort_figures() -> None:
    """From now on only scans completed later count. Never placed before a scan that is already
    complete, so no earlier scan slips past it where servers' clocks differ a little."""
    latest = db.session.scalar(select(func.max(TpackScan.completed_at)))
    db.session.add(TpackReleaseBreak(created_at=max(utcnow(), latest) if latest else utcnow()))


def restart_if_person_counted(user_id: int) -> None:
    """Before a person's scans or memberships go: restart where they fed cohort figures."""
    if db.session.scalar(select(in_cohort_figures(user_id))):
        restart_cohort_figures()


def restart_if_cohorts_counted(cohort_ids: list[int]) -> None:
    """Before whole cohorts go: restart where any of their figures rested on someone."""
    if any(db.session.scalar(select(cohort_in_figures(cohort_id))) for cohort_id in cohort_ids):
        restart_cohort_figures()
