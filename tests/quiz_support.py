"""Helpers for the quiz tests: answers computed from the loaded quiz, never hard-coded."""

from __future__ import annotations

import html
import re
from typing import Any

from course.content.quiz_files import Option, Question, Quiz
from course.quizzes.grading import right_answer

from .conftest import CSRF_PATTERN


def right_option_ids(question: Question) -> list[str]:
    return [o.id for o in question.options if o.correct]


def wrong_option(question: Question) -> Option:
    return next(o for o in question.options if not o.correct)


def right_answers(quiz: Quiz) -> dict[str, Any]:
    """The raw answer shapes (course.grading) that earn full marks."""
    return {q.id: right_answer(q) for q in quiz.questions}


def form_data(quiz: Quiz, answers: dict[str, Any]) -> dict[str, Any]:
    """The POST fields a browser sends for these raw answers."""
    data: dict[str, Any] = {}
    for q in quiz.questions:
        answer = answers.get(q.id)
        if answer is None:
            continue
        if q.kind in ("single", "truefalse", "multiple"):
            data[f"q-{q.id}"] = answer
        elif q.kind == "ordering":
            for place, item_id in enumerate(answer, start=1):
                data[f"q-{q.id}.{item_id}"] = str(place)
        else:
            for left, right in answer.items():
                data[f"q-{q.id}.{left}"] = right
    return data


def first_of_kind(quiz: Quiz, kind: str) -> Question:
    return next(q for q in quiz.questions if q.kind == kind)


def text_of(page: str) -> str:
    """The page as a reader sees it: entities decoded, whitespace collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def plain(text: str) -> str:
    return " ".join(text.split())


def token_in(page: str) -> str:
    match = CSRF_PATTERN.search(page)
    assert match, "no CSRF token on the page"
    return match.group(1) or match.group(2)


class QuizClient:
    """Takes quizzes through the real pages: intro, start button, attempt form, review."""

    def __init__(self, client) -> None:
        self.client = client

    def start(self, slug: str):
        page = self.client.get(f"/quizzes/{slug}").get_data(as_text=True)
        return self.client.post(f"/quizzes/{slug}/start", data={"csrf_token": token_in(page)})

    def start_token(self, slug: str) -> str:
        response = self.start(slug)
        assert response.status_code == 302, response.status_code
        match = re.search(rf"/quizzes/{slug}/attempts/([^/]+)$", response.location)
        assert match, response.location
        return match.group(1)

    def attempt_page(self, slug: str, token: str) -> str:
        response = self.client.get(f"/quizzes/{slug}/attempts/{token}")
        assert response.status_code == 200, response.status_code
        return response.get_data(as_text=True)

    def submit(self, slug: str, token: str, data: dict[str, Any], confirm: bool = True):
        """Submit these answers; ``confirm`` answers "Toch inleveren?" for open questions up front."""
        page = self.client.get(f"/quizzes/{slug}/attempts/{token}").get_data(as_text=True)
        payload = {**data, "csrf_token": token_in(page) if "csrf_token" in page else self._any_token()}
        if confirm:
            payload.setdefault("confirm", "1")
        return self.client.post(f"/quizzes/{slug}/attempts/{token}", data=payload)

    def _any_token(self) -> str:
        return token_in(self.client.get("/account").get_data(as_text=True))

    def take(self, quiz: Quiz, answers: dict[str, Any]) -> tuple[str, str]:
        """Start, answer, submit; returns (token, review page text)."""
        token = self.start_token(quiz.slug)
        response = self.submit(quiz.slug, token, form_data(quiz, answers))
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        assert response.location.endswith(f"/attempts/{token}/review")
        return token, self.client.get(response.location).get_data(as_text=True)
