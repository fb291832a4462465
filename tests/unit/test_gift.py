"""GIFT export: the good fixture against a hand-written expected file, plus the tricky bits."""

from __future__ import annotations

from pathlib import Path

from course.content.quiz_files import Option, Policy, Question, Quiz, load_misconceptions, load_quizzes
from course.quizzes.gift import escape, export_gift

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "quizzes"


def good_quizzes() -> list[Quiz]:
    tags, problems = load_misconceptions(FIXTURES / "good" / "misconceptions.yaml")
    quizzes, problems = load_quizzes(FIXTURES / "good", tags)
    assert problems == []
    return list(quizzes.values())


def test_export_matches_hand_written_file() -> None:
    expected = (FIXTURES / "expected.gift").read_text(encoding="utf-8")
    assert export_gift(good_quizzes()) == expected


def test_export_is_deterministic_whatever_the_input_order() -> None:
    quizzes = good_quizzes()
    assert export_gift(reversed(quizzes)) == export_gift(quizzes)
    assert export_gift([]) == ""


def test_escape_special_characters_and_line_breaks() -> None:
    assert escape("a~b=c#d{e}f:g\\h") == "a\\~b\\=c\\#d\\{e\\}f\\:g\\\\h"
    assert escape("  regel 1  \r\nregel 2\n\nregel 4\n") == "regel 1\\nregel 2\\n\\nregel 4"


def one_question_quiz(question: Question) -> Quiz:
    return Quiz("q", "Q", "q", False, Policy(None, "best", True, 55), (question,), Path("quizzes/01-q.yaml"), "f" * 16)


def test_multiple_weights_use_moodle_fractions() -> None:
    options = tuple(
        Option(i, f"Optie {i}", i in "abc", "", None if i in "abc" else "denkt-x", 1) for i in "abcd"
    )
    question = Question("m", "multiple", "Kies", 1, None, options, 1)
    body = export_gift([one_question_quiz(question)]).split("{\n", 1)[1]
    assert body == "\t~%33.33333%Optie a\n\t~%33.33333%Optie b\n\t~%33.33333%Optie c\n\t~%-100%Optie d\n}\n"


def test_truefalse_true_puts_wrong_feedback_first() -> None:
    options = (
        Option("waar", "Waar", True, "Goed: klopt.", None, 1),
        Option("niet-waar", "Niet waar", False, "Nee.", "denkt-x", 2),
    )
    question = Question("t", "truefalse", "Stelling", 1, "Algemeen", options, 1)
    assert "{\n\tT#Nee.#Goed\\: klopt.\n\t####Algemeen\n}" in export_gift([one_question_quiz(question)])
