"""Which class a student is in, and moving from one class to another. No Flask in here.

A student is in at most one active (not archived) class at a time, and new work belongs to that
class. Entering the code of another class while in an active one asks to move: a teacher of the
current class agrees or declines, and until then nothing changes. Classes that are archived do not
count: a student moves on from last year's class without asking.
"""

from __future__ import annotations

from typing import Literal

from sqlalchemy import delete, select

from ..accounts.identity import Person
from ..accounts.rules import open_class_by_code
from ..core.audit import record
from ..core.extensions import db
from ..models import ClassMove, Enrolment, SchoolClass, User

JoinOutcome = Literal["joined", "already", "requested"]


def active_class_id(student_id: int) -> int | None:
    """The class the student's new work belongs to: their active class, the latest joined if an
    older installation left them in several."""
    return db.session.scalar(
        select(Enrolment.class_id)
        .join(SchoolClass, SchoolClass.id == Enrolment.class_id)
        .where(Enrolment.student_id == student_id, SchoolClass.archived_at.is_(None))
        .order_by(Enrolment.joined_at.desc(), Enrolment.id.desc())
        .limit(1)
    )


def join_with_code(student: User, code: str) -> tuple[SchoolClass, JoinOutcome]:
    school_class = open_class_by_code(code)
    return school_class, join(student, school_class)


def join(student: User, school_class: SchoolClass) -> JoinOutcome:
    enrolled = db.session.scalar(
        select(Enrolment.id).where(Enrolment.class_id == school_class.id, Enrolment.student_id == student.id)
    )
    if enrolled is not None:
        return "already"
    current = active_class_id(student.id)
    if current is not None:
        db.session.execute(delete(ClassMove).where(ClassMove.student_id == student.id))
        db.session.add(ClassMove(student_id=student.id, from_class_id=current, to_class_id=school_class.id))
        db.session.commit()
        return "requested"
    db.session.add(Enrolment(class_id=school_class.id, student_id=student.id))
    student.is_student = True
    db.session.commit()
    return "joined"


def pending_move(student_id: int) -> ClassMove | None:
    return db.session.scalar(select(ClassMove).where(ClassMove.student_id == student_id))


def moves_from(class_id: int) -> list[ClassMove]:
    """Requests to leave this class, oldest first."""
    return list(
        db.session.scalars(
            select(ClassMove).where(ClassMove.from_class_id == class_id).order_by(ClassMove.requested_at)
        )
    )


def move_from(class_id: int, move_id: int) -> ClassMove | None:
    return db.session.scalar(select(ClassMove).where(ClassMove.id == move_id, ClassMove.from_class_id == class_id))


def decide(move: ClassMove, approve: bool, actor: Person) -> None:
    """The student leaves the old class for the new one, or stays; the request is gone either way."""
    student_id, old, new = move.student_id, move.from_class_id, move.to_class_id
    db.session.delete(move)
    if approve:
        db.session.execute(delete(Enrolment).where(Enrolment.class_id == old, Enrolment.student_id == student_id))
        db.session.add(Enrolment(class_id=new, student_id=student_id))
    record(actor, "class.move_approved" if approve else "class.move_declined", "class", old,
           student_id=student_id, to_class_id=new)
    db.session.commit()


def withdraw(student_id: int) -> None:
    db.session.execute(delete(ClassMove).where(ClassMove.student_id == student_id))
    db.session.commit()
