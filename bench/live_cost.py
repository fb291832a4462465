"""`python -m bench.live_cost [--profile]`: the CPU one live vote and its room page cost.

Runs the app in this process on a temporary SQLite database, starts a live lesson for a class of
thirty, logs the students in through the real forms, and has each of them answer the first
statement ``--rounds`` times (changing their answer). For every vote it times the CPU of the POST
and of the room page the POST redirects to, and counts the SQL statements of each. The first round
warms up and is not counted. ``--profile`` adds cProfile's report in ``bench.submit_cost``'s form.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import json
import re
import statistics
import sys
import time
from typing import Any

from sqlalchemy import event

from .clients import csrf
from .live import CLASS_SIZE, LESSON
from .server import STUDENT_PASSWORD, TEACHER_PASSWORD, seed, temporary_sqlite
from .submit_cost import report


def _logged_in(app: Any, username: str, password: str) -> Any:
    client = app.test_client()
    token = csrf(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"username": username, "password": password, "csrf_token": token})
    assert response.status_code == 302, f"login of {username} failed"
    return client


def measure(rounds: int = 4, profile: bool = False) -> dict[str, Any]:
    from course import create_app
    from course.core.extensions import db

    with temporary_sqlite() as url:
        seeded = seed(url, CLASS_SIZE)
        app = create_app({"SECRET_KEY": "bench-secret", "DATABASE_URL": url})
        app.logger.disabled = True
        teacher = _logged_in(app, seeded.teacher, TEACHER_PASSWORD)
        page = teacher.get(f"/teacher/classes/{seeded.class_id}").get_data(as_text=True)
        started = teacher.post(
            "/live/start", data={"class_id": seeded.class_id, "lesson": LESSON, "csrf_token": csrf(page)}
        )
        board = teacher.get(f"{started.headers['Location']}/board").get_data(as_text=True)
        code = board.split('class="room-code board-code">', 1)[1].split("<", 1)[0]
        students = []
        for name in seeded.students:
            client = _logged_in(app, name, STUDENT_PASSWORD)
            room = client.get(f"/live/r/{code}").get_data(as_text=True)
            students.append((client, csrf(room), re.findall(r'name="choice" value="([^"]+)"', room)))

        statements: list[str] = []
        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
        gc.collect()
        gc.freeze()  # as gunicorn's when_ready does: collections look only at the request's objects
        vote_cpu, page_cpu, vote_sql, page_sql = [], [], [], []
        profilers = {"vote": cProfile.Profile(time.process_time), "room page": cProfile.Profile(time.process_time)}
        for n in range(rounds):
            timed = n > 0
            for i, (client, token, choices) in enumerate(students):
                form = {"csrf_token": token, "position": 0, "choice": choices[(i + n) % len(choices)]}
                statements.clear()
                if profile and timed:
                    profilers["vote"].enable()
                begun = time.process_time()
                response = client.post(f"/live/r/{code}/answer", data=form)
                middle = time.process_time()
                if profile and timed:
                    profilers["vote"].disable()
                    profilers["room page"].enable()
                voted = len(statements)
                page = client.get(response.headers["Location"])
                ended = time.process_time()
                if profile and timed:
                    profilers["room page"].disable()
                assert response.status_code == 302 and page.status_code == 200, (response.status_code, page.status_code)
                if timed:
                    vote_cpu.append((middle - begun) * 1000)
                    page_cpu.append((ended - middle) * 1000)
                    vote_sql.append(voted)
                    page_sql.append(len(statements) - voted)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    result: dict[str, Any] = {
        "live_vote_cpu_ms": round(statistics.median(vote_cpu), 2),
        "live_room_page_cpu_ms": round(statistics.median(page_cpu), 2),
        "live_vote_statements": max(vote_sql),
        "live_room_page_statements": max(page_sql),
    }
    if profile:
        # SQLite runs inside this process: there are no round trips to a database server to count.
        reports = (report(name, p, len(vote_cpu)) for name, p in profilers.items())
        result["profile"] = "\n".join(r.replace(", 0.0 database round trips", "") for r in reports)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.live_cost", description=__doc__)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args(argv)
    result = measure(args.rounds, profile=args.profile)
    profile = result.pop("profile", None)
    print(json.dumps(result, indent=2))
    if profile:
        print(profile)
    return 0


if __name__ == "__main__":
    sys.exit(main())
