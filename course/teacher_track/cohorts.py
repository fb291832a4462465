"""Train-the-trainer cohorts without Flask: creating and joining, attendance, promotion,
the cohort's TPACK aggregates and the reach of each trainer.

The aggregates are the only way TPACK numbers leave a teacher's own pages, and they go through
``cohort_aggregate`` with the configured minimum group size: below it there are no numbers.
``FigureRelease`` decides which sets of scans may be shown, once for all cohorts and every
viewer, so no two figures anyone can see (Begin and Nu, one cohort and another, before and after,
as a trainer or later as an admin) differ by fewer people than the minimum group.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from itertools import groupby
from operator import itemgetter

from sqlalchemy import Select, delete, func, or_, select
from sqlalchemy.exc import IntegrityError

from ..accounts.identity import Person
from ..content.tpack_instrument import Instrument
from ..core import audit
from ..core.extensions import db
from ..core.text import spreadsheet_cell
from ..models import (
    Attendance,
    ClassTeacher,
    Cohort,
    CohortMember,
    Enrolment,
    SchoolClass,
    TpackAnswer,
    TpackScan,
    User,
    counted_in_figures,
    has_counted_scan,
    new_invite_code,
)
from ..privacy.cohort_figures_restart import restart_cohort_figures
from .tpack_profile import DomainMeans, cohort_aggregate, domain_means, format_mean

TOO_FEW = "te weinig deelnemers"


class CohortError(Exception):
    """A rule was broken; ``field`` names the form field the message belongs to."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def normalise_invite_code(value: str | None) -> str:
    return "".join(ch for ch in (value or "").upper() if ch.isalnum())


def cohorts_visible_to(user: Person) -> Select[tuple[Cohort]]:
    """A trainer's own cohorts; an admin sees every cohort."""
    query = select(Cohort)
    if not user.is_admin:
        query = query.where(Cohort.trainer_id == user.id)
    return query


def create_cohort(trainer: Person, name: str, starts_on: date, ends_on: date) -> Cohort:
    """A resubmitted form (same trainer, name and dates) gives back the cohort made the first time."""
    existing = db.session.scalar(
        select(Cohort).where(
            Cohort.trainer_id == trainer.id,
            Cohort.name == name,
            Cohort.starts_on == starts_on,
            Cohort.ends_on == ends_on,
        )
    )
    if existing is not None:
        return existing
    cohort = Cohort(name=name, starts_on=starts_on, ends_on=ends_on, trainer_id=trainer.id, invite_code=_unused_code())
    db.session.add(cohort)
    db.session.commit()
    return cohort


def _unused_code() -> str:
    while True:
        code = new_invite_code()
        if db.session.scalar(select(func.count()).where(Cohort.invite_code == code)) == 0:
            return code


def join_cohort(user: Person, code: str) -> tuple[Cohort, bool]:
    """Join by invite code; returns the cohort and whether the user was new in it."""
    cohort = db.session.scalar(select(Cohort).where(Cohort.invite_code == normalise_invite_code(code)))
    if cohort is None:
        raise CohortError("invite_code", "Deze uitnodigingscode bestaat niet. Controleer de code of vraag je trainer.")
    if cohort.trainer_id == user.id:
        raise CohortError("invite_code", "Dit is je eigen groep: als trainer hoef je je niet aan te melden.")
    already = db.session.scalar(
        select(CohortMember).where(CohortMember.cohort_id == cohort.id, CohortMember.user_id == user.id)
    )
    if already is not None:
        return cohort, False
    db.session.add(CohortMember(cohort_id=cohort.id, user_id=user.id))
    try:
        db.session.commit()
    except IntegrityError:  # the same form sent twice at once: the other request added the member
        db.session.rollback()
        return cohort, False
    return cohort, True


def cohorts_of_member(user: Person) -> list[tuple[Cohort, str | None]]:
    """The cohorts a teacher joined, with their trainer's name."""
    rows = db.session.execute(
        select(Cohort, User.display_name)
        .join(CohortMember, CohortMember.cohort_id == Cohort.id)
        .outerjoin(User, User.id == Cohort.trainer_id)
        .where(CohortMember.user_id == user.id)
        .order_by(Cohort.starts_on.desc(), Cohort.id.desc())
    )
    return [(cohort, trainer_name) for cohort, trainer_name in rows]


