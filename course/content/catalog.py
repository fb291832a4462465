"""All course content loaded and cross-checked in one go: lessons, quizzes, competences,
misconception tags, the TPACK instrument and the trainer programme."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .errors import Problem
from .glossary import FILE_NAME as GLOSSARY_FILE
from .glossary import Glossary, load_glossary
from .lesson_files import (
    Competence,
    Lesson,
    TrainerMaterial,
    TrainerSession,
    load_competences,
    load_lessons,
    load_trainer_materials,
    load_trainer_sessions,
)
from .lesson_materials import LessonMaterial, load_lesson_materials
from .quiz_files import Quiz, display_path, load_misconceptions, load_quizzes
from .rubrics import Rubric, load_rubrics
from .statements import LiveMoment, load_statements


@dataclass(frozen=True)
class Catalog:
    lessons: dict[str, Lesson]
    quizzes: dict[str, Quiz]
    competences: dict[str, Competence]
    misconceptions: dict[str, str]
    trainer_sessions: list[TrainerSession]
    lessons_dir: Path
    quizzes_dir: Path
    tpack: object | None = None
    live: dict[str, LiveMoment] = field(default_factory=dict)  # lesson slug -> statements for the live lesson
    rubrics: dict[str, Rubric] = field(default_factory=dict)  # lesson slug -> rubric from its guide
    trainer_materials: list[TrainerMaterial] = field(default_factory=list)
    glossary: Glossary | None = None
    lesson_materials: list[LessonMaterial] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        return {
            "lessons": len(self.lessons),
            "quizzes": len(self.quizzes),
            "questions": sum(len(q.questions) for q in self.quizzes.values()),
            "tpack_items": getattr(self.tpack, "item_count", 0),
            "trainer_sessions": len(self.trainer_sessions),
        }

    def quiz_for(self, lesson: Lesson) -> Quiz | None:
        return self.quizzes.get(lesson.quiz) if lesson.quiz else None

    @property
    def final_quiz(self) -> Quiz | None:
        return next((q for q in self.quizzes.values() if q.final), None)

    def lesson_material(self, slug: str) -> LessonMaterial | None:
        return next((m for m in self.lesson_materials if m.slug == slug), None)

    def materials_of(self, lesson: Lesson) -> list[LessonMaterial]:
        return [m for m in self.lesson_materials if lesson.number in m.lessons]

    def lesson_number(self, slug: str) -> int | None:
        lesson = self.lessons.get(slug)
        return lesson.number if lesson else None


def load_catalog(lessons_dir: Path, quizzes_dir: Path) -> Catalog:
    """Load everything and collect every problem; never raises on bad content."""
    problems: list[Problem] = []
    competences, found = load_competences(lessons_dir / "competences.yaml")
    problems += found
    misconceptions, found = load_misconceptions(quizzes_dir / "misconceptions.yaml")
    problems += found
    quizzes, found = load_quizzes(quizzes_dir, misconceptions)
    problems += found
    quiz_slugs = set(quizzes) | _slugs_in_broken_quiz_files(quizzes_dir, quizzes)
    lessons, found = load_lessons(lessons_dir, set(competences), quiz_slugs)
    problems += found
    problems += _check_quiz_lessons(quizzes, lessons, lessons_dir, quizzes_dir)
    live, found = load_statements(
        lessons_dir, set(lessons), misconceptions, _slugs_in_broken_lesson_files(lessons_dir, lessons)
    )
    problems += found
    rubrics, found = load_rubrics(lessons, lessons_dir.parent)
    problems += found
    known_slugs = set(lessons) | _slugs_in_broken_lesson_files(lessons_dir, lessons)
    glossary, found = load_glossary(lessons_dir / GLOSSARY_FILE, known_slugs)
    problems += found
    lesson_materials, found = load_lesson_materials(lessons_dir, {lesson.number for lesson in lessons.values()})
    problems += found
    sessions: list[TrainerSession] = []
    materials: list[TrainerMaterial] = []
    if (lessons_dir / "trainer").is_dir():
        sessions, found = load_trainer_sessions(lessons_dir / "trainer")
        problems += found
        materials, found = load_trainer_materials(lessons_dir / "trainer" / "materials", {s.number for s in sessions})
        problems += found
    tpack = None
    tpack_path = quizzes_dir / "tpack.yaml"
    if tpack_path.exists():
        from .tpack_instrument import load_instrument

        tpack, found = load_instrument(tpack_path, base=quizzes_dir.parent)
        problems += found
    return Catalog(
        lessons=lessons,
        quizzes=quizzes,
        competences=competences,
        misconceptions=misconceptions,
        trainer_sessions=sessions,
        lessons_dir=lessons_dir,
        quizzes_dir=quizzes_dir,
        tpack=tpack,
        live=live,
        rubrics=rubrics,
        trainer_materials=materials,
        glossary=glossary,
        lesson_materials=lesson_materials,
        problems=sorted(set(problems)),
    )


def describe_changes(old: Catalog, new: Catalog) -> str:
    """What a reload changed, for the log: every quiz with its new version, lessons by slug ("" for
    nothing a page shows)."""
    changes = []
    for slug, quiz in new.quizzes.items():
        before = old.quizzes.get(slug)
        if before is None:
            changes.append(f"new quiz {slug} version {quiz.version}")
        elif before.version != quiz.version:
            changes.append(f"quiz {slug} now version {quiz.version} (was {before.version})")
    changes += [f"quiz {slug} removed" for slug in old.quizzes if slug not in new.quizzes]
    lessons = [slug for slug, lesson in new.lessons.items() if old.lessons.get(slug) != lesson]
    lessons += [slug for slug in old.lessons if slug not in new.lessons]
    if lessons:
        changes.append(f"lessons changed: {', '.join(lessons)}")
    if old.live != new.live:
        changes.append("live statements changed")
    if old.glossary != new.glossary:
        changes.append("glossary changed")
    track = ("trainer_sessions", "trainer_materials", "tpack", "competences")
    if any(getattr(old, name) != getattr(new, name) for name in track):
        changes.append("teacher track or competences changed")
    if old.lesson_materials != new.lesson_materials:
        changes.append("lesson materials changed")
    return "; ".join(changes)  # empty: only media, or a file saved without a change


def _slugs_in_broken_quiz_files(quizzes_dir: Path, loaded: dict[str, Quiz]) -> set[str]:
    """Slugs named by quiz file names that failed to load, so a lesson linking to a broken quiz
    is not reported a second time as linking to a missing one."""
    slugs = set()
    for path in quizzes_dir.glob("[0-9][0-9]-*.yaml"):
        slug = path.stem[3:]
        if slug not in loaded:
            slugs.add(slug)
    return slugs


def _slugs_in_broken_lesson_files(lessons_dir: Path, loaded: dict[str, Lesson]) -> set[str]:
    """Lessons whose file exists but did not load: their statements wait, without a second problem."""
    return {
        path.stem[3:]
        for path in lessons_dir.glob("[0-9][0-9]-*.md")
        if not path.name.endswith(".docent.md") and path.stem[3:] not in loaded
    }


def _check_quiz_lessons(
    quizzes: dict[str, Quiz], lessons: dict[str, Lesson], lessons_dir: Path, quizzes_dir: Path
) -> list[Problem]:
    problems = []
    for quiz in quizzes.values():
        shown = display_path(quiz.path, quizzes_dir.parent)
        if quiz.lesson and quiz.lesson not in lessons and not _lesson_file_exists(lessons_dir, quiz.lesson):
            problems.append(Problem(shown, 1, f"lesson '{quiz.lesson}' does not exist in {lessons_dir.name}/"))
    return problems


def _lesson_file_exists(lessons_dir: Path, slug: str) -> bool:
    return any(lessons_dir.glob(f"[0-9][0-9]-{slug}.md"))
