"""Who is logged in: a small read-only value loaded with one plain query per request.

Most pages only need to know who is asking (an id, a name, the roles). Loading the full ORM
object for that cost more than everything else on a lesson page, so the login manager hands out a
``SignedInUser`` and code that changes the account itself asks for ``account()``.
"""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime

from flask import session
from flask_login import login_user
from sqlalchemy import bindparam, select

from ..core.driver_select import DriverSelect
from ..core.extensions import db
from ..models import User
from ..models.accounts import RoleFlags

_USERS = User.__table__
_COLUMNS = ("id", "username", "display_name", "is_student", "is_teacher", "is_trainer", "is_admin",
            "session_version", "created_at", "must_change_password", "deactivated_at")
SIGNED_IN_COLUMNS = tuple(_USERS.c[name] for name in _COLUMNS)
_BY_ID = DriverSelect(select(*SIGNED_IN_COLUMNS).where(_USERS.c.id == bindparam("user_id")))


@dataclass(frozen=True, slots=True)
class SignedInUser(RoleFlags):
    id: int
    username: str
    display_name: str
    is_student: bool
    is_teacher: bool
    is_trainer: bool
    is_admin: bool
    session_version: int
    created_at: datetime
    must_change_password: bool
    deactivated_at: datetime | None

    # Flask-Login protocol
    @property
    def is_active(self) -> bool:
        return self.deactivated_at is None

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    def account(self) -> User:
        """The database record, for changing it or following its relationships."""
        user = db.session.get(User, self.id)
        if user is None:  # deleted during this request
            raise LookupError(f"user {self.id} no longer exists")
        return user


# Who a permission check is about: the account record, or the signed-in user of this request.
Person = User | SignedInUser


def signed_in_user(user_id: int, session_version: int) -> SignedInUser | None:
    """The person behind a session, or None when the account is gone, locked or the session is stale."""
    # On a POST this is usually the request's first statement: reading it must not take the write
    # lock, or the whole request would hold it. (Inside a transaction already begun: read there.)
    with db.reading() if db.writing() and not db.session().in_transaction() else nullcontext():
        row = _BY_ID.first({"user_id": user_id})
    if row is None:
        return None
    user = SignedInUser(*row)
    return user if user.session_version == session_version and user.is_active else None


MUST_CHANGE_PASSWORD = "must_change_password"


def start_session(user: Person) -> None:
    """Sign ``user`` in on a fresh session: nothing from before the sign-in carries over. A
    password reset by someone else is remembered in the session, so checking it costs no query."""
    session.clear()
    login_user(user)
    if user.must_change_password:
        session[MUST_CHANGE_PASSWORD] = True
