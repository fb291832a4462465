"""A content file far larger than real content is one problem with its size, found before the
file is read: it can neither slow the check down nor fill the workers' memory."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from course.content import quiz_files
from course.content.catalog import load_catalog
from course.content.file_limits import LESSON_FILES, QUIZ_FILES, file_size

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def content(tmp_path: Path) -> tuple[Path, Path]:
    lessons, quizzes = tmp_path / "lessons", tmp_path / "quizzes"
    shutil.copytree(ROOT / "lessons", lessons)
    shutil.copytree(ROOT / "quizzes", quizzes)
    assert load_catalog(lessons, quizzes).problems == []
    return lessons, quizzes


def grow(path: Path, size: int) -> None:
    """Pad the file to ``size`` bytes with sensible text, as a paste gone wrong would."""
    text = path.read_text(encoding="utf-8")
    filler = "Nog een zin die iemand per ongeluk plakte.\n"
    path.write_text(text + filler * ((size - len(text.encode())) // len(filler) + 1), encoding="utf-8")


def test_a_five_megabyte_lesson_is_one_problem_with_its_size(content) -> None:
    lessons, quizzes = content
    grow(lessons / "02-digitale-voetafdruk.md", 5 * 1024 * 1024)
    catalog = load_catalog(lessons, quizzes)
    assert [str(p) for p in catalog.problems if "02-" in p.path] == [
        "lessons/02-digitale-voetafdruk.md:1: file is too large: 5.0 MB, and a file in lessons/ may be at most "
        "200 KB (shorten it, or split it into two lessons)"
    ]
    assert "digitale-voetafdruk" not in catalog.lessons


def test_a_teacher_guide_and_a_trainer_session_have_the_same_limit(content) -> None:
    lessons, quizzes = content
    grow(lessons / "01-wie-ben-jij-online.docent.md", 300 * 1024)
    session = sorted((lessons / "trainer").glob("*.md"))[0]
    grow(session, 250 * 1024)
    too_large = [p for p in load_catalog(lessons, quizzes).problems if "too large" in p.message]
    assert [(p.path, p.line) for p in too_large] == [
        ("lessons/01-wie-ben-jij-online.docent.md", 1),
        (f"lessons/trainer/{session.name}", 1),
    ]
    assert too_large[0].message.startswith("file is too large: 300 KB,")


def test_a_five_megabyte_quiz_is_reported_without_being_parsed(content, monkeypatch) -> None:
    lessons, quizzes = content
    grow(quizzes / "02-digitale-voetafdruk.yaml", 5 * 1024 * 1024)
    parsed = []
    real = quiz_files.load_yaml
    monkeypatch.setattr(quiz_files, "load_yaml", lambda text, shown, *a: parsed.append(shown) or real(text, shown, *a))
    catalog = load_catalog(lessons, quizzes)
    assert "quizzes/02-digitale-voetafdruk.yaml" not in parsed
    assert "quizzes/02-digitale-voetafdruk.yaml:1: file is too large: 5.0 MB, and a file in quizzes/ may be at most " \
        "500 KB (split it into two quizzes)" in [str(p) for p in catalog.problems]
    assert "digitale-voetafdruk" not in catalog.quizzes


def test_files_just_under_the_limits_are_fine(content) -> None:
    lessons, quizzes = content
    grow(lessons / "02-digitale-voetafdruk.md", LESSON_FILES.max_bytes - 1024)
    grow(quizzes / "misconceptions.yaml", 0)
    assert [p for p in load_catalog(lessons, quizzes).problems if "too large" in p.message] == []


def test_the_real_course_has_room_to_grow_within_the_limits() -> None:
    """The limits fit real content: every file of the module is under a fifth of its limit."""
    for folder, limit in (("lessons", LESSON_FILES), ("quizzes", QUIZ_FILES)):
        for path in (ROOT / folder).rglob("*"):
            if path.suffix in (".md", ".yaml"):
                assert path.stat().st_size < limit.max_bytes / 5, path


@pytest.mark.parametrize(
    ("size", "shown"),
    [(512, "512 bytes"), (200 * 1024, "200 KB"), (1536, "1.5 KB"), (5 * 1024 * 1024, "5.0 MB")],
)
def test_sizes_read_as_an_author_would_say_them(size: int, shown: str) -> None:
    assert file_size(size) == shown
