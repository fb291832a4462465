"""Two app servers behind nginx, as docs/deployment.md sets them up: PostgreSQL, Redis, two gunicorn
servers sharing one SECRET_KEY, nginx balancing round robin. Whatever a student or teacher does on
one server holds on the other, and a whole class taking a quiz through nginx is spread over both
with every attempt stored once.

Needs PostgreSQL (it runs in the PostgreSQL pass), nginx and redis-server (Debian packages). Where
CI runs (CI is set) a missing nginx or Redis fails the test with the command that installs it.
"""

from __future__ import annotations

import os
import re
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine, func, select

from bench.clients import Student, csrf
from bench.cluster import MISSING_NGINX, MISSING_REDIS, NGINX, Cluster, redis_available, two_servers
from bench.postgres import temporary_schema
from bench.server import STUDENT_PASSWORD, TEACHER_PASSWORD, Seeded, seed
from course.content.catalog import load_catalog
from course.models import AttemptItem, LiveAnswer, QuizAttempt

from .conftest import ON_POSTGRES, ROOT, TEST_DATABASE_URL
from .quiz_support import form_data, right_answers, text_of, wrong_option

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not ON_POSTGRES, reason="several servers share one PostgreSQL: runs in the PostgreSQL pass"),
]

QUIZ = "privacy-instellingen"
LESSON = "digitale-voetafdruk"
CLASS_SIZE = 30
STUDENTS = CLASS_SIZE + 12  # the class, plus some for the single checks below


@pytest.fixture(scope="module")
def cluster() -> Iterator[tuple[Cluster, Seeded]]:
    for missing, message in ((not os.path.exists(NGINX), MISSING_NGINX), (not redis_available(), MISSING_REDIS)):
        if missing:
            if os.environ.get("CI"):
                pytest.fail(message)
            pytest.skip(message)
    with temporary_schema(TEST_DATABASE_URL, prefix="two_servers") as url:
        seeded = seed(url, STUDENTS)
        with two_servers(url) as running:
            yield running, seeded


@pytest.fixture(scope="module")
def students(cluster) -> Iterator[list[str]]:
    names = list(cluster[1].students[CLASS_SIZE:])
    yield names


def quiz():
    return load_catalog(ROOT / "lessons", ROOT / "quizzes").quizzes[QUIZ]


def browser(base: str, username: str, password: str = STUDENT_PASSWORD) -> Student:
    return Student(base, username, password)


def on(person: Student, server: str) -> Student:
    """The same browser (cookie jar), talking to another server from now on."""
    person.base = server
    return person


def stored_attempts(cluster: Cluster, usernames: list[str]) -> tuple[Counter, int]:
    """Submitted attempts per username, and the items of all of them together."""
    from course.models import User

    engine = create_engine(cluster.database_url)
    with engine.connect() as conn:
        rows = conn.execute(
            select(User.username, func.count(AttemptItem.id))
            .join(QuizAttempt, QuizAttempt.user_id == User.id)
            .outerjoin(AttemptItem, AttemptItem.attempt_id == QuizAttempt.id)
            .where(User.username.in_(usernames), QuizAttempt.submitted_at.is_not(None))
            .group_by(QuizAttempt.id, User.username)
        ).all()
    engine.dispose()
    return Counter(name for name, _ in rows), sum(items for _, items in rows)


def test_a_class_through_nginx_is_spread_over_both_servers_and_every_attempt_is_stored_once(cluster):
    running, seeded = cluster
    class_names = seeded.students[:CLASS_SIZE]
    the_quiz = quiz()
    form = form_data(the_quiz, right_answers(the_quiz))

    def take_the_quiz(name: str) -> None:
        student = browser(running.base, name)
        student.login()
        assert student.http.get(f"{running.base}/lessons/{LESSON}", timeout=30).status_code == 200
        token, token_csrf = student.start_quiz(QUIZ)
        handed_in = student.submit(QUIZ, token, {**form, "csrf_token": token_csrf})
        assert handed_in.status_code == 302 and handed_in.headers["Location"].endswith("/review"), name
        review = student.http.get(f"{running.base}{handed_in.headers['Location']}", timeout=30)
        assert review.status_code == 200 and "total-score" in review.text
        student.http.close()

    with ThreadPoolExecutor(max_workers=6) as pool:  # a class works side by side
        list(pool.map(take_the_quiz, class_names))
    per_student, rows = stored_attempts(running, class_names)
    assert set(per_student) == set(class_names)
    assert rows == CLASS_SIZE * len(the_quiz.questions)  # one attempt each, with all its items
    answered_by = Counter(line.split()[0] for line in running.access_log.read_text().splitlines())
    ports = {server.base.removeprefix("http://") for server in running.servers}
    assert set(answered_by) - {"-"} == ports, answered_by
    low, high = (answered_by[port] for port in sorted(ports, key=answered_by.__getitem__))
    assert low >= 0.4 * (low + high), f"round robin should spread requests evenly: {answered_by}"


