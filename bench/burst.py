"""The end-of-test burst: 100 students hand in the same quiz in the same second, on PostgreSQL.

gunicorn with 5 workers (``gunicorn.conf.py``) on a fresh schema of the PostgreSQL server named by
``BENCH_DATABASE_URL`` or ``TEST_DATABASE_URL``. Every student logs in and starts the quiz first;
then all of them press "Inleveren" within the same second, each at a random moment of it (the
issue's burst, ``burst100_pg_*``), and in rounds of their own all at the same instant (a barrier
releases them together: harder, ``burst100_at_once_pg_*``). Each time runs from the POST until the
result page it leads to has arrived. Afterwards the database must hold exactly one submitted attempt
per student with all its items.
"""

from __future__ import annotations

import statistics
from typing import Any

from sqlalchemy import create_engine, func, select

from .clients import Student, at_once, submit_and_review
from .postgres import postgres_url, temporary_schema
from .server import STUDENT_PASSWORD, gunicorn, seed

QUIZ_SLUG = "privacy-instellingen"
STUDENTS = 100
WORKERS = 5


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))]


def stored_attempts(url: str) -> tuple[dict[int, int], int]:
    """(submitted attempts per user, attempt items in all): what "stored exactly once" is read from."""
    from course.models import AttemptItem, QuizAttempt

    engine = create_engine(url)
    with engine.connect() as conn:
        per_user = dict(
            conn.execute(
                select(QuizAttempt.user_id, func.count())
                .where(QuizAttempt.submitted_at.is_not(None))
                .group_by(QuizAttempt.user_id)
            ).all()
        )
        items = conn.execute(select(func.count()).select_from(AttemptItem)).scalar_one()
    engine.dispose()
    return per_user, items


def burst_round(base: str, usernames: list[str], form: dict[str, Any], spread: float) -> list[float]:
    """Milliseconds from each POST until its result page arrived; each student presses at a random
    moment within ``spread`` seconds (0: all at once)."""
    students = [Student(base, name, STUDENT_PASSWORD) for name in usernames]
    for student in students:
        student.login()
    started = [student.start_quiz(QUIZ_SLUG) for student in students]

    def submit(i: int) -> tuple[int, int]:
        token, csrf = started[i]
        url = f"{base}/quizzes/{QUIZ_SLUG}/attempts/{token}"
        return submit_and_review(url, {**form, "csrf_token": csrf}, students[i].http)

    results = at_once(len(students), submit, spread=spread)
    for student in students:
        student.http.close()
    bad = [r for _, r in results if r != (302, 200)]
    if bad:
        raise RuntimeError(f"{len(bad)} of {len(results)} submits failed: {bad[:3]}")
    return [seconds * 1000 for seconds, _ in results]


def measure(rounds: int = 3) -> dict[str, Any]:
    """p95 and max per round (median over rounds) for both shapes, and whether every attempt was
    stored once. The shapes alternate which goes first, so both see the same machine."""
    from .__main__ import quiz_form

    base_url = postgres_url()
    if base_url is None:
        raise RuntimeError("set BENCH_DATABASE_URL (or TEST_DATABASE_URL) to a postgresql+psycopg:// URL")
    form = quiz_form(QUIZ_SLUG)
    p95s: dict[float, list[float]] = {1.0: [], 0.0: []}
    maxes: dict[float, list[float]] = {1.0: [], 0.0: []}
    with temporary_schema(base_url) as url:
        seeded = seed(url, STUDENTS * rounds * 2)
        with gunicorn(url, workers=WORKERS) as base:
            for r in range(rounds):
                for n, spread in enumerate((1.0, 0.0) if r % 2 == 0 else (0.0, 1.0)):
                    first = (2 * r + n) * STUDENTS
                    timings = burst_round(base, seeded.students[first : first + STUDENTS], form, spread)
                    p95s[spread].append(percentile(timings, 0.95))
                    maxes[spread].append(max(timings))
        per_user, items = stored_attempts(url)
    from course.content.catalog import load_catalog

    from .server import ROOT

    questions = len(load_catalog(ROOT / "lessons", ROOT / "quizzes").quizzes[QUIZ_SLUG].questions)
    everyone = len(per_user) == STUDENTS * rounds * 2
    once = everyone and set(per_user.values()) == {1} and items == len(per_user) * questions
    return {
        "burst100_pg_p95_ms": round(statistics.median(p95s[1.0]), 1),
        "burst100_pg_max_ms": round(statistics.median(maxes[1.0]), 1),
        "burst100_pg_p95_rounds_ms": [round(v) for v in p95s[1.0]],
        "burst100_at_once_pg_p95_ms": round(statistics.median(p95s[0.0]), 1),
        "burst100_at_once_pg_max_ms": round(statistics.median(maxes[0.0]), 1),
        "burst100_at_once_pg_p95_rounds_ms": [round(v) for v in p95s[0.0]],
        "burst100_pg_stored_once": once,
    }


if __name__ == "__main__":
    import json

    print(json.dumps(measure(), indent=2))
