"""The live lesson under gunicorn: `python -m bench.live --json`.

- ``live_poll_rps``: unchanged-state polls (answered 304) a second. Forty classes of thirty phones
  polling every two seconds make 600 a second; the target is at least 2,000.
- ``live_poll_vs_healthz``: the same polls against /healthz measured right after on the same server:
  the share of the bare framework's speed a poll keeps, which a busy machine changes far less.
- ``live_vote_p95_ms``: thirty students answering within the same second (each at a random moment
  of it), 95th percentile of the time from the vote until the page it lands on has arrived.
- ``live_vote_at_once_p95_ms``: the same with all thirty at the same instant (a barrier), the
  harder case: it shows how long the server takes to work through a whole class at once.
- ``live_reveal_ms``: from the teacher's reveal until the last of thirty phones, each polling every
  two seconds as ``static/js/live.js`` does, has seen the new state.
Every figure is the median of its rounds.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import statistics
import sys
import threading
import time

import requests

from .clients import Student, at_once, csrf, post_form_and_follow, requests_per_second, wrk_requests_per_second
from .server import STUDENT_PASSWORD, TEACHER_PASSWORD, gunicorn, seed, temporary_sqlite

LESSON = "digitale-voetafdruk"
CLASS_SIZE = 30
POLL_SECONDS = 2.0


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))]


def _teacher(base: str, username: str) -> requests.Session:
    http = requests.Session()
    page = http.get(f"{base}/login", timeout=30).text
    http.post(
        f"{base}/login", data={"username": username, "password": TEACHER_PASSWORD, "csrf_token": csrf(page)}, timeout=30
    ).raise_for_status()
    return http


def _start(base: str, teacher: requests.Session, class_id: int) -> tuple[int, str]:
    page = teacher.get(f"{base}/teacher/classes/{class_id}", timeout=30).text
    response = teacher.post(
        f"{base}/live/start",
        data={"class_id": class_id, "lesson": LESSON, "csrf_token": csrf(page)},
        timeout=30,
        allow_redirects=False,
    )
    session_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    board = teacher.get(f"{base}/live/{session_id}/board", timeout=30).text
    code = board.split('class="room-code board-code">', 1)[1].split("<", 1)[0]
    return session_id, code


def _act(base: str, teacher: requests.Session, session_id: int, action: str) -> None:
    page = teacher.get(f"{base}/live/{session_id}", timeout=30).text
    teacher.post(f"{base}/live/{session_id}/{action}", data={"csrf_token": csrf(page)}, timeout=30).raise_for_status()


def poll_rps(base: str, code: str, seconds: float) -> tuple[float, float]:
    """(unchanged-state polls a second, /healthz a second), back to back on the same server: on a
    shared, noisy machine their ratio says more than either figure alone."""
    url = f"{base}/live/r/{code}/state.json"
    etag = requests.get(url, timeout=30).headers["ETag"]
    if shutil.which("wrk"):  # a C client: the figure is the server's, not the Python client's
        polls = wrk_requests_per_second(url, seconds, headers={"If-None-Match": etag})
        return polls, wrk_requests_per_second(f"{base}/healthz", seconds)
    polls = requests_per_second(lambda s: s.get(url, headers={"If-None-Match": etag}, timeout=30), seconds, expect=304)
    return polls, requests_per_second(lambda s: s.get(f"{base}/healthz", timeout=30), seconds)


def vote_round(base: str, students: list[Student], code: str, position: int, spread: float) -> list[float]:
    """Milliseconds from each student's vote until the page it lands on has arrived; all released
    at one instant, each then waiting a random moment within ``spread`` seconds."""
    pages = [s.http.get(f"{base}/live/r/{code}", timeout=30).text for s in students]
    choices = re.findall(r'name="choice" value="([^"]+)"', pages[0])

    def vote(i: int) -> int:
        data = {"csrf_token": csrf(pages[i]), "position": position, "choice": random.choice(choices)}
        return post_form_and_follow(f"{base}/live/r/{code}/answer", data, students[i].http)

    results = at_once(len(students), vote, spread=spread)
    failed = [status for _, status in results if status != 200]
    if failed:
        raise RuntimeError(f"votes failed: {failed}")
    return [seconds * 1000 for seconds, _ in results]


def reveal_ms(base: str, teacher: requests.Session, session_id: int, code: str, phones: int) -> float:
    url = f"{base}/live/r/{code}/state.json"
    first = requests.get(url, timeout=30)
    etag, version = first.headers["ETag"], first.json()["v"]
    seen: list[float] = []
    lock = threading.Lock()
    revealed_at: list[float] = []
    stop = time.monotonic() + 30

    def phone(offset: float) -> None:
        http = requests.Session()
        time.sleep(offset)  # phones poll out of step, as real ones do
        while time.monotonic() < stop:
            response = http.get(url, headers={"If-None-Match": etag}, timeout=30)
            if response.status_code == 200 and response.json()["v"] != version and revealed_at:
                with lock:
                    seen.append(time.monotonic() - revealed_at[0])
                return
            time.sleep(POLL_SECONDS)

    threads = [threading.Thread(target=phone, args=(random.uniform(0, POLL_SECONDS),)) for _ in range(phones)]
    for thread in threads:
        thread.start()
    time.sleep(POLL_SECONDS + 0.5)
    revealed_at.append(time.monotonic())
    _act(base, teacher, session_id, "reveal")
    for thread in threads:
        thread.join()
    return max(seen) * 1000 if len(seen) == phones else float("nan")


def run(quick: bool) -> dict[str, object]:
    rounds = 3 if quick else 5
    with temporary_sqlite() as url:
        seeded = seed(url, CLASS_SIZE)
        with gunicorn(url, workers=int(os.environ.get("WEB_CONCURRENCY", 2 * (os.cpu_count() or 1) + 1))) as base:
            teacher = _teacher(base, seeded.teacher)
            session_id, code = _start(base, teacher, seeded.class_id)
            students = [Student(base, name, STUDENT_PASSWORD) for name in seeded.students]
            for student in students:
                student.login()
            polls, healths, votes, at_once_votes, reveals = [], [], [], [], []
            for r in range(rounds):
                poll, health = poll_rps(base, code, 2.0 if quick else 5.0)
                polls.append(poll)
                healths.append(health)
                # Both rounds vote on one statement: the second changes answers. Alternate which
                # goes first, so neither figure is always the one of changed answers.
                for spread in (1.0, 0.0) if r % 2 == 0 else (0.0, 1.0):
                    p95 = percentile(vote_round(base, students, code, r, spread=spread), 0.95)
                    (votes if spread else at_once_votes).append(p95)
                reveals.append(reveal_ms(base, teacher, session_id, code, CLASS_SIZE))
                _act(base, teacher, session_id, "next")
    return {
        "live_poll_rps": round(statistics.median(polls), 1),
        "live_poll_vs_healthz": round(statistics.median(p / h for p, h in zip(polls, healths, strict=True)), 3),
        "live_vote_p95_ms": round(statistics.median(votes), 1),
        "live_vote_at_once_p95_ms": round(statistics.median(at_once_votes), 1),
        "live_reveal_ms": round(statistics.median(reveals), 1),
        "live_rounds": rounds,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.live", description=__doc__)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    figures = run(args.quick)
    print(json.dumps(figures, indent=2) if args.json else "\n".join(f"{k:20} {v}" for k, v in figures.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
