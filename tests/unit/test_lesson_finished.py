"""Read ("gelezen") is not finished ("afgerond"): a lesson is finished only when it is read, its
assignment is handed in (or approved) and its quiz is passed. One rule, in progress.is_finished."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest

from course.lessons import progress
from course.quizzes.results import QuizStanding


def quiz(percentage: int | None) -> QuizStanding | None:
    if percentage is None:
        return None
    counting = SimpleNamespace(score=Decimal(percentage), max_score=Decimal(100))
    return QuizStanding("quiz-les", attempts_used=1, max_attempts=3, counting=counting, pass_percentage=55)


def state(status: str, assignment: str | None, score: int | None, *, has_quiz: bool = True) -> progress.LessonState:
    lesson = SimpleNamespace(quiz="quiz-les" if has_quiz else None)
    return progress.LessonState(lesson, status, assignment, quiz(score), None)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("status", "assignment", "score", "has_quiz", "label"),
    [
        # The lesson that showed "Klaar" with a draft and a quiz at 29 %: read, not finished.
        (progress.DONE, progress.DRAFT, 29, True, "Gelezen"),
        (progress.DONE, progress.HANDED_IN, 29, True, "Gelezen"),
        (progress.DONE, progress.DRAFT, 80, True, "Gelezen"),
        (progress.DONE, progress.NEEDS_WORK, 80, True, "Gelezen"),
        (progress.DONE, progress.TODO, 80, True, "Gelezen"),
        (progress.DONE, progress.HANDED_IN, None, True, "Gelezen"),  # quiz not taken yet
        (progress.DONE, progress.HANDED_IN, 55, True, "Afgerond"),  # the pass mark itself passes
        (progress.DONE, progress.APPROVED, 100, True, "Afgerond"),
        (progress.DONE, None, None, False, "Afgerond"),  # no assignment, no quiz: reading is all
        (progress.DONE, progress.APPROVED, None, False, "Afgerond"),
        # Everything handed in and passed, but the lesson itself not marked read.
        (progress.BUSY, progress.APPROVED, 100, True, "Bezig"),
        (progress.NOT_STARTED, None, None, False, "Nog niet begonnen"),
    ],
)
def test_a_lesson_is_finished_only_when_read_handed_in_and_passed(status, assignment, score, has_quiz, label):
    lesson_state = state(status, assignment, score, has_quiz=has_quiz)
    assert lesson_state.stage_label == label
    assert lesson_state.finished is (label == "Afgerond")
    assert progress.is_finished(lesson_state) is lesson_state.finished


def test_every_stage_has_a_sign_besides_its_colour():
    assert set(progress.STAGE_ICONS) == set(progress.STAGE_LABELS)
    assert set(progress.ASSIGNMENT_ICONS) == set(progress.ASSIGNMENT_LABELS)
    assert all(progress.STAGE_ICONS.values()) and all(progress.ASSIGNMENT_ICONS.values())
