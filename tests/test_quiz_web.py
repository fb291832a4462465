"""Taking a quiz through the real pages: start, answer, submit, review, limits, preview, void."""

from __future__ import annotations

import re
from decimal import Decimal
from fractions import Fraction

import pytest
from sqlalchemy import func, select

from course.content.quiz_files import option_order
from course.core.content_store import catalog
from course.core.extensions import db
from course.models import AttemptItem, AuditEvent, QuizAttempt, VoidedQuestion
from course.quizzes import attempts as attempt_service
from course.quizzes.forms import format_points, percentage, points_label, reaches_pass_mark
from course.quizzes.results import standings

from .conftest import sqlite_only, write_lock_is_free
from .quiz_support import (
    QuizClient,
    first_of_kind,
    form_data,
    plain,
    right_answers,
    right_option_ids,
    text_of,
    token_in,
    wrong_option,
)

LESSON_QUIZ = "wie-ben-jij-online"  # the lesson 1 quiz: it has every question kind


@pytest.fixture
def quiz(app):
    with app.app_context():
        loaded = catalog().quizzes[LESSON_QUIZ]
    assert {q.kind for q in loaded.questions} == {"single", "multiple", "truefalse", "ordering", "matching"}
    return loaded


@pytest.fixture
def student(auth):
    auth.make_user("sanne", "student", name="Sanne")
    auth.login("sanne")
    return QuizClient(auth.client)


def attempt_rows(app, slug: str | None = None) -> list[QuizAttempt]:
    with app.app_context():
        query = select(QuizAttempt).order_by(QuizAttempt.id)
        if slug:
            query = query.where(QuizAttempt.quiz_slug == slug)
        rows = list(db.session.scalars(query))
        db.session.expunge_all()
        return rows


def item_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(AttemptItem.id)))


def test_all_right_answers_earn_full_marks_with_feedback(app, student, quiz):
    token, review = student.take(quiz, right_answers(quiz))
    text = text_of(review)
    assert f"{format_points(quiz.max_score)} van {points_label(quiz.max_score)} (100%)" in text
    single = first_of_kind(quiz, "single")
    chosen = next(o for o in single.options if o.correct)
    assert plain(chosen.feedback) in text
    [row] = attempt_rows(app)
    assert row.token == token and row.score == quiz.max_score and row.max_score == quiz.max_score
    assert row.quiz_version == quiz.version and not row.is_preview
    assert row.answers == right_answers(quiz)
    assert item_count(app) == len(quiz.questions)


def test_one_wrong_answer_shows_the_feedback_of_that_wrong_option(app, student, quiz):
    question = first_of_kind(quiz, "single")
    wrong = wrong_option(question)
    answers = {**right_answers(quiz), question.id: wrong.id}
    _, review = student.take(quiz, answers)
    text = text_of(review)
    expected = quiz.max_score - question.points
    assert f"{format_points(expected)} van {points_label(quiz.max_score)}" in text
    assert plain(wrong.feedback) in text
    assert "Jij koos dit. Dit is niet goed." in text
    # This quiz shows the right answers afterwards.
    assert quiz.policy.show_answers and "Dit is het goede antwoord." in text
    with app.app_context():
        item = db.session.scalar(select(AttemptItem).where(AttemptItem.question_id == question.id))
        assert item.score == 0 and item.chosen == [wrong.id] and item.misconceptions == [wrong.misconception]


def test_quiz_without_show_answers_gives_feedback_but_not_the_right_answer(app, auth):
    with app.app_context():
        final = next(q for q in catalog().quizzes.values() if not q.policy.show_answers)
    auth.make_user("ayoub", "student")
    auth.login("ayoub")
    question = first_of_kind(final, "single")
    wrong = wrong_option(question)
    _, review = QuizClient(auth.client).take(final, {question.id: wrong.id})
    text = text_of(review)
    assert plain(wrong.feedback) in text
    assert "Dit is het goede antwoord." not in text and "ook goed" not in text
    right = next(o for o in question.options if o.correct)
    assert plain(right.feedback) not in text


