"""Teaching a class together: a teacher invites a colleague by username, the colleague accepts or
declines. No Flask in here.

Nobody becomes a teacher of a class without agreeing, and inviting reveals nothing: whether or not
a teacher has the username, the invitation is kept and looks the same. Only a teacher with that
username ever sees it, for ``VALID_FOR``.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, select

from ..accounts.identity import Person
from ..accounts.rules import add_co_teacher
from ..core.audit import record
from ..core.extensions import db
from ..models import ClassTeacher, CoTeacherInvitation, SchoolClass, User, utcnow

VALID_FOR = timedelta(days=30)


def invite(school_class: SchoolClass, username: str, actor: Person) -> None:
    username = username.strip().lower()
    already = db.session.scalar(
        select(CoTeacherInvitation).where(
            CoTeacherInvitation.class_id == school_class.id, CoTeacherInvitation.username == username
        )
    )
    if already is not None:
        already.invited_at = utcnow()  # invited again: valid again
        already.invited_by = actor.id
    else:
        db.session.add(CoTeacherInvitation(class_id=school_class.id, username=username, invited_by=actor.id))
    record(actor, "class.invite_co_teacher", "class", school_class.id, username=username)
    db.session.commit()


def sent_for(class_id: int) -> list[CoTeacherInvitation]:
    """Invitations of this class still waiting, for its teachers (the usernames they typed)."""
    return list(
        db.session.scalars(
            select(CoTeacherInvitation)
            .where(CoTeacherInvitation.class_id == class_id, CoTeacherInvitation.invited_at > utcnow() - VALID_FOR)
            .order_by(CoTeacherInvitation.invited_at)
        )
    )


def received_by(teacher: Person) -> list[CoTeacherInvitation]:
    """Invitations for this teacher to classes they do not teach yet."""
    if not teacher.is_teacher:
        return []
    teaching = select(ClassTeacher.class_id).where(ClassTeacher.teacher_id == teacher.id)
    return list(
        db.session.scalars(
            select(CoTeacherInvitation)
            .join(SchoolClass, SchoolClass.id == CoTeacherInvitation.class_id)
            .where(
                CoTeacherInvitation.username == teacher.username,
                CoTeacherInvitation.invited_at > utcnow() - VALID_FOR,
                CoTeacherInvitation.class_id.not_in(teaching),
                SchoolClass.archived_at.is_(None),
            )
            .order_by(CoTeacherInvitation.invited_at)
        )
    )


def received_or_none(teacher: Person, invitation_id: int) -> CoTeacherInvitation | None:
    return next((i for i in received_by(teacher) if i.id == invitation_id), None)


def accept(invitation: CoTeacherInvitation, teacher: User) -> SchoolClass:
    school_class = invitation.school_class
    db.session.delete(invitation)
    record(teacher, "class.co_teacher_joined", "class", school_class.id)
    add_co_teacher(school_class, teacher.username)  # commits
    return school_class


def decline(invitation: CoTeacherInvitation, teacher: Person) -> None:
    db.session.delete(invitation)
    record(teacher, "class.co_teacher_declined", "class", invitation.class_id)
    db.session.commit()


def withdraw(class_id: int, invitation_id: int) -> bool:
    gone = db.session.execute(
        delete(CoTeacherInvitation).where(
            CoTeacherInvitation.id == invitation_id, CoTeacherInvitation.class_id == class_id
        )
    )
    db.session.commit()
    return gone.rowcount == 1