def members_of(cohort: Cohort) -> list[tuple[User, CohortMember]]:
    rows = db.session.execute(
        select(User, CohortMember)
        .join(CohortMember, CohortMember.user_id == User.id)
        .where(CohortMember.cohort_id == cohort.id)
        .order_by(func.lower(User.display_name), User.id)
    )
    return [(user, member) for user, member in rows]


def attendance_of(cohort: Cohort) -> set[tuple[str, int]]:
    rows = db.session.execute(
        select(Attendance.session_slug, Attendance.user_id).where(Attendance.cohort_id == cohort.id)
    )
    return {(slug, user_id) for slug, user_id in rows}


def set_attendance(
    cohort: Cohort, present: Iterable[tuple[str, int]], session_slugs: Iterable[str], member_ids: Iterable[int]
) -> None:
    """Make the stored attendance equal to ``present`` (only known sessions and members count)."""
    slugs, members = set(session_slugs), set(member_ids)
    wanted = {(slug, uid) for slug, uid in present if slug in slugs and uid in members}
    stored = attendance_of(cohort)
    for slug, uid in stored - wanted:
        db.session.execute(
            delete(Attendance).where(
                Attendance.cohort_id == cohort.id, Attendance.session_slug == slug, Attendance.user_id == uid
            )
        )
    db.session.add_all(Attendance(cohort_id=cohort.id, session_slug=slug, user_id=uid) for slug, uid in wanted - stored)
    db.session.commit()


def promote_to_trainer(actor: Person, cohort: Cohort, user_id: int) -> tuple[User, bool]:
    """Make a member of ``cohort`` a trainer; returns the user and whether anything changed."""
    member = db.session.scalar(
        select(User)
        .join(CohortMember, CohortMember.user_id == User.id)
        .where(CohortMember.cohort_id == cohort.id, User.id == user_id)
    )
    if member is None:
        raise LookupError("not a member of this cohort")
    if member.is_trainer:
        return member, False
    member.is_trainer = True
    audit.record(actor, "user.promote_trainer", "user", member.id, cohort_id=cohort.id, username=member.username)
    db.session.commit()
    return member, True


def remove_member(cohort: Cohort, user_id: int, actor: Person | None = None) -> bool:
    """Take someone out of a cohort with their attendance; False when they were not in it.
    A removal by someone else (a trainer or admin) is logged; leaving on one's own is not, since
    taking part is voluntary and leaving should leave nothing behind. Figures the member counted
    in restart from scans made after now (``TpackReleaseBreak``)."""
    db.session.execute(delete(Attendance).where(Attendance.cohort_id == cohort.id, Attendance.user_id == user_id))
    result = db.session.execute(
        delete(CohortMember).where(CohortMember.cohort_id == cohort.id, CohortMember.user_id == user_id)
    )
    removed = bool(getattr(result, "rowcount", 0))
    if removed and db.session.scalar(select(has_counted_scan(user_id))):
        restart_cohort_figures()
    if removed and actor is not None and actor.id != user_id:
        audit.record(actor, "cohort.remove_member", "user", user_id, cohort_id=cohort.id)
    db.session.commit()
    return removed


def membership_of(user: Person, cohort_id: int) -> Cohort | None:
    return db.session.scalar(
        select(Cohort)
        .join(CohortMember, CohortMember.cohort_id == Cohort.id)
        .where(Cohort.id == cohort_id, CohortMember.user_id == user.id)
    )


# --- TPACK aggregates -------------------------------------------------------------------------


@dataclass(frozen=True)
class CohortTpack:
    """The cohort's means at the start and now; None where nothing may be shown."""

    start: DomainMeans | None
    now: DomainMeans | None
    start_count: int
    now_count: int


Column = tuple[int, str]  # (cohort id, "start" or "now")
Contribution = dict[int, int]  # member -> the scan of theirs a column is computed from


