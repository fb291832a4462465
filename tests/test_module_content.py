"""The module itself: what a school buys must meet the content promises of the product."""

import re

import pytest

from course.content.catalog import load_catalog
from course.content.lesson_files import lesson_body
from course.content.summary_sections import summary_problems

from .conftest import ROOT

CATALOG = load_catalog(ROOT / "lessons", ROOT / "quizzes")
LESSONS = list(CATALOG.lessons.values())
LESSON_QUIZZES = [q for q in CATALOG.quizzes.values() if not q.final]
REQUIRED_SECTIONS = ("Openingscase", "Activiteit", "Opdracht", "Reflectie", "Bronnen")
GUIDE_SECTIONS = ("Lesverloop", "Activiteit begeleiden", "Beoordeling", "Valkuilen", "Gevoelige momenten")


def words(markdown: str) -> list[str]:
    return re.findall(r"[^\W\d_][\w'’-]*", markdown)


def test_twelve_lessons_each_with_its_quiz_and_assignment():
    assert [lesson.number for lesson in LESSONS] == list(range(1, 13))
    for lesson in LESSONS:
        assert lesson.quiz in CATALOG.quizzes, lesson.slug
        assert lesson.assignment is not None, lesson.slug
        assert lesson.goals and lesson.competences


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.slug)
def test_lesson_body_has_at_least_700_words_and_every_section(lesson):
    body = lesson_body(lesson)
    assert len(words(body)) >= 700
    headings = re.findall(r"^## (.+)$", body, re.MULTILINE)
    positions = [next(i for i, h in enumerate(headings) if h.startswith(s)) for s in REQUIRED_SECTIONS]
    assert positions == sorted(positions), f"sections out of order: {headings}"
    assert positions[1] - positions[0] >= 3, "two or three explanation sections between case and activity"


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.slug)
def test_every_lesson_opens_with_de_kern_in_at_most_five_sentences(lesson):
    headings = re.findall(r"^## (.+)$", lesson_body(lesson), re.MULTILINE)
    assert headings[0] == "De kern"
    assert summary_problems(lesson, lesson.path.name) == []


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda lesson: lesson.slug)
def test_every_lesson_has_a_teacher_guide_with_its_sections(lesson):
    assert lesson.guide_path is not None and lesson.guide_path.is_file()
    guide = lesson.guide_path.read_text(encoding="utf-8")
    # printed on its own, a guide still says which lesson it belongs to
    assert guide.startswith(f"# Docentenhandleiding — Les {lesson.number}: {lesson.title}\n")
    for section in GUIDE_SECTIONS:
        assert re.search(rf"^## {section}", guide, re.MULTILINE), section
    assert "254ba" in guide  # the law on sharing sexual images, for the sensitive moments
    assessment = guide.split("## Beoordeling", 1)[1].split("\n## ", 1)[0]
    assert "Voldoende: op elk criterium minstens voldoende." in assessment  # one pass rule in every rubric


def test_quizzes_meet_the_module_promises():
    assert len(LESSON_QUIZZES) >= 12
    assert all(len(q.questions) >= 6 for q in LESSON_QUIZZES)
    questions = [question for quiz in LESSON_QUIZZES for question in quiz.questions]
    assert len(questions) >= 72
    kinds = {q.kind for q in questions}
    assert kinds == {"single", "multiple", "truefalse", "ordering", "matching"}
    richer = [q for q in questions if q.kind in ("multiple", "ordering", "matching")]
    assert len(richer) * 4 >= len(questions)
    final = CATALOG.final_quiz
    assert final is not None and len(final.questions) >= 15


def test_every_option_teaches_and_every_wrong_option_names_its_misconception():
    for quiz in CATALOG.quizzes.values():
        for question in quiz.questions:
            for option in question.options:
                assert len(words(option.feedback)) >= 5, (quiz.slug, question.id, option.id)
                if not option.correct:
                    assert option.misconception in CATALOG.misconceptions, (quiz.slug, question.id)
            for pair in question.pairs:
                assert pair.feedback and pair.misconception in CATALOG.misconceptions
            if question.kind == "ordering":
                assert question.feedback and question.misconception in CATALOG.misconceptions


def test_misconception_tags_are_shared_across_quizzes():
    used: dict[str, set[str]] = {}
    for quiz in CATALOG.quizzes.values():
        for question in quiz.questions:
            tags = [o.misconception for o in question.options] + [p.misconception for p in question.pairs]
            for tag in [*tags, question.misconception]:
                if tag:
                    used.setdefault(tag, set()).add(quiz.slug)
    shared = [tag for tag, quizzes in used.items() if len(quizzes) >= 2]
    assert len(shared) >= 10  # a class view adds up only when quizzes reuse tags


def reference_sentences_of(min_words: int = 9) -> set[tuple[str, ...]]:
    text = (ROOT.parent / "shared" / "reference" / "hoe-zo-sociale-media-in-het-mbo.md")
    if not text.exists():
        pytest.skip("the reference publication is not beside this checkout")
    tokens = [w.lower() for w in words(text.read_text(encoding="utf-8"))]
    return {tuple(tokens[i : i + min_words]) for i in range(len(tokens) - min_words + 1)}


def test_no_sentence_is_taken_from_the_reference_publication():
    """No run of nine words in a row from the reference appears in lessons, guides or quizzes."""
    runs = reference_sentences_of()
    files = [*ROOT.joinpath("lessons").rglob("*.md"), *ROOT.joinpath("quizzes").glob("*.yaml")]
    copied = []
    for path in files:
        tokens = [w.lower() for w in words(path.read_text(encoding="utf-8"))]
        for i in range(len(tokens) - 8):
            if tuple(tokens[i : i + 9]) in runs:
                copied.append(f"{path.name}: {' '.join(tokens[i:i + 9])}")
    assert copied == []
