"""`python -m bench.gradebook`: render time and SQL statements of the class gradebook at several sizes.

Builds classes of 30, 300 and 1,000 students in a temporary SQLite database, every student with
every lesson done, every assignment handed in and reviewed, and every quiz taken (rows inserted in
bulk, not through HTTP), then renders the grid through the test client as the class's teacher.
The query count must be the same for every size; the time shows what a big class costs.
"""

from __future__ import annotations

import argparse
import gc
import json
import secrets
import statistics
import sys
import time
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from sqlalchemy import event, insert

from .clients import csrf
from .server import temporary_sqlite

TEACHER = "bench-docent"
TEACHER_PASSWORD = "bench docent wachtwoord"


def fill_class(teacher_id: int, size: int, name: str) -> int:
    """One class of ``size`` students who did everything; returns its id. Needs an app context."""
    from course.core.content_store import catalog
    from course.core.extensions import db
    from course.models import (
        AttemptItem,
        ClassTeacher,
        Enrolment,
        LessonProgress,
        QuizAttempt,
        Review,
        SchoolClass,
        Submission,
        User,
        utcnow,
    )

    content = catalog()
    lessons = list(content.lessons.values())
    with_assignment = [lesson for lesson in lessons if lesson.assignment]
    now = utcnow()
    school_class = SchoolClass(name=name, school_year="2026-2027", join_code=secrets.token_hex(6).upper())
    db.session.add(school_class)
    db.session.flush()
    db.session.add(ClassTeacher(class_id=school_class.id, teacher_id=teacher_id, is_owner=True))
    users = [
        {"username": f"{name.lower()}-{n:04d}", "display_name": f"Student {n:04d}", "password_hash": "-",
         "is_student": True}
        for n in range(size)
    ]
    ids = list(db.session.scalars(insert(User).returning(User.id), users))
    db.session.execute(insert(Enrolment), [{"class_id": school_class.id, "student_id": i} for i in ids])
    db.session.execute(insert(LessonProgress), [
        {"student_id": i, "lesson_slug": lesson.slug, "done_at": now} for i in ids for lesson in lessons
    ])
    submissions = list(db.session.scalars(insert(Submission).returning(Submission.id), [
        {"student_id": i, "lesson_slug": lesson.slug, "version": 1, "body_text": "Mijn uitwerking.",
         "body_html": "<p>Mijn uitwerking.</p>", "submitted_at": now, "class_id": school_class.id}
        for i in ids for lesson in with_assignment
    ]))
    db.session.execute(insert(Review), [
        {"submission_id": s, "teacher_id": teacher_id, "status": "approved" if n % 3 else "needs_work",
         "feedback_text": "Goed gedaan.", "feedback_html": "<p>Goed gedaan.</p>", "created_at": now}
        for n, s in enumerate(submissions)
    ])
    for quiz in content.quizzes.values():
        attempts = list(db.session.scalars(insert(QuizAttempt).returning(QuizAttempt.id), [
            {"user_id": i, "quiz_slug": quiz.slug, "quiz_version": quiz.version, "token": secrets.token_urlsafe(24),
             "seed": n, "is_preview": False, "started_at": now, "submitted_at": now,
             "score": Decimal(quiz.max_score * (n % 5 + 6)) / 10, "max_score": quiz.max_score,
             "class_id": school_class.id}
            for n, i in enumerate(ids)
        ]))
        db.session.execute(insert(AttemptItem), [
            {"attempt_id": a, "question_id": q.id, "position": p, "score": Decimal(q.points if (a + p) % 4 else 0),
             "max_score": q.points, "chosen": [], "misconceptions": []}
            for a in attempts for p, q in enumerate(quiz.questions, start=1)
        ])
    db.session.commit()
    return school_class.id


def _login(client: Any) -> None:
    page = client.get("/login").get_data(as_text=True)
    response = client.post("/login", data={"username": TEACHER, "password": TEACHER_PASSWORD, "csrf_token": csrf(page)})
    if response.status_code != 302:
        raise RuntimeError(f"teacher login failed: {response.status_code}")


def measure_gradebook(sizes: Iterable[int] = (30, 300, 1000), rounds: int = 5) -> dict[int, tuple[float, int]]:
    """Per class size: (median render time of the grid in milliseconds, SQL statements per render)."""
    from course import create_app
    from course.accounts import rules as accounts
    from course.core.extensions import db
    from course.core.migrate import upgrade

    results: dict[int, tuple[float, int]] = {}
    with temporary_sqlite() as url:
        app = create_app({"TESTING": True, "SECRET_KEY": "bench", "DATABASE_URL": url})
        with app.app_context():
            upgrade(db.engine)
            teacher = accounts.create_user(TEACHER, "Bench docent", TEACHER_PASSWORD, roles=("teacher",))
            db.session.commit()
            classes = {size: fill_class(teacher.id, size, f"Bench{size}") for size in sizes}
            engine = db.engine
        client = app.test_client()
        _login(client)
        # As gunicorn.conf.py does once the app is loaded: long-lived objects leave the collector's
        # sight, so the figures are those of a production worker.
        gc.freeze()
        statements: list[str] = []

        def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            statements.append(statement)

        for size, class_id in classes.items():
            url_path = f"/teacher/gradebook/{class_id}"
            client.get(url_path)  # warm up templates and caches
            statements.clear()
            event.listen(engine, "before_cursor_execute", count)
            try:
                response = client.get(url_path)
            finally:
                event.remove(engine, "before_cursor_execute", count)
            if response.status_code != 200:
                raise RuntimeError(f"grid of {size} students: HTTP {response.status_code}")
            times = []
            for _ in range(rounds):
                started = time.perf_counter()
                client.get(url_path)
                times.append((time.perf_counter() - started) * 1000)
            results[size] = (statistics.median(times), len(statements))
        gc.unfreeze()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.gradebook", description=__doc__)
    parser.add_argument("--sizes", default="30,300,1000", help="class sizes, comma separated")
    parser.add_argument("--rounds", type=int, default=5, help="renders per size (the median is shown)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    sizes = tuple(int(s) for s in args.sizes.split(","))
    figures = measure_gradebook(sizes, args.rounds)
    if args.json:
        print(json.dumps({str(k): {"ms": round(ms, 1), "queries": q} for k, (ms, q) in figures.items()}, indent=2))
        return 0
    print(f"{'students':>8}  {'render ms (median)':>18}  {'SQL statements':>14}")
    for size, (ms, queries) in figures.items():
        print(f"{size:>8}  {ms:>18.1f}  {queries:>14}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