def test_a_login_on_one_server_holds_on_the_other(cluster, students):
    running, _ = cluster
    first, second = (server.base for server in running.servers)
    student = browser(first, students[0])
    student.login()
    page = on(student, second).http.get(f"{second}/lessons/{LESSON}", allow_redirects=False, timeout=30)
    assert page.status_code == 200, "the other server sent the student back to the login page"
    logged_out = requests.get(f"{second}/lessons/{LESSON}", allow_redirects=False, timeout=30)
    assert logged_out.status_code == 302  # a browser without the cookie is not let in


def test_the_login_throttle_counts_failures_made_on_both_servers(cluster, students):
    """Ten worker processes, each counting for itself, would let some fifty wrong passwords through
    before anyone waits; a shared count stops the guessing after five."""
    running, _ = cluster
    bases = [server.base for server in running.servers]
    name = students[1]
    refused_on, failures = set(), 0
    for attempt in range(16):
        base = bases[attempt % 2]
        guesser = browser(base, name, "wrong password")
        response = guesser.post_login(guesser.login_form())
        if response.status_code == 429:
            assert "Te veel mislukte pogingen" in text_of(response.text)
            refused_on.add(base)
        else:
            failures += 1
        if refused_on == set(bases):
            break
    assert refused_on == set(bases), "a server let the guessing go on"
    assert failures <= 8, f"{failures} wrong passwords got through before the wait began"
    # The right password waits too, on either server, while the wait lasts.
    rightful = browser(bases[0], name)
    assert rightful.post_login(rightful.login_form()).status_code == 429


def test_a_quiz_started_on_one_server_is_handed_in_on_the_other(cluster, students):
    running, _ = cluster
    first, second = (server.base for server in running.servers)
    the_quiz = quiz()
    student = browser(first, students[2])
    student.login()
    token, token_csrf = student.start_quiz(QUIZ)
    handed_in = on(student, second).submit(QUIZ, token, {**form_data(the_quiz, right_answers(the_quiz)),
                                                         "csrf_token": token_csrf})
    assert handed_in.status_code == 302 and handed_in.headers["Location"].endswith("/review")
    review = on(student, first).http.get(f"{first}{handed_in.headers['Location']}", timeout=30)
    assert "Je antwoorden zijn ingeleverd" in text_of(review.text)  # the flash set on the other server
    again = on(student, first).submit(QUIZ, token, {**form_data(the_quiz, right_answers(the_quiz)),
                                                   "csrf_token": token_csrf})
    assert again.status_code == 302  # a second hand-in, on the first server, stores nothing
    per_student, _ = stored_attempts(running, [students[2]])
    assert per_student == {students[2]: 1}


def test_a_teachers_void_is_seen_at_once_by_both_servers(cluster, students):
    running, seeded = cluster
    first, second = (server.base for server in running.servers)
    the_quiz = quiz()
    question = the_quiz.questions[0]
    answers = {**right_answers(the_quiz), question.id: wrong_option(question).id}
    student = browser(first, students[3])
    student.login()
    token, token_csrf = student.start_quiz(QUIZ)
    handed_in = student.submit(QUIZ, token, {**form_data(the_quiz, answers), "csrf_token": token_csrf})
    review_url = handed_in.headers["Location"]
    teacher = browser(first, seeded.teacher, TEACHER_PASSWORD)
    teacher.login()
    class_page = f"/quizzes/{QUIZ}/classes/{seeded.class_id}"
    page = teacher.http.get(f"{first}{class_page}", timeout=30).text
    voided = teacher.http.post(
        f"{first}{class_page}/questions/{question.id}/void", data={"csrf_token": csrf(page)},
        allow_redirects=False, timeout=30,
    )
    assert voided.status_code == 302
    for server in (first, second):
        shown = text_of(on(teacher, server).http.get(f"{server}{class_page}", timeout=30).text)
        assert "Vervallen voor deze klas" in shown, server
        review = text_of(on(student, server).http.get(f"{server}{review_url}", timeout=30).text)
        assert "Je docent heeft deze vraag laten vervallen" in review, server
        assert f"{the_quiz.max_score} van {the_quiz.max_score} punten" in review, server


