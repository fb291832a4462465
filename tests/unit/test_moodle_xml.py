"""Moodle XML export: every question of the real course, parsed back with lxml and compared with its
YAML source (type, points, fractions, feedback), the fraction choice for multiple questions, and
the ordering fallback for older Moodle sites."""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction
from itertools import product
from pathlib import Path

import pytest
from lxml import etree, html

from course.content.catalog import load_catalog
from course.content.quiz_files import Question, Quiz
from course.quizzes.grading import grade_question
from course.quizzes.moodle_xml import (
    MOODLE_FRACTIONS,
    ExportError,
    category_path,
    export_moodle_xml,
    moodle_multiple_share,
    multiple_weights,
    our_multiple_share,
    percent,
)

ROOT = Path(__file__).resolve().parents[2]
QTYPES = {"single": "multichoice", "multiple": "multichoice", "truefalse": "truefalse", "matching": "matching",
          "ordering": "ordering"}


def real_quizzes() -> list[Quiz]:
    catalog = load_catalog(ROOT / "lessons", ROOT / "quizzes")
    assert catalog.problems == []
    return sorted(catalog.quizzes.values(), key=lambda q: q.path.name)


def parse(data: bytes) -> etree._Element:
    return etree.fromstring(data, etree.XMLParser(strip_cdata=False))


def plain(fragment: str) -> str:
    """The words of an HTML fragment, as a reader sees them."""
    if not fragment.strip():
        return ""
    return " ".join(html.fragment_fromstring(fragment, create_parent="div").text_content().split())


def words(text: str | None) -> str:
    """The words of a YAML text as a reader sees them: emphasis marks (``*``) are markdown."""
    return " ".join((text or "").replace("*", "").split())


def text_of(element: etree._Element, path: str) -> str:
    return element.findtext(f"{path}/text") or ""


def allowed(fraction_attr: str) -> bool:
    value = abs(Fraction(fraction_attr) / 100)
    return any(abs(value - f) < Fraction(1, 10**7) for f in MOODLE_FRACTIONS)


def split_by_quiz(root: etree._Element) -> dict[str, list[etree._Element]]:
    """Questions under the category that precedes them."""
    groups: dict[str, list[etree._Element]] = {}
    current = None
    for question in root.iter("question"):
        if question.get("type") == "category":
            current = question.findtext("category/text")
            groups[current] = []
        else:
            groups[current].append(question)
    return groups


def test_every_question_matches_its_yaml_source() -> None:
    quizzes = real_quizzes()
    root = parse(export_moodle_xml(quizzes))
    groups = split_by_quiz(root)
    assert list(groups) == [category_path(q) for q in quizzes]
    checked = 0
    for quiz in quizzes:
        elements = groups[category_path(quiz)]
        assert [e.findtext("name/text") for e in elements] == [q.id for q in quiz.questions]
        for question, element in zip(quiz.questions, elements, strict=True):
            assert element.get("type") == QTYPES[question.kind], question.id
            assert element.findtext("defaultgrade") == str(question.points)
            assert plain(text_of(element, "questiontext")) == words(question.text)
            general = plain(text_of(element, "generalfeedback"))
            assert words(question.feedback) in general
            CHECKS[question.kind](question, element, general)
            checked += 1
    assert checked == sum(len(q.questions) for q in quizzes) >= 112


def check_choices(question: Question, element: etree._Element, _general: str) -> None:
    answers = element.findall("answer")
    assert element.findtext("single") == ("true" if question.kind == "single" else "false")
    assert [plain(text_of(a, ".")) for a in answers] == [words(o.text) for o in question.options]
    assert [plain(text_of(a, "feedback")) for a in answers] == [words(o.feedback) for o in question.options]
    for answer, option in zip(answers, question.options, strict=True):
        assert allowed(answer.get("fraction")), answer.get("fraction")
        if question.kind == "single":
            assert answer.get("fraction") == ("100" if option.correct else "0")
        else:
            assert (Fraction(answer.get("fraction")) > 0) == option.correct
    right_total = sum(Fraction(a.get("fraction")) for a in answers if Fraction(a.get("fraction")) > 0)
    assert abs(right_total - 100) < Fraction(1, 1000)


def check_truefalse(question: Question, element: etree._Element, _general: str) -> None:
    answers = {a.findtext("text"): a for a in element.findall("answer")}
    true, false = question.options
    assert answers["true"].get("fraction") == ("100" if true.correct else "0")
    assert answers["false"].get("fraction") == ("100" if false.correct else "0")
    assert plain(text_of(answers["true"], "feedback")) == words(true.feedback)
    assert plain(text_of(answers["false"], "feedback")) == words(false.feedback)


def check_matching(question: Question, element: etree._Element, general: str) -> None:
    subs = element.findall("subquestion")
    assert [plain(s.findtext("text")) for s in subs] == [words(p.left) for p in question.pairs]
    assert [s.findtext("answer/text") for s in subs] == [words(p.right) for p in question.pairs]
    for pair in question.pairs:
        assert words(pair.feedback) in general  # Moodle has no feedback per pair


