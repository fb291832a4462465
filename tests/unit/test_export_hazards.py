"""Content the app runs but an export cannot carry: each hazard fixture gives its ``path:line:
message``, and the real course has none."""

from __future__ import annotations

from pathlib import Path

import pytest

from course.content.export_hazards import export_hazards
from course.content.quiz_files import load_misconceptions, load_quizzes

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "quizzes"
HAZARDS = FIXTURES / "hazards"
ROOT = Path(__file__).resolve().parents[2]

EXPECTED = {
    "arrow-in-pair": "quizzes/01-basis.yaml:15: pair 'p1' of question 'q1' has '->' in its right text, which the "
    "GIFT export cannot carry (Moodle splits a pair at '->'): write it another way, e.g. 'Instellingen > Privacy'",
    "arrow-in-item": "quizzes/01-basis.yaml:18: item 'b' of question 'q1' has '->' in its text, which the GIFT "
    "export cannot carry (Moodle splits a pair at '->'): write it another way, e.g. 'Instellingen > Privacy'",
    "eleven-right-options": "quizzes/01-basis.yaml:9: multiple question 'q1' has 11 right options: Moodle allows "
    "at most 10 (it has no weight of 1/11) and refuses the whole export: split the question in two",
    "eleven-wrong-options": "quizzes/01-basis.yaml:9: multiple question 'q1' has 11 wrong options: Moodle allows "
    "at most 10 (it has no weight of 1/11) and refuses the whole export: split the question in two",
}


def hazards_in(folder: Path) -> list[str]:
    tags, problems = load_misconceptions(HAZARDS / "misconceptions.yaml")
    quizzes, problems = load_quizzes(folder, tags)
    assert problems == [], "the app itself accepts this quiz"
    # shown as the author sees it in a course: quizzes/NN-slug.yaml
    return [str(p).replace(f"{folder.name}/", "quizzes/", 1) for p in export_hazards(quizzes, folder.parent)]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_hazard_is_reported_with_its_line(name: str) -> None:
    assert hazards_in(HAZARDS / name) == [EXPECTED[name]]


def test_every_hazard_fixture_has_an_expectation() -> None:
    assert {p.name for p in HAZARDS.iterdir() if p.is_dir()} == set(EXPECTED)


def test_the_real_course_has_no_export_hazards() -> None:
    tags, _ = load_misconceptions(ROOT / "quizzes" / "misconceptions.yaml")
    quizzes, _ = load_quizzes(ROOT / "quizzes", tags)
    assert export_hazards(quizzes, ROOT) == []
