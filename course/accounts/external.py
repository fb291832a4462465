"""Accounts of people who sign in through the school's learning platform or identity provider.

They have no password here (``NO_PASSWORD``): the issuer and its subject id for the person, kept in
``ExternalIdentity``, are how they come back. Only a display name is stored with it.
"""

from __future__ import annotations

import re
import secrets
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


def _username_for(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    stem = re.sub(r"[^a-z0-9]+", "-", ascii_name).strip("-")[:24] or "account"
    while True:
        username = f"{stem}-{secrets.token_hex(3)}"
        if db.session.scalar(select(User.id).where(User.username == username)) is None:
            return username


def create_linked_user(kind: str, issuer: str, subject: str, display_name: str, roles: tuple[str, ...]) -> User:
    """A new account without a password, linked to (issuer, subject); the caller commits."""
    user = User(username=_username_for(display_name), display_name=display_name, password_hash=NO_PASSWORD)
    for role in roles:
        setattr(user, f"is_{role}", True)
    db.session.add(user)
    db.session.flush()
    db.session.add(ExternalIdentity(user_id=user.id, kind=kind, issuer=issuer, subject=subject))
    return user


def link_or_create(kind: str, issuer: str, subject: str, display_name: str, roles: tuple[str, ...]) -> User:
    """The account linked to (issuer, subject), made on first sign-in; roles only ever added."""
    user = linked_user(issuer, subject)
    if user is None:
        try:
            user = create_linked_user(kind, issuer, subject, display_name, roles)
            db.session.commit()
        except IntegrityError:  # the same person's second tab, a moment earlier
            db.session.rollback()
            user = linked_user(issuer, subject)
            if user is None:
                raise
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