def radio_values(page: str, name: str) -> list[str]:
    return re.findall(rf'<input[^>]*name="{re.escape(name)}"[^>]*value="([^"]+)"', page)


def select_values(page: str, name: str) -> list[str]:
    match = re.search(rf'<select[^>]*name="{re.escape(name)}"[^>]*>(.*?)</select>', page, re.S)
    assert match, name
    return [v for v in re.findall(r'value="([^"]*)"', match.group(1)) if v]


def selected(page: str, name: str) -> str | None:
    match = re.search(rf'<select[^>]*name="{re.escape(name)}"[^>]*>(.*?)</select>', page, re.S)
    assert match, name
    found = re.search(r'<option selected value="([^"]*)"', match.group(1))
    return found.group(1) if found else None


def test_option_order_is_fixed_per_attempt_and_differs_between_seeds(app, auth, quiz, monkeypatch):
    single = max((q for q in quiz.questions if q.kind == "single"), key=lambda q: len(q.options))
    matching = first_of_kind(quiz, "matching")
    seeds = iter(s for s in range(1, 500) if option_order(single, s) != option_order(single, 1))
    first, second = 1, next(seeds)
    chosen_seeds = iter([first, second])
    monkeypatch.setattr(attempt_service, "new_seed", lambda: next(chosen_seeds))

    pages = {}
    for username, seed in (("sanne", first), ("daan", second)):
        auth.make_user(username, "student")
        auth.login(username)
        client = QuizClient(auth.client)
        token = client.start_token(quiz.slug)
        page = client.attempt_page(quiz.slug, token)
        reloaded = client.attempt_page(quiz.slug, token)
        assert radio_values(reloaded, f"q-{single.id}") == radio_values(page, f"q-{single.id}")
        assert radio_values(page, f"q-{single.id}") == option_order(single, seed)
        left = matching.pairs[0].id
        assert select_values(page, f"q-{matching.id}.{left}") == option_order(matching, seed)
        pages[username] = page
        auth.logout()
    assert radio_values(pages["sanne"], f"q-{single.id}") != radio_values(pages["daan"], f"q-{single.id}")


def test_reload_shows_the_same_order(student, quiz):
    token = student.start_token(quiz.slug)
    orders = [
        [radio_values(student.attempt_page(quiz.slug, token), f"q-{q.id}") for q in quiz.questions] for _ in range(3)
    ]
    assert orders[0] == orders[1] == orders[2]


def test_attempt_limit_is_enforced_with_a_clear_message(app, student, quiz):
    limit = quiz.policy.max_attempts
    assert limit is not None
    for _ in range(limit):
        student.take(quiz, right_answers(quiz))
    intro = text_of(student.client.get(f"/quizzes/{quiz.slug}").get_data(as_text=True))
    assert f"Je hebt alle {limit} pogingen gebruikt." in intro
    assert "Start de quiz" not in intro and "Maak de quiz opnieuw" not in intro
    response = student.start(quiz.slug)
    assert response.status_code == 302
    page = text_of(student.client.get(response.location).get_data(as_text=True))
    assert f"Je hebt alle {limit} pogingen voor deze quiz al gebruikt." in page
    assert len(attempt_rows(app)) == limit


def test_posting_the_same_token_twice_stores_one_attempt(app, student, quiz):
    token = student.start_token(quiz.slug)
    first = student.submit(quiz.slug, token, form_data(quiz, right_answers(quiz)))
    question = first_of_kind(quiz, "single")
    again = student.submit(quiz.slug, token, form_data(quiz, {question.id: wrong_option(question).id}))
    assert first.status_code == again.status_code == 302
    assert again.location == first.location
    [row] = attempt_rows(app)
    assert row.score == quiz.max_score and row.answers == right_answers(quiz)
    assert item_count(app) == len(quiz.questions)


