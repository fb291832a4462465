"""Password guessing is slowed down per account and per address, for every worker alike."""

import os
from datetime import UTC, datetime, timedelta

import pytest

from course.accounts import throttle
from course.accounts.throttle import ACCOUNT_RULE, ADDRESS_RULE, wait_seconds
from course.core.extensions import db

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def test_no_wait_for_the_first_failures():
    assert wait_seconds(ACCOUNT_RULE, 4, NOW, NOW, NOW) == 0


def test_wait_grows_after_five_failures():
    waits = [wait_seconds(ACCOUNT_RULE, n, NOW, NOW - timedelta(minutes=5), NOW) for n in range(5, 10)]
    assert waits == [1, 2, 4, 8, 16]


def test_wait_is_capped_and_ends():
    assert wait_seconds(ACCOUNT_RULE, 40, NOW, NOW - timedelta(minutes=30), NOW) == 15 * 60
    later = NOW + timedelta(minutes=15)
    assert wait_seconds(ACCOUNT_RULE, 40, NOW, NOW - timedelta(minutes=30), later) == 0


def test_at_most_a_hundred_failures_an_hour_per_account():
    oldest = NOW - timedelta(minutes=50)
    assert wait_seconds(ACCOUNT_RULE, 100, NOW - timedelta(hours=1), oldest, NOW) == 10 * 60


def test_a_classroom_behind_one_address_is_not_slowed_by_a_few_typos():
    assert wait_seconds(ADDRESS_RULE, 25, NOW, NOW, NOW) == 0


def login(auth, username, password):
    return auth.login(username, password)


def test_sixth_wrong_password_must_wait_even_with_the_right_one(auth):
    auth.make_user("lotte", "student")
    for _ in range(5):
        assert login(auth, "lotte", "niet goed geraden").status_code == 200
    response = login(auth, "lotte", "correct horse battery")
    assert response.status_code == 429
    assert "Te veel mislukte pogingen" in response.get_data(as_text=True)


def test_unknown_usernames_are_throttled_the_same_way(auth):
    for _ in range(5):
        login(auth, "bestaatniet", "gok")
    html = login(auth, "bestaatniet", "gok").get_data(as_text=True)
    assert "Te veel mislukte pogingen" in html


def test_a_successful_login_clears_the_account_count(app, auth):
    auth.make_user("lotte", "student")
    for _ in range(4):
        login(auth, "lotte", "fout")
    assert login(auth, "lotte", "correct horse battery").status_code == 302
    auth.logout()
    for _ in range(4):
        login(auth, "lotte", "fout")
    assert login(auth, "lotte", "correct horse battery").status_code == 302


def test_failures_are_shared_between_workers(auth, app):
    """A second app on the same database (another worker) sees the same count."""
    from course import create_app

    for _ in range(5):
        login(auth, "esra", "fout")
    just_after = datetime.now(UTC)  # the fifth failure asks a one-second wait; starting an app may take longer
    other_worker = create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": app.config["DATABASE_URL"]})
    with other_worker.test_request_context("/login", method="POST"):
        assert throttle.seconds_to_wait("esra", None, now=just_after) > 0
        db.session.remove()
        db.engine.dispose()


def redis_available() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url("redis://127.0.0.1:6379/15", socket_timeout=0.5).ping())
    except Exception:
        return False


@pytest.mark.skipif(not redis_available(), reason="no Redis server at 127.0.0.1:6379")
def test_redis_store_counts_like_the_database():
    store = throttle.RedisStore("redis://127.0.0.1:6379/15")
    key = f"user:test-redis-store-{os.getpid()}"  # the SQLite and PostgreSQL passes run at once
    store.clear(key)
    for minutes in (30, 20, 10):
        store.record(key, NOW - timedelta(minutes=minutes))
    store.record(key, NOW - timedelta(hours=2))  # outside the window
    count, last, oldest = store.stats(key, NOW)
    assert count == 3
    assert last == NOW - timedelta(minutes=10)
    assert oldest == NOW - timedelta(minutes=30)
    store.clear(key)
    assert store.stats(key, NOW)[0] == 0
