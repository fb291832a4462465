"""A teacher's own TPACK scans: start or continue one, save answers halfway, complete it, and read
back completed scans with their answers. No Flask in here.

Besides the statements a scan stores, per domain, an optional look-back answer on a retake
(statement id ``lookback:<domain>``: "how well could you really do this at your first scan?"),
and one optional growth goal in the teacher's own words."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import delete, select, update

from ..accounts.identity import Person
from ..content.tpack_instrument import NOT_APPLICABLE, Instrument
from ..core.extensions import db
from ..models import TpackAnswer, TpackScan, scan_in_figures, utcnow
from ..models.teacher_track import GROWTH_GOAL_MAX
from ..privacy.cohort_figures_restart import restart_cohort_figures

LOOKBACK_PREFIX = "lookback:"


def lookback_id(domain_id: str) -> str:
    return LOOKBACK_PREFIX + domain_id


class IncompleteScan(Exception):
    """Finishing needs an answer to every statement; ``missing`` lists the ones without."""

    def __init__(self, missing: list[str]) -> None:
        super().__init__(f"{len(missing)} statement(s) unanswered")
        self.missing = missing


def own_scan(user: Person, scan_id: int) -> TpackScan | None:
    return db.session.scalar(select(TpackScan).where(TpackScan.id == scan_id, TpackScan.teacher_id == user.id))


def open_scan(user: Person) -> TpackScan | None:
    return db.session.scalar(
        select(TpackScan)
        .where(TpackScan.teacher_id == user.id, TpackScan.completed_at.is_(None))
        .order_by(TpackScan.started_at.desc(), TpackScan.id.desc())
    )


def start_or_continue(user: Person, instrument: Instrument) -> TpackScan:
    """At most one unfinished scan per teacher, so a double click never starts two."""
    scan = open_scan(user)
    if scan is None:
        scan = TpackScan(teacher_id=user.id, instrument_version=instrument.version)
        db.session.add(scan)
        db.session.commit()
    return scan


def completed_scans(user: Person) -> list[TpackScan]:
    return list(
        db.session.scalars(
            select(TpackScan)
            .where(TpackScan.teacher_id == user.id, TpackScan.completed_at.is_not(None))
            .order_by(TpackScan.completed_at, TpackScan.id)
        )
    )


def answers_for(scan_ids: list[int]) -> dict[int, dict[str, int]]:
    """Answers per scan for several scans in one query."""
    found: dict[int, dict[str, int]] = {scan_id: {} for scan_id in scan_ids}
    if scan_ids:
        rows = db.session.execute(
            select(TpackAnswer.scan_id, TpackAnswer.statement_id, TpackAnswer.value).where(
                TpackAnswer.scan_id.in_(scan_ids)
            )
        )
        for scan_id, statement_id, value in rows:
            found[scan_id][statement_id] = value
    return found


def is_retake(user: Person, scan: TpackScan) -> bool:
    """A retake is any scan after the teacher's first completed one."""
    first = db.session.scalar(
        select(TpackScan.id)
        .where(TpackScan.teacher_id == user.id, TpackScan.completed_at.is_not(None))
        .order_by(TpackScan.completed_at, TpackScan.id)
        .limit(1)
    )
    return first is not None and first != scan.id


def save_answers(
    scan: TpackScan,
    instrument: Instrument,
    answers: Mapping[str, int],
    growth_goal: str | None = None,
    commit: bool = True,
) -> bool:
    """Store the given answers (others stay as they were) and the growth goal; safe to repeat.
    False, storing nothing, when the scan was completed meanwhile (a second "Afronden" of a double
    click): a completed scan may count in cohort figures and stays as it was completed. With
    ``commit=False`` the transaction stays open for ``complete_scan``, so no other click can store
    between the two."""
    # The conditional UPDATE comes first: on PostgreSQL it waits for a request completing this
    # scan at the same moment, then finds it completed.
    still_open = db.session.execute(
        update(TpackScan)
        .where(TpackScan.id == scan.id, TpackScan.completed_at.is_(None))
        .values(instrument_version=instrument.version)
    ).rowcount
    if not still_open:
        db.session.rollback()
        return False
    known = set(instrument.statement_ids) | {lookback_id(d.id) for d in instrument.domains}
    given = {
        sid: value
        for sid, value in answers.items()
        if sid in known and NOT_APPLICABLE <= value <= len(instrument.scale)
    }
    if given:
        db.session.execute(
            delete(TpackAnswer).where(TpackAnswer.scan_id == scan.id, TpackAnswer.statement_id.in_(list(given)))
        )
        db.session.add_all(TpackAnswer(scan_id=scan.id, statement_id=sid, value=v) for sid, v in given.items())
    if growth_goal is not None:
        scan.growth_goal = growth_goal.strip()[:GROWTH_GOAL_MAX] or None
    if commit:
        db.session.commit()
    else:
        db.session.flush()
    return True


def complete_scan(scan: TpackScan, instrument: Instrument) -> None:
    """Completed once: a second completion keeps the first moment (figures read it). Answers saved
    in the same transaction are committed either way, so a missing answer loses none of them."""
    stored = answers_for([scan.id])[scan.id]
    missing = [sid for sid in instrument.statement_ids if sid not in stored]
    if missing:
        db.session.commit()
        raise IncompleteScan(missing)
    db.session.execute(
        update(TpackScan)
        .where(TpackScan.id == scan.id, TpackScan.completed_at.is_(None))
        .values(completed_at=utcnow())
    )
    db.session.commit()


def delete_scan(scan: TpackScan) -> None:
    """Gone with all its answers. Cohort figures it counted in restart from scans made after now
    (``TpackReleaseBreak``), so the old and new figures cannot be set against each other."""
    if db.session.scalar(select(scan_in_figures(scan.id))):
        restart_cohort_figures()
    db.session.delete(scan)
    db.session.commit()