def differing_people(a: Contribution, b: Contribution) -> int:
    """How many people are in one set and not the other, or in both with another scan."""
    return sum(1 for member in a.keys() | b.keys() if a.get(member) != b.get(member))


class FigureRelease:
    """Which scans each column is computed from.

    One rule for every column (Begin and Nu of every cohort, over time): a set of scans is shown
    only when it has at least ``min_group`` people and differs by at least ``min_group`` people
    from every set shown before, or is one of those sets exactly. Otherwise the column keeps what
    it showed. It runs over all cohorts, not those one viewer sees: an admin sees every cohort,
    and a trainer may become one, so the sets shown must not depend on who looks. Two figures
    anyone can put side by side therefore never differ by fewer than ``min_group`` people, so no
    subtraction of one from the other (10 x Nu2 - 9 x Nu1, or 5 x (Nu - Begin)) isolates one
    person."""

    def __init__(self, min_group: int) -> None:
        self.min_group = max(1, min_group)
        self.seen: list[Contribution] = []
        self.shown: dict[Column, Contribution] = {}

    def offer(self, column: Column, candidate: Contribution) -> None:
        if self.shown.get(column) == candidate or len(candidate) < self.min_group:
            return
        if candidate in self.seen:  # already visible elsewhere: showing it again tells nothing new
            self.shown[column] = dict(candidate)
        elif all(differing_people(candidate, earlier) >= self.min_group for earlier in self.seen):
            self.seen.append(dict(candidate))
            self.shown[column] = dict(candidate)


def figure_release(min_group: int, version: str) -> FigureRelease:
    """Replay the scans of every cohort in the order they happened.

    Only scans of one questionnaire ``version`` count: another version had other statements and
    another scale, so its answers cannot be averaged with these. Start: per member the first
    completed scan of this version after joining. Now: per member the latest one; a
    scan from before joining counts from the moment of joining. After a deletion only scans
    completed later count (``TpackReleaseBreak``): the figures restart for every viewer.
    Replaying makes the page show the same figures on every visit and nothing is written when it
    is read."""
    memberships = db.session.execute(
        select(CohortMember.cohort_id, CohortMember.user_id, CohortMember.joined_at)
    ).all()
    scans = db.session.execute(
        select(TpackScan.id, TpackScan.teacher_id, TpackScan.completed_at)
        .where(
            TpackScan.teacher_id.in_(sorted({user_id for _, user_id, _ in memberships})),
            counted_in_figures(),
            TpackScan.instrument_version == version,
        )
        .order_by(TpackScan.completed_at, TpackScan.id)
    ).all()
    scans_of: dict[int, list[tuple[int, datetime]]] = {}
    for scan_id, member, completed_at in scans:
        scans_of.setdefault(member, []).append((scan_id, completed_at))
    events = sorted(
        (max(completed_at, joined_at), cohort_id, completed_at, scan_id, member, joined_at)
        for cohort_id, member, joined_at in memberships
        for scan_id, completed_at in scans_of.get(member, [])
    )
    release = FigureRelease(min_group)
    latest: dict[Column, Contribution] = {}
    for _, moment in groupby(events, key=itemgetter(0)):
        changed: set[Column] = set()
        for _, cohort_id, completed_at, scan_id, member, joined_at in moment:
            now = latest.setdefault((cohort_id, "now"), {})
            now[member] = scan_id
            changed.add((cohort_id, "now"))
            start = latest.setdefault((cohort_id, "start"), {})
            if member not in start and completed_at >= joined_at:
                start[member] = scan_id
                changed.add((cohort_id, "start"))
        # a fixed order, so every visit replays to the same figures
        for column in sorted(changed, key=lambda c: (c[0], c[1] != "start")):
            release.offer(column, latest[column])
    return release


