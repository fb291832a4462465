"""Who may still sign in with a password once the school account works.

An administrator can switch password sign-in off for students (a site setting), but only while a
school identity provider is configured: without one, passwords are the only way in. Staff always
keep their password, so an administrator can still get in when the school's provider is down.
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from ..core.audit import Actor, record
from ..core.extensions import db
from ..models import SiteSetting
from ..models.accounts import RoleFlags

SETTING = "student_password_sign_in"
ON, OFF = "on", "off"


def school_sign_in_configured() -> bool:
    """Is at least one identity provider configured (OIDC_PROVIDERS, checked at start-up)?"""
    return bool(current_app.config.get("OIDC_PROVIDERS"))


def students_may_use_password() -> bool:
    if not school_sign_in_configured():
        return True
    return db.session.scalar(select(SiteSetting.value).where(SiteSetting.key == SETTING)) != OFF


def password_allowed(person: RoleFlags) -> bool:
    return person.is_staff or students_may_use_password()


def set_students_may_use_password(allowed: bool, actor: Actor) -> None:
    setting = db.session.get(SiteSetting, SETTING)
    if setting is None:
        setting = SiteSetting(key=SETTING, value=ON)
        db.session.add(setting)
    setting.value = ON if allowed else OFF
    record(actor, "site.student_passwords", "site", None, allowed=allowed)
    db.session.commit()
