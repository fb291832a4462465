"""What the app takes from a school's ID token: who the person is, whether they may sign in here,
and whether they are a teacher. No Flask and no database: pure functions over the checked claims.

Only the subject, the name and (to link a staff account an administrator made) a verified e-mail
address are used; every other claim is read for a rule and then forgotten.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..core.text import clean_line, name_problem
from .providers import EMAIL_DOMAIN, ClaimRule, SchoolProvider

NAME_LENGTH = 80


class ClaimProblem(Exception):
    """The token is valid but does not let this person in; ``reason`` says why (see views.py)."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class SchoolPerson:
    issuer: str
    subject: str
    display_name: str
    verified_email: str | None  # only when the provider vouches for it
    is_teacher: bool


def verified_email(provider: SchoolProvider, claims: Mapping[str, Any]) -> str | None:
    """The e-mail address, lower case, only when the provider says it is verified."""
    email = claims.get("email")
    vouched = claims.get(provider.email_verified_claim)
    if not isinstance(email, str) or "@" not in email.strip():
        return None
    if vouched is True or (isinstance(vouched, str) and vouched.lower() == "true"):
        return email.strip().lower()
    return None


def claim_values(provider: SchoolProvider, claims: Mapping[str, Any], name: str) -> set[str]:
    """A claim's values compared without case (domains, group ids); lists give each item."""
    if name == EMAIL_DOMAIN:
        email = verified_email(provider, claims)
        return {email.rsplit("@", 1)[1]} if email else set()
    value = claims.get(name)
    items = value if isinstance(value, list) else [value]
    return {str(item).strip().casefold() for item in items if isinstance(item, str | int) and str(item).strip()}


def _matches(provider: SchoolProvider, claims: Mapping[str, Any], claim: str, accepted: tuple[str, ...]) -> bool:
    return bool(claim_values(provider, claims, claim) & {value.strip().casefold() for value in accepted})


def refused_by(provider: SchoolProvider, claims: Mapping[str, Any]) -> str | None:
    """The first ``allow`` claim this person does not meet (None: they may sign in)."""
    return next((claim for claim, accepted in provider.allow.items()
                 if not _matches(provider, claims, claim, accepted)), None)


def is_teacher(provider: SchoolProvider, claims: Mapping[str, Any]) -> bool:
    rule: ClaimRule = provider.teachers
    return any(_matches(provider, claims, claim, values) for claim, values in rule.items())


def display_name(claims: Mapping[str, Any]) -> str:
    """``name``, or given and family name together; empty when the provider sends neither."""
    name = claims.get("name")
    if not isinstance(name, str) or not clean_line(name):
        parts = [claims.get("given_name"), claims.get("family_name")]
        name = " ".join(part for part in parts if isinstance(part, str))
    name = clean_line(name)[:NAME_LENGTH].strip()
    return "" if name_problem(name) else name


def school_person(provider: SchoolProvider, claims: Mapping[str, Any]) -> SchoolPerson:
    """The person behind validated claims, or ClaimProblem when they may not sign in here."""
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject or len(subject) > 255:
        raise ClaimProblem("invalid_token", "no usable sub claim")
    refused = refused_by(provider, claims)
    if refused is not None:
        raise ClaimProblem("not_allowed", f"claim {refused!r} does not match the provider's allow rule")
    name = display_name(claims)
    if not name:
        raise ClaimProblem("no_name", "neither name nor given_name/family_name holds a usable name")
    return SchoolPerson(
        issuer=provider.issuer,
        subject=subject,
        display_name=name,
        verified_email=verified_email(provider, claims),
        is_teacher=is_teacher(provider, claims),
    )
