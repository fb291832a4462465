"""People, their roles, and the classes they teach or learn in."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, UTCDateTime, utcnow

ROLES = ("student", "teacher", "trainer", "admin")
# Letters and digits that cannot be confused when read off a projector.
JOIN_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
JOIN_CODE_LENGTH = 8


def new_join_code() -> str:
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


class RoleFlags:
    """Roles from the ``is_<role>`` flags; shared by the account record and the signed-in user."""

    __slots__ = ()

    @property
    def roles(self) -> list[str]:
        return [role for role in ROLES if getattr(self, f"is_{role}")]

    def has_role(self, role: str) -> bool:
        return role in ROLES and bool(getattr(self, f"is_{role}"))

    @property
    def is_staff(self) -> bool:
        return any(self.has_role(role) for role in ("teacher", "trainer", "admin"))


class User(RoleFlags, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(40), unique=True)
    display_name: Mapped[str] = mapped_column(String(80))
    # NO_PASSWORD for accounts that only sign in through the school's platform or identity provider.
    password_hash: Mapped[str] = mapped_column(String(200))
    # Staff only, set by an administrator: links a school account on its first sign-in (verified e-mail).
    email: Mapped[str | None] = mapped_column(String(254), default=None)
    is_student: Mapped[bool] = mapped_column(Boolean, default=False)
    is_teacher: Mapped[bool] = mapped_column(Boolean, default=False)
    is_trainer: Mapped[bool] = mapped_column(Boolean, default=False)
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    # Bumped on password change or reset: sessions that carry an older version end.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    # Set when a teacher or administrator resets the password: the next sign-in asks for a new one.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set by an administrator: the account can no longer sign in; everything it made stays.
    deactivated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)

    enrolments: Mapped[list[Enrolment]] = relationship(back_populates="student", cascade="all, delete-orphan")

    # Flask-Login protocol
    @property
    def is_active(self) -> bool:
        return self.deactivated_at is None

    is_authenticated = True
    is_anonymous = False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"


class SchoolClass(Base):
    __tablename__ = "school_classes"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    school_year: Mapped[str] = mapped_column(String(9))
    join_code: Mapped[str] = mapped_column(String(16), unique=True, default=new_join_code)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)

    teachers: Mapped[list[ClassTeacher]] = relationship(back_populates="school_class", cascade="all, delete-orphan")
    enrolments: Mapped[list[Enrolment]] = relationship(back_populates="school_class", cascade="all, delete-orphan")

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class ClassTeacher(Base):
    """A teacher of a class: its owner, or a co-teacher the owner added."""

    __tablename__ = "class_teachers"
    __table_args__ = (UniqueConstraint("class_id", "teacher_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("school_classes.id", ondelete="CASCADE"), index=True)
    teacher_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    is_owner: Mapped[bool] = mapped_column(Boolean, default=False)

    school_class: Mapped[SchoolClass] = relationship(back_populates="teachers")
    teacher: Mapped[User] = relationship()


class Enrolment(Base):
    __tablename__ = "enrolments"
    __table_args__ = (UniqueConstraint("class_id", "student_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("school_classes.id", ondelete="CASCADE"), index=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    school_class: Mapped[SchoolClass] = relationship(back_populates="enrolments")
    student: Mapped[User] = relationship(back_populates="enrolments")


class ClassMove(Base):
    """A student asks to move to another class while still in an active one. The teachers of the
    class they leave decide; until then the student stays where they are."""

    __tablename__ = "class_moves"

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    from_class_id: Mapped[int] = mapped_column(ForeignKey("school_classes.id", ondelete="CASCADE"), index=True)
    to_class_id: Mapped[int] = mapped_column(ForeignKey("school_classes.id", ondelete="CASCADE"), index=True)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    student: Mapped[User] = relationship(foreign_keys=[student_id])
    from_class: Mapped[SchoolClass] = relationship(foreign_keys=[from_class_id])
    to_class: Mapped[SchoolClass] = relationship(foreign_keys=[to_class_id])


class CoTeacherInvitation(Base):
    """A teacher invites a colleague to teach a class with them; the colleague accepts or declines.

    Kept by the username as typed, whether or not a teacher has it: the invitation looks the same
    either way, so inviting tells nobody which usernames belong to teachers.
    """

    __tablename__ = "co_teacher_invitations"
    __table_args__ = (UniqueConstraint("class_id", "username"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("school_classes.id", ondelete="CASCADE"), index=True)
    username: Mapped[str] = mapped_column(String(40), index=True)
    invited_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    school_class: Mapped[SchoolClass] = relationship()
    inviter: Mapped[User | None] = relationship(foreign_keys=[invited_by])


class ExternalIdentity(Base):
    """A person as a school's learning platform (LTI) or identity provider (OpenID Connect) knows
    them: the issuer and its subject id for them, linked to one account here."""

    __tablename__ = "external_identities"
    __table_args__ = (UniqueConstraint("issuer", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # "lti" or "oidc"
    issuer: Mapped[str] = mapped_column(String(255))
    subject: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()


class SiteSetting(Base):
    """A choice an administrator makes on the site itself, such as whether students may still
    sign in with a password once the school account works."""

    __tablename__ = "site_settings"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
