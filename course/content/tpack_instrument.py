"""The TPACK self-assessment instrument from ``quizzes/tpack.yaml``: a version, one developmental
scale, and domains whose statements each carry their own advice.

Rules the loader enforces, each reported as ``path:line: message``: exactly one scale for the whole
instrument, every statement in exactly one domain, every statement with advice, unique ids.
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .errors import Problem
from .file_limits import QUIZ_FILES, size_problem
from .quiz_files import display_path
from .yamlsource import LineDict, LineList, load_yaml

DOMAIN_ORDER = ("TK", "CK", "PK", "PCK", "TCK", "TPK", "TPACK")
MIN_STATEMENTS = 4
SCALE_POINTS = 4
NOT_APPLICABLE = 0  # the stored value of "n.v.t.": an answer, but never part of a mean

_TOP_KEYS = ("version", "since", "scale", "not_applicable", "domains")
_DOMAIN_KEYS = ("id", "name", "explanation", "statements")
_STATEMENT_KEYS = ("id", "text", "advice")
_SCALE_KEYS = ("scale", "bands")  # only ever once, at the top; 'bands' was the old cut-off table
_ID = re.compile(r"[a-z0-9][a-z0-9_-]*")
_VERSION = re.compile(r"[A-Za-z0-9._-]{1,20}")


@dataclass(frozen=True)
class Statement:
    id: str
    text: str
    advice: str = ""  # markdown, shown when this statement is answered low


@dataclass(frozen=True)
class Domain:
    id: str
    name: str
    explanation: str
    statements: tuple[Statement, ...]


@dataclass(frozen=True)
class Instrument:
    version: str  # stored on every scan: scans of another version are never compared with these
    since: date
    scale: tuple[str, ...]
    not_applicable: str
    domains: tuple[Domain, ...]
    digest: str = ""  # changes with every edit of the file (form cache key)

    @property
    def item_count(self) -> int:
        return sum(len(d.statements) for d in self.domains)

    @property
    def statement_ids(self) -> list[str]:
        return [s.id for d in self.domains for s in d.statements]

    def level(self, mean: float) -> int:
        """The scale point (1..len(scale)) nearest to a mean; exactly halfway goes to the lower one."""
        return min(len(self.scale), max(1, math.ceil(mean - 0.5)))


def load_instrument(path: Path, base: Path) -> tuple[Instrument | None, list[Problem]]:
    shown = display_path(path, base)
    too_large = size_problem(path, shown, QUIZ_FILES)
    if too_large is not None:
        return None, [too_large]
    try:
        raw = path.read_bytes()
    except OSError as err:
        return None, [Problem(shown, 1, f"cannot read file: {err.strerror or err}")]
    data, problems = load_yaml(raw.decode("utf-8", errors="replace"), shown)
    if problems:
        return None, problems
    if not isinstance(data, LineDict):
        return None, [Problem(shown, 1, "the file must be a mapping with version, since, scale and domains")]
    problems += _unknown(data, _TOP_KEYS, shown, "instrument")
    version = _version(data, shown, problems)
    since = _since(data, shown, problems)
    scale = _scale(data, shown, problems)
    not_applicable = _text(data, "not_applicable", shown, problems, "instrument")
    domains = _domains(data, shown, problems)
    if problems or scale is None or version is None or since is None:
        return None, sorted(problems)
    digest = hashlib.sha256(raw).hexdigest()[:16]
    return Instrument(version, since, scale, not_applicable, tuple(domains), digest), []


def _unknown(data: LineDict, allowed: tuple[str, ...], shown: str, where: str) -> list[Problem]:
    problems = []
    for key in data:
        if key in allowed:
            continue
        if key in _SCALE_KEYS:
            message = (
                f"'{key}' in {where}: the instrument has exactly one scale, the top-level 'scale'; "
                "a domain's level is the scale point nearest to its mean"
            )
        else:
            message = f"unknown key '{key}' in {where} (allowed: {', '.join(allowed)})"
        problems.append(Problem(shown, data.line_of(key), message))
    return problems


def _text(data: LineDict, key: str, shown: str, problems: list[Problem], where: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        problems.append(Problem(shown, data.line_of(key), f"{where}: '{key}' is required and must be text"))
        return ""
    return value.strip()


def _version(data: LineDict, shown: str, problems: list[Problem]) -> str | None:
    value = data.get("version")
    if not isinstance(value, str) or not _VERSION.fullmatch(value):
        message = "'version' is required: a short quoted text such as \"2\"; raise it when statements or scale change"
        problems.append(Problem(shown, data.line_of("version"), message))
        return None
    return value


def _since(data: LineDict, shown: str, problems: list[Problem]) -> date | None:
    value = data.get("since")
    try:
        return value if isinstance(value, date) else date.fromisoformat(str(value))
    except ValueError:
        message = "'since' is required: the date this version of the questionnaire starts (YYYY-MM-DD)"
        problems.append(Problem(shown, data.line_of("since"), message))
        return None


def _scale(data: LineDict, shown: str, problems: list[Problem]) -> tuple[str, ...] | None:
    scale = data.get("scale")
    if not isinstance(scale, list) or len(scale) != SCALE_POINTS or not all(isinstance(s, str) and s for s in scale):
        message = f"'scale' must list {SCALE_POINTS} labels, from 'cannot yet' to 'can teach a colleague'"
        problems.append(Problem(shown, data.line_of("scale"), message))
        return None
    return tuple(scale)


def _domains(data: LineDict, shown: str, problems: list[Problem]) -> list[Domain]:
    raw = data.get("domains")
    if not isinstance(raw, LineList):
        problems.append(Problem(shown, data.line_of("domains"), "'domains' must be a list of the seven TPACK domains"))
        return []
    domains: list[Domain] = []
    seen: dict[str, tuple[str, int]] = {}  # statement id -> (domain, line)
    for index, item in enumerate(raw):
        line = raw.item_lines[index]
        if not isinstance(item, LineDict):
            problems.append(Problem(shown, line, "a domain must be a mapping"))
            continue
        problems += _unknown(item, _DOMAIN_KEYS, shown, "domain")
        domain_id = item.get("id")
        expected = DOMAIN_ORDER[index] if index < len(DOMAIN_ORDER) else None
        if domain_id != expected:
            problems.append(
                Problem(
                    shown,
                    item.line_of("id"),
                    f"domain {index + 1} must be {expected or '(none: only seven)'}, found {domain_id!r}",
                )
            )
        where = f"domain {domain_id}"
        name = _text(item, "name", shown, problems, where)
        explanation = _text(item, "explanation", shown, problems, where)
        statements = _statements(item, shown, problems, str(domain_id), seen)
        domains.append(Domain(str(domain_id), name, explanation, tuple(statements)))
    if len(raw) < len(DOMAIN_ORDER):
        problems.append(Problem(shown, raw.line, f"need all seven domains {', '.join(DOMAIN_ORDER)}; found {len(raw)}"))
    return domains


def _statements(
    item: LineDict, shown: str, problems: list[Problem], domain_id: str, seen: dict[str, tuple[str, int]]
) -> list[Statement]:
    where = f"domain {domain_id}"
    raw = item.get("statements")
    if not isinstance(raw, LineList):
        problems.append(Problem(shown, item.line_of("statements"), f"{where}: 'statements' must be a list"))
        return []
    statements = []
    for index, entry in enumerate(raw):
        line = raw.item_lines[index]
        if not isinstance(entry, LineDict):
            problems.append(Problem(shown, line, f"{where}: a statement needs id, text and advice"))
            continue
        problems += _unknown(entry, _STATEMENT_KEYS, shown, "statement")
        sid = entry.get("id")
        if not isinstance(sid, str) or not _ID.fullmatch(sid):
            message = f"{where}: statement id must be made of lowercase letters, digits, '-' and '_'"
            problems.append(Problem(shown, entry.line_of("id"), message))
            continue
        if sid in seen:
            other, other_line = seen[sid]
            if other == domain_id:
                message = f"duplicate statement id '{sid}' (first on line {other_line})"
            else:
                message = (
                    f"statement '{sid}' is in domain {other} (line {other_line}) and in domain {domain_id}: "
                    "every statement belongs to exactly one domain"
                )
            problems.append(Problem(shown, entry.line_of("id"), message))
            continue
        seen[sid] = (domain_id, entry.line_of("id"))
        text = _text(entry, "text", shown, problems, f"statement {sid}")
        advice = _text(entry, "advice", shown, problems, f"statement {sid}")
        if text and advice:
            statements.append(Statement(sid, text, advice))
    if len(raw) < MIN_STATEMENTS:
        problems.append(
            Problem(shown, raw.line, f"{where}: needs at least {MIN_STATEMENTS} statements, found {len(raw)}")
        )
    return statements
