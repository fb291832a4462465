"""The glossary ("woordenlijst") of the module, from ``lessons/woordenlijst.yaml``.

Each entry is a hard word with a short explanation at B1 level, optionally the other forms it takes
in the lessons (a plural, an abbreviation) and the lesson that introduces it. The lesson pages link
the first use of each word to its entry (``TermLinks``, applied in ``render.py``). Read and checked
here; no Flask. The file is optional: a course without one simply has no glossary.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .errors import Problem
from .file_limits import LESSON_FILES, size_problem
from .render import TermLinks, slugify
from .yamlsource import LineDict, LineList, load_yaml

FILE_NAME = "woordenlijst.yaml"
ANCHOR_PREFIX = "term-"
MAX_EXPLANATION = 400  # characters: one or two short sentences
_KEYS = ("term", "explanation")
_OPTIONAL = ("aliases", "lesson")


@dataclass(frozen=True)
class Term:
    term: str
    explanation: str
    aliases: tuple[str, ...] = ()
    lesson: str | None = None  # slug of the lesson that introduces the word

    @property
    def anchor(self) -> str:
        return ANCHOR_PREFIX + slugify(self.term)

    @property
    def forms(self) -> tuple[str, ...]:
        return (self.term, *self.aliases)


@dataclass(frozen=True)
class Glossary:
    terms: tuple[Term, ...]  # alphabetical
    path: Path

    def term_links(self, page_url: str) -> TermLinks:
        """What the lesson renderer needs to link each form of a word to its entry on ``page_url``."""
        return TermLinks.build(
            {form: (f"{page_url}#{term.anchor}", term.term) for term in self.terms for form in term.forms}
        )


def sort_key(text: str) -> str:
    """Alphabetical as a Dutch reader expects: case and accents do not count."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").casefold()


def _shown(path: Path) -> str:
    return f"{path.parent.resolve().name}/{path.name}"


def load_glossary(path: Path, lesson_slugs: set[str]) -> tuple[Glossary | None, list[Problem]]:
    """The glossary and every problem in it; (None, []) when the course has no glossary file."""
    if not path.is_file():
        return None, []
    shown = _shown(path)
    too_large = size_problem(path, shown, LESSON_FILES)
    if too_large is not None:
        return None, [too_large]
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None, [Problem(shown, 1, "cannot read the file: save it as UTF-8 text")]
    data, problems = load_yaml(text.removeprefix("\ufeff"), shown)
    if problems:
        return None, problems
    if not isinstance(data, LineList) or not data:
        return None, [Problem(shown, 1, "the file must be a list of words, each with term and explanation")]
    terms: list[Term] = []
    first_line: dict[str, int] = {}
    for item, line in zip(data, data.item_lines, strict=True):
        term = _term(item, line, shown, lesson_slugs, problems)
        if term is None:
            continue
        clash = False
        for form, form_line in _form_lines(item, term):
            key = form.casefold()
            if key in first_line:
                problems.append(Problem(shown, form_line, f"duplicate term '{form}' (also on line {first_line[key]})"))
                clash = True
            else:
                first_line[key] = form_line
        if not clash:
            terms.append(term)
    if problems:
        return None, sorted(set(problems))
    return Glossary(tuple(sorted(terms, key=lambda t: sort_key(t.term))), path), []


def _form_lines(item: LineDict, term: Term) -> list[tuple[str, int]]:
    aliases = item.get("aliases")
    alias_lines = aliases.item_lines if isinstance(aliases, LineList) else [item.line_of("aliases")] * len(term.aliases)
    return [(term.term, item.line_of("term")), *zip(term.aliases, alias_lines, strict=False)]


def _term(item: object, line: int, shown: str, lesson_slugs: set[str], problems: list[Problem]) -> Term | None:
    if not isinstance(item, LineDict):
        problems.append(Problem(shown, line, "a word must be a mapping with term and explanation"))
        return None
    before = len(problems)
    for key in _KEYS:
        if key not in item:
            problems.append(Problem(shown, item.line, f"missing '{key}': every word needs a term and an explanation"))
    for key in item:
        if key not in _KEYS and key not in _OPTIONAL:
            allowed = ", ".join((*_KEYS, *_OPTIONAL))
            problems.append(Problem(shown, item.line_of(key), f"unknown key '{key}' (allowed: {allowed})"))
    term = _text(item, "term", shown, problems)
    explanation = _text(item, "explanation", shown, problems)
    if explanation is not None and len(explanation) > MAX_EXPLANATION:
        message = f"explanation has {len(explanation)} characters: keep it to one or two short sentences"
        problems.append(Problem(shown, item.line_of("explanation"), message))
    aliases = _aliases(item, shown, problems)
    lesson = item.get("lesson")
    if lesson is not None and lesson not in lesson_slugs:
        problems.append(Problem(shown, item.line_of("lesson"), f"lesson '{lesson}' does not exist (use a lesson slug)"))
    if len(problems) > before or term is None or explanation is None:
        return None
    return Term(term, explanation, aliases, lesson)


def _text(item: LineDict, key: str, shown: str, problems: list[Problem]) -> str | None:
    if key not in item:
        return None
    value = item[key]
    if not isinstance(value, str) or not value.strip():
        problems.append(Problem(shown, item.line_of(key), f"'{key}' must be text, and not empty"))
        return None
    return " ".join(value.split())


def _aliases(item: LineDict, shown: str, problems: list[Problem]) -> tuple[str, ...]:
    value = item.get("aliases")
    if value is None:
        return ()
    message = "'aliases' must be a list of words, for example [cookies]"
    if not isinstance(value, LineList):
        problems.append(Problem(shown, item.line_of("aliases"), message))
        return ()
    good = [a for a in value if isinstance(a, str) and a.strip()]
    if len(good) != len(value):
        problems.append(Problem(shown, item.line_of("aliases"), message))
    return tuple(" ".join(a.split()) for a in good)

