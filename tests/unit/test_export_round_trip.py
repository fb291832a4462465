"""The characters each format treats specially (``~ = # { } : \\``), Dutch typography (‘ ’ “ ” – … é ë)
and texts that start like a GIFT weight or format come back unchanged from every export: GIFT read
as Moodle reads it, Moodle XML and the cartridge's QTI parsed with lxml."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree, html

from course.content.quiz_files import Quiz, load_misconceptions, load_quizzes
from course.quizzes.gift import export_gift
from course.quizzes.moodle_xml import export_moodle_xml
from tests.gift_reader import read_gift

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "quizzes" / "round-trip"
SPECIAL = "~ = # { } : \\ ‘ ’ “ ” – … é ë"


@pytest.fixture(scope="module")
def quiz() -> Quiz:
    tags, _ = load_misconceptions(FIXTURE / "misconceptions.yaml")
    quizzes, problems = load_quizzes(FIXTURE, tags)
    assert problems == []
    return quizzes["tekens"]


def plain(fragment: str | None) -> str:
    if not fragment or not fragment.strip():
        return ""
    return html.fragment_fromstring(fragment, create_parent="div").text_content().strip()


def test_the_fixture_holds_every_special_character(quiz: Quiz) -> None:
    assert SPECIAL in quiz.title
    assert all(SPECIAL in q.text for q in quiz.questions)


def test_gift_as_moodle_reads_it(quiz: Quiz) -> None:
    read = {q.name.split("/")[1]: q for q in read_gift(export_gift([quiz]))}
    assert set(read) == {q.id for q in quiz.questions}
    for question in quiz.questions:
        got = read[question.id]
        assert got.text == question.text.strip()
        if question.kind in ("single", "multiple"):
            assert [a.text for a in got.answers] == [o.text.strip() for o in question.options]
            assert [a.feedback for a in got.answers] == [o.feedback.strip() for o in question.options]
            assert [a.weight > 0 for a in got.answers] == [o.correct for o in question.options]
        elif question.kind == "truefalse":
            true, false = question.options
            right, wrong = (true, false) if true.correct else (false, true)
            assert got.truth is true.correct
            assert got.truefalse_feedback == (wrong.feedback.strip(), right.feedback.strip())
        elif question.kind == "matching":
            assert got.pairs == [(p.left.strip(), p.right.strip()) for p in question.pairs]
        else:
            assert got.pairs == [(i.text.strip(), str(n)) for n, i in enumerate(question.items, start=1)]
        if question.feedback:
            assert got.general_feedback.startswith(question.feedback.strip())


def test_moodle_xml(quiz: Quiz) -> None:
    root = etree.fromstring(export_moodle_xml([quiz]))
    assert SPECIAL in root.findtext("question/category/text")
    elements = {e.findtext("name/text"): e for e in root.iter("question") if e.get("type") != "category"}
    for question in quiz.questions:
        element = elements[question.id]
        assert plain(element.findtext("questiontext/text")) == question.text.strip()
        if question.kind in ("single", "multiple"):
            answers = element.findall("answer")
            assert [plain(a.findtext("text")) for a in answers] == [o.text.strip() for o in question.options]
            feedback = [plain(a.findtext("feedback/text")) for a in answers]
            assert feedback == [o.feedback.strip() for o in question.options]
        elif question.kind == "truefalse":
            feedback = [plain(a.findtext("feedback/text")) for a in element.findall("answer")]
            assert feedback == [o.feedback.strip() for o in question.options]
        elif question.kind == "matching":
            subs = element.findall("subquestion")
            assert [plain(s.findtext("text")) for s in subs] == [p.left.strip() for p in question.pairs]
            assert [s.findtext("answer/text") for s in subs] == [p.right.strip() for p in question.pairs]
        else:
            items = [plain(a.findtext("text")) for a in element.findall("answer")]
            assert items == [i.text.strip() for i in question.items]
        if question.feedback:
            assert plain(element.findtext("generalfeedback/text")).startswith(question.feedback.strip())
