"""Default configuration. Overridden by instance/config.py, then by environment, then by tests."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
# The privacy statement promises this floor; a school may only raise it.
MIN_TPACK_GROUP = 5


class ConfigError(Exception):
    """A setting that would break a promise of the privacy statement; the app refuses to start."""


def check(settings: Mapping[str, object]) -> None:
    value = settings.get("TPACK_MIN_GROUP")
    if isinstance(value, bool) or not isinstance(value, int) or value < MIN_TPACK_GROUP:
        raise ConfigError(
            f"TPACK_MIN_GROUP is {value!r}: it must be a whole number of at least {MIN_TPACK_GROUP}, "
            "so no trainer or administrator can read one person's TPACK scores from a group's figures."
        )


def defaults(instance_path: str) -> dict[str, object]:
    """Settings every installation starts from; a school changes them in instance/config.py."""
    return {
        "SECRET_KEY": None,  # filled from instance/secret_key when not configured
        "DATABASE_URL": "sqlite:///" + os.path.join(instance_path, "course.sqlite"),
        "LESSONS_DIR": str(PROJECT_ROOT / "lessons"),
        "QUIZZES_DIR": str(PROJECT_ROOT / "quizzes"),
        # A quiz page stays open through a long lesson: tie the CSRF token to the session only.
        "WTF_CSRF_TIME_LIMIT": None,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "MAX_CONTENT_LENGTH": 1024 * 1024,
        # Static URLs carry a version (see templating), so a year of caching is safe.
        "SEND_FILE_MAX_AGE_DEFAULT": 365 * 24 * 3600,
        "SQLITE_BUSY_TIMEOUT_MS": 10_000,
        "CHECK_CONTENT_ON_START": True,
        # How often a worker looks for edited lesson and quiz files (a quiz's own file is looked at
        # every time it is opened, started or handed in).
        "CONTENT_CHECK_SECONDS": 1.0,
        # The privacy statement and `flask privacy purge` both read this: they cannot drift apart.
        "ARCHIVED_CLASS_RETENTION_MONTHS": 12,
        # Train-the-trainer cohorts, their members and attendance: months after the last session.
        "COHORT_RETENTION_MONTHS": 24,
        # Advice in README and the statement: how long a school keeps its daily backups.
        "BACKUP_RETENTION_DAYS": 30,
        # Fewer cohort members with a scan than this: no TPACK numbers at all (at least MIN_TPACK_GROUP).
        "TPACK_MIN_GROUP": MIN_TPACK_GROUP,
        # Who answers for the data (AVG art. 13): the school board, its privacy contact and its data
        # protection officer (FG). Shown on the privacy statement; empty: a placeholder asks the admin.
        "PRIVACY_CONTROLLER": "",
        "PRIVACY_CONTACT": "",
        "PRIVACY_OFFICER": "",
        # The company that hosts the app for the school (a processor), if any; empty: the school hosts it.
        "PRIVACY_HOSTING": "",
        "LTI_STORE_EMAIL": False,  # a learning platform's e-mail address of a teacher; students' never
        "LTI_JWKS_COOLDOWN": 30.0,  # seconds before a platform's key set is fetched again for an unknown key
        # The school's identity providers for "Inloggen met je schoolaccount" (README); none: passwords only.
        "OIDC_PROVIDERS": [],
    }


def from_environment() -> dict[str, object]:
    """Settings that deployments pass as environment variables."""
    settings: dict[str, object] = {}
    # OIDC_PROVIDERS comes as JSON; course/oidc/providers.py reads and checks it.
    names = ("SECRET_KEY", "DATABASE_URL", "LESSONS_DIR", "QUIZZES_DIR", "REDIS_URL", "PREFERRED_URL_SCHEME",
             "OIDC_PROVIDERS")
    for name in names:
        value = os.environ.get(name)
        if value:
            settings[name] = value
    if os.environ.get("SESSION_COOKIE_SECURE", "").lower() in ("1", "true", "yes"):
        settings["SESSION_COOKIE_SECURE"] = True
    if os.environ.get("LTI_STORE_EMAIL", "").lower() in ("1", "true", "yes"):
        settings["LTI_STORE_EMAIL"] = True
    if os.environ.get("TRUSTED_PROXY_COUNT", "").isdigit():
        settings["TRUSTED_PROXY_COUNT"] = int(os.environ["TRUSTED_PROXY_COUNT"])
    return settings
