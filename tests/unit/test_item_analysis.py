"""Item statistics against values worked out by hand, for a quiz of four questions taken five times.

The class (one counting attempt each):

    attempt  Q1 (1 pt)  Q2 (1 pt)  Q3 (2 pt)  Q4 (1 pt)  total
    1        1          1          2          1          5
    2        1          1          1          0          3
    3        1          0          1          1          3
    4        1          1          0          0          2
    5        1          0          0          0          1

Facility = mean score / max: Q1 5/5 = 1.0; Q2 3/5 = 0.6; Q3 4/10 = 0.4; Q4 2/5 = 0.4.

Discrimination = Pearson(item, total - item):
- Q1: everyone scored 1, no spread: undefined.
- Q2: x = 1,1,0,1,0 (mean .6), rest = 4,2,3,1,1 (mean 2.2); Sxy = .72-.08-.48-.48+.72 = .4;
  Sxx = 1.2; Syy = 3.24+.04+.64+1.44+1.44 = 6.8; r = .4 / sqrt(1.2*6.8) = 0.14003.
- Q3: x = 2,1,1,0,0 (mean .8), rest = 3,2,2,2,1 (mean 2); Sxy = 1.2+0+0+0+.8 = 2;
  Sxx = 2.8; Syy = 2; r = 2 / sqrt(5.6) = 0.84515.
- Q4: x = 1,0,1,0,0 (mean .4), rest = 4,3,2,2,1 (mean 2.4); Sxy = .96-.24-.24+.16+.56 = 1.2;
  Sxx = 1.2; Syy = 2.56+.36+.16+.16+1.96 = 5.2; r = 1.2 / sqrt(6.24) = 0.48038.
"""

from __future__ import annotations

import math
from decimal import Decimal
from pathlib import Path

import pytest

from course.content.quiz_files import FALSE_ID, TRUE_ID, Item, Option, Pair, Policy, Question, Quiz
from course.gradebook.analysis import (
    MIN_ATTEMPTS_FOR_DISCRIMINATION,
    ORDER_ID,
    ItemResponse,
    analyse_quiz,
    choice_counts,
    discrimination,
    facility,
    misconception_shares,
    pearson,
    tags_by_quiz,
)

EXPLANATIONS = {
    "denkt-b": "Denkt B.",
    "denkt-c": "Denkt C.",
    "denkt-z": "Denkt Z.",
    "denkt-w": "Denkt W.",
    "denkt-volgorde": "Denkt volgorde.",
    "denkt-p": "Denkt P.",
}


def option(oid: str, correct: bool, tag: str | None = None) -> Option:
    return Option(oid, f"Optie {oid}", correct, f"Feedback {oid}", tag, 1)


Q1 = Question("q1", "single", "Vraag 1", 1, None, (option("a", True), option("b", False, "denkt-b")), 1)
Q2 = Question(
    "q2", "single", "Vraag 2", 1, None,
    (option("a", True), option("b", False, "denkt-b"), option("c", False, "denkt-c")), 1,
)
Q3 = Question(
    "q3", "multiple", "Vraag 3", 2, None,
    (option("a", True), option("b", True), option("c", False, "denkt-z")), 1,
)
Q4 = Question(
    "q4", "truefalse", "Stelling", 1, None,
    (
        Option(TRUE_ID, "Waar", True, "Fb waar", None, 1),
        Option(FALSE_ID, "Niet waar", False, "Fb niet waar", "denkt-w", 2),
    ),
    1,
)
QUIZ = Quiz("t", "T", "t", False, Policy(None, "best", True, 55), (Q1, Q2, Q3, Q4), Path("quizzes/01-t.yaml"), "v1")

SCORES = {  # attempt -> (Q1, Q2, Q3, Q4)
    1: (1, 1, 2, 1),
    2: (1, 1, 1, 0),
    3: (1, 0, 1, 1),
    4: (1, 1, 0, 0),
    5: (1, 0, 0, 0),
}
CHOSEN = {  # attempt -> what was chosen per question
    1: (["a"], ["a"], ["a", "b"], [TRUE_ID]),
    2: (["a"], ["a"], ["a"], [FALSE_ID]),
    3: (["a"], ["b"], ["b"], [TRUE_ID]),
    4: (["a"], ["a"], ["c"], [FALSE_ID]),
    5: (["a"], ["b"], ["a", "c"], [FALSE_ID]),
}
TAGS = {"q2": {"b": "denkt-b"}, "q3": {"c": "denkt-z"}, "q4": {FALSE_ID: "denkt-w"}}


