"""Who a launch is about, and which class a platform course is. No Flask in here.

The platform's issuer and ``sub`` identify a person; an account without a password is made on the
first launch. A course (issuer, deployment, context id) is one class: made on the first instructor
launch and owned by that teacher; later instructors teach it too; a learner who launches joins it.
A platform administrator gets no administrator rights here.
"""

from __future__ import annotations

from sqlalchemy import select

from ..accounts import external
from ..accounts.rules import create_class
from ..classes.school_year import current_school_year
from ..core.audit import record
from ..core.extensions import db
from ..models import ClassTeacher, Enrolment, LtiContext, LtiMember, LtiResourceLink, SchoolClass, User, utcnow
from .launch import Launch, LaunchRefused

MEMBERSHIP = "http://purl.imsglobal.org/vocab/lis/v2/membership#"
LEARNER_ROLES = {MEMBERSHIP + "Learner", "Learner"}
TEACHER_ROLES = {
    MEMBERSHIP + "Instructor",
    MEMBERSHIP + "ContentDeveloper",
    MEMBERSHIP + "Instructor#TeachingAssistant",
    "http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant",
    "Instructor",
    "ContentDeveloper",
    "TeachingAssistant",
}


def role_of(roles: list[str]) -> str | None:
    """ "teacher", "student" or None (someone the course has in neither role)."""
    if TEACHER_ROLES.intersection(roles):
        return "teacher"
    if LEARNER_ROLES.intersection(roles):
        return "student"
    return None


def person_for(launch: Launch, store_email: bool = False) -> tuple[User, str]:
    role = role_of(launch.roles)
    if role is None:
        raise LaunchRefused("roles", "Je bent in deze cursus geen student en geen docent. Vraag je docent.", 403)
    claims = launch.claims
    full = claims.get("name") or " ".join(filter(None, [claims.get("given_name"), claims.get("family_name")]))
    fallback = "Docent" if role == "teacher" else "Student"
    name = external.usable_name(full, fallback)
    user = external.link_or_create("lti", launch.platform.issuer, launch.subject, name, (role,))
    if store_email and role == "teacher" and isinstance(claims.get("email"), str) and not user.email:
        user.email = claims["email"][:254]
        db.session.commit()
    return user, role


def context_for(launch: Launch) -> LtiContext | None:
    return db.session.scalar(
        select(LtiContext).where(
            LtiContext.platform_id == launch.platform.id,
            LtiContext.deployment_id == launch.deployment_id,
            LtiContext.context_id == str(launch.context["id"]),
        )
    )


def class_for(launch: Launch, user: User, role: str) -> SchoolClass:
    """The class of the launch's course, made or joined as the role says."""
    context = context_for(launch)
    if context is None:
        if role != "teacher":
            raise LaunchRefused(
                "context", "Je docent moet deze cursus eerst één keer openen. Probeer het daarna opnieuw.", 409
            )
        title = external.usable_name(launch.context.get("title") or launch.context.get("label"), "Cursus")
        school_class = create_class(user, title, current_school_year())
        context = LtiContext(
            platform_id=launch.platform.id,
            deployment_id=launch.deployment_id,
            context_id=str(launch.context["id"]),
            title=title,
            class_id=school_class.id,
        )
        db.session.add(context)
        record(user, "lti.course_linked", "class", school_class.id, platform=launch.platform.name)
        db.session.commit()
    school_class = db.session.get(SchoolClass, context.class_id)
    assert school_class is not None  # the context goes with its class
    if launch.memberships_url and context.memberships_url != launch.memberships_url:
        context.memberships_url = launch.memberships_url
    if role == "teacher":
        if not any(t.teacher_id == user.id for t in school_class.teachers):
            school_class.teachers.append(ClassTeacher(teacher_id=user.id, is_owner=False))
    else:
        enrolled = db.session.scalar(
            select(Enrolment.id).where(Enrolment.class_id == school_class.id, Enrolment.student_id == user.id)
        )
        if enrolled is None:
            db.session.add(Enrolment(class_id=school_class.id, student_id=user.id))
    mark_member(context, user.id)
    db.session.commit()
    return school_class


def mark_member(context: LtiContext, user_id: int) -> None:
    member = db.session.scalar(
        select(LtiMember).where(LtiMember.context_pk == context.id, LtiMember.user_id == user_id)
    )
    if member is None:
        db.session.add(LtiMember(context_pk=context.id, user_id=user_id, status="active"))
    else:
        member.status, member.last_seen_at = "active", utcnow()


def remember_link(launch: Launch, target_path: str, quiz_slug: str | None) -> None:
    """Keep the resource link with its grade column, so scores for that quiz can go back."""
    context = context_for(launch)
    if context is None:
        return
    link_id = str(launch.resource_link["id"])
    link = db.session.scalar(
        select(LtiResourceLink).where(
            LtiResourceLink.context_pk == context.id, LtiResourceLink.resource_link_id == link_id
        )
    )
    if link is None:
        link = LtiResourceLink(context_pk=context.id, resource_link_id=link_id, target=target_path[:1000])
        db.session.add(link)
    link.target = target_path[:1000]
    link.quiz_slug = quiz_slug
    if launch.lineitem_url:
        link.lineitem_url = launch.lineitem_url
    db.session.commit()


def context_of_class(class_id: int) -> LtiContext | None:
    return db.session.scalar(select(LtiContext).where(LtiContext.class_id == class_id).limit(1))
