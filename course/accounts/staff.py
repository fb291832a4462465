"""An administrator looks after staff accounts: roles, a new password, locking and unlocking.

Shared by the admin pages and `flask --app wsgi users`. Every change is audit-logged, and no
change may leave the school without an administrator who can still sign in.
"""

from __future__ import annotations

from sqlalchemy import func, select

from ..core.audit import record
from ..core.extensions import db
from ..models import User, utcnow
from .identity import Person
from .passwords import MIN_LENGTH, is_common_password
from .rules import AccountError, set_password

STAFF_ROLES = ("teacher", "trainer", "admin")


def _other_active_admins(user: User) -> int:
    return db.session.scalar(
        select(func.count()).select_from(User).where(
            User.is_admin.is_(True), User.deactivated_at.is_(None), User.id != user.id
        )
    ) or 0


def _keep_an_admin(user: User, field: str) -> None:
    if user.is_admin and user.is_active and _other_active_admins(user) == 0:
        raise AccountError(field, f"{user.display_name} is de enige beheerder die kan inloggen. "
                                  "Maak eerst iemand anders beheerder.")


def set_roles(user: User, roles: tuple[str, ...], actor: Person | None) -> None:
    """Give a staff account exactly ``roles`` (teacher, trainer, admin; at least one)."""
    if user.is_student:
        raise AccountError("roles", "Dit is een studentaccount. Studenten krijgen hier geen andere rol.")
    unknown = [role for role in roles if role not in STAFF_ROLES]
    if unknown or not roles:
        raise AccountError("roles", "Kies minstens één rol: docent, trainer of beheerder.")
    if "admin" not in roles:
        if actor is not None and actor.id == user.id and user.is_admin:
            raise AccountError("roles", "Je kunt jezelf geen beheerder af maken. Vraag een andere beheerder.")
        _keep_an_admin(user, "roles")
    old = user.roles
    for role in STAFF_ROLES:
        setattr(user, f"is_{role}", role in roles)
    if user.roles != old:
        user.session_version += 1  # the menu and rights of an open session change with the roles
        record(actor, "user.roles", "user", user.id, old=old, roles=user.roles)
    db.session.commit()


def deactivate(user: User, actor: Person | None) -> None:
    """Lock the account: it cannot sign in and its open sessions end. Its work stays."""
    if actor is not None and actor.id == user.id:
        raise AccountError("account", "Je kunt je eigen account niet op slot zetten.")
    if not user.is_active:
        return
    _keep_an_admin(user, "account")
    user.deactivated_at = utcnow()
    user.session_version += 1
    record(actor, "user.deactivate", "user", user.id)
    db.session.commit()


def activate(user: User, actor: Person | None) -> None:
    if user.is_active:
        return
    user.deactivated_at = None
    record(actor, "user.activate", "user", user.id)
    db.session.commit()


def password_problem(password: str) -> str | None:
    if len(password) < MIN_LENGTH:
        return f"Gebruik minstens {MIN_LENGTH} tekens."
    if is_common_password(password):
        return "Dit is een van de meest gebruikte wachtwoorden. Kies een ander."
    return None


def choose_password(user: User, password: str, actor: Person | None) -> None:
    """A password the administrator chose; the person picks their own at the next sign-in."""
    problem = password_problem(password)
    if problem:
        raise AccountError("password", problem)
    set_password(user, password)
    user.must_change_password = True
    record(actor, "user.password_reset", "user", user.id)
    db.session.commit()
