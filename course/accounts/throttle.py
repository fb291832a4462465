"""Slowing down password and code guessing without locking out a school. Shared by every worker.

A school reaches the app from one public address, and classmates know each other's usernames, so
neither an address nor a username alone may decide who waits (OWASP, "Slow down online guessing
attacks with device cookies"):

- A browser that signed in to an account before carries a device cookie for it (``devices.py``).
  Its failures count for that browser alone: failures from anywhere else never slow it down.
- Every other browser of an account shares one count: after 5 failures it waits, doubling up to 15
  minutes, and at most 100 failures an hour get through (ASVS 2.2.1).
- Per address the count is of different accounts that failed from it within the hour, so an attack
  on one account, or a class full of typos, counts little: 100 accounts go free, then the wait
  doubles up to a minute. A known browser is never slowed by its address.

Counts live in the database, or in Redis when REDIS_URL is set, never in one worker's memory. The
same message is shown whether or not the username exists.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from flask import Flask, current_app
from sqlalchemy import bindparam, delete, func, select

from ..core.extensions import db
from ..models import LoginFailure

WINDOW = timedelta(hours=1)


@dataclass(frozen=True)
class Rule:
    free_failures: int  # failures before any waiting starts
    max_per_window: int  # hard stop within WINDOW
    max_delay_seconds: int


# Browsers without a device cookie for the account, together.
ACCOUNT_RULE = Rule(free_failures=5, max_per_window=100, max_delay_seconds=15 * 60)
# One browser that signed in to the account before.
DEVICE_RULE = Rule(free_failures=5, max_per_window=100, max_delay_seconds=15 * 60)
# Different accounts failing from one address within the hour.
ADDRESS_RULE = Rule(free_failures=100, max_per_window=1000, max_delay_seconds=60)
# Changing one's own password: guesses of the current one.
PASSWORD_CHANGE_RULE = Rule(free_failures=5, max_per_window=100, max_delay_seconds=15 * 60)
# Sign-up and join codes (a wrong code, a username that is taken): per address, per browser session.
FORM_ADDRESS_RULE = Rule(free_failures=60, max_per_window=600, max_delay_seconds=60)
FORM_SESSION_RULE = Rule(free_failures=10, max_per_window=100, max_delay_seconds=5 * 60)


def wait_seconds(
    rule: Rule, failures: int, last_failure: datetime | None, oldest: datetime | None, now: datetime
) -> int:
    """Seconds to wait before the next attempt is allowed (0: go ahead). Pure, for testing."""
    if failures >= rule.max_per_window and oldest is not None:
        return max(1, math.ceil((oldest + WINDOW - now).total_seconds()))
    if failures < rule.free_failures or last_failure is None:
        return 0
    delay = min(2 ** (failures - rule.free_failures), rule.max_delay_seconds)
    remaining = (last_failure + timedelta(seconds=delay) - now).total_seconds()
    return max(0, math.ceil(remaining))


class FailureStore(Protocol):
    def record(self, key: str, now: datetime) -> None: ...

    def stats(self, key: str, now: datetime) -> tuple[int, datetime | None, datetime | None]: ...

    def clear(self, key: str) -> None: ...

    def forget_expired(self, now: datetime) -> int: ...


class DatabaseStore:
    # Built once with parameters: building a statement costs more than running this one.
    _STATS = select(func.count(), func.max(LoginFailure.failed_at), func.min(LoginFailure.failed_at)).where(
        LoginFailure.key == bindparam("key"), LoginFailure.failed_at >= bindparam("since")
    )

    def record(self, key: str, now: datetime) -> None:
        db.session.add(LoginFailure(key=key, failed_at=now))
        self._delete_expired(now)
        db.session.commit()

    def forget_expired(self, now: datetime) -> int:
        removed = self._delete_expired(now)
        db.session.commit()
        return removed

    @staticmethod
    def _delete_expired(now: datetime) -> int:
        # Every key, not only this one: an address that never fails again is forgotten too.
        result = db.session.execute(delete(LoginFailure).where(LoginFailure.failed_at < now - WINDOW))
        return int(getattr(result, "rowcount", 0) or 0)

    def stats(self, key: str, now: datetime) -> tuple[int, datetime | None, datetime | None]:
        row = db.session.execute(self._STATS, {"key": key, "since": now - WINDOW}).one()
        return int(row[0]), _aware(row[1]), _aware(row[2])

    def clear(self, key: str) -> None:
        db.session.execute(delete(LoginFailure).where(LoginFailure.key == key))
        db.session.commit()


class RedisStore:
    """A sorted set of failure times per key, trimmed to the window and expiring with it."""

    def __init__(self, url: str) -> None:
        import redis

        self.redis = redis.Redis.from_url(url)

    def _name(self, key: str) -> str:
        return f"course:login-failures:{key}"

    def record(self, key: str, now: datetime) -> None:
        stamp = now.timestamp()
        name = self._name(key)
        with self.redis.pipeline() as pipe:
            pipe.zadd(name, {f"{stamp}:{id(now)}": stamp})
            pipe.zremrangebyscore(name, 0, stamp - WINDOW.total_seconds())
            # The whole key goes an hour after its last failure: no entry outlives two hours.
            pipe.expire(name, int(WINDOW.total_seconds()))
            pipe.execute()

    def stats(self, key: str, now: datetime) -> tuple[int, datetime | None, datetime | None]:
        since = now.timestamp() - WINDOW.total_seconds()
        scores = [score for _, score in self.redis.zrangebyscore(self._name(key), since, "+inf", withscores=True)]
        if not scores:
            return 0, None, None
        return len(scores), datetime.fromtimestamp(max(scores), UTC), datetime.fromtimestamp(min(scores), UTC)

    def clear(self, key: str) -> None:
        self.redis.delete(self._name(key))

    def forget_expired(self, now: datetime) -> int:
        return 0  # keys expire by themselves (see record)


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def init_app(app: Flask) -> None:
    url = app.config.get("REDIS_URL")
    app.extensions["course.accounts.throttle"] = RedisStore(url) if url else DatabaseStore()


def _store() -> FailureStore:
    return current_app.extensions["course.accounts.throttle"]


Keys = list[tuple[str, Rule]]


def wait_for(keys: Keys, now: datetime | None = None) -> int:
    """Seconds until every count in ``keys`` allows another try (0: go ahead)."""
    now = now or datetime.now(UTC)
    store = _store()
    with db.reading():  # only reads: must not wait for SQLite's write lock
        return max((wait_seconds(rule, *store.stats(key, now), now) for key, rule in keys), default=0)


def failed(keys: Keys, now: datetime | None = None) -> None:
    now = now or datetime.now(UTC)
    store = _store()
    for key, _ in keys:
        store.record(key, now)


def forget_expired(now: datetime | None = None) -> int:
    """Remove every failure older than the window; the purge runs this on its schedule."""
    return _store().forget_expired(now or datetime.now(UTC))


def cleared(keys: Keys) -> None:
    """Forget the counts of ``keys``; the usual case has nothing to forget and writes nothing."""
    store = _store()
    now = datetime.now(UTC)
    for key, _ in keys:
        with db.reading():
            failures = store.stats(key, now)[0]
        if failures:
            store.clear(key)


def _user(username: str) -> str:
    return username.strip().lower()[:41]  # usernames are at most 40: longer ones name no one


def _login_keys(username: str, address: str | None, device: str | None) -> Keys:
    if device is not None:
        return [(f"device:{device}", DEVICE_RULE)]
    keys = [(f"user:{_user(username)}", ACCOUNT_RULE)]
    if address:
        keys.append((f"addr:{address[:45]}", ADDRESS_RULE))
    return keys


def seconds_to_wait(username: str, address: str | None, device: str | None = None, now: datetime | None = None) -> int:
    """For a login: ``device`` is this browser's device id for the account, when it has one."""
    return wait_for(_login_keys(username, address, device), now)