def responses(copies: int = 1) -> list[ItemResponse]:
    """Every attempt ``copies`` times (a copy has the same answers under a new attempt id)."""
    found = []
    for copy in range(copies):
        for attempt, scores in SCORES.items():
            for question, score, chosen in zip(QUIZ.questions, scores, CHOSEN[attempt], strict=True):
                tags = sorted({TAGS.get(question.id, {}).get(c) for c in chosen} - {None})
                found.append(ItemResponse(
                    attempt + 10 * copy, question.id, Decimal(score), question.points, tuple(chosen), tuple(tags)
                ))
    return found


BY_HAND = {
    "q2": 0.4 / math.sqrt(1.2 * 6.8),
    "q3": 2 / math.sqrt(2.8 * 2),
    "q4": 1.2 / math.sqrt(1.2 * 5.2),
}


def test_hand_values_are_what_the_docstring_says() -> None:
    assert BY_HAND["q2"] == pytest.approx(0.14003, abs=1e-5)
    assert BY_HAND["q3"] == pytest.approx(0.84515, abs=1e-5)
    assert BY_HAND["q4"] == pytest.approx(0.48038, abs=1e-5)


def test_facility_is_mean_score_over_max() -> None:
    result = analyse_quiz(QUIZ, responses(), EXPLANATIONS)
    assert [item.facility for item in result.items] == pytest.approx([1.0, 0.6, 0.4, 0.4])
    assert [item.attempts for item in result.items] == [5, 5, 5, 5]
    assert result.attempts == 5


def test_discrimination_is_the_item_rest_correlation() -> None:
    by_attempt = {a: dict(zip(("q1", "q2", "q3", "q4"), scores, strict=True)) for a, scores in SCORES.items()}
    for qid, expected in BY_HAND.items():
        assert discrimination(by_attempt, qid) == pytest.approx(expected)


def test_a_question_everyone_got_right_has_no_discrimination() -> None:
    by_attempt = {a: dict(zip(("q1", "q2", "q3", "q4"), scores, strict=True)) for a, scores in SCORES.items()}
    assert discrimination(by_attempt, "q1") is None
    result = analyse_quiz(QUIZ, responses(copies=2), EXPLANATIONS)
    first = result.items[0]
    assert first.facility == 1.0 and first.discrimination is None and not first.too_few


def test_discrimination_is_shown_only_from_ten_attempts() -> None:
    few = analyse_quiz(QUIZ, responses(copies=1), EXPLANATIONS)
    assert few.too_few and all(item.too_few and item.discrimination is None for item in few.items)
    # Ten attempts: the five, twice. Doubling every pair of values leaves a correlation unchanged.
    enough = analyse_quiz(QUIZ, responses(copies=2), EXPLANATIONS)
    assert enough.attempts == 2 * 5 >= MIN_ATTEMPTS_FOR_DISCRIMINATION and not enough.too_few
    assert [item.discrimination for item in enough.items[1:]] == pytest.approx(list(BY_HAND.values()))


@pytest.mark.parametrize(
    ("xs", "ys"),
    [([], []), ([1], [2]), ([1, 1, 1], [1, 2, 3]), ([1, 2, 3], [4, 4, 4]), ([1, 2], [1, 2, 3])],
)
def test_pearson_is_none_where_undefined(xs: list[int], ys: list[int]) -> None:
    assert pearson(xs, ys) is None


def test_pearson_of_a_perfect_line() -> None:
    assert pearson([1, 2, 3], [2, 4, 6]) == pytest.approx(1.0)
    assert pearson([1, 2, 3], [6, 4, 2]) == pytest.approx(-1.0)


def test_facility_without_answers_is_none() -> None:
    assert facility([], []) is None


def test_option_counts_and_most_chosen_wrong() -> None:
    result = analyse_quiz(QUIZ, responses(), EXPLANATIONS)
    counts = {item.question.id: {c.choice_id: c.count for c in item.choices} for item in result.items}
    assert counts["q1"] == {"a": 5, "b": 0}
    assert counts["q2"] == {"a": 3, "b": 2, "c": 0}
    assert counts["q3"] == {"a": 3, "b": 2, "c": 2}
    assert counts["q4"] == {TRUE_ID: 2, FALSE_ID: 3}
    wrong = result.most_chosen_wrong()
    assert [(w.question_number, w.choice.choice_id, w.choice.count) for w in wrong] == [
        (4, FALSE_ID, 3), (2, "b", 2), (3, "c", 2),
    ]
    top = wrong[0].choice
    assert top.misconception == "denkt-w" and top.explanation == "Denkt W." and top.feedback == "Fb niet waar"
    assert top.share == pytest.approx(3 / 5)
    # Options nobody chose and right answers are never "wrong choices".
    assert [c.choice_id for c in result.items[1].wrong_choices] == ["b"]


