"""Queries that only ever return objects the given user may reach.

Views load objects through these, so there is no "fetch by id, then check": a class that is not
yours is simply not found (404), which also tells nothing about whether it exists.
"""

from __future__ import annotations

from flask import abort
from sqlalchemy import Select, select

from ..accounts.identity import Person
from ..core.extensions import db
from ..models import ClassTeacher, Enrolment, SchoolClass, User


def classes_taught_by(user: Person) -> Select[tuple[SchoolClass]]:
    query = select(SchoolClass)
    if not user.is_admin:
        query = query.where(
            SchoolClass.id.in_(select(ClassTeacher.class_id).where(ClassTeacher.teacher_id == user.id))
        )
    return query


def class_for_teacher_or_404(user: User, class_id: int) -> SchoolClass:
    school_class = db.session.scalar(classes_taught_by(user).where(SchoolClass.id == class_id))
    if school_class is None:
        abort(404)
    return school_class


def student_in_class_or_404(school_class: SchoolClass, student_id: int) -> User:
    student = db.session.scalar(
        select(User)
        .join(Enrolment, Enrolment.student_id == User.id)
        .where(Enrolment.class_id == school_class.id, User.id == student_id)
    )
    if student is None:
        abort(404)
    return student


def is_owner(user: Person, school_class: SchoolClass) -> bool:
    return user.is_admin or any(t.teacher_id == user.id and t.is_owner for t in school_class.teachers)