@sqlite_only
def test_grading_a_submit_holds_no_write_lock(app, student, quiz, monkeypatch):
    """A class submitting in the same second queues for the lock only for its few writes."""
    real_grade = attempt_service.grade_submission
    seen = []

    def grade_while_checking_the_lock(*args, **kwargs):
        seen.append(write_lock_is_free(app))
        return real_grade(*args, **kwargs)

    monkeypatch.setattr(attempt_service, "grade_submission", grade_while_checking_the_lock)
    token = student.start_token(quiz.slug)
    assert student.submit(quiz.slug, token, form_data(quiz, right_answers(quiz))).status_code == 302
    assert seen == [True]
    [row] = attempt_rows(app)
    assert row.score == quiz.max_score


def test_two_tabs_reuse_the_one_open_attempt(app, student, quiz):
    one = student.start_token(quiz.slug)
    two = student.start_token(quiz.slug)
    assert one == two
    assert len(attempt_rows(app)) == 1


def test_ordering_with_a_shared_place_is_shown_again_with_what_was_chosen(app, student, quiz):
    ordering = first_of_kind(quiz, "ordering")
    token = student.start_token(quiz.slug)
    data = form_data(quiz, right_answers(quiz))
    first_item, second_item = ordering.items[0].id, ordering.items[1].id
    data[f"q-{ordering.id}.{second_item}"] = data[f"q-{ordering.id}.{first_item}"]
    response = student.submit(quiz.slug, token, data)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Sommige onderdelen hebben dezelfde plaats" in text_of(page)
    assert 'aria-invalid="true"' in page
    single = first_of_kind(quiz, "single")
    assert re.search(rf'<input checked[^>]*name="q-{single.id}"[^>]*value="{right_option_ids(single)[0]}"', page)
    assert selected(page, f"q-{ordering.id}.{first_item}") == selected(page, f"q-{ordering.id}.{second_item}") == "1"
    number = quiz.questions.index(ordering) + 1
    assert f"Vraag {number}: Sommige onderdelen hebben dezelfde plaats" in text_of(page)
    [row] = attempt_rows(app)
    assert row.submitted_at is None and item_count(app) == 0


def test_best_or_last_attempt_counts_as_the_quiz_says(app, auth):
    with app.app_context():
        quizzes = catalog().quizzes.values()
        best = next(q for q in quizzes if q.policy.counts == "best" and (q.policy.max_attempts or 2) >= 2)
        last = next(q for q in quizzes if q.policy.counts == "last" and (q.policy.max_attempts or 2) >= 2)
    user_id = auth.make_user("esra", "student")
    auth.login("esra")
    student = QuizClient(auth.client)
    for quiz in (best, last):
        question = first_of_kind(quiz, "single")
        student.take(quiz, right_answers(quiz))
        student.take(quiz, {**right_answers(quiz), question.id: wrong_option(question).id})
    with app.app_context():
        found = standings([user_id], catalog())
    assert found[(user_id, best.slug)].counting.score == best.max_score
    last_question = first_of_kind(last, "single")
    assert found[(user_id, last.slug)].counting.score == last.max_score - last_question.points
    assert found[(user_id, last.slug)].attempts_used == 2


def test_another_students_attempt_is_not_found(app, auth, quiz):
    auth.make_user("sanne", "student")
    auth.make_user("daan", "student")
    auth.login("sanne")
    token, _ = QuizClient(auth.client).take(quiz, right_answers(quiz))
    open_token = QuizClient(auth.client).start_token(quiz.slug)
    auth.logout()
    auth.login("daan")
    client = auth.client
    assert client.get(f"/quizzes/{quiz.slug}/attempts/{token}/review").status_code == 404
    assert client.get(f"/quizzes/{quiz.slug}/attempts/{open_token}").status_code == 404
    response = auth.post(f"/quizzes/{quiz.slug}/attempts/{open_token}", form_data(quiz, right_answers(quiz)))
    assert response.status_code == 404
    assert attempt_rows(app)[1].submitted_at is None


