"""The facts register (`lessons/facts.yaml`): every law article, platform setting and figure the
module states, with its sources, the date it was last checked and the files that use it.

`course check` uses it to fail on an article that content names but the register lacks, and to
warn about checks older than a year; the teacher guide shows the checks for its lesson."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import Problem
from .yamlsource import LineDict, LineList, load_yaml

REGISTER_NAME = "facts.yaml"
KINDS = ("artikel", "instelling", "cijfer")
STALE_AFTER = dt.timedelta(days=365)
_FACT_KEYS = {"id", "kind", "law", "articles", "claim", "sources", "checked", "note", "used_in"}
_SOURCE_KEYS = {"title", "url", "publisher"}

# Every way content names a law, mapped to the register's short name. The WGBO is part of the
# Burgerlijk Wetboek, so its articles are BW articles (art. 7:457 BW).
LAWS = {
    "Sr": "Sr",
    "Wetboek van Strafrecht": "Sr",
    "AVG": "AVG",
    "Algemene verordening gegevensbescherming": "AVG",
    "UAVG": "UAVG",
    "Uitvoeringswet AVG": "UAVG",
    "BW": "BW",
    "Burgerlijk Wetboek": "BW",
    "WGBO": "BW",
    "Auteurswet": "Auteurswet",
    "Tw": "Tw",
    "Telecommunicatiewet": "Tw",
    "Grondwet": "Grondwet",
    "Gw": "Grondwet",
    "Sv": "Sv",
    "Wetboek van Strafvordering": "Sv",
}
# A law's name may wrap onto the next line ("Wetboek van\n  Strafrecht").
_LAW = "|".join(re.escape(name).replace(r"\ ", r"\s+") for name in sorted(LAWS, key=len, reverse=True))
_LAW_RE = re.compile(rf"(?<![\w-])({_LAW})(?![\w-])")
_NUMBER = r"\d+(?::\d+)?[a-z]{0,3}(?:\.\d+[a-z]{0,3})?"
_ARTICLE_RE = re.compile(
    rf"\b(?:[Aa]rt\.|[Aa]rtikel(?:en)?)\s+({_NUMBER}(?:\s*(?:lid\s+\d+\s*)?(?:\([^()\n]*\)\s*)?"
    rf"(?:,|\ben\b|\bof\b|\btot en met\b|-|–)\s*(?:art\.\s*|artikel\s+)?{_NUMBER})*)"
)
_ONE_NUMBER = re.compile(_NUMBER)
_SKIPPED_INSIDE = re.compile(r"\([^()\n]*\)|\blid\s+\d+")
_LAW_AFTER = re.compile(rf"\s*(?:lid\s+\d+\s*)?(?:\([^()\n]*\)\s*)?(?:van\s+de\s+|van\s+het\s+)?({_LAW})(?![\w-])")
_ITEM_START = re.compile(r"^\s*(?:$|[-*+] |\d+\. |\||#|(?:- )?[\w-]+:(?:\s|$))")


@dataclass(frozen=True)
class Source:
    title: str
    url: str
    publisher: str


@dataclass(frozen=True)
class Fact:
    id: str
    kind: str
    claim: str
    sources: tuple[Source, ...]
    checked: dt.date
    used_in: tuple[str, ...]
    law: str | None = None
    articles: tuple[str, ...] = ()
    note: str | None = None
    line: int = 1


@dataclass(frozen=True)
class Mention:
    """An article that content names, as ``law`` + ``article`` at ``path:line``."""

    path: str
    line: int
    law: str
    article: str


@dataclass(frozen=True)
class Register:
    facts: tuple[Fact, ...]
    display: str

    def article_keys(self) -> dict[tuple[str, str], Fact]:
        return {(fact.law, article): fact for fact in self.facts if fact.law for article in fact.articles}

    def used_by(self, *paths: str) -> list[Fact]:
        """Facts that any of ``paths`` (``lessons/…``, ``quizzes/…``) uses, in register order."""
        wanted = set(paths)
        return [fact for fact in self.facts if wanted.intersection(fact.used_in)]


# --- reading the register --------------------------------------------------------------------


def load_register(path: Path, display: str | None = None) -> tuple[Register | None, list[Problem]]:
    shown = display or path.name
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Register((), shown), []  # no register yet: every article content names is reported
    except (OSError, UnicodeDecodeError) as err:
        return None, [Problem(shown, 1, f"cannot read the facts register: {err}")]
    data, problems = load_yaml(text, shown)
    if problems:
        return None, problems
    if not isinstance(data, LineDict) or not isinstance(data.get("facts"), LineList):
        return None, [Problem(shown, 1, "the facts register needs a key 'facts' with a list of facts")]
    facts: list[Fact] = []
    seen: set[str] = set()
    for item, line in zip(data["facts"], data["facts"].item_lines, strict=True):
        fact = _fact(item, line, shown, problems)
        if fact is None:
            continue
        if fact.id in seen:
            problems.append(Problem(shown, line, f"fact id '{fact.id}' is used twice: give each fact its own id"))
            continue
        seen.add(fact.id)
        facts.append(fact)
    problems += _duplicate_articles(facts, shown)
    return Register(tuple(facts), shown), problems


def _fact(item: Any, line: int, shown: str, problems: list[Problem]) -> Fact | None:
    if not isinstance(item, LineDict):
        problems.append(
            Problem(shown, line, "a fact must be a mapping with id, kind, claim, sources, checked, used_in")
        )
        return None
    before = len(problems)
    for key in sorted(set(item) - _FACT_KEYS, key=str):
        problems.append(Problem(shown, item.line_of(key), f"unknown key '{key}' in a fact"))
    for key in ("id", "kind", "claim", "sources", "checked", "used_in"):
        if key not in item:
            problems.append(Problem(shown, line, f"fact '{item.get('id', '?')}' misses '{key}'"))
    if len(problems) > before:
        return None
    fact_id, kind = str(item["id"]), item["kind"]
    if kind not in KINDS:
        problems.append(Problem(shown, item.line_of("kind"), f"kind must be one of {', '.join(KINDS)}"))
    checked = item["checked"]
    if not isinstance(checked, dt.date) or isinstance(checked, dt.datetime):
        problems.append(Problem(shown, item.line_of("checked"), "checked must be a date like 2026-12-02"))
    law, articles = item.get("law"), item.get("articles", [])
    if kind == "artikel":
        if law not in set(LAWS.values()):
            problems.append(
                Problem(shown, item.line_of("law"), f"law must be one of {', '.join(sorted(set(LAWS.values())))}")
            )
        if not isinstance(articles, list) or not articles:
            problems.append(
                Problem(shown, item.line_of("articles"), "an article fact needs 'articles', a list like ['254ba']")
            )
    sources = _sources(item["sources"], item.line_of("sources"), shown, problems)
    used_in = item["used_in"]
    if not isinstance(used_in, list) or not all(isinstance(p, str) for p in used_in):
        problems.append(Problem(shown, item.line_of("used_in"), "used_in must be a list of file paths"))
    if len(problems) > before:
        return None
    return Fact(
        id=fact_id,
        kind=kind,
        claim=" ".join(str(item["claim"]).split()),
        sources=sources,
        checked=checked,
        used_in=tuple(used_in),
        law=law,
        articles=tuple(str(a) for a in articles),
        note=" ".join(str(item["note"]).split()) if item.get("note") else None,
        line=line,
    )


def _sources(value: Any, line: int, shown: str, problems: list[Problem]) -> tuple[Source, ...]:
    if not isinstance(value, LineList) or not value:
        problems.append(Problem(shown, line, "sources must be a list with at least one source"))
        return ()
    sources = []
    for item, item_line in zip(value, value.item_lines, strict=True):
        if not isinstance(item, LineDict) or set(item) != _SOURCE_KEYS:
            problems.append(Problem(shown, item_line, "a source needs exactly title, url and publisher"))
            continue
        if not str(item["url"]).startswith("https://"):
            problems.append(Problem(shown, item.line_of("url"), "a source url must start with https://"))
            continue
        sources.append(Source(str(item["title"]), str(item["url"]), str(item["publisher"])))
    return tuple(sources)


def _duplicate_articles(facts: list[Fact], shown: str) -> list[Problem]:
    owner: dict[tuple[str, str], str] = {}
    problems = []
    for fact in facts:
        for article in fact.articles:
            key = (fact.law or "", article)
            if key in owner:
                problems.append(Problem(shown, fact.line, f"art. {article} {fact.law} is also in fact '{owner[key]}'"))
            owner.setdefault(key, fact.id)
    return problems


# --- finding articles in content -------------------------------------------------------------


def article_mentions(text: str, display: str) -> list[Mention]:
    """Every ``art. N`` whose law can be told: named right after the number(s), or else the last
    law named earlier in the same paragraph, list item or YAML value."""
    mentions = []
    for match in _ARTICLE_RE.finditer(text):
        numbers = _ONE_NUMBER.findall(_SKIPPED_INSIDE.sub(" ", match.group(1)))
        law = _law_after(text, match.end()) or _law_before(text, match.start())
        if law is None:
            continue
        line = text.count("\n", 0, match.start()) + 1
        for article in _expand(numbers, match.group(1)):
            mentions.append(Mention(display, line, law, article))
    return mentions


def _law_after(text: str, end: int) -> str | None:
    found = _LAW_AFTER.match(text, end)
    return _law_named(found.group(1)) if found else None


def _law_before(text: str, start: int) -> str | None:
    line_start = text.rfind("\n", 0, start) + 1
    block_start = line_start
    while not _ITEM_START.match(
        text[block_start : text.find("\n", block_start) if "\n" in text[block_start:] else None]
    ):
        previous = text.rfind("\n", 0, max(block_start - 1, 0)) + 1
        if block_start == 0 or previous == block_start:
            break
        block_start = previous
    names = _LAW_RE.findall(text, block_start, start)
    return _law_named(names[-1]) if names else None


def _law_named(name: str) -> str:
    return LAWS[" ".join(name.split())]


def _expand(numbers: list[str], raw: str) -> list[str]:
    """``19-21`` means 19, 20 and 21; anything else is taken as written."""
    result: list[str] = []
    for index, number in enumerate(numbers):
        result.append(number)
        if index + 1 < len(numbers) and number.isdigit() and numbers[index + 1].isdigit():
            between = raw.split(number, 1)[1].split(numbers[index + 1], 1)[0]
            if between.strip() in ("-", "–", "tot en met"):
                result += [str(n) for n in range(int(number) + 1, int(numbers[index + 1]))]
    return result


# --- the checks ------------------------------------------------------------------------------


def content_files(lessons_dir: Path, quizzes_dir: Path) -> list[tuple[Path, str]]:
    """Every text file a student or teacher reads, with the path shown in messages."""
    files = []
    for root in (lessons_dir, quizzes_dir):
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            relative = path.relative_to(root)
            if any(part.startswith(".") for part in relative.parts) or path.name == REGISTER_NAME:
                continue
            if path.is_file() and path.suffix in (".md", ".yaml", ".yml"):
                files.append((path, "/".join((root.resolve().name, *relative.parts))))
    return files


def check_facts(lessons_dir: Path, quizzes_dir: Path, today: dt.date) -> tuple[list[Problem], list[Problem]]:
    """Errors (articles missing from the register, a broken register, a file that names an
    article but is missing from its ``used_in``) and warnings (checks older than a year)."""
    shown = f"{lessons_dir.resolve().name}/{REGISTER_NAME}"
    register, errors = load_register(lessons_dir / REGISTER_NAME, shown)
    if register is None:
        return errors, []
    known = register.article_keys()
    files = content_files(lessons_dir, quizzes_dir)
    used: dict[str, set[str]] = {}
    for path, display in files:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue  # the loaders report unreadable files
        for mention in article_mentions(text, display):
            fact = known.get((mention.law, mention.article))
            if fact is None:
                errors.append(
                    Problem(
                        display,
                        mention.line,
                        f"art. {mention.article} {mention.law} is not in {shown}: "
                        "add it with its source and the date you checked it",
                    )
                )
            else:
                used.setdefault(fact.id, set()).add(display)
    for fact in register.facts:
        for path in sorted(used.get(fact.id, set()) - set(fact.used_in)):
            errors.append(
                Problem(shown, fact.line, f"fact '{fact.id}': add '{path}' to used_in, it names this article")
            )
    warnings = [
        Problem(shown, fact.line, f"fact '{fact.id}' was last checked on {fact.checked.isoformat()}: check it again")
        for fact in register.facts
        if today - fact.checked > STALE_AFTER
    ]
    return errors, warnings


# --- the teacher guide -----------------------------------------------------------------------

_cached: dict[Path, tuple[tuple[int, int], Register | None]] = {}


def current_register(lessons_dir: Path) -> Register | None:
    """The register as it is on disk now (read again only when the file changed); None when it
    is missing or broken, which `course check` reports."""
    path = lessons_dir / REGISTER_NAME
    try:
        stat = path.stat()
    except OSError:
        return None
    stamp = (stat.st_mtime_ns, stat.st_size)
    cached = _cached.get(path)
    if cached is None or cached[0] != stamp:
        register, problems = load_register(path)
        cached = (stamp, None if problems else register)
        _cached[path] = cached
    return cached[1]


def lesson_files(lessons_dir: Path, lesson_path: Path, quiz_path: Path | None) -> tuple[str, ...]:
    """The ``used_in`` names of a lesson's own files: the lesson, its guide, its live statements
    and its quiz."""
    root = lessons_dir.resolve().name
    stem = lesson_path.name.removesuffix(".md")
    names = [f"{root}/{stem}.md", f"{root}/{stem}.docent.md", f"{root}/{stem}.stellingen.yaml"]
    if quiz_path is not None:
        names.append(f"{quiz_path.parent.resolve().name}/{quiz_path.name}")
    return tuple(names)
