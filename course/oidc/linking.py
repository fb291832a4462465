"""The account behind a school sign-in: found by (issuer, subject), or a staff account an
administrator made linked by its verified e-mail address, or made new.

All of it happens in one transaction: either the person has an account with its link afterwards,
or nothing was written. Two first sign-ins of one person at the same moment (two tabs), or two
new people whose names give the same username, meet a unique constraint; the loser starts over and
finds what the winner made.
"""

from __future__ import annotations

import logging

from sqlalchemy import exists, or_, select
from sqlalchemy.exc import IntegrityError

from ..accounts.external import free_username
from ..accounts.passwords import NO_PASSWORD
from ..core.audit import record
from ..core.extensions import db
from ..models import ExternalIdentity, User, utcnow
from .claim_rules import SchoolPerson

log = logging.getLogger(__name__)

KIND = "oidc"
ATTEMPTS = 3


class LinkRefused(Exception):
    """The staff account with this e-mail address is linked to another school account already."""


def account_for(person: SchoolPerson) -> tuple[User, str]:
    """The person's account and how it was found: "known", "linked" or "created". Commits."""
    for attempt in range(ATTEMPTS):
        try:
            return _account_for(person)
        except IntegrityError:
            db.session.rollback()
            if attempt == ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def _account_for(person: SchoolPerson) -> tuple[User, str]:
    now = utcnow()
    identity = db.session.scalar(
        select(ExternalIdentity).where(ExternalIdentity.issuer == person.issuer,
                                       ExternalIdentity.subject == person.subject)
    )
    if identity is not None:
        identity.last_seen_at = now
        db.session.commit()
        return identity.user, "known"
    user = _staff_account_to_link(person)
    how = "linked" if user is not None else "created"
    if user is None:
        user = User(
            username=free_username(person.display_name, person.is_teacher),
            display_name=person.display_name,
            password_hash=NO_PASSWORD,
            is_teacher=person.is_teacher,
            is_student=not person.is_teacher,
        )
        db.session.add(user)
    db.session.add(ExternalIdentity(user=user, kind=KIND, issuer=person.issuer, subject=person.subject,
                                    created_at=now, last_seen_at=now))
    db.session.flush()
    if how == "linked":
        record(user, "user.school_account_linked", "user", user.id)
    elif user.is_teacher:
        record(user, "user.school_account_created", "user", user.id, roles=user.roles)
    db.session.commit()
    return user, how


def _staff_account_to_link(person: SchoolPerson) -> User | None:
    """The staff account whose address an administrator set to this person's verified e-mail."""
    if person.verified_email is None:
        return None
    staff = db.session.scalars(
        select(User).where(User.email == person.verified_email,
                           or_(User.is_teacher, User.is_trainer, User.is_admin))
    ).all()
    if len(staff) != 1:
        if staff:
            log.warning("school sign-in: %d staff accounts share one e-mail address; none linked", len(staff))
        return None
    user = staff[0]
    linked_here = db.session.scalar(
        select(exists().where(ExternalIdentity.user_id == user.id, ExternalIdentity.issuer == person.issuer))
    )
    if linked_here:
        raise LinkRefused(f"staff account {user.username} is linked to another subject of {person.issuer}")
    return user