def record_failure(username: str, address: str | None, device: str | None = None, now: datetime | None = None) -> None:
    now = now or datetime.now(UTC)
    if device is not None:
        failed(_login_keys(username, address, device), now)
        return
    failed([(f"user:{_user(username)}", ACCOUNT_RULE)], now)
    if address:
        # The address counts each account once an hour: the first failure for this account from here.
        pair = (f"pair:{address[:45]}:{_user(username)}", ACCOUNT_RULE)
        store = _store()
        if store.stats(pair[0], now)[0] == 0:
            failed([(f"addr:{address[:45]}", ADDRESS_RULE)], now)
        failed([pair], now)


def record_success(username: str, device: str | None = None) -> None:
    """A right password clears the account's count and this browser's; the address count stays."""
    keys: Keys = [(f"user:{_user(username)}", ACCOUNT_RULE)]
    if device is not None:
        keys.append((f"device:{device}", DEVICE_RULE))
    cleared(keys)


def password_change_keys(user_id: int) -> Keys:
    return [(f"password-change:{user_id}", PASSWORD_CHANGE_RULE)]


def form_keys(form: str, address: str | None, session_id: str) -> Keys:
    """Codes and sign-up: per address and per browser session."""
    keys = [(f"{form}-session:{session_id}", FORM_SESSION_RULE)]
    if address:
        keys.append((f"{form}-addr:{address[:45]}", FORM_ADDRESS_RULE))
    return keys