def test_matching_and_ordering_count_what_went_wrong() -> None:
    pairs = tuple(Pair(p, f"L{p}", f"R{p}", f"Fb {p}", "denkt-p", 1) for p in ("p1", "p2", "p3"))
    matching = Question("m", "matching", "Koppel", 3, None, (), 1, pairs=pairs)
    items = tuple(Item(i, f"Stap {i}", 1) for i in ("s1", "s2", "s3"))
    ordering = Question("o", "ordering", "Volgorde", 1, "Uitleg", (), 1, items=items, misconception="denkt-volgorde")
    match_rows = [
        ItemResponse(1, "m", Decimal(1), 3, ("p1", "p2"), ("denkt-p",)),
        ItemResponse(2, "m", Decimal(3), 3, (), ()),
        ItemResponse(3, "m", Decimal(2), 3, ("p2",), ("denkt-p",)),
    ]
    counts = {c.choice_id: c.count for c in choice_counts(matching, match_rows, EXPLANATIONS)}
    assert counts == {"p1": 1, "p2": 2, "p3": 0}
    order_rows = [
        ItemResponse(1, "o", Decimal(0), 1, ("s1", "s2"), ("denkt-volgorde",)),
        ItemResponse(2, "o", Decimal(1), 1, (), ()),
        ItemResponse(3, "o", Decimal(0), 1, ("s2", "s3"), ("denkt-volgorde",)),
    ]
    rows = choice_counts(ordering, order_rows, EXPLANATIONS)
    assert {c.choice_id: c.count for c in rows} == {"s1": 1, "s2": 2, "s3": 1, ORDER_ID: 2}
    whole = rows[-1]
    assert whole.is_choice and whole.misconception == "denkt-volgorde" and whole.feedback == "Uitleg"
    assert not any(c.is_choice for c in rows[:-1])  # single items are detail, not a wrong choice


def test_questions_added_later_are_analysed_over_the_attempts_that_have_them() -> None:
    some = [r for r in responses() if not (r.question_id == "q4" and r.attempt_id in (4, 5))]
    result = analyse_quiz(QUIZ, some, EXPLANATIONS)
    assert result.items[3].attempts == 3
    assert result.items[3].facility == pytest.approx(2 / 3)


def test_voided_questions_are_marked() -> None:
    result = analyse_quiz(QUIZ, responses(), EXPLANATIONS, voided=frozenset({"q2"}))
    assert [item.voided for item in result.items] == [False, True, False, False]


# -- misconceptions across quizzes ----------------------------------------------------------------


def test_tags_by_quiz_come_from_wrong_options() -> None:
    assert tags_by_quiz([QUIZ]) == {"t": frozenset({"denkt-b", "denkt-c", "denkt-z", "denkt-w"})}


def test_misconception_share_is_over_students_who_could_show_it() -> None:
    possible = {"a": frozenset({"x", "y"}), "b": frozenset({"y", "z"})}
    chosen = {
        1: {"a": ["x"], "b": ["y"]},  # holds x and y
        2: {"a": ["x", "x"]},  # x (twice in one attempt counts once)
        3: {"b": []},  # took quiz b, chose nothing wrong
        4: {"a": []},
    }
    shares = {m.tag: m for m in misconception_shares(chosen, possible, {"x": "Denkt X."})}
    assert set(shares) == {"x", "y"}  # z was never chosen
    assert (shares["x"].students, shares["x"].exposed) == (2, 3)  # students 1, 2 of 1, 2, 4
    assert (shares["y"].students, shares["y"].exposed) == (1, 4)  # y can show in both quizzes
    assert shares["x"].share == pytest.approx(2 / 3) and shares["x"].explanation == "Denkt X."
    assert shares["x"].quizzes == ("a",) and shares["y"].quizzes == ("b",)
    assert [m.tag for m in misconception_shares(chosen, possible, {})] == ["x", "y"]  # most held first


def test_misconceptions_rank_a_share_of_many_above_all_of_one() -> None:
    """1 of 1 (100 %) says less than 12 of 18 (67 %): the second is what a teacher should act on."""
    possible = {"a": frozenset({"lone"}), "b": frozenset({"broad"})}
    chosen: dict[int, dict[str, list[str]]] = {1: {"a": ["lone"]}}
    for student in range(2, 20):  # 18 students took quiz b; 12 of them chose the tagged option
        chosen[student] = {"b": ["broad"] if student < 14 else []}
    ranked = misconception_shares(chosen, possible, {})
    assert [(m.tag, m.students, m.exposed) for m in ranked] == [("broad", 12, 18), ("lone", 1, 1)]
    assert ranked[1].share == 1.0 and ranked[1].too_few and not ranked[0].too_few