def test_live_lesson_state_is_shared_between_the_servers(cluster, students):
    running, seeded = cluster
    first, second = (server.base for server in running.servers)
    teacher = browser(first, seeded.teacher, TEACHER_PASSWORD)
    teacher.login()
    page = teacher.http.get(f"{first}/classes/{seeded.class_id}", timeout=30).text
    started = teacher.http.post(
        f"{first}/live/start", data={"csrf_token": csrf(page), "class_id": seeded.class_id, "lesson": LESSON},
        allow_redirects=False, timeout=30,
    )
    assert started.status_code == 302, started.text[:500]
    control = started.headers["Location"]
    control_page = on(teacher, second).http.get(f"{second}{control}", timeout=30).text
    room = re.search(r'class="room-code">([A-Z0-9]+)<', control_page)
    assert room, "the other server does not show the teacher's live lesson"
    student = browser(second, students[4])
    student.login()
    phone = student.http.get(f"{second}/live/r/{room.group(1)}", timeout=30).text
    choice = re.search(r'name="choice" value="([^"]+)"', phone)
    assert choice, "the student's phone shows no statement"
    answered = student.http.post(
        f"{second}/live/r/{room.group(1)}/answer",
        data={"csrf_token": csrf(phone), "position": re.search(r'name="position" value="(\d+)"', phone).group(1),
              "choice": choice.group(1)},
        allow_redirects=False, timeout=30,
    )
    assert answered.status_code == 302
    board = on(teacher, first).http.get(f"{first}{control}/board-state.json", timeout=30).json()
    assert board["n"] == 1  # the answer given on the second server counts on the first
    engine = create_engine(running.database_url)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(LiveAnswer)).scalar_one() == 1
    engine.dispose()
    phone_state = on(student, first).http.get(f"{first}/live/r/{room.group(1)}/state.json", timeout=30).json()
    assert phone_state["v"] == board["v"]


def wait_until_both_show(bases: list[str], person: Student, path: str, text: str, seconds: float) -> float:
    """Seconds until every server, over several requests (so several workers), shows ``text``."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        pages = [text_of(person.http.get(f"{base}{path}", timeout=30).text) for base in bases * 3]
        if all(text in page for page in pages):
            return time.monotonic() - started
        time.sleep(0.2)
    raise AssertionError(f"{path}: not every server shows {text!r} after {seconds} s")


def test_an_edited_lesson_and_quiz_reach_both_servers_within_the_reload_interval(cluster, students):
    """docs/authoring.md: every worker looks at the files at most a second apart, and at a quiz's own
    file whenever the quiz is opened."""
    running, _ = cluster
    bases = [server.base for server in running.servers]
    student = browser(bases[0], students[5])
    student.login()
    for base in bases * 3:  # every worker has the old text in its caches
        assert student.http.get(f"{base}/lessons/{LESSON}", timeout=30).status_code == 200
    lesson_file = next((running.content / "lessons").glob(f"*-{LESSON}.md"))
    quiz_file = quiz().path
    quiz_copy = running.content / "quizzes" / quiz_file.relative_to(ROOT / "quizzes")
    edit(lesson_file, "Deze zin is net toegevoegd door de auteur.")
    edit(quiz_copy, None, title="Privacy-instellingen (bijgewerkt)")
    # Each worker loads and checks all content itself (about a second of CPU on a busy 2-core
    # machine), four workers on two cores: seconds, not the one-second interval alone.
    wait_until_both_show(bases, student, f"/quizzes/{QUIZ}", "Privacy-instellingen (bijgewerkt)", seconds=30)
    wait_until_both_show(bases, student, f"/lessons/{LESSON}", "Deze zin is net toegevoegd", seconds=30)


def edit(path: Path, paragraph: str | None, title: str | None = None) -> None:
    text = path.read_text(encoding="utf-8")
    if paragraph is not None:
        text = text.rstrip("\n") + f"\n\n{paragraph}\n"
    if title is not None:
        text, count = re.subn(r"^title: .*$", f"title: {title}", text, count=1, flags=re.M)
        assert count == 1, f"{path}: no title line"
    path.write_text(text, encoding="utf-8")
