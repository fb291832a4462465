"""Password hashing with argon2id at the OWASP ASVS 5.0 minimum (t=2, m=19 MiB, p=1)."""

from __future__ import annotations

from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)

MIN_LENGTH = 10


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
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
