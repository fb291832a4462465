"""The rubric of each assignment, read from the table under "## Beoordeling" in its teacher guide.

A rubric table has a first column "Criterium" and one column per level, lowest first:

    | Criterium | Onvoldoende | Voldoende | Goed |
    |---|---|---|---|
    | Kopregel | Vaag. | Opleiding en doel. | Ook vakwoorden. |

Students see it with the assignment, teachers click a level per criterion, and peers use the same
criteria. Levels and criteria are stored by their text, so an edited guide never changes old
feedback. No Flask and no database in here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import Problem
from .lesson_files import Lesson
from .quiz_files import display_path

HEADING = "## beoordeling"
MIN_LEVELS, MAX_LEVELS = 2, 5
MAX_CELL = 400


@dataclass(frozen=True)
class Criterion:
    name: str
    descriptions: tuple[str, ...]  # one per level, lowest first


@dataclass(frozen=True)
class Rubric:
    levels: tuple[str, ...]
    criteria: tuple[Criterion, ...]

    def criterion(self, name: str) -> Criterion | None:
        return next((c for c in self.criteria if c.name == name), None)

    def clean_choice(self, chosen: dict[str, str]) -> dict[str, str]:
        """Only known criteria with a known level, in the rubric's order."""
        return {c.name: chosen[c.name] for c in self.criteria if chosen.get(c.name) in self.levels}


def _cells(line: str) -> list[str]:
    inner = line.strip()
    inner = inner[1:] if inner.startswith("|") else inner
    inner = inner[:-1] if inner.endswith("|") else inner
    return [cell.strip() for cell in inner.split("|")]


def parse_rubric(text: str, display: str) -> tuple[Rubric | None, list[Problem]]:
    """The first table after the "## Beoordeling" heading; ``(None, [])`` when the guide has none."""
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if line.strip().lower() == HEADING), None)
    if start is None:
        return None, []
    table: list[tuple[int, str]] = []
    for number, line in enumerate(lines[start + 1 :], start=start + 2):
        if line.startswith("## "):
            break
        if line.lstrip().startswith("|"):
            table.append((number, line))
        elif table:
            break
    heading_line = start + 1
    if not table:
        return None, [Problem(display, heading_line, "'## Beoordeling' has no rubric table under it")]
    problems: list[Problem] = []
    header_line, header = table[0]
    header_cells = _cells(header)
    if header_cells[0].lower() != "criterium":
        problems.append(Problem(display, header_line, "the rubric's first column must be called 'Criterium'"))
    levels = tuple(header_cells[1:])
    if not MIN_LEVELS <= len(levels) <= MAX_LEVELS or any(not level for level in levels):
        problems.append(Problem(display, header_line, f"a rubric needs {MIN_LEVELS} to {MAX_LEVELS} named levels"))
    elif len({level.lower() for level in levels}) != len(levels):
        problems.append(Problem(display, header_line, "two rubric levels have the same name"))
    rows = table[1:]
    if rows and set(rows[0][1].replace("|", "").strip()) <= set("-: "):
        rows = rows[1:]
    else:
        problems.append(Problem(display, header_line + 1, "the rubric table needs a |---| line under its header"))
    criteria: list[Criterion] = []
    for number, line in rows:
        cells = _cells(line)
        if len(cells) != len(levels) + 1:
            problems.append(
                Problem(display, number, f"this rubric row has {len(cells)} cells; the header has {len(levels) + 1}")
            )
            continue
        name, descriptions = cells[0], tuple(cells[1:])
        if not name or any(not d for d in descriptions):
            problems.append(Problem(display, number, "a rubric row needs a criterion and a text for every level"))
        elif any(len(cell) > MAX_CELL for cell in cells):
            problems.append(Problem(display, number, f"a rubric cell is longer than {MAX_CELL} characters"))
        elif any(c.name.lower() == name.lower() for c in criteria):
            problems.append(Problem(display, number, f"criterion '{name}' appears twice in the rubric"))
        else:
            criteria.append(Criterion(name, descriptions))
    if not criteria and not problems:
        problems.append(Problem(display, header_line, "the rubric table has no criteria"))
    if problems:
        return None, problems
    return Rubric(levels, tuple(criteria)), []


def load_rubrics(lessons: dict[str, Lesson], base: Path) -> tuple[dict[str, Rubric], list[Problem]]:
    """Lesson slug -> rubric, for every lesson with an assignment whose guide holds one."""
    rubrics: dict[str, Rubric] = {}
    problems: list[Problem] = []
    for slug, lesson in lessons.items():
        if lesson.assignment is None or lesson.guide is None or lesson.guide_path is None:
            continue
        rubric, found = parse_rubric(lesson.guide, display_path(lesson.guide_path, base))
        problems += found
        if rubric is not None:
            rubrics[slug] = rubric
    return rubrics, problems
