"""The class list from the platform (Names and Role Provisioning Service).

"Klaslijst ophalen" reads every page of the course's roster: learners join the class with an
account made as on a first launch, instructors teach it. Who is no longer on the roster is marked
as left; nobody and nothing is deleted.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update

from ..accounts import external
from ..core.extensions import db
from ..models import ClassTeacher, Enrolment, LtiContext, LtiMember, LtiPlatform
from . import services
from .courses import mark_member, role_of


@dataclass(frozen=True)
class RosterResult:
    students: int
    teachers: int
    left: int


def sync(context: LtiContext) -> RosterResult:
    if not context.memberships_url:
        raise services.ServiceError("this course gave no roster service in its launches")
    platform = db.session.get(LtiPlatform, context.platform_id)
    seen: set[int] = set()
    students = teachers = 0
    for page in services.roster_pages(platform, context.memberships_url):
        for member in page:
            if member.get("status", "Active") != "Active" or not member.get("user_id"):
                continue
            role = role_of(list(member.get("roles") or []))
            if role is None:
                continue
            full = member.get("name") or " ".join(filter(None, [member.get("given_name"), member.get("family_name")]))
            name = external.usable_name(full, "Docent" if role == "teacher" else "Student")
            user = external.link_or_create("lti", platform.issuer, str(member["user_id"]), name, (role,))
            if role == "teacher":
                teachers += 1
                exists = db.session.scalar(
                    select(ClassTeacher.id).where(
                        ClassTeacher.class_id == context.class_id, ClassTeacher.teacher_id == user.id
                    )
                )
                if exists is None:
                    db.session.add(ClassTeacher(class_id=context.class_id, teacher_id=user.id, is_owner=False))
            else:
                students += 1
                exists = db.session.scalar(
                    select(Enrolment.id).where(Enrolment.class_id == context.class_id, Enrolment.student_id == user.id)
                )
                if exists is None:
                    db.session.add(Enrolment(class_id=context.class_id, student_id=user.id))
            mark_member(context, user.id)
            seen.add(user.id)
    left = db.session.execute(
        update(LtiMember)
        .where(LtiMember.context_pk == context.id, LtiMember.status == "active", LtiMember.user_id.not_in(seen))
        .values(status="left"),
        execution_options={"synchronize_session": False},
    ).rowcount
    db.session.commit()
    return RosterResult(students, teachers, left)


def left_members(class_id: int) -> set[int]:
    """Students of the class whom the platform's latest roster no longer lists."""
    return set(
        db.session.scalars(
            select(LtiMember.user_id)
            .join(LtiContext, LtiContext.id == LtiMember.context_pk)
            .where(LtiContext.class_id == class_id, LtiMember.status == "left")
        )
    )
