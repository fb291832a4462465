"""Grading of quiz answers, exactly as docs/authoring.md "Grading rules" says.

Pure functions with exact fractions: a grade must be the same on every recomputation, and a
regrade after a voided question must not drift by rounding. Answers come from a browser, so they
are untrusted: unknown ids, duplicates, wrong types or missing answers never raise, they only
earn nothing for the part they concern.

Answer shapes (the raw answers as stored in JSON):

- single, truefalse: an option id (``"waar"``/``"niet-waar"`` for truefalse) or None;
- multiple: a list of the ticked option ids (``[]``: ticked nothing, which is graded; None: no
  answer, 0 points);
- ordering: a list of item ids in the student's order;
- matching: a dict from pair id (the left side) to the chosen pair id (the right side).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Set
from dataclasses import dataclass, replace
from decimal import Decimal
from fractions import Fraction
from typing import Any

from course.content.quiz_files import Question, Quiz

SCORE_PLACES = 4


@dataclass(frozen=True)
class QuestionResult:
    """The grade of one answer plus what the student chose, for feedback and the gradebook.

    ``chosen``: single/truefalse/multiple the chosen option ids (in option order), ordering the
    student's order of known item ids, matching the pair ids whose left got a known right.
    ``wrong``: the chosen things that were wrong, with their misconception tag: wrong options;
    for ordering the question id when the order is not fully right; for matching the pair ids
    whose left was matched wrongly. Unanswered and voided questions have no wrong entries.
    """

    score: Fraction
    max: int
    correct: bool  # full marks
    chosen: tuple[str, ...]
    wrong: dict[str, str | None]
    answered: bool
    voided: bool = False


@dataclass(frozen=True)
class AttemptResult:
    """The grade of a whole attempt; ``per_question`` follows the quiz's question order."""

    score: Fraction
    max_score: int
    per_question: dict[str, QuestionResult]

    @property
    def percentage(self) -> Fraction:
        return self.score * 100 / self.max_score if self.max_score else Fraction(0)


Grader = Callable[[Question, Any], QuestionResult]


def _result(
    question: Question, share: Fraction, chosen: tuple[str, ...], wrong: dict[str, str | None], answered: bool
) -> QuestionResult:
    score = question.points * share
    return QuestionResult(score, question.points, score == question.points, chosen, wrong, answered)


def _unanswered(question: Question) -> QuestionResult:
    return _result(question, Fraction(0), (), {}, answered=False)


def _known(answer: Any, ids: Set[str]) -> list[str] | None:
    """The known ids of a list answer, first occurrences only, in the student's order."""
    if not isinstance(answer, (list, tuple)):
        return None
    seen: dict[str, None] = {}
    for value in answer:
        if isinstance(value, str) and value in ids:
            seen.setdefault(value, None)
    return list(seen)


def grade_single(question: Question, answer: Any) -> QuestionResult:
    """Full points for the right option, otherwise 0 (also used for truefalse)."""
    option = next((o for o in question.options if isinstance(answer, str) and o.id == answer), None)
    if option is None:
        return _unanswered(question)
    wrong = {} if option.correct else {option.id: option.misconception}
    return _result(question, Fraction(int(option.correct)), (option.id,), wrong, answered=True)


def grade_multiple(question: Question, answer: Any) -> QuestionResult:
    """Each option is a decision: points × max(0, right − wrong) / number of options.

    Ticking nothing is not answering: the form cannot tell it from skipping the question, and
    a skipped question must not earn the points of the wrong options left unticked."""
    ticked = _known(answer, {o.id for o in question.options})
    if not ticked or not question.options:
        return _unanswered(question)
    chosen = set(ticked)
    right = sum(1 for o in question.options if (o.id in chosen) == o.correct)
    wrong_count = len(question.options) - right
    share = Fraction(max(0, right - wrong_count), len(question.options))
    wrong = {o.id: o.misconception for o in question.options if o.id in chosen and not o.correct}
    order = tuple(o.id for o in question.options if o.id in chosen)
    return _result(question, share, order, wrong, answered=True)