def check_ordering(question: Question, element: etree._Element, _general: str) -> None:
    assert element.findtext("gradingtype") == "RELATIVE_ALL_PREVIOUS_AND_NEXT"
    assert element.findtext("selecttype") == "ALL" and element.findtext("selectcount") == str(len(question.items))
    answers = element.findall("answer")
    assert [plain(text_of(a, ".")) for a in answers] == [words(i.text) for i in question.items]
    assert [a.get("fraction") for a in answers] == [f"{n}.0000000" for n in range(1, len(answers) + 1)]


CHECKS = {"single": check_choices, "multiple": check_choices, "truefalse": check_truefalse,
          "matching": check_matching, "ordering": check_ordering}


def test_one_category_per_quiz_with_the_lesson_number() -> None:
    quizzes = real_quizzes()
    assert category_path(quizzes[0]) == "$course$/top/Personal Branding/01 " + " ".join(quizzes[0].title.split())
    assert len({category_path(q) for q in quizzes}) == len(quizzes)


def test_ordering_falls_back_to_matching_by_position_for_older_moodle() -> None:
    quizzes = real_quizzes()
    root = parse(export_moodle_xml(quizzes, ordering="matching"))
    assert root.find(".//question[@type='ordering']") is None
    question = next(q for quiz in quizzes for q in quiz.questions if q.kind == "ordering")
    element = next(e for e in root.iter("question") if e.findtext("idnumber", "").endswith("/" + question.id)
                   and e.findtext("name/text") == question.id and e.get("type") == "matching"
                   and len(e.findall("subquestion")) == len(question.items))
    subs = element.findall("subquestion")
    assert [s.findtext("answer/text") for s in subs] == [str(n) for n in range(1, len(question.items) + 1)]
    assert element.findtext("defaultgrade") == str(question.points)


def test_dutch_characters_survive_as_utf8() -> None:
    data = export_moodle_xml(real_quizzes())
    assert data.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    text = data.decode("utf-8")
    assert "&#" not in text  # no character references: é, ë, — and ’ are written as themselves
    assert "—" in text


@pytest.mark.parametrize("right,wrong", [(r, w) for r in range(1, 11) for w in range(0, 11)])
def test_multiple_weights_are_allowed_and_full_marks_stay_full(right: int, wrong: int) -> None:
    right_weight, wrong_weight = multiple_weights(right, wrong)
    assert right_weight in MOODLE_FRACTIONS and -wrong_weight in MOODLE_FRACTIONS
    assert moodle_multiple_share(right_weight, wrong_weight, right, 0) == 1
    if wrong:
        assert moodle_multiple_share(right_weight, wrong_weight, 0, wrong) == 0
        assert our_multiple_share(right, wrong, 0, wrong) == 0


def test_the_chosen_wrong_weight_is_the_closest_to_our_rule() -> None:
    # 3 right and 2 wrong options, the most common shape in the course.
    right_weight, chosen = multiple_weights(3, 2)

    def error(weight: Fraction) -> Fraction:
        """Summed over every set of ticks a student can hand in (2^5 - 1 of them)."""
        total = Fraction(0)
        for ticks in product((False, True), repeat=5):
            r, w = sum(ticks[:3]), sum(ticks[3:])
            if r or w:
                total += abs(moodle_multiple_share(right_weight, weight, r, w) - our_multiple_share(3, 2, r, w))
        return total

    assert all(error(chosen) <= error(-f) for f in MOODLE_FRACTIONS)
    assert chosen == Fraction(-2, 5)


def test_our_share_is_the_app_grading_rule() -> None:
    quiz = next(q for q in real_quizzes() for q in q.questions if q.kind == "multiple")
    right = [o.id for o in quiz.options if o.correct]
    wrong = [o.id for o in quiz.options if not o.correct]
    for r, w in product(range(len(right) + 1), range(len(wrong) + 1)):
        if (r, w) == (0, 0):
            continue
        share = grade_question(quiz, right[:r] + wrong[:w]) / quiz.points
        assert share == our_multiple_share(len(right), len(wrong), r, w)


def test_percent_is_written_as_moodle_writes_it() -> None:
    assert [percent(Fraction(f)) for f in ("1", "1/3", "-1/7", "5/6", "0", "1/8")] == [
        "100", "33.33333", "-14.28571", "83.33333", "0", "12.5"]


def test_links_into_the_app_become_text_and_web_links_stay() -> None:
    quiz = real_quizzes()[0]
    text = "Lees [les 3](03-privacy-instellingen.md) en [de AP](https://autoriteitpersoonsgegevens.nl)."
    question = replace(quiz.questions[0], text=text)
    root = parse(export_moodle_xml([replace(quiz, questions=(question,))]))
    text = root.findtext("question[@type='multichoice']/questiontext/text")
    assert "03-privacy-instellingen.md" not in text and "Lees les 3 en" in text
    assert '<a href="https://autoriteitpersoonsgegevens.nl" rel="noopener noreferrer">de AP</a>' in text


def test_a_question_moodle_cannot_weigh_is_refused_by_name() -> None:
    quiz = real_quizzes()[0]
    question = next(q for q in quiz.questions if q.kind == "multiple")
    right = question.options[0]
    options = tuple(replace(right, id=f"r{n}") for n in range(11)) + (question.options[-1],)
    broken = replace(quiz, questions=(replace(question, options=options),))
    with pytest.raises(ExportError, match=rf"question '{question.id}': 11 right options"):
        export_moodle_xml([broken])
