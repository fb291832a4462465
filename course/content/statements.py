"""Statements for the live lesson ("stellingen"), from ``lessons/NN-slug.stellingen.yaml``.

A statement is a short dilemma the class answers on their phones: either eens / oneens / weet niet
(``kind: agree``) or a choice of two to four options (``kind: choice``). Every option has an
explanation for the debrief, a statement has a discussion question for the teacher, and the file
says where in the lesson the live moment fits (``moment``). Read and checked here; no Flask.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import Problem
from .yamlsource import LineDict, LineList, load_yaml

SUFFIX = ".stellingen.yaml"
AGREE_OPTIONS = (("agree", "Eens"), ("disagree", "Oneens"), ("unsure", "Weet ik niet"))
MIN_STATEMENTS, MAX_STATEMENTS = 3, 6
MAX_TEXT, MAX_OPTION, MAX_EXPLANATION, MAX_DISCUSSION = 200, 120, 300, 200
MAX_FILE_BYTES = 100_000
_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_FILE_KEYS = {"moment", "statements"}
_STATEMENT_KEYS = {"id", "kind", "text", "options", "discussion"}
_OPTION_KEYS = {"id", "text", "explanation", "misconception"}


@dataclass(frozen=True)
class StatementOption:
    id: str
    text: str
    explanation: str
    misconception: str | None = None


@dataclass(frozen=True)
class Statement:
    id: str
    kind: str  # "agree" or "choice"
    text: str
    options: tuple[StatementOption, ...]
    discussion: str


@dataclass(frozen=True)
class LiveMoment:
    """The statements of one lesson and where in the lesson they fit."""

    lesson_slug: str
    moment: str
    statements: tuple[Statement, ...]
    path: Path


def load_statements(
    lessons_dir: Path,
    lesson_slugs: set[str],
    misconceptions: dict[str, str],
    broken_lessons: frozenset[str] | set[str] = frozenset(),
) -> tuple[dict[str, LiveMoment], list[Problem]]:
    """Every lesson's statements by lesson slug; each lesson must have a file with three to six.
    Files of ``broken_lessons`` (a lesson file that did not load) are left alone: one problem at a time."""
    found: dict[str, LiveMoment] = {}
    problems: list[Problem] = []
    base = lessons_dir.parent
    for path in sorted(lessons_dir.glob(f"[0-9][0-9]-*{SUFFIX}")):
        shown = _shown(path, base)
        slug = path.name[3 : -len(SUFFIX)]
        if slug in broken_lessons:
            continue
        if slug not in lesson_slugs:
            problems.append(Problem(shown, 1, f"er is geen les '{slug}': noem het bestand zoals het lesbestand"))
            continue
        moment, file_problems = _load_file(path, shown, slug, misconceptions)
        problems += file_problems
        if moment is not None and not file_problems:
            found[slug] = moment
    for slug in sorted(lesson_slugs - set(found)):
        if not any(p.path.endswith(f"-{slug}{SUFFIX}") for p in problems):
            problems.append(
                Problem(
                    f"{lessons_dir.name}/NN-{slug}{SUFFIX}",
                    1,
                    f"les '{slug}' heeft nog geen stellingen voor de live-les: maak dit bestand met er minstens 3",
                )
            )
    return found, problems


def _shown(path: Path, base: Path) -> str:
    try:
        return path.relative_to(base).as_posix()
    except ValueError:
        return path.as_posix()


def _load_file(
    path: Path, shown: str, slug: str, misconceptions: dict[str, str]
) -> tuple[LiveMoment | None, list[Problem]]:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            return None, [Problem(shown, 1, f"het bestand is te groot (meer dan {MAX_FILE_BYTES // 1000} kB)")]
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None, [Problem(shown, 1, "het bestand is niet te lezen: sla het op als UTF-8-tekst")]
    data, problems = load_yaml(text, shown)
    if problems:
        return None, problems
    if not isinstance(data, LineDict):
        return None, [Problem(shown, 1, "schrijf 'moment:' en 'statements:' bovenaan het bestand")]
    problems = [
        Problem(shown, data.line_of(key), f"onbekende sleutel '{key}': gebruik alleen moment en statements")
        for key in data
        if key not in _FILE_KEYS
    ]
    moment = data.get("moment")
    if not isinstance(moment, str) or not moment.strip():
        problems.append(
            Problem(
                shown,
                data.line_of("moment"),
                "'moment' ontbreekt: schrijf waar in de les de live-stelling past en wat je met de uitslag doet",
            )
        )
    raw = data.get("statements")
    if not isinstance(raw, LineList):
        problems.append(Problem(shown, data.line_of("statements"), "'statements' moet een lijst van stellingen zijn"))
        return None, problems
    if not MIN_STATEMENTS <= len(raw) <= MAX_STATEMENTS:
        problems.append(
            Problem(shown, raw.line, f"een les heeft {MIN_STATEMENTS} tot {MAX_STATEMENTS} stellingen, niet {len(raw)}")
        )
    statements = []
    seen: set[str] = set()
    for item, line in zip(raw, raw.item_lines, strict=True):
        statement, found = _statement(item, line, shown, seen, misconceptions)
        problems += found
        if statement is not None:
            statements.append(statement)
    if problems:
        return None, problems
    return LiveMoment(slug, " ".join(str(moment).split()), tuple(statements), path), []


def _text(item: LineDict, key: str, limit: int, shown: str, what: str) -> tuple[str | None, list[Problem]]:
    value = item.get(key)
    if not isinstance(value, str) or not value.strip():
        return None, [Problem(shown, item.line_of(key), f"{what} mist '{key}': vul de tekst in")]
    value = " ".join(value.split())
    if len(value) > limit:
        return None, [Problem(shown, item.line_of(key), f"'{key}' is {len(value)} tekens: maak het hoogstens {limit}")]
    return value, []


def _statement(
    item: Any, line: int, shown: str, seen: set[str], misconceptions: dict[str, str]
) -> tuple[Statement | None, list[Problem]]:
    if not isinstance(item, LineDict):
        return None, [Problem(shown, line, "een stelling heeft id, kind, text, options en discussion")]
    problems = [
        Problem(shown, item.line_of(key), f"onbekende sleutel '{key}' in een stelling")
        for key in item
        if key not in _STATEMENT_KEYS
    ]
    statement_id = item.get("id")
    if not isinstance(statement_id, str) or not _ID.fullmatch(statement_id):
        problems.append(Problem(shown, item.line_of("id"), "'id' moet kleine letters en cijfers met streepjes zijn"))
    elif statement_id in seen:
        problems.append(Problem(shown, item.line_of("id"), f"id '{statement_id}' komt twee keer voor: kies een ander"))
    else:
        seen.add(statement_id)
    kind = item.get("kind")
    if kind not in ("agree", "choice"):
        problems.append(Problem(shown, item.line_of("kind"), "'kind' is agree (eens/oneens) of choice (keuze)"))
    text, found = _text(item, "text", MAX_TEXT, shown, "een stelling")
    problems += found
    discussion, found = _text(item, "discussion", MAX_DISCUSSION, shown, "een stelling")
    problems += found
    options, found = _options(item, shown, kind, misconceptions)
    problems += found
    if problems:
        return None, problems
    return Statement(str(statement_id), str(kind), str(text), options, str(discussion)), []


def _options(
    item: LineDict, shown: str, kind: object, misconceptions: dict[str, str]
) -> tuple[tuple[StatementOption, ...], list[Problem]]:
    raw = item.get("options")
    if not isinstance(raw, LineList):
        return (), [Problem(shown, item.line_of("options"), "'options' moet een lijst van antwoorden zijn")]
    problems: list[Problem] = []
    options = []
    for option, line in zip(raw, raw.item_lines, strict=True):
        if not isinstance(option, LineDict):
            problems.append(Problem(shown, line, "een antwoord heeft id, text en explanation"))
            continue
        problems += [
            Problem(shown, option.line_of(key), f"onbekende sleutel '{key}' in een antwoord")
            for key in option
            if key not in _OPTION_KEYS
        ]
        text, found = _text(option, "text", MAX_OPTION, shown, "een antwoord")
        problems += found
        explanation, found = _text(option, "explanation", MAX_EXPLANATION, shown, "een antwoord")
        problems += found
        tag = option.get("misconception")
        if tag is not None and tag not in misconceptions:
            problems.append(
                Problem(
                    shown,
                    option.line_of("misconception"),
                    f"denkfout '{tag}' staat niet in quizzes/misconceptions.yaml: kies een label uit die lijst",
                )
            )
        option_id = option.get("id")
        if not isinstance(option_id, str) or not _ID.fullmatch(option_id):
            problems.append(
                Problem(shown, option.line_of("id"), "het id van een antwoord is kleine letters met streepjes")
            )
            continue
        options.append(StatementOption(option_id, str(text), str(explanation), tag if isinstance(tag, str) else None))
    if problems:
        return (), problems
    ids = [o.id for o in options]
    if kind == "agree" and [(o.id, o.text) for o in options] != list(AGREE_OPTIONS):
        return (), [
            Problem(
                shown,
                raw.line,
                "een eens/oneens-stelling heeft precies de antwoorden agree (Eens), "
                "disagree (Oneens) en unsure (Weet ik niet), in die volgorde",
            )
        ]
    if kind == "choice" and not 2 <= len(options) <= 4:
        return (), [Problem(shown, raw.line, f"een keuzestelling heeft 2 tot 4 antwoorden, niet {len(options)}")]
    if len(set(ids)) != len(ids):
        return (), [Problem(shown, raw.line, "twee antwoorden hebben hetzelfde id: maak ze verschillend")]
    return tuple(options), []