def grade_ordering(question: Question, answer: Any) -> QuestionResult:
    """points × (item pairs in the right relative order) / (all item pairs); a missing item
    makes every pair it is part of wrong."""
    correct = [i.id for i in question.items]
    order = _known(answer, set(correct))
    if not order:
        return _unanswered(question)
    position = {item_id: n for n, item_id in enumerate(order)}
    total = len(correct) * (len(correct) - 1) // 2
    good = sum(
        1
        for n, first in enumerate(correct)
        for second in correct[n + 1 :]
        if first in position and second in position and position[first] < position[second]
    )
    share = Fraction(good, total) if total else Fraction(int(order == correct))
    wrong = {} if share == 1 else {question.id: question.misconception}
    return _result(question, share, tuple(order), wrong, answered=True)


def grade_matching(question: Question, answer: Any) -> QuestionResult:
    """points × (lefts matched to their own right) / (number of pairs)."""
    if not isinstance(answer, Mapping) or not question.pairs:
        return _unanswered(question)
    ids = {p.id for p in question.pairs}
    picked = {p.id: answer.get(p.id) for p in question.pairs}
    answered = [p for p in question.pairs if isinstance(picked[p.id], str) and picked[p.id] in ids]
    if not answered:
        return _unanswered(question)
    hits = sum(1 for p in answered if picked[p.id] == p.id)
    wrong = {p.id: p.misconception for p in answered if picked[p.id] != p.id}
    share = Fraction(hits, len(question.pairs))
    return _result(question, share, tuple(p.id for p in answered), wrong, answered=True)


GRADERS: dict[str, Grader] = {
    "single": grade_single,
    "truefalse": grade_single,
    "multiple": grade_multiple,
    "ordering": grade_ordering,
    "matching": grade_matching,
}


def grade_result(question: Question, answer: Any) -> QuestionResult:
    """The full result for one answer; raises ValueError only for a question of unknown kind."""
    try:
        grader = GRADERS[question.kind]
    except KeyError:
        raise ValueError(f"no grader for question kind {question.kind!r}") from None
    return grader(question, answer)


def right_answer(question: Question) -> Any:
    """The raw answer (in the stored shape) that earns full points: for demos, tests and checks."""
    if question.kind in ("single", "truefalse"):
        return next(o.id for o in question.options if o.correct)
    if question.kind == "multiple":
        return [o.id for o in question.options if o.correct]
    if question.kind == "ordering":
        return [i.id for i in question.items]
    return {p.id: p.id for p in question.pairs}


def grade_question(question: Question, answer: Any) -> Fraction:
    """The score of one answer, from 0 to the question's points."""
    return grade_result(question, answer).score


def grade_attempt(quiz: Quiz, answers: Mapping[str, Any], voided: Set[str] = frozenset()) -> AttemptResult:
    """Grade every question of the quiz; a voided question gives everyone full points (and
    counts no misconceptions), so a flawed question never costs a student points."""
    if not isinstance(answers, Mapping):
        answers = {}
    per_question: dict[str, QuestionResult] = {}
    for question in quiz.questions:
        result = grade_result(question, answers.get(question.id))
        if question.id in voided:
            result = replace(result, score=Fraction(question.points), correct=True, wrong={}, voided=True)
        per_question[question.id] = result
    score = sum((r.score for r in per_question.values()), Fraction(0))
    return AttemptResult(score, quiz.max_score, per_question)


def round_score(score: Fraction) -> Decimal:
    """Round for storage to four decimals, half up (away from zero), using exact integer
    arithmetic so no binary or decimal-context rounding sneaks in first."""
    score = Fraction(score)
    scale = 10**SCORE_PLACES
    units, rest = divmod(abs(score.numerator) * scale, score.denominator)
    if 2 * rest >= score.denominator:
        units += 1
    sign = -1 if score < 0 else 1
    return Decimal(sign * units).scaleb(-SCORE_PLACES)
