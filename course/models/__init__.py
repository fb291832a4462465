"""All models, imported here so Base.metadata knows every table (migrations compare against it)."""

from .accounts import ROLES, ClassTeacher, Enrolment, SchoolClass, User, new_join_code
from .base import Base, utcnow

__all__ = ["ROLES", "Base", "ClassTeacher", "Enrolment", "SchoolClass", "User", "new_join_code", "utcnow"]
