""""De kern": every lesson opens with a short summary for students who read Dutch with effort
(level 2, NT2). The first section of the body is ``## De kern`` with at most five sentences.
A rule of the module, checked by ``course check``; no Flask."""

from __future__ import annotations

import re
from collections.abc import Iterable

from .errors import Problem
from .lesson_files import Lesson

HEADING = "De kern"
MAX_SENTENCES = 5
_HEADING_LINE = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_SENTENCE_END = re.compile(r"[.!?…]+[\"')\]*_’”]*(?=\s|$)")
_MARKUP = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+|[*_`]")


def summary_problems(lesson: Lesson, shown: str) -> list[Problem]:
    """A problem when the lesson does not open with "De kern", or when it is too long."""
    lines = lesson.body.split("\n")
    headings = [(i, m.group(2)) for i, line in enumerate(lines) if (m := _HEADING_LINE.match(line))]
    if not headings or headings[0][1] != HEADING:
        found = next((i for i, text in headings if text == HEADING), None)
        line = lesson.body_line + (found if found is not None else 0)
        where = "is not the first section" if found is not None else "is missing"
        message = f"'## {HEADING}' {where}: open the lesson with it, in at most {MAX_SENTENCES} short sentences"
        return [Problem(shown, line, message)]
    start = headings[0][0]
    end = headings[1][0] if len(headings) > 1 else len(lines)
    count = count_sentences(lines[start + 1 : end])
    line = lesson.body_line + start
    if count == 0:
        message = f"'## {HEADING}' is empty: sum up the lesson in at most {MAX_SENTENCES} short sentences"
        return [Problem(shown, line, message)]
    if count > MAX_SENTENCES:
        return [Problem(shown, line, f"'## {HEADING}' has {count} sentences: keep it to {MAX_SENTENCES} at most")]
    return []


def count_sentences(lines: Iterable[str]) -> int:
    """Sentences in markdown prose: each ends with . ! ? (a closing quote may follow); a last
    piece of text without a full stop counts too. Images and empty lines count for nothing."""
    text = " ".join(_MARKUP.sub("", line) for line in lines if line.strip() and not line.lstrip().startswith("!["))
    ends = list(_SENTENCE_END.finditer(text))
    rest = text[ends[-1].end() :] if ends else text
    return len(ends) + (1 if rest.strip() else 0)


def check_summaries(lessons: Iterable[Lesson], folder_name: str) -> list[Problem]:
    return [p for lesson in lessons for p in summary_problems(lesson, f"{folder_name}/{lesson.path.name}")]
