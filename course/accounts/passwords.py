"""Password hashing with argon2id at an OWASP minimum setting: m=7 MiB, t=5, p=1.

OWASP's Password Storage Cheat Sheet lists five argon2id settings that defend equally well
(46 MiB/t=1, 19 MiB/t=2, 12 MiB/t=3, 9 MiB/t=4, 7 MiB/t=5); they trade memory for passes. The
7 MiB one is the quickest here and needs the least memory when a class logs in at once (thirty
hashes: 210 MiB instead of 570 MiB). Hashes made with other settings are upgraded at the next
login (``needs_rehash``).
"""

from __future__ import annotations

from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher(time_cost=5, memory_cost=7 * 1024, parallelism=1)

MIN_LENGTH = 10


def hash_password(password: str) -> str:
    return _hasher.hash(password)


# Stored for accounts that sign in only through the school's platform or identity provider: never
# a valid hash, so no password opens them.
NO_PASSWORD = "!"


def verify_password(password_hash: str, password: str) -> bool:
    if password_hash == NO_PASSWORD:
        verify_password(DUMMY_HASH, password)  # the same cost: nobody learns which accounts have none
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


# A dummy hash, so a login for an unknown username costs as much time as one for a known user.
DUMMY_HASH = _hasher.hash("no such user: timing equaliser")


_COMMON_PATH = Path(__file__).parent / "data" / "common-passwords.txt"
_common: frozenset[str] | None = None


def is_common_password(password: str) -> bool:
    """True when the password is on the bundled list of most-used passwords (case-insensitive)."""
    global _common
    if _common is None:
        lines = _COMMON_PATH.read_text(encoding="utf-8").splitlines()
        _common = frozenset(line.strip().lower() for line in lines if line and not line.startswith("#"))
    return password.strip().lower() in _common