def cohort_tpack(cohort: Cohort, instrument: Instrument, min_group: int) -> CohortTpack:
    """The cohort's figures as they may be shown (see ``FigureRelease``)."""
    release = figure_release(min_group, instrument.version)
    start = release.shown.get((cohort.id, "start"), {})
    now = release.shown.get((cohort.id, "now"), {})
    needed = list(set(start.values()) | set(now.values()))
    answers: dict[int, dict[str, int]] = {scan_id: {} for scan_id in needed}
    if needed:
        rows = db.session.execute(
            select(TpackAnswer.scan_id, TpackAnswer.statement_id, TpackAnswer.value).where(
                TpackAnswer.scan_id.in_(needed)
            )
        )
        for scan_id, statement_id, value in rows:
            answers[scan_id][statement_id] = value
    domain_ids = [d.id for d in instrument.domains]
    start_profiles = [domain_means(instrument, answers[s]) for s in start.values()]
    now_profiles = [domain_means(instrument, answers[s]) for s in now.values()]
    return CohortTpack(
        start=cohort_aggregate(domain_ids, start_profiles, min_group),
        now=cohort_aggregate(domain_ids, now_profiles, min_group),
        start_count=len(start_profiles),
        now_count=len(now_profiles),
    )


def aggregate_csv(instrument: Instrument, result: CohortTpack) -> str:
    """The aggregates as CSV for Dutch spreadsheets (semicolons, decimal comma); no names."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(["domein", "naam", "begin", "nu"])
    for domain in instrument.domains:
        row = [domain.id, domain.name, _cell(result.start, domain.id), _cell(result.now, domain.id)]
        writer.writerow([spreadsheet_cell(value) for value in row])
    writer.writerow(
        [
            "deelnemers",
            "deelnemers met een scan",
            TOO_FEW if result.start is None else result.start_count,
            TOO_FEW if result.now is None else result.now_count,
        ]
    )
    return out.getvalue()


def _cell(aggregate: DomainMeans | None, domain_id: str) -> str:
    if aggregate is None:
        return TOO_FEW
    value = aggregate.get(domain_id)
    return TOO_FEW if value is None else format_mean(value)


# --- reach ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reach:
    """The cascade's reach as totals: no names, so no trainer is ranked against another."""

    trainers: int
    cohorts: int
    teachers: int
    new_trainers: int
    classes: int
    students: int


def reach(user: Person) -> Reach:
    """An admin sees every trainer together, a trainer only their own groups: cohorts, teachers
    reached, how many of them became trainers, and the classes (not archived) and students those
    teachers now teach. Each person, class and student counts once, however many groups they share."""
    trainer_ids = select(User.id)
    if user.is_admin:
        made_a_cohort = select(Cohort.trainer_id).where(Cohort.trainer_id.is_not(None))
        trainer_ids = trainer_ids.where(or_(User.is_trainer.is_(True), User.id.in_(made_a_cohort)))
    else:
        trainer_ids = trainer_ids.where(User.id == user.id)
    ids = trainer_ids.scalar_subquery()
    cohort_ids = select(Cohort.id).where(Cohort.trainer_id.in_(ids)).scalar_subquery()
    teacher_ids = select(CohortMember.user_id).where(CohortMember.cohort_id.in_(cohort_ids)).scalar_subquery()
    class_ids = (
        select(ClassTeacher.class_id)
        .join(SchoolClass, SchoolClass.id == ClassTeacher.class_id)
        .where(ClassTeacher.teacher_id.in_(teacher_ids), SchoolClass.archived_at.is_(None))
        .scalar_subquery()
    )
    return Reach(
        trainers=_count(select(func.count(User.id)).where(User.id.in_(ids))),
        cohorts=_count(select(func.count(Cohort.id)).where(Cohort.id.in_(cohort_ids))),
        teachers=_count(select(func.count(User.id)).where(User.id.in_(teacher_ids))),
        new_trainers=_count(select(func.count(User.id)).where(User.id.in_(teacher_ids), User.is_trainer.is_(True))),
        classes=_count(select(func.count(SchoolClass.id)).where(SchoolClass.id.in_(class_ids))),
        students=_count(
            select(func.count(func.distinct(Enrolment.student_id))).where(Enrolment.class_id.in_(class_ids))
        ),
    )


def _count(query: Select) -> int:
    return int(db.session.scalar(query) or 0)
