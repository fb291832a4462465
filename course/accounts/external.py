"""Accounts of people who sign in through the school's learning platform or identity provider.

They have no password here (``NO_PASSWORD``): the issuer and its subject id for the person, kept in
``ExternalIdentity``, are how they come back. Only a display name is stored with it.
"""

from __future__ import annotations

import re
import unicodedata

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..core.extensions import db
from ..core.text import clean_line, name_problem
from ..models import ExternalIdentity, User, utcnow
from .passwords import NO_PASSWORD


def linked_user(issuer: str, subject: str) -> User | None:
    return db.session.scalar(
        select(User)
        .join(ExternalIdentity, ExternalIdentity.user_id == User.id)
        .where(ExternalIdentity.issuer == issuer, ExternalIdentity.subject == subject)
    )


def usable_name(raw: str | None, fallback: str) -> str:
    """The name as the provider gives it, if it is a name we would accept from a form."""
    name = clean_line(raw)[:80]
    return name if name and name_problem(name) is None else fallback


USERNAME_BASE_LENGTH = 30
CREATE_ATTEMPTS = 3


def username_base(display_name: str, is_teacher: bool) -> str:
    """A username from the name, in plain letters: "Sanne de Vries" -> "sanne.de.vries"."""
    plain = unicodedata.normalize("NFKD", display_name).encode("ascii", "ignore").decode("ascii").lower()
    base = ".".join(re.findall(r"[a-z0-9]+", plain))[:USERNAME_BASE_LENGTH].strip(".")
    if len(base) < 3:
        return "docent" if is_teacher else "student"
    return base


def free_username(display_name: str, is_teacher: bool) -> str:
    """The readable username, numbered from 2 when it is taken: "sanne.de.vries2". Two sign-ins that
    pick the same name at once meet the unique constraint; the caller starts over."""
    base = username_base(display_name, is_teacher)
    taken = set(db.session.scalars(select(User.username).where(User.username.startswith(base, autoescape=True))))
    if base not in taken:
        return base
    number = 2
    while f"{base}{number}" in taken:
        number += 1
    return f"{base}{number}"


def create_linked_user(kind: str, issuer: str, subject: str, display_name: str, roles: tuple[str, ...]) -> User:
    """A new account without a password, linked to (issuer, subject); the caller commits."""
    username = free_username(display_name, is_teacher="teacher" in roles)
    user = User(username=username, display_name=display_name, password_hash=NO_PASSWORD)
    for role in roles:
        setattr(user, f"is_{role}", True)
    db.session.add(user)
    db.session.flush()
    db.session.add(ExternalIdentity(user_id=user.id, kind=kind, issuer=issuer, subject=subject))
    return user


def link_or_create(kind: str, issuer: str, subject: str, display_name: str, roles: tuple[str, ...]) -> User:
    """The account linked to (issuer, subject), made on first sign-in; roles only ever added."""
    user = linked_user(issuer, subject)
    for attempt in range(CREATE_ATTEMPTS):
        if user is not None:
            break
        try:
            user = create_linked_user(kind, issuer, subject, display_name, roles)
            db.session.commit()
        except IntegrityError:  # the same person's second tab, or a namesake taking the username first
            db.session.rollback()
            user = linked_user(issuer, subject)
            if user is None and attempt == CREATE_ATTEMPTS - 1:
                raise
    assert user is not None
    for role in roles:
        if not getattr(user, f"is_{role}"):
            setattr(user, f"is_{role}", True)
    identity = db.session.scalar(
        select(ExternalIdentity).where(ExternalIdentity.issuer == issuer, ExternalIdentity.subject == subject)
    )
    if identity is not None:
        identity.last_seen_at = utcnow()
    db.session.commit()
    return user
