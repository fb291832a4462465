"""Demo data: a school year with staff, one class and about 25 students, created once."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from ..accounts import rules as accounts
from ..core.extensions import db
from ..models import SchoolClass, User

DEMO_CLASS_NAME = "Demo MV2A"
DEMO_JOIN_CODE = "DEMO2026"
STUDENT_PASSWORD = "student-demo-2026"
STAFF = (
    ("docent", "Mevrouw De Vries", "docent-demo-2026", ("teacher",)),
    ("trainer", "Meneer Bakker", "trainer-demo-2026", ("teacher", "trainer")),
    ("beheer", "Beheerder", "beheer-demo-2026", ("admin",)),
)
STUDENT_NAMES = (
    "Sanne", "Ayoub", "Daan", "Priya", "Mohammed", "Lotte", "Kevin", "Esra", "Noah", "Fatima",
    "Jayden", "Sophie", "Bilal", "Emma", "Luuk", "Yasmina", "Thijs", "Chloé", "Mees", "Naomi",
    "Stijn", "Aya", "Ruben", "Julia", "Milan",
)  # fmt: skip


@dataclass
class DemoLogin:
    role: str
    username: str
    password: str


def demo_logins() -> list[DemoLogin]:
    from .activity import COLLEAGUE_PASSWORD

    logins = [DemoLogin("/".join(roles), username, password) for username, _, password, roles in STAFF]
    logins.append(DemoLogin("teacher", "collega1 … collega4", COLLEAGUE_PASSWORD))
    logins.append(DemoLogin("student", "student01 … student25", STUDENT_PASSWORD))
    return logins


def student_username(number: int) -> str:
    return f"student{number:02d}"


def load_demo() -> bool:
    """Create the demo data unless it is there already; returns whether anything was created."""
    if db.session.scalar(select(SchoolClass).where(SchoolClass.join_code == DEMO_JOIN_CODE)) is not None:
        return False
    staff: dict[str, User] = {}
    for username, name, password, roles in STAFF:
        staff[username] = accounts.find_user(username) or accounts.create_user(username, name, password, roles=roles)
    school_class = accounts.create_class(staff["docent"], DEMO_CLASS_NAME, _school_year())
    school_class.join_code = DEMO_JOIN_CODE
    for number, name in enumerate(STUDENT_NAMES, start=1):
        username = student_username(number)
        student = accounts.find_user(username) or accounts.create_user(username, name, STUDENT_PASSWORD)
        accounts.enrol(school_class, student)
    db.session.commit()
    from .activity import add_lesson_progress, add_quiz_attempts, add_teacher_track

    for extend in (add_lesson_progress, add_quiz_attempts, add_teacher_track):
        extend(school_class)
    db.session.commit()
    return True


def _school_year() -> str:
    from ..classes.school_year import current_school_year

    return current_school_year()