def test_unknown_quiz_is_not_found_and_login_is_required(client, auth):
    assert client.get(f"/quizzes/{LESSON_QUIZ}").status_code == 302
    auth.make_user("sanne", "student")
    auth.login("sanne")
    assert client.get("/quizzes/bestaat-niet").status_code == 404


def test_teacher_preview_is_stored_apart_and_never_counts(app, auth, quiz):
    teacher_id = auth.make_user("docent", "teacher")
    auth.login("docent")
    teacher = QuizClient(auth.client)
    intro = text_of(auth.client.get(f"/quizzes/{quiz.slug}").get_data(as_text=True))
    assert "tellen nooit mee" in intro
    for _ in range((quiz.policy.max_attempts or 1) + 1):  # no limit for a preview
        _, review = teacher.take(quiz, right_answers(quiz))
    assert "tellen nooit mee" in text_of(review)
    rows = attempt_rows(app)
    assert rows and all(row.is_preview for row in rows)
    with app.app_context():
        assert standings([teacher_id], catalog()) == {}


def test_csrf_token_of_a_quiz_page_still_works_after_two_hours(app, student, quiz, monkeypatch):
    from itsdangerous.timed import TimestampSigner

    assert app.config["WTF_CSRF_TIME_LIMIT"] is None
    token = student.start_token(quiz.slug)
    page = student.attempt_page(quiz.slug, token)
    csrf = token_in(page)
    real = TimestampSigner.get_timestamp
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: real(self) + 2 * 3600)

    # The check can fail: with Flask-WTF's default hour the same token is refused.
    app.config["WTF_CSRF_TIME_LIMIT"] = 3600
    data = {**form_data(quiz, right_answers(quiz)), "csrf_token": csrf}
    refused = student.client.post(f"/quizzes/{quiz.slug}/attempts/{token}", data=data)
    assert refused.status_code == 400

    app.config["WTF_CSRF_TIME_LIMIT"] = None
    response = student.client.post(f"/quizzes/{quiz.slug}/attempts/{token}", data=data)
    assert response.status_code == 302 and response.location.endswith("/review")
    assert attempt_rows(app)[0].score == quiz.max_score


def test_teacher_voids_a_question_for_a_class_and_everyone_gets_its_points(app, auth, quiz):
    auth.make_user("docent", "teacher")
    auth.make_user("collega", "teacher")
    class_id, _ = auth.make_class("docent")
    auth.make_class("collega", name="MV2B")
    question = first_of_kind(quiz, "single")
    for name in ("sanne", "daan"):
        auth.make_user(name, "student")
        auth.enrol(name, class_id)
        auth.login(name)
        QuizClient(auth.client).take(quiz, {**right_answers(quiz), question.id: wrong_option(question).id})
        auth.logout()
    auth.make_user("buiten", "student")  # not in the class: keeps the grade it had
    auth.login("buiten")
    QuizClient(auth.client).take(quiz, {**right_answers(quiz), question.id: wrong_option(question).id})
    auth.logout()

    url = f"/quizzes/{quiz.slug}/classes/{class_id}"
    auth.login("collega")
    assert auth.client.get(url).status_code == 404
    assert auth.post(f"{url}/questions/{question.id}/void").status_code == 404
    auth.logout()

    auth.login("docent")
    page = text_of(auth.client.get(url).get_data(as_text=True))
    assert "Vraag laten vervallen" in page
    response = auth.post(f"{url}/questions/{question.id}/void", token_from=url)
    assert response.status_code == 302
    after = text_of(auth.client.get(response.location).get_data(as_text=True))
    assert "Vraag weer laten meetellen" in after and "is vervallen voor MV2A" in after

    scores = {row.user_id: row.score for row in attempt_rows(app)}
    with app.app_context():
        ids = dict(db.session.execute(select(QuizAttempt.user_id, QuizAttempt.id)).tuples().all())
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "quiz.void"))
        assert event.actor_name == "docent" and event.details["question"] == question.id
        assert len(event.details["regraded"]) == 2
        assert db.session.scalar(select(func.count(VoidedQuestion.id))) == 1
    assert sorted(scores.values()) == [quiz.max_score - question.points, quiz.max_score, quiz.max_score]
    assert len(ids) == 3

    auth.post(f"{url}/questions/{question.id}/unvoid", token_from=url)
    assert sorted(row.score for row in attempt_rows(app)) == [quiz.max_score - question.points] * 3
    with app.app_context():
        assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "quiz.unvoid")) == 1


