"""A whole class pressing "submit" in the same second, against a real gunicorn with several
workers: every submission succeeds, nothing is lost or doubled, no "database is locked"; and when a
worker is killed in the middle of it, no acknowledged submit is lost and none is stored twice."""

import os
import signal
import threading
import time

import pytest
import requests

from bench.burst import stored_attempts
from bench.clients import Student, at_once
from bench.server import STUDENT_PASSWORD, gunicorn, gunicorn_server, seed
from course.content.catalog import load_catalog

from .conftest import ON_POSTGRES, ROOT
from .quiz_support import form_data, right_answers

pytestmark = pytest.mark.slow

QUIZ = "privacy-instellingen"
CLASS_SIZE = 200 if ON_POSTGRES else 30


@pytest.fixture
def close_later():
    students = []
    yield students
    for student in students:
        student.http.close()


def started_students(base, usernames, close_later):
    students = [Student(base, name, STUDENT_PASSWORD) for name in usernames]
    close_later.extend(students)
    for student in students:
        student.login()
    return students, [student.start_quiz(QUIZ) for student in students]


@pytest.fixture
def quiz_form():
    quiz = load_catalog(ROOT / "lessons", ROOT / "quizzes").quizzes[QUIZ]
    return form_data(quiz, right_answers(quiz)), len(quiz.questions)


def test_a_class_submits_the_same_quiz_at_the_same_moment(empty_database_url, quiz_form, close_later):
    form, questions = quiz_form
    seeded = seed(empty_database_url, CLASS_SIZE)
    with gunicorn(empty_database_url, workers=3) as base:
        students, started = started_students(base, seeded.students, close_later)

        def submit(i):
            token, csrf = started[i]
            return students[i].submit(QUIZ, token, {**form, "csrf_token": csrf})

        results = at_once(len(students), submit)
    failures = [r for _, r in results if isinstance(r, Exception) or r.status_code != 302]
    assert failures == []
    assert all("/review" in r.headers["Location"] for _, r in results)
    per_user, items = stored_attempts(empty_database_url)
    assert len(per_user) == CLASS_SIZE and set(per_user.values()) == {1}
    assert items == CLASS_SIZE * questions


def test_a_class_double_clicks_submit_and_still_stores_one_attempt_each(empty_database_url, quiz_form, close_later):
    form, questions = quiz_form
    count = 30
    seeded = seed(empty_database_url, count)
    with gunicorn(empty_database_url, workers=3) as base:
        students, started = started_students(base, seeded.students, close_later)

        def submit_twice(i):
            student, (token, csrf) = students[i // 2], started[i // 2]
            return student.submit(QUIZ, token, {**form, "csrf_token": csrf})

        results = at_once(2 * count, submit_twice)
    statuses = {r.status_code if not isinstance(r, Exception) else repr(r) for _, r in results}
    assert statuses == {302}
    per_user, items = stored_attempts(empty_database_url)
    assert len(per_user) == count and set(per_user.values()) == {1}
    assert items == count * questions


def test_a_worker_killed_mid_burst_loses_no_acknowledged_submit_and_doubles_none(
    empty_database_url, quiz_form, close_later
):
    """kill -9 of a worker while the class submits: a request it was handling gets no answer. The
    student presses the button again and lands on the review, whether the first submit was stored
    (the worker died after the commit) or not (then the retry stores it)."""
    form, questions = quiz_form
    seeded = seed(empty_database_url, CLASS_SIZE)
    with gunicorn_server(empty_database_url, workers=3) as server:
        students, started = started_students(server.base, seeded.students, close_later)
        first_answer = threading.Event()
        killed: list[int] = []

        def submit(i):
            token, csrf = started[i]
            try:
                return students[i].submit(QUIZ, token, {**form, "csrf_token": csrf})
            finally:
                first_answer.set()

        def kill_a_worker_once_answers_come_in():
            first_answer.wait(timeout=60)
            victim = server.worker_pids()[0]
            os.kill(victim, signal.SIGKILL)
            killed.append(victim)

        killer = threading.Thread(target=kill_a_worker_once_answers_come_in)
        killer.start()
        results = [result for _, result in at_once(len(students), submit)]
        killer.join()
        acknowledged = {i for i, r in enumerate(results) if not isinstance(r, Exception) and r.status_code == 302}
        unanswered = [i for i in range(len(students)) if i not in acknowledged]
        assert all(
            isinstance(results[i], requests.RequestException) or results[i].status_code >= 500 for i in unanswered
        ), [results[i] for i in unanswered]

        retries = {i: retry_submit(students[i], started[i], form) for i in unanswered}
        assert killed and killed[0] not in server.worker_pids()  # gunicorn replaced the worker
    assert all(r.status_code == 302 and r.headers["Location"].endswith("/review") for r in retries.values())
    per_user, items = stored_attempts(empty_database_url)
    assert len(per_user) == CLASS_SIZE and set(per_user.values()) == {1}  # none lost, none doubled
    assert items == CLASS_SIZE * questions


def retry_submit(student, started, form, attempts: int = 5):
    """The student presses "Inleveren" again until the server answers (a new worker may be starting)."""
    token, csrf = started
    for _ in range(attempts):
        try:
            response = student.submit(QUIZ, token, {**form, "csrf_token": csrf})
        except requests.RequestException:
            time.sleep(0.5)
            continue
        if response.status_code < 500:
            return response
        time.sleep(0.5)
    raise AssertionError(f"{student.username} got no answer after {attempts} tries")
