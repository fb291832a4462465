"""Deleting a teacher, trainer or administrator: what goes, what stays without a name, and the
rules that keep a school from locking itself out. Used by the admin page and `users delete`."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from ..accounts.identity import Person
from ..core.extensions import db
from ..models import (
    Attendance,
    AuditEvent,
    ClassTeacher,
    Cohort,
    CohortMember,
    ExternalIdentity,
    Review,
    TpackScan,
    User,
)
from .personal_data import delete_user


class StaffDeletionRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class StaffDeletion:
    """What deleting one staff account does, counted before anything changes."""

    user: User
    classes: int  # links to classes; the classes stay with their other teachers and the admin
    cohorts_led: int  # cohorts that stay for their members, without a trainer
    tpack_scans: int
    cohort_memberships: int
    attendance: int
    linked_accounts: int
    feedback: int  # reviews that stay with the student's work, without the teacher's name
    log_entries: int  # entries by this person, kept as "verwijderd account"

    def removed(self) -> list[tuple[str, str, int]]:
        """(English label for the command line, Dutch label for the admin page, count)."""
        return [
            ("links to classes (the classes stay)", "koppelingen met klassen (de klassen blijven)", self.classes),
            ("TPACK scans with all answers and growth goals", "TPACK-scans met alle antwoorden en groeidoelen",
             self.tpack_scans),
            ("cohort memberships", "deelnames aan train-de-trainergroepen", self.cohort_memberships),
            ("attendance records", "aanwezigheden bij bijeenkomsten", self.attendance),
            ("linked school or platform accounts", "koppelingen met een schoolaccount of leerplatform",
             self.linked_accounts),
        ]

    def anonymised(self) -> list[tuple[str, str, int]]:
        return [
            ("cohorts led (they stay, without a trainer)",
             "groepen die deze persoon begeleidde (blijven zonder trainer)", self.cohorts_led),
            ("feedback on students' work (stays, without the name)",
             "feedback op werk van studenten (blijft zonder naam)", self.feedback),
            ("audit log entries by this person (shown as 'verwijderd account')",
             "regels in het logboek door deze persoon (als 'verwijderd account')", self.log_entries),
        ]


def _count(query: object) -> int:
    return int(db.session.scalar(query) or 0)  # type: ignore[arg-type]


def plan_staff_deletion(user: User, actor: Person | None) -> StaffDeletion:
    """Count what would go; refuse students, one's own account and the last administrator."""
    if not (user.is_teacher or user.is_trainer or user.is_admin):
        raise StaffDeletionRefused(
            f"{user.username} is geen medewerker. Studenten verwijder je via hun klas of met de opschoning."
        )
    if actor is not None and actor.id == user.id:
        raise StaffDeletionRefused("Je kunt je eigen account niet verwijderen. Vraag een andere beheerder.")
    if user.is_admin:
        admins = _count(select(func.count()).select_from(User).where(User.is_admin.is_(True)))
        if admins <= 1:
            raise StaffDeletionRefused(
                f"{user.username} is de enige beheerder. Maak eerst iemand anders beheerder."
            )
    uid = user.id

    def rows(model: type, column: object) -> int:
        return _count(select(func.count()).select_from(model).where(column == uid))

    return StaffDeletion(
        user=user,
        classes=rows(ClassTeacher, ClassTeacher.teacher_id),
        cohorts_led=rows(Cohort, Cohort.trainer_id),
        tpack_scans=rows(TpackScan, TpackScan.teacher_id),
        cohort_memberships=rows(CohortMember, CohortMember.user_id),
        attendance=rows(Attendance, Attendance.user_id),
        linked_accounts=rows(ExternalIdentity, ExternalIdentity.user_id),
        feedback=rows(Review, Review.teacher_id),
        log_entries=rows(AuditEvent, AuditEvent.actor_id),
    )


def delete_staff(plan: StaffDeletion, actor: Person | None) -> None:
    # Class links go by ON DELETE CASCADE; deleted here too so the session holds no stale rows.
    for link in db.session.scalars(select(ClassTeacher).where(ClassTeacher.teacher_id == plan.user.id)):
        db.session.delete(link)
    delete_user(plan.user, actor)
