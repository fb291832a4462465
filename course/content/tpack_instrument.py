"""The TPACK self-assessment instrument from ``quizzes/tpack.yaml``: domains, statements, advice."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from .errors import Problem
from .file_limits import QUIZ_FILES, size_problem
from .quiz_files import display_path
from .yamlsource import LineDict, LineList, load_yaml

DOMAIN_ORDER = ("TK", "CK", "PK", "PCK", "TCK", "TPK", "TPACK")
BANDS = ("develop", "growing", "strength")
MIN_STATEMENTS = 4
SCALE_POINTS = 5

_TOP_KEYS = ("scale", "bands", "domains")
_DOMAIN_KEYS = ("id", "name", "explanation", "statements", "advice")
_STATEMENT_KEYS = ("id", "text")
_ID = re.compile(r"[a-z0-9][a-z0-9_-]*")


@dataclass(frozen=True)
class Statement:
    id: str
    text: str


@dataclass(frozen=True)
class Domain:
    id: str
    name: str
    explanation: str
    statements: tuple[Statement, ...]
    advice: dict[str, str]  # band -> markdown


@dataclass(frozen=True)
class Instrument:
    scale: tuple[str, ...]
    develop_below: float
    growing_below: float
    domains: tuple[Domain, ...]
    version: str

    @property
    def item_count(self) -> int:
        return sum(len(d.statements) for d in self.domains)

    @property
    def statement_ids(self) -> list[str]:
        return [s.id for d in self.domains for s in d.statements]

    def band(self, mean: float) -> str:
        if mean < self.develop_below:
            return "develop"
        if mean < self.growing_below:
            return "growing"
        return "strength"


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
        return None, [Problem(shown, 1, "the file must be a mapping with scale, bands and domains")]
    problems += _unknown(data, _TOP_KEYS, shown, "instrument")
    scale = _scale(data, shown, problems)
    bands = _bands(data, shown, problems)
    domains = _domains(data, shown, problems)
    if problems or scale is None or bands is None:
        return None, sorted(problems)
    version = hashlib.sha256(raw).hexdigest()[:16]
    return Instrument(scale, bands[0], bands[1], tuple(domains), version), []


def _unknown(data: LineDict, allowed: tuple[str, ...], shown: str, where: str) -> list[Problem]:
    return [
        Problem(shown, data.line_of(key), f"unknown key '{key}' in {where} (allowed: {', '.join(allowed)})")
        for key in data
        if key not in allowed
    ]


def _text(data: LineDict, key: str, shown: str, problems: list[Problem], where: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        problems.append(Problem(shown, data.line_of(key), f"{where}: '{key}' is required and must be text"))
        return ""
    return value.strip()


def _scale(data: LineDict, shown: str, problems: list[Problem]) -> tuple[str, ...] | None:
    scale = data.get("scale")
    if not isinstance(scale, list) or len(scale) != SCALE_POINTS or not all(isinstance(s, str) and s for s in scale):
        problems.append(Problem(shown, data.line_of("scale"), f"'scale' must list {SCALE_POINTS} labels"))
        return None
    return tuple(scale)


def _bands(data: LineDict, shown: str, problems: list[Problem]) -> tuple[float, float] | None:
    bands = data.get("bands")
    line = data.line_of("bands")
    if not isinstance(bands, LineDict):
        problems.append(Problem(shown, line, "'bands' must map develop and growing to a mean (1-5)"))
        return None
    problems += _unknown(bands, ("develop", "growing"), shown, "bands")
    develop, growing = bands.get("develop"), bands.get("growing")
    numbers = all(isinstance(v, int | float) and not isinstance(v, bool) for v in (develop, growing))
    if not numbers or not 1 < develop < growing <= SCALE_POINTS:
        message = "bands: 'develop' and 'growing' must be numbers with 1 < develop < growing <= 5"
        problems.append(Problem(shown, line, message))
        return None
    return float(develop), float(growing)


def _domains(data: LineDict, shown: str, problems: list[Problem]) -> list[Domain]:
    raw = data.get("domains")
    if not isinstance(raw, LineList):
        problems.append(Problem(shown, data.line_of("domains"), "'domains' must be a list of the seven TPACK domains"))
        return []
    domains: list[Domain] = []
    seen_statements: set[str] = set()
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
        statements = _statements(item, shown, problems, where, seen_statements)
        advice = _advice(item, shown, problems, where)
        domains.append(Domain(str(domain_id), name, explanation, tuple(statements), advice))
    if len(raw) < len(DOMAIN_ORDER):
        problems.append(Problem(shown, raw.line, f"need all seven domains {', '.join(DOMAIN_ORDER)}; found {len(raw)}"))
    return domains


def _statements(item: LineDict, shown: str, problems: list[Problem], where: str, seen: set[str]) -> list[Statement]:
    raw = item.get("statements")
    if not isinstance(raw, LineList):
        problems.append(Problem(shown, item.line_of("statements"), f"{where}: 'statements' must be a list"))
        return []
    statements = []
    for index, entry in enumerate(raw):
        line = raw.item_lines[index]
        if not isinstance(entry, LineDict):
            problems.append(Problem(shown, line, f"{where}: a statement needs id and text"))
            continue
        problems += _unknown(entry, _STATEMENT_KEYS, shown, "statement")
        sid, text = entry.get("id"), entry.get("text")
        if not isinstance(sid, str) or not _ID.fullmatch(sid):
            message = f"{where}: statement id must be made of lowercase letters, digits, '-' and '_'"
            problems.append(Problem(shown, entry.line_of("id"), message))
            continue
        if sid in seen:
            problems.append(Problem(shown, entry.line_of("id"), f"duplicate statement id '{sid}'"))
            continue
        seen.add(sid)
        if not isinstance(text, str) or not text.strip():
            problems.append(Problem(shown, entry.line_of("text"), f"statement {sid}: 'text' is required"))
            continue
        statements.append(Statement(sid, text.strip()))
    if len(raw) < MIN_STATEMENTS:
        problems.append(
            Problem(shown, raw.line, f"{where}: needs at least {MIN_STATEMENTS} statements, found {len(raw)}")
        )
    return statements


def _advice(item: LineDict, shown: str, problems: list[Problem], where: str) -> dict[str, str]:
    raw = item.get("advice")
    if not isinstance(raw, LineDict):
        problems.append(
            Problem(shown, item.line_of("advice"), f"{where}: 'advice' must map {', '.join(BANDS)} to text")
        )
        return {}
    problems += _unknown(raw, BANDS, shown, "advice")
    advice = {}
    for band in BANDS:
        text = raw.get(band)
        if not isinstance(text, str) or not text.strip():
            problems.append(Problem(shown, raw.line_of(band), f"{where}: advice for '{band}' is required"))
        else:
            advice[band] = text.strip()
    return advice
