"""Example-based tests of the grading rules in docs/authoring.md, including partial credit."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from course.content.quiz_files import FALSE_ID, TRUE_ID, Item, Option, Pair, Policy, Question, Quiz
from course.quizzes.grading import GRADERS, grade_attempt, grade_question, grade_result, round_score


def choice(qid: str, kind: str, correct: str, wrong: str, points: int = 1) -> Question:
    """Options are one-letter ids; the letters in ``correct`` are right, those in ``wrong`` not."""
    options = tuple(
        Option(i, f"Optie {i}", i in correct, f"Feedback {i}", None if i in correct else f"denkt-{i}", n)
        for n, i in enumerate(sorted(correct + wrong), start=1)
    )
    return Question(qid, kind, "Vraag", points, None, options, 1)


def truefalse(qid: str, answer: bool, points: int = 1) -> Question:
    options = (
        Option(TRUE_ID, "Waar", answer, "Fb waar", None if answer else "denkt-waar", 1),
        Option(FALSE_ID, "Niet waar", not answer, "Fb niet waar", "denkt-niet-waar" if answer else None, 2),
    )
    return Question(qid, "truefalse", "Stelling", points, None, options, 1)


def ordering(qid: str, item_ids: str, points: int = 1) -> Question:
    items = tuple(Item(i, f"Stap {i}", n) for n, i in enumerate(item_ids, start=1))
    return Question(qid, "ordering", "Volgorde", points, "Uitleg", (), 1, items=items, misconception="denkt-volgorde")


def matching(qid: str, pair_ids: list[str], points: int = 1) -> Question:
    pairs = tuple(Pair(p, f"L{p}", f"R{p}", f"Fb {p}", f"denkt-{p}", n) for n, p in enumerate(pair_ids, start=1))
    return Question(qid, "matching", "Koppel", points, None, (), 1, pairs=pairs)


def make_quiz(*questions: Question) -> Quiz:
    return Quiz("t", "T", "t", False, Policy(None, "best", True, 55), questions, Path("quizzes/01-t.yaml"), "0" * 16)


def test_registry_has_every_kind() -> None:
    assert set(GRADERS) == {"single", "multiple", "truefalse", "ordering", "matching"}


# -- single ---------------------------------------------------------------------------------

SINGLE = choice("q1", "single", "a", "bc", points=2)


def test_single_right_answer_gets_full_points() -> None:
    result = grade_result(SINGLE, "a")
    assert result.score == 2 and result.correct and result.chosen == ("a",) and result.wrong == {}


def test_single_wrong_answer_gets_zero_and_its_misconception() -> None:
    result = grade_result(SINGLE, "b")
    assert result.score == 0 and not result.correct
    assert result.chosen == ("b",) and result.wrong == {"b": "denkt-b"}


@pytest.mark.parametrize("answer", [None, "", "zz", ["a"], {"a": "a"}, 1, True, "A"])
def test_single_missing_unknown_or_malformed_answer_gets_zero(answer: object) -> None:
    result = grade_result(SINGLE, answer)
    assert result.score == 0 and not result.answered and result.wrong == {}


# -- truefalse ------------------------------------------------------------------------------

def test_truefalse_right_and_wrong() -> None:
    statement_is_false = truefalse("q1", answer=False)
    assert grade_question(statement_is_false, FALSE_ID) == 1
    wrong = grade_result(statement_is_false, TRUE_ID)
    assert wrong.score == 0 and wrong.wrong == {TRUE_ID: "denkt-waar"}
    assert grade_question(truefalse("q2", answer=True), TRUE_ID) == 1
    assert grade_question(truefalse("q2", answer=True), True) == 0


# -- multiple -------------------------------------------------------------------------------

TWO_OF_FOUR = choice("q1", "multiple", "ab", "cd", points=2)   # a, b right; c, d wrong
ONE_OF_FOUR = choice("q2", "multiple", "a", "bcd", points=4)   # a right; b, c, d wrong


def test_multiple_exactly_right_gets_full_points() -> None:
    result = grade_result(TWO_OF_FOUR, ["b", "a"])
    assert result.score == 2 and result.correct and result.chosen == ("a", "b")


def test_multiple_ticking_everything() -> None:
    # 2 right decisions (a, b), 2 wrong (c, d): max(0, 2 - 2) = 0
    assert grade_question(TWO_OF_FOUR, ["a", "b", "c", "d"]) == 0
    # 1 right (a), 3 wrong: clamped at 0, never negative
    assert grade_question(ONE_OF_FOUR, ["a", "b", "c", "d"]) == 0


def test_multiple_ticking_nothing_counts_as_not_answered() -> None:
    assert grade_question(TWO_OF_FOUR, []) == 0
    result = grade_result(ONE_OF_FOUR, [])  # per decision it would be 3 right, 1 wrong: still 0
    assert result.score == 0 and not result.answered and result.chosen == () and result.wrong == {}


def test_multiple_one_wrong_tick() -> None:
    result = grade_result(TWO_OF_FOUR, ["a", "b", "c"])  # 3 right, 1 wrong: 2 × 2/4
    assert result.score == 1 and not result.correct
    assert result.wrong == {"c": "denkt-c"}


def test_multiple_one_missing_tick() -> None:
    result = grade_result(TWO_OF_FOUR, ["a"])  # 3 right, 1 wrong; a missed right option has no tag
    assert result.score == 1 and result.wrong == {}


def test_multiple_exact_thirds() -> None:
    question = choice("q3", "multiple", "ab", "c", points=1)
    assert grade_question(question, ["a"]) == Fraction(1, 3)  # 2 right, 1 wrong


def test_multiple_duplicates_and_unknown_ids_earn_nothing_extra() -> None:
    assert grade_question(TWO_OF_FOUR, ["a", "a", "a"]) == grade_question(TWO_OF_FOUR, ["a"])
    assert grade_question(TWO_OF_FOUR, ["a", "zz", 7, None, ["b"]]) == grade_question(TWO_OF_FOUR, ["a"])


@pytest.mark.parametrize("answer", [None, "a", {"a": True}, 3])
def test_multiple_missing_or_malformed_answer_gets_zero(answer: object) -> None:
    result = grade_result(ONE_OF_FOUR, answer)
    assert result.score == 0 and not result.answered


# -- ordering -------------------------------------------------------------------------------

ORDER = ordering("q1", "abcd", points=3)  # 6 item pairs


def test_ordering_right_order_gets_full_points() -> None:
    result = grade_result(ORDER, ["a", "b", "c", "d"])
    assert result.score == 3 and result.correct and result.wrong == {}


def test_ordering_reversed_gets_zero_and_the_tag() -> None:
    result = grade_result(ORDER, ["d", "c", "b", "a"])
    assert result.score == 0 and result.wrong == {"q1": "denkt-volgorde"}


def test_ordering_one_adjacent_swap() -> None:
    assert grade_question(ORDER, ["a", "c", "b", "d"]) == 3 * Fraction(5, 6)


def test_ordering_first_item_last() -> None:
    assert grade_question(ORDER, ["b", "c", "d", "a"]) == 3 * Fraction(3, 6)


def test_ordering_missing_item_makes_its_pairs_wrong() -> None:
    assert grade_question(ORDER, ["a", "b", "c"]) == 3 * Fraction(3, 6)


def test_ordering_duplicates_and_unknown_ids_count_first_occurrence_only() -> None:
    assert grade_question(ORDER, ["a", "zz", "b", "a", "c", "d", "d"]) == 3
    assert grade_question(ORDER, ["d", "a", "b", "c", "d"]) == 3 * Fraction(3, 6)


@pytest.mark.parametrize("answer", [None, [], "abcd", {"a": 1}, [1, 2, 3]])
def test_ordering_missing_or_malformed_answer_gets_zero(answer: object) -> None:
    result = grade_result(ORDER, answer)
    assert result.score == 0 and not result.answered and result.wrong == {}


def test_ordering_with_two_items() -> None:
    question = ordering("q2", "ab")
    assert grade_question(question, ["a", "b"]) == 1
    assert grade_question(question, ["b", "a"]) == 0


# -- matching -------------------------------------------------------------------------------

MATCH = matching("q1", ["p1", "p2", "p3", "p4"], points=2)


def test_matching_all_right() -> None:
    result = grade_result(MATCH, {"p1": "p1", "p2": "p2", "p3": "p3", "p4": "p4"})
    assert result.score == 2 and result.correct


def test_matching_half_right() -> None:
    result = grade_result(MATCH, {"p1": "p1", "p2": "p2", "p3": "p4", "p4": "p3"})
    assert result.score == 1 and not result.correct
    assert result.chosen == ("p1", "p2", "p3", "p4")
    assert result.wrong == {"p3": "denkt-p3", "p4": "denkt-p4"}


def test_matching_same_right_everywhere_gets_one_pair() -> None:
    assert grade_question(MATCH, {"p1": "p1", "p2": "p1", "p3": "p1", "p4": "p1"}) == Fraction(1, 2)


def test_matching_unanswered_lefts_get_nothing_and_no_tag() -> None:
    result = grade_result(MATCH, {"p1": "p1", "p2": None, "p3": "zz", "zz": "p4", 5: "p4"})
    assert result.score == Fraction(1, 2) and result.chosen == ("p1",) and result.wrong == {}


@pytest.mark.parametrize("answer", [None, [], ["p1", "p1"], "p1", {}])
def test_matching_missing_or_malformed_answer_gets_zero(answer: object) -> None:
    result = grade_result(MATCH, answer)
    assert result.score == 0 and not result.answered


# -- attempts -------------------------------------------------------------------------------

QUIZ = make_quiz(
    choice("q1", "single", "a", "bc", points=2),
    ordering("q2", "abcd", points=3),
    matching("q3", ["p1", "p2", "p3", "p4"], points=2),
    truefalse("q4", answer=True),
)


def test_attempt_adds_up_exactly() -> None:
    answers = {"q1": "a", "q2": ["a", "c", "b", "d"], "q3": {"p1": "p1", "p2": "p2"}}
    result = grade_attempt(QUIZ, answers)
    assert result.max_score == 2 + 3 + 2 + 1
    assert result.score == 2 + Fraction(5, 2) + 1 + 0
    assert list(result.per_question) == ["q1", "q2", "q3", "q4"]
    assert not result.per_question["q4"].answered
    assert result.percentage == result.score * 100 / 8


def test_voided_question_gives_everyone_full_points() -> None:
    result = grade_attempt(QUIZ, {"q1": "b"}, voided={"q1", "q4", "not-a-question"})
    q1 = result.per_question["q1"]
    assert q1.score == 2 and q1.correct and q1.voided and q1.wrong == {} and q1.chosen == ("b",)
    assert result.per_question["q4"].score == 1
    assert result.score == 3 and not result.per_question["q2"].voided


@pytest.mark.parametrize("answers", [None, [], "x", {"q1": object()}])
def test_attempt_with_malformed_answers_scores_zero(answers: object) -> None:
    assert grade_attempt(QUIZ, answers).score == 0  # type: ignore[arg-type]


def test_unknown_kind_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        grade_question(Question("q", "essay", "?", 1, None, (), 1), "x")


# -- rounding for storage ---------------------------------------------------------------------

@pytest.mark.parametrize(
    ("score", "stored"),
    [
        (Fraction(2, 3), "0.6667"),
        (Fraction(1, 3), "0.3333"),
        (Fraction(5, 2), "2.5000"),
        (Fraction(3), "3.0000"),
        (Fraction(0), "0.0000"),
        (Fraction(1, 20000), "0.0001"),  # exactly half: up
        (Fraction(49999, 1000000000), "0.0000"),  # just under half
        (Fraction(-1, 20000), "-0.0001"),  # half away from zero
        (Fraction(12345678, 10**8), "0.1235"),
    ],
)
def test_round_score(score: Fraction, stored: str) -> None:
    assert round_score(score) == Decimal(stored)
    assert str(round_score(score)) == stored