def test_voided_question_shows_in_the_students_review(app, auth, quiz):
    auth.make_user("docent", "teacher")
    class_id, _ = auth.make_class("docent")
    auth.make_user("sanne", "student")
    auth.enrol("sanne", class_id)
    question = first_of_kind(quiz, "truefalse")
    auth.login("docent")
    url = f"/quizzes/{quiz.slug}/classes/{class_id}"
    auth.post(f"{url}/questions/{question.id}/void", token_from=url)
    auth.logout()
    auth.login("sanne")
    _, review = QuizClient(auth.client).take(quiz, {})  # answers nothing at all
    text = text_of(review)
    assert "Je docent heeft deze vraag laten vervallen" in text
    with app.app_context():
        item = db.session.scalar(select(AttemptItem).where(AttemptItem.question_id == question.id))
        assert item.score == item.max_score == question.points and item.misconceptions == []



def test_two_questions_voided_before_the_hand_in_both_give_their_points(app, auth, quiz):
    auth.make_user("docent", "teacher")
    class_id, _ = auth.make_class("docent")
    auth.make_user("sanne", "student")
    auth.enrol("sanne", class_id)
    single, truefalse = first_of_kind(quiz, "single"), first_of_kind(quiz, "truefalse")
    auth.login("docent")
    url = f"/quizzes/{quiz.slug}/classes/{class_id}"
    for question in (single, truefalse):
        assert auth.post(f"{url}/questions/{question.id}/void", token_from=url).status_code == 302
    auth.logout()
    auth.login("sanne")
    answers = {**right_answers(quiz), single.id: wrong_option(single).id, truefalse.id: wrong_option(truefalse).id}
    QuizClient(auth.client).take(quiz, answers)
    [row] = attempt_rows(app)
    assert row.score == quiz.max_score
    with app.app_context():
        items = db.session.scalars(select(AttemptItem).where(AttemptItem.attempt_id == row.id)).all()
        assert len(items) == len(quiz.questions)


@pytest.mark.parametrize(
    ("score", "max_score", "shown", "passes"),
    [
        (Decimal("5.4945"), 10, 54, False),  # 54.9%: shown rounded down, so "54%" is never "gehaald"
        (Decimal("5.5000"), 10, 55, True),
        (Decimal("0.0000"), 10, 0, False),
    ],
)
def test_shown_percentage_agrees_with_the_pass_mark(score, max_score, shown, passes):
    assert percentage(score, max_score) == shown
    assert reaches_pass_mark(score, max_score, 55) is passes
    assert (shown >= 55) is passes


def test_points_are_written_the_dutch_way():
    assert format_points(Fraction(4, 3)) == "1,33"
    assert format_points(Decimal("2.5000")) == "2,5"
    assert points_label(1) == "1 punt" and points_label(Decimal("11.0000")) == "11 punten"


def test_matching_hint_names_no_side_because_a_phone_puts_the_choice_below(student, quiz):
    """On a laptop the choice sits beside each item, on a phone below it: the hint may say neither
    "links" nor "rechts"."""
    question = first_of_kind(quiz, "matching")
    page = student.attempt_page(quiz.slug, student.start_token(quiz.slug))
    fieldset = page.split(f'id="vraag-{question.id}"', 1)[1].split("</fieldset>", 1)[0]
    hint = text_of(re.search(r'<p class="hint">(.*?)</p>', fieldset, re.S).group(1))
    assert hint.startswith("Kies bij elk onderdeel het antwoord dat erbij hoort.")
    assert not re.search(r"\b(links|rechts|ernaast|hiernaast)\b", hint, re.IGNORECASE), hint
