"""Quiz answers are hard to lose: open questions are confirmed first, answers are kept while the
attempt is open (the save button or as they change) and come back on the quiz page."""

from __future__ import annotations

import json
import re

import pytest

from course.core.content_store import catalog

from .quiz_support import QuizClient, first_of_kind, form_data, right_answers, text_of, token_in
from .test_quiz_web import LESSON_QUIZ, attempt_rows, item_count


@pytest.fixture
def quiz(app):
    with app.app_context():
        return catalog().quizzes[LESSON_QUIZ]


@pytest.fixture
def student(auth):
    auth.make_user("sanne", "student", name="Sanne")
    auth.login("sanne")
    return QuizClient(auth.client)


def hidden_fields(page: str) -> list[tuple[str, str]]:
    """The hidden inputs of a page, as the browser would post them."""
    fields = []
    for tag in re.findall(r"<input[^>]*>", page):
        if 'type="hidden"' in tag:
            name = re.search(r'name="([^"]+)"', tag).group(1)
            fields.append((name, re.search(r'value="([^"]*)"', tag).group(1)))
    return fields


def is_checked(page: str, name: str, value: str) -> bool:
    tag = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*value="{re.escape(value)}"[^>]*>', page)
    assert tag, f"no control {name}={value}"
    return " checked" in tag.group(0)


def selected_value(page: str, name: str) -> str | None:
    select = re.search(rf'<select[^>]*name="{re.escape(name)}"[^>]*>(.*?)</select>', page, re.S)
    assert select, f"no select {name}"
    chosen = re.search(r'<option selected value="([^"]*)"', select.group(1))
    return chosen.group(1) if chosen else None


def test_open_questions_are_confirmed_first_and_the_confirm_stores_one_attempt(app, student, quiz):
    answered = quiz.questions[:-3]
    answers = {q.id: right_answers(quiz)[q.id] for q in answered}
    token = student.start_token(quiz.slug)
    response = student.submit(quiz.slug, token, form_data(quiz, answers), confirm=False)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Je hebt 3 vragen open. Toch inleveren?" in text_of(page)
    attempt_url = f"/quizzes/{quiz.slug}/attempts/{token}"
    for number, question in enumerate(quiz.questions, start=1):
        link = f'href="{attempt_url}?open=1#vraag-{question.id}">Vraag {number}</a>'
        assert (link in page) == (question not in answered), f"vraag {number}"
    [row] = attempt_rows(app)
    assert row.submitted_at is None and item_count(app) == 0  # nothing handed in yet

    # "Toch inleveren" posts what the page carries; a double click stores the attempt once.
    carried = hidden_fields(page)
    assert ("confirm", "1") in carried
    first = student.client.post(attempt_url, data=_multi(carried))
    again = student.client.post(attempt_url, data=_multi(carried))
    assert first.status_code == again.status_code == 302 and again.location.endswith("/review")
    [row] = attempt_rows(app)
    assert row.submitted_at is not None and row.saved_answers is None
    assert {qid: answer for qid, answer in row.answers.items() if answer} == answers
    assert item_count(app) == len(quiz.questions)


def test_a_complete_submit_goes_straight_to_the_review(app, student, quiz):
    token = student.start_token(quiz.slug)
    response = student.submit(quiz.slug, token, form_data(quiz, right_answers(quiz)), confirm=False)
    assert response.status_code == 302 and response.location.endswith(f"/attempts/{token}/review")
    assert attempt_rows(app)[0].score == quiz.max_score


