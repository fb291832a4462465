"""Printable materials of the lessons (lessons/materials/*.md): role cards, worksheets, feedback
forms. The teacher guides link to them as ``materials/<slug>.md``.

Front matter: ``title``, ``lessons`` (the lesson numbers that use it) and optionally
``students: true`` for a page students may open too; without it a material is for staff only,
since many hold answers or notes for the teacher. The slug is the file name without ``.md``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .errors import Problem
from .lesson_files import (
    GUIDE_SUFFIX,
    LESSON_FILE_RE,
    LESSON_MATERIALS_DIR,
    MEDIA_DIR,
    SLUG_RE,
    _check_body,
    _dir_name,
    _Fields,
    _known_numbers,
    _LinkContext,
    _markdown_files,
    _read_front_matter,
)

_REQUIRED = ("title", "lessons")
_OPTIONAL = ("students",)


@dataclass(frozen=True)
class LessonMaterial:
    slug: str
    title: str
    lessons: tuple[int, ...]  # lesson numbers that use it
    for_students: bool
    path: Path
    body_line: int
    body: str = field(default="", repr=False)


def _for_students(fields: _Fields) -> bool:
    value = fields.data.get("students", False)
    if not isinstance(value, bool):
        fields._fail(fields.line("students"), "'students' must be true or false")
        return False
    return value


def _load(
    path: Path, display: str, known: set[int], ctx: _LinkContext, problems: list[Problem]
) -> LessonMaterial | None:
    slug = path.name[: -len(".md")]
    if not SLUG_RE.match(slug):
        problems.append(Problem(display, 1, "file name must be lowercase words joined by '-', ending in .md"))
    data, parts = _read_front_matter(path, display, problems)
    if parts is not None:
        _check_body(parts.body, parts.body_line, display, ctx, problems)
    if data is None or parts is None:
        return None
    fields = _Fields(data, display, problems)
    fields.check_keys(_REQUIRED, _OPTIONAL)
    title = fields.text("title")
    lessons = _known_numbers(fields, "lessons", known, "lesson")
    for_students = _for_students(fields)
    if not (fields.ok and title and lessons and SLUG_RE.match(slug)):
        return None
    return LessonMaterial(slug, title, lessons, for_students, path, parts.body_line, parts.body)


def load_lesson_materials(lessons_dir: Path, lesson_numbers: set[int]) -> tuple[list[LessonMaterial], list[Problem]]:
    """Materials ordered by file name (so by lesson number first); none when the folder is absent."""
    folder = lessons_dir / LESSON_MATERIALS_DIR
    if not folder.is_dir():
        return [], []
    root = f"{_dir_name(lessons_dir)}/{LESSON_MATERIALS_DIR}"
    lesson_names = frozenset(p.name for p in _markdown_files(lessons_dir) if not p.name.endswith(GUIDE_SUFFIX))
    ctx = _LinkContext(lesson_names, lessons_dir / MEDIA_DIR)
    # A lesson file that failed to load is reported on its own; its materials are not reported again.
    known = lesson_numbers | {int(m.group(1)) for name in lesson_names if (m := LESSON_FILE_RE.match(name))}
    problems: list[Problem] = []
    loaded = [_load(p, f"{root}/{p.name}", known, ctx, problems) for p in _markdown_files(folder)]
    return [m for m in loaded if m is not None], sorted(set(problems))
