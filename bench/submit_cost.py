"""`python -m bench.submit_cost [--profile]`: the CPU one quiz submit costs, and where it goes.

Runs the app in this process on a fresh PostgreSQL schema (``bench.postgres``), logs students in
through the real forms, starts the quiz for each, then hands in one attempt per student and times
the CPU of this process (the app and the database driver; the database server's own work is not
counted) for the POST and for the result page it leads to. ``--profile`` prints cProfile's top
items for the same submits.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import re
import statistics
import sys
import time
from collections import Counter
from typing import Any

from .clients import csrf
from .postgres import postgres_url, temporary_schema
from .server import STUDENT_PASSWORD, seed

QUIZ_SLUG = "privacy-instellingen"


def _prepared(app: Any, usernames: list[str], form: dict[str, Any]) -> list[tuple[Any, str, dict[str, Any]]]:
    """(test client, attempt URL, form with its CSRF token) per student, quiz started."""
    ready = []
    for name in usernames:
        client = app.test_client()
        token = csrf(client.get("/login").get_data(as_text=True))
        response = client.post("/login", data={"username": name, "password": STUDENT_PASSWORD, "csrf_token": token})
        assert response.status_code == 302, f"login of {name} failed"
        page = client.get(f"/quizzes/{QUIZ_SLUG}").get_data(as_text=True)
        response = client.post(f"/quizzes/{QUIZ_SLUG}/start", data={"csrf_token": csrf(page)})
        url = re.sub(r"^https?://[^/]+", "", response.headers["Location"])
        page = client.get(url).get_data(as_text=True)
        ready.append((client, url, {**form, "csrf_token": csrf(page)}))
    return ready


def measure(count: int = 40, warmup: int = 5, profile: bool = False) -> dict[str, Any]:
    """Median CPU milliseconds of a submit POST and of its result page, over ``count`` students."""
    from course import create_app

    from .__main__ import quiz_form

    base = postgres_url()
    if base is None:
        raise RuntimeError("set BENCH_DATABASE_URL (or TEST_DATABASE_URL) to a postgresql+psycopg:// URL")
    with temporary_schema(base) as url:
        seeded = seed(url, count + warmup)
        app = create_app({"SECRET_KEY": "bench-secret", "DATABASE_URL": url})
        app.logger.disabled = True
        ready = _prepared(app, seeded.students, quiz_form(QUIZ_SLUG))
        submit_cpu, page_cpu = [], []
        profilers = {"submit": cProfile.Profile(time.process_time), "result page": cProfile.Profile(time.process_time)}
        for n, (client, url_path, form) in enumerate(ready):
            timed = n >= warmup
            watch = profile and timed
            if watch:
                profilers["submit"].enable()
            started = time.process_time()
            response = client.post(url_path, data=form)
            middle = time.process_time()
            if watch:
                profilers["submit"].disable()
                profilers["result page"].enable()
            page = client.get(response.headers["Location"])
            ended = time.process_time()
            if watch:
                profilers["result page"].disable()
            assert response.status_code == 302 and page.status_code == 200, (response.status_code, page.status_code)
            if timed:
                submit_cpu.append((middle - started) * 1000)
                page_cpu.append((ended - middle) * 1000)
        with app.app_context():
            from course.core.extensions import db

            db.session.remove()
            db.engine.dispose()
    result: dict[str, Any] = {
        "submit_cpu_ms": round(statistics.median(submit_cpu), 2),
        "result_page_cpu_ms": round(statistics.median(page_cpu), 2),
    }
    if profile:
        result["profile"] = "\n".join(report(name, p, count) for name, p in profilers.items())
    return result


def report(name: str, profiler: cProfile.Profile, requests: int) -> str:
    """CPU per request by package, database round trips, and the app's own costliest calls."""
    stats = pstats.Stats(profiler)
    by_package: Counter[str] = Counter()
    calls = 0
    round_trips = 0
    for (filename, _, function), (_, ncalls, tottime, _, _) in stats.stats.items():  # type: ignore[attr-defined]
        by_package[_package(filename)] += tottime
        calls += ncalls
        if filename.endswith("psycopg/connection.py") and function == "wait":
            round_trips += ncalls
    per_request = f"{calls / requests:.0f} Python calls, {round_trips / requests:.1f} database round trips"
    lines = [f"== {name}: {per_request} a request"]
    lines += [f"  {package:28} {seconds / requests * 1000:6.2f} ms" for package, seconds in by_package.most_common(12)]
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(r"/course/", 15)
    lines += ["  costliest app functions (cumulative, profiled CPU):"]
    lines += [f"  {line.strip()}" for line in out.getvalue().splitlines() if "/course/" in line]
    return "\n".join(lines)


def _package(filename: str) -> str:
    match = re.search(r"site-packages/([A-Za-z0-9_]+)", filename)
    if match:
        return match.group(1)
    if "/course/templates/" in filename:
        return "templates (jinja2 compiled)"
    match = re.search(r"/course/([a-z_]+)/", filename)
    if match:
        return f"course.{match.group(1)}"
    return "standard library"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.submit_cost", description=__doc__)
    parser.add_argument("--count", type=int, default=40)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args(argv)
    result = measure(args.count, profile=args.profile)
    profile = result.pop("profile", None)
    print(json.dumps(result, indent=2))
    if profile:
        print(profile)
    return 0


if __name__ == "__main__":
    sys.exit(main())
