"""Login throttling per account and per address, shared by every worker.

After a few failures the wait before the next try grows; an account takes at most 100 failures an
hour (OWASP ASVS). Counts live in the database, or in Redis when REDIS_URL is set, never in one
worker's memory. The same generic message is shown whether or not the username exists.
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


# A classroom often shares one public address: the per-address rule is far looser than per account.
ACCOUNT_RULE = Rule(free_failures=5, max_per_window=100, max_delay_seconds=15 * 60)
ADDRESS_RULE = Rule(free_failures=30, max_per_window=1000, max_delay_seconds=5 * 60)


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


class DatabaseStore:
    # Built once with parameters: building a statement costs more than running this one.
    _STATS = select(func.count(), func.max(LoginFailure.failed_at), func.min(LoginFailure.failed_at)).where(
        LoginFailure.key == bindparam("key"), LoginFailure.failed_at >= bindparam("since")
    )

    def record(self, key: str, now: datetime) -> None:
        db.session.add(LoginFailure(key=key, failed_at=now))
        db.session.execute(delete(LoginFailure).where(LoginFailure.key == key, LoginFailure.failed_at < now - WINDOW))
        db.session.commit()

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
            pipe.expire(name, int(WINDOW.total_seconds()) + 60)
            pipe.execute()

    def stats(self, key: str, now: datetime) -> tuple[int, datetime | None, datetime | None]:
        since = now.timestamp() - WINDOW.total_seconds()
        scores = [score for _, score in self.redis.zrangebyscore(self._name(key), since, "+inf", withscores=True)]
        if not scores:
            return 0, None, None
        return len(scores), datetime.fromtimestamp(max(scores), UTC), datetime.fromtimestamp(min(scores), UTC)

    def clear(self, key: str) -> None:
        self.redis.delete(self._name(key))


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def init_app(app: Flask) -> None:
    url = app.config.get("REDIS_URL")
    app.extensions["course.accounts.throttle"] = RedisStore(url) if url else DatabaseStore()


def _store() -> FailureStore:
    return current_app.extensions["course.accounts.throttle"]


def _keys(username: str, address: str | None) -> list[tuple[str, Rule]]:
    keys = [(f"user:{username.strip().lower()[:100]}", ACCOUNT_RULE)]
    if address:
        keys.append((f"addr:{address[:100]}", ADDRESS_RULE))
    return keys


def seconds_to_wait(username: str, address: str | None, now: datetime | None = None) -> int:
    now = now or datetime.now(UTC)
    store = _store()
    return max(wait_seconds(rule, *store.stats(key, now), now) for key, rule in _keys(username, address))


def record_failure(username: str, address: str | None, now: datetime | None = None) -> None:
    now = now or datetime.now(UTC)
    store = _store()
    for key, _ in _keys(username, address):
        store.record(key, now)


def record_success(username: str) -> None:
    """A right password clears the account's count; the address count stays (others may guess).
    Nothing to clear is the usual case: then nothing is written."""
    key = _keys(username, None)[0][0]
    store = _store()
    with db.reading():  # the usual case writes nothing, so it must not wait for the write lock
        failures = store.stats(key, datetime.now(UTC))[0]
    if failures:
        store.clear(key)
