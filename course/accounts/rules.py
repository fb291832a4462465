"""Account rules that know nothing of Flask: sign-up, authentication, passwords, classes."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from ..core.extensions import db
from ..models import AuditEvent, ClassTeacher, Enrolment, SchoolClass, User, new_join_code, utcnow
from .identity import SIGNED_IN_COLUMNS, Person, SignedInUser
from .passwords import DUMMY_HASH, NO_PASSWORD, hash_password, needs_rehash, verify_password


class AccountError(Exception):
    """A rule was broken; ``field`` names the form field the message belongs to."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def normalise_join_code(value: str | None) -> str:
    return "".join(ch for ch in (value or "").upper() if ch.isalnum())


def normalise_email(value: str | None) -> str:
    return (value or "").strip().lower()


def find_user(username: str) -> User | None:
    return db.session.scalar(select(User).where(User.username == username.strip().lower()))


def authenticate(username: str, password: str) -> SignedInUser | None:
    """The person whose password this is, or None. The hash is checked outside any transaction
    and a right password writes nothing (unless the hash needs upgrading), so thirty students
    logging in at once neither queue behind each other's hashing nor for SQLite's write lock."""
    with db.reading():
        found = db.session.execute(
            select(*SIGNED_IN_COLUMNS, User.password_hash).where(User.username == username.strip().lower())
        ).one_or_none()
    if found is None:
        verify_password(DUMMY_HASH, password)  # same cost as a real check: no username probing by timing
        return None
    *columns, password_hash = found
    if not verify_password(password_hash, password):
        return None
    person = SignedInUser(*columns)
    if needs_rehash(password_hash):
        db.session.execute(update(User).where(User.id == person.id).values(password_hash=hash_password(password)))
        db.session.commit()
    return person


def open_class_by_code(code: str) -> SchoolClass:
    school_class = db.session.scalar(select(SchoolClass).where(SchoolClass.join_code == normalise_join_code(code)))
    if school_class is None:
        raise AccountError("join_code", "Deze klascode bestaat niet. Controleer de code of vraag je docent.")
    if school_class.is_archived:
        raise AccountError("join_code", "Deze klas is afgesloten. Vraag je docent om de code van je nieuwe klas.")
    return school_class


def create_user(
    username: str,
    display_name: str,
    password: str,
    *,
    roles: tuple[str, ...] = ("student",),
    email: str | None = None,
) -> User:
    """A new account. ``email`` only for staff: it links their school account at its first sign-in."""
    username = username.strip().lower()
    if find_user(username) is not None:
        raise AccountError("username", "Deze gebruikersnaam is al bezet. Kies een andere.")
    email = normalise_email(email) or None
    if email is not None:
        if "student" in roles:
            raise AccountError("email", "Alleen medewerkers hebben een e-mailadres op deze site.")
        if db.session.scalar(select(func.count()).where(User.email == email)):
            raise AccountError("email", "Dit e-mailadres hoort al bij een ander account.")
    user = User(username=username, display_name=display_name.strip(), password_hash=hash_password(password),
                email=email)
    for role in roles:
        setattr(user, f"is_{role}", True)
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise AccountError("username", "Deze gebruikersnaam is al bezet. Kies een andere.") from None
    return user


def sign_up_student(join_code: str, display_name: str, username: str, password: str) -> User:
    school_class = open_class_by_code(join_code)
    user = create_user(username, display_name, password, roles=("student",))
    db.session.add(Enrolment(school_class=school_class, student=user))
    db.session.commit()
    return user


def has_password(user: User) -> bool:
    """False for accounts that sign in only with the school account (or the learning platform)."""
    return user.password_hash != NO_PASSWORD


def set_password(user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    user.session_version += 1  # ends every session that still carries the old version


def change_password(user: User, current: str, new: str) -> None:
    if not verify_password(user.password_hash, current):
        raise AccountError("current_password", "Je huidige wachtwoord klopt niet.")
    if verify_password(user.password_hash, new):
        raise AccountError("password", "Kies een ander wachtwoord dan je huidige.")
    set_password(user, new)
    user.must_change_password = False
    db.session.commit()


def temporary_password() -> str:
    """Easy to read aloud or copy from a projector: three groups of four unambiguous characters."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return "-".join("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(3))


def create_class(teacher: User, name: str, school_year: str) -> SchoolClass:
    school_class = SchoolClass(name=name.strip(), school_year=school_year, join_code=_unused_join_code())
    school_class.teachers.append(ClassTeacher(teacher=teacher, is_owner=True))
    db.session.add(school_class)
    db.session.commit()
    return school_class


def _unused_join_code() -> str:
    while True:
        code = new_join_code()
        if db.session.scalar(select(func.count()).where(SchoolClass.join_code == code)) == 0:
            return code


def archive_class(school_class: SchoolClass, archived: bool = True) -> None:
    school_class.archived_at = utcnow() if archived else None
    db.session.commit()


def renew_join_code(school_class: SchoolClass) -> None:
    school_class.join_code = _unused_join_code()
    db.session.commit()


def add_co_teacher(school_class: SchoolClass, username: str) -> User:
    colleague = find_user(username)
    if colleague is None or not colleague.is_teacher:
        raise AccountError("username", "Er is geen docent met deze gebruikersnaam. Vraag je collega om de juiste naam.")
    if any(t.teacher_id == colleague.id for t in school_class.teachers):
        raise AccountError("username", f"{colleague.display_name} is al docent van deze klas.")
    school_class.teachers.append(ClassTeacher(teacher=colleague, is_owner=False))
    db.session.commit()
    return colleague


def remove_from_class(school_class: SchoolClass, student: User, actor: Person | None) -> None:
    from ..core.audit import record

    enrolment = db.session.scalar(
        select(Enrolment).where(Enrolment.class_id == school_class.id, Enrolment.student_id == student.id)
    )
    if enrolment is not None:
        db.session.delete(enrolment)
        record(actor, "class.remove_student", "class", school_class.id, student_id=student.id)
        db.session.commit()


def reset_password(user: User, actor: Person | None) -> str:
    """Give the user a temporary password, to be replaced at the next sign-in; their sessions end."""
    from ..core.audit import record

    password = temporary_password()
    set_password(user, password)
    user.must_change_password = True
    record(actor, "user.password_reset", "user", user.id)
    db.session.commit()
    return password


def enrol(school_class: SchoolClass, student: User) -> None:
    db.session.add(Enrolment(school_class=school_class, student=student))


def only_in_classes_of(student: User, teacher: Person, *, owned: bool = False) -> bool:
    """True when every class the student is in is taught by ``teacher`` (``owned``: owned by)."""
    taught = select(ClassTeacher.class_id).where(ClassTeacher.teacher_id == teacher.id)
    if owned:
        taught = taught.where(ClassTeacher.is_owner.is_(True))
    elsewhere = db.session.scalar(
        select(func.count())
        .select_from(Enrolment)
        .where(Enrolment.student_id == student.id, Enrolment.class_id.not_in(taught))
    )
    return elsewhere == 0


def last_reset(user_id: int) -> tuple[datetime, str] | None:
    """When the password was last reset by someone else, and by whom (their name at the time)."""
    row = db.session.execute(
        select(AuditEvent.created_at, AuditEvent.actor_name)
        .where(AuditEvent.action == "user.password_reset", AuditEvent.object_type == "user",
               AuditEvent.object_id == user_id)
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
        .limit(1)
    ).first()
    return (row[0], row[1]) if row else None
