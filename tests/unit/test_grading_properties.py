"""Property tests of grading: scores stay in range, full marks mean exactly right, garbage is safe."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from course.content.quiz_files import FALSE_ID, TRUE_ID, Item, Option, Pair, Policy, Question, Quiz
from course.quizzes.grading import grade_attempt, grade_result, right_answer, round_score

IDS = st.text(alphabet="abcdefgh123-", min_size=1, max_size=4)
POINTS = st.integers(min_value=1, max_value=6)

json_garbage = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=5), inner, max_size=5),
    max_leaves=15,
)


@st.composite
def choice_questions(draw: st.DrawFn, kind: str) -> Question:
    ids = draw(st.lists(IDS, min_size=2, max_size=6, unique=True))
    if kind == "single":
        right = {draw(st.sampled_from(ids))}
    else:
        right = set(draw(st.lists(st.sampled_from(ids), min_size=1, unique=True)))
    options = tuple(Option(i, i, i in right, "fb", None if i in right else "denkt-x", 1) for i in ids)
    return Question("q", kind, "?", draw(POINTS), None, options, 1)


@st.composite
def truefalse_questions(draw: st.DrawFn) -> Question:
    answer = draw(st.booleans())
    options = (Option(TRUE_ID, "Waar", answer, "fb", None, 1), Option(FALSE_ID, "Niet waar", not answer, "fb", None, 2))
    return Question("q", "truefalse", "?", draw(POINTS), None, options, 1)


@st.composite
def ordering_questions(draw: st.DrawFn) -> Question:
    ids = draw(st.lists(IDS, min_size=2, max_size=7, unique=True))
    items = tuple(Item(i, i, 1) for i in ids)
    return Question("q", "ordering", "?", draw(POINTS), "fb", (), 1, items=items, misconception="denkt-x")


@st.composite
def matching_questions(draw: st.DrawFn) -> Question:
    ids = draw(st.lists(IDS, min_size=2, max_size=6, unique=True))
    pairs = tuple(Pair(i, f"L{i}", f"R{i}", "fb", "denkt-x", 1) for i in ids)
    return Question("q", "matching", "?", draw(POINTS), None, (), 1, pairs=pairs)


questions = st.one_of(
    choice_questions("single"),
    choice_questions("multiple"),
    truefalse_questions(),
    ordering_questions(),
    matching_questions(),
)


def choice_ids(question: Question) -> list[str]:
    if question.kind == "ordering":
        return [i.id for i in question.items]
    if question.kind == "matching":
        return [p.id for p in question.pairs]
    return [o.id for o in question.options]


@st.composite
def plausible_answers(draw: st.DrawFn, question: Question) -> Any:
    """Well-shaped answers built from the question's own ids, with some noise mixed in."""
    ids = choice_ids(question)
    noisy = st.sampled_from(ids) | IDS
    if question.kind in ("single", "truefalse"):
        return draw(noisy | st.none())
    if question.kind in ("multiple", "ordering"):
        return draw(st.lists(noisy, max_size=len(ids) + 2) | st.permutations(ids))
    return draw(st.dictionaries(noisy, noisy | st.none(), max_size=len(ids) + 1))


def is_exactly_right(question: Question, answer: Any) -> bool:
    """Oracle from the authoring rules: unknown ids and repeats carry no meaning."""
    if question.kind in ("single", "truefalse"):
        return answer == right_answer(question)
    if question.kind == "multiple":
        if not isinstance(answer, list):
            return False
        ticked = {a for a in answer if isinstance(a, str)} & set(choice_ids(question))
        return ticked == set(right_answer(question))
    if question.kind == "ordering":
        if not isinstance(answer, list):
            return False
        known = [a for a in answer if isinstance(a, str) and a in choice_ids(question)]
        return list(dict.fromkeys(known)) == right_answer(question)
    return isinstance(answer, dict) and all(answer.get(p.id) == p.id for p in question.pairs)


@given(st.data())
def test_score_is_between_zero_and_points(data: st.DataObject) -> None:
    question = data.draw(questions)
    answer = data.draw(plausible_answers(question) | json_garbage)
    result = grade_result(question, answer)
    assert isinstance(result.score, Fraction)
    assert 0 <= result.score <= question.points
    assert result.max == question.points
    assert result.correct == (result.score == question.points)


@given(st.data())
def test_full_points_exactly_when_exactly_right(data: st.DataObject) -> None:
    question = data.draw(questions)
    answer = data.draw(plausible_answers(question) | st.just(right_answer(question)))
    score = grade_result(question, answer).score
    assert (score == question.points) == is_exactly_right(question, answer)


@given(questions)
def test_the_right_answer_gets_full_points(question: Question) -> None:
    assert grade_result(question, right_answer(question)).score == question.points


@given(questions, json_garbage)
def test_garbage_never_raises_and_earns_no_more_than_points(question: Question, answer: Any) -> None:
    result = grade_result(question, answer)
    assert 0 <= result.score <= question.points
    assert set(result.chosen) <= set(choice_ids(question))


@given(st.lists(questions, min_size=1, max_size=5), st.data())
def test_attempt_is_the_sum_and_voiding_only_adds(qs: list[Question], data: st.DataObject) -> None:
    qs = [
        Question(f"q{n}", q.kind, q.text, q.points, q.feedback, q.options, 1, q.pairs, q.items, q.misconception)
        for n, q in enumerate(qs)
    ]
    quiz = Quiz("t", "T", "t", False, Policy(None, "best", True, 55), tuple(qs), Path("q/01-t.yaml"), "0" * 16)
    answers = {q.id: data.draw(plausible_answers(q) | json_garbage) for q in qs}
    voided = set(data.draw(st.lists(st.sampled_from([q.id for q in qs]), unique=True)))
    plain = grade_attempt(quiz, answers)
    with_voided = grade_attempt(quiz, answers, voided)
    assert plain.score == sum((r.score for r in plain.per_question.values()), Fraction(0))
    assert plain.max_score == sum(q.points for q in qs)
    assert plain.score <= with_voided.score <= plain.max_score
    for qid in voided:
        assert with_voided.per_question[qid].score == with_voided.per_question[qid].max


@given(st.fractions(min_value=-1000, max_value=1000, max_denominator=10**6))
def test_round_score_is_half_up_to_four_places(score: Fraction) -> None:
    stored = round_score(score)
    assert stored.as_tuple().exponent == -4
    error = Fraction(stored) - score
    assert abs(error) <= Fraction(1, 20000)
    if abs(error) == Fraction(1, 20000):  # a tie rounds away from zero
        assert abs(Fraction(stored)) > abs(score)