def test_saved_answers_come_back_on_the_quiz_page_without_a_grade(app, student, quiz):
    single, multiple = first_of_kind(quiz, "single"), first_of_kind(quiz, "multiple")
    ordering, matching = first_of_kind(quiz, "ordering"), first_of_kind(quiz, "matching")
    right = right_answers(quiz)
    pair = matching.pairs[0]
    data = {
        **form_data(quiz, {single.id: right[single.id], multiple.id: right[multiple.id]}),
        # Half an ordering and one match: kept as they are, although not yet an answer.
        f"q-{ordering.id}.{ordering.items[0].id}": "2",
        f"q-{matching.id}.{pair.id}": pair.id,
        "action": "save",
    }
    token = student.start_token(quiz.slug)
    saved = student.submit(quiz.slug, token, data, confirm=False)
    assert saved.status_code == 302 and saved.location.endswith(f"/attempts/{token}")
    [row] = attempt_rows(app)
    assert row.submitted_at is None and item_count(app) == 0

    assert "Je antwoorden zijn opgeslagen" in text_of(student.client.get(saved.location).get_data(as_text=True))
    page = student.attempt_page(quiz.slug, token)  # the student comes back later
    assert is_checked(page, f"q-{single.id}", right[single.id])
    assert not any(is_checked(page, f"q-{single.id}", o.id) for o in single.options if o.id != right[single.id])
    assert all(is_checked(page, f"q-{multiple.id}", oid) for oid in right[multiple.id])
    assert selected_value(page, f"q-{ordering.id}.{ordering.items[0].id}") == "2"
    assert selected_value(page, f"q-{ordering.id}.{ordering.items[1].id}") is None
    assert selected_value(page, f"q-{matching.id}.{pair.id}") == pair.id

    # Handing in replaces the saved answers by the submitted ones.
    student.submit(quiz.slug, token, form_data(quiz, right))
    [row] = attempt_rows(app)
    assert row.submitted_at is not None and row.saved_answers is None


def test_answers_saved_as_they_change_only_by_their_owner(app, auth, student, quiz):
    single = first_of_kind(quiz, "single")
    choice = right_answers(quiz)[single.id]
    token = student.start_token(quiz.slug)
    save_url = f"/quizzes/{quiz.slug}/attempts/{token}/save"
    csrf = token_in(student.attempt_page(quiz.slug, token))
    assert student.client.post(save_url, data={f"q-{single.id}": choice, "csrf_token": csrf}).status_code == 204
    # Values the page never offered are not kept.
    junk = {f"q-{single.id}": "zz", "q-bestaat-niet": "a", "csrf_token": csrf}
    assert student.client.post(save_url, data=junk).status_code == 204
    assert attempt_rows(app)[0].saved_answers is None
    student.client.post(save_url, data={f"q-{single.id}": choice, "csrf_token": csrf})

    auth.logout()
    auth.make_user("daan", "student")
    auth.login("daan")
    other = QuizClient(auth.client)
    other.start_token(quiz.slug)
    own_csrf = token_in(auth.client.get("/account").get_data(as_text=True))
    wrong = next(o.id for o in single.options if o.id != choice)
    assert auth.client.post(save_url, data={f"q-{single.id}": wrong, "csrf_token": own_csrf}).status_code == 404
    assert auth.client.get(f"/quizzes/{quiz.slug}/attempts/{token}").status_code == 404
    assert attempt_rows(app)[0].saved_answers == {f"q-{single.id}": choice}

    auth.logout()
    auth.login("sanne")
    page = student.attempt_page(quiz.slug, token)
    assert is_checked(page, f"q-{single.id}", choice)
    export = json.loads(auth.client.get("/account/data/download.json").get_data(as_text=True))
    [attempt] = export["quiz_attempts"]
    assert attempt["saved_answers"] == {f"q-{single.id}": choice}
    # Once submitted, a late save changes nothing.
    student.submit(quiz.slug, token, form_data(quiz, right_answers(quiz)))
    late = {f"q-{single.id}": choice, "csrf_token": token_in(page)}
    refused = student.client.post(save_url, data=late)
    assert refused.status_code == 302 and refused.location.endswith("/review")
    assert attempt_rows(app)[0].saved_answers is None


def _multi(pairs: list[tuple[str, str]]):
    from werkzeug.datastructures import MultiDict

    return MultiDict(pairs)
