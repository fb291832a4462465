"""Quizzes from ``quizzes/*.yaml``: the model, the loader and its checks.

The format is the contract in docs/authoring.md. Loading never raises and never stops at the first
mistake: content writers fix a whole file in one go when they see every ``path:line: message``.
A quiz is returned only when its file has no problems, so the app never runs half-checked content.
"""

from __future__ import annotations

import hashlib
import random
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from .errors import Problem
from .file_limits import QUIZ_FILES, size_problem
from .yamlsource import LineDict, LineList, load_yaml

KINDS = ("single", "multiple", "truefalse", "ordering", "matching")
NOT_QUIZ_FILES = frozenset({"misconceptions.yaml", "tpack.yaml"})
TRUE_ID, FALSE_ID = "waar", "niet-waar"
TRUE_TEXT, FALSE_TEXT = "Waar", "Niet waar"
FINAL_NUMBER = "99"

_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
_FILE_NAME = re.compile(r"(\d\d)-(.+)\.yaml")

_QUIZ_KEYS = ("slug", "title", "lesson", "final", "policy", "questions")
_POLICY_KEYS = ("max_attempts", "counts", "show_answers", "pass_percentage")
_QUESTION_KEYS = ("id", "kind", "text", "points", "feedback")
_KIND_KEYS: dict[str, tuple[str, ...]] = {
    "single": ("options",),
    "multiple": ("options",),
    "truefalse": ("answer", "feedback_true", "feedback_false", "misconception"),
    "ordering": ("items", "misconception"),
    "matching": ("pairs",),
}
_ANY_KIND_KEYS = tuple(dict.fromkeys(k for keys in _KIND_KEYS.values() for k in keys))
_OPTION_KEYS = ("id", "text", "correct", "feedback", "misconception")
_ITEM_KEYS = ("id", "text")
_PAIR_KEYS = ("id", "left", "right", "feedback", "misconception")
CORRECT_OPTION_WITH_TAG = (
    "a correct option takes no misconception tag: remove 'misconception' here (only wrong options have one)"
)


@dataclass(frozen=True)
class Policy:
    """How attempts count: fixed per quiz so every student plays by the same rules."""

    max_attempts: int | None  # None: unlimited
    counts: Literal["best", "last"]
    show_answers: bool
    pass_percentage: int


@dataclass(frozen=True)
class Option:
    """One answer of a single/multiple question (truefalse is normalised to two options)."""

    id: str
    text: str
    correct: bool
    feedback: str
    misconception: str | None  # tag on wrong options only
    line: int


@dataclass(frozen=True)
class Pair:
    """One left-right pair of a matching question; the pair id identifies both sides."""

    id: str
    left: str
    right: str
    feedback: str
    misconception: str
    line: int


@dataclass(frozen=True)
class Item:
    """One element of an ordering question; items are stored in the correct order."""

    id: str
    text: str
    line: int


@dataclass(frozen=True)
class Question:
    """A question of any kind; fields that do not apply to the kind stay empty.

    ``options``: single, multiple and truefalse (ids ``waar``/``niet-waar``).
    ``pairs``: matching. ``items`` (correct order) and ``misconception``: ordering.
    """

    id: str
    kind: str
    text: str
    points: int
    feedback: str | None
    options: tuple[Option, ...]
    line: int
    pairs: tuple[Pair, ...] = ()
    items: tuple[Item, ...] = ()
    misconception: str | None = None


@dataclass(frozen=True)
class Quiz:
    """A checked quiz; ``version`` changes whenever the file changes, so attempts can say which
    text they were made against."""

    slug: str
    title: str
    lesson: str | None
    final: bool
    policy: Policy
    questions: tuple[Question, ...]
    path: Path
    version: str

    @property
    def max_score(self) -> int:
        return sum(q.points for q in self.questions)

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)


def option_order(question: Question, seed: int) -> list[str]:
    """The shuffled order in which one attempt shows the choices, the same on every reload.

    Options for single/multiple, items for ordering, right-side pair ids for matching. Truefalse
    keeps "Waar" before "Niet waar". An ordering is never shown already solved (if the shuffle
    gives the correct order, it is rotated by one), or an untouched answer would get full points.
    """
    rng = random.Random(f"{seed}:{question.id}")
    if question.kind == "truefalse":
        return [o.id for o in question.options]
    if question.kind == "ordering":
        ids = [i.id for i in question.items]
        shuffled = ids[:]
        rng.shuffle(shuffled)
        if shuffled == ids and len(ids) > 1:
            shuffled = shuffled[1:] + shuffled[:1]
        return shuffled
    ids = [p.id for p in question.pairs] if question.kind == "matching" else [o.id for o in question.options]
    rng.shuffle(ids)
    return ids


def display_path(path: Path, base: Path) -> str:
    """``path`` relative to ``base`` when possible, so messages read ``quizzes/01-x.yaml``."""
    try:
        return path.relative_to(base).as_posix()
    except ValueError:
        return path.as_posix()


def load_misconceptions(path: Path) -> tuple[dict[str, str], list[Problem]]:
    """Read the shared tag list (``tag: explanation``); bad entries are reported and left out."""
    shown = display_path(path, path.parent.parent)
    _, data, problems = _read(path, shown)
    tags: dict[str, str] = {}
    if problems:
        return tags, problems
    if data is None:
        return tags, [Problem(shown, 1, "the file is empty: write one 'tag: explanation' line per misconception")]
    if not isinstance(data, LineDict):
        message = f"write one 'tag: explanation' line per misconception, not {_show(data)}"
        return tags, [Problem(shown, _line(data), message)]
    for tag, explanation in data.items():
        line = data.line_of(tag)
        if not isinstance(tag, str) or not _SLUG.fullmatch(tag):
            message = f"misconception tag {_show(tag)} must be lowercase words joined by '-'"
            problems.append(Problem(shown, line, message))
        elif not isinstance(explanation, str) or not explanation.strip():
            problems.append(Problem(shown, line, f"misconception tag '{tag}' needs a short explanation as text"))
        else:
            tags[tag] = explanation.strip()
    return tags, sorted(problems)


def load_quizzes(quizzes_dir: Path, misconceptions: dict[str, str]) -> tuple[dict[str, Quiz], list[Problem]]:
    """Load and check every quiz file in the folder; return the clean quizzes by slug and all
    problems, sorted by path and line."""
    base = quizzes_dir.parent
    problems: list[Problem] = []
    quizzes: dict[str, Quiz] = {}
    slug_owner: dict[str, str] = {}
    try:
        paths = sorted(quizzes_dir.iterdir())
    except OSError as err:
        return {}, [Problem(display_path(quizzes_dir, base), 1, f"cannot read folder: {err.strerror or err}")]
    for path in paths:
        shown = display_path(path, base)
        if path.name.startswith("."):  # editor and lock files
            continue
        if path.suffix == ".yml":
            problems.append(Problem(shown, 1, "quiz files end in .yaml, not .yml: rename the file"))
            continue
        if path.suffix != ".yaml" or path.name in NOT_QUIZ_FILES or not _is_file(path):
            continue
        checker = _QuizChecker(path, shown, misconceptions)
        quiz = checker.check()
        if checker.slug is not None:
            slug, line = checker.slug
            if slug in slug_owner:
                message = f"duplicate quiz slug '{slug}' (also in {slug_owner[slug]}): give each quiz its own slug"
                checker.report(line, message)
                quiz = None
            else:
                slug_owner[slug] = shown
        problems.extend(checker.problems)
        if quiz is not None and not checker.problems:
            quizzes[quiz.slug] = quiz
    return quizzes, sorted(problems)


def _read(path: Path, shown: str) -> tuple[bytes | None, Any, list[Problem]]:
    """Read a file once (bytes for the version, parsed YAML for the checks); never raises."""
    too_large = size_problem(path, shown, QUIZ_FILES)
    if too_large is not None:
        return None, None, [too_large]
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8")
    except OSError as err:
        return None, None, [Problem(shown, 1, f"cannot read file: {err.strerror or err}")]
    except UnicodeDecodeError:
        return None, None, [Problem(shown, 1, "the file is not UTF-8 text: save it as UTF-8")]
    try:
        data, problems = load_yaml(text, shown)
    except Exception as err:  # noqa: BLE001 - belt and braces: odd YAML must never crash start-up
        return raw, None, [Problem(shown, 1, f"invalid YAML: {err}")]
    return raw, data, problems


def _line(value: Any, default: int = 1) -> int:
    return getattr(value, "line", default)


def _show(value: Any) -> str:
    """A value as an author wrote it in YAML, short enough for a one-line message."""
    if isinstance(value, str):
        return f"'{value}'" if len(value) <= 40 else f"'{value[:37]}...'"
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "nothing"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


class _QuizChecker:
    """Checks one quiz file, collecting problems while building the Quiz it describes."""

    def __init__(self, path: Path, shown: str, misconceptions: dict[str, str]) -> None:
        self.path = path
        self.shown = shown
        self.misconceptions = misconceptions
        self.problems: list[Problem] = []
        self.slug: tuple[str, int] | None = None  # (slug, line) when readable, for the cross-file check

    def report(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.shown, line, message))

    # -- generic helpers -------------------------------------------------------------------

    def keys(self, m: LineDict, allowed: tuple[str, ...], required: tuple[str, ...], where: str) -> None:
        for key in m:
            if key not in allowed:
                self.report(m.line_of(key), f"unknown key {_show(key)} in {where} (allowed: {', '.join(allowed)})")
        for key in required:
            if key not in m:
                self.report(m.line, f"missing required key '{key}' in {where}")

    def text(self, m: LineDict, key: str, where: str, required: bool = True) -> str | None:
        """A non-empty text value, or None after reporting why not."""
        if key not in m:
            if required:
                self.report(m.line, f"missing required key '{key}' in {where}")
            return None
        value = m[key]
        if value is None or (isinstance(value, str) and not value.strip()):
            hint = "" if required else " (write it or leave the key out)"
            self.report(m.line_of(key), f"'{key}' in {where} is empty{hint}")
            return None
        if not isinstance(value, str):
            self.report(m.line_of(key), f"'{key}' in {where} must be text, not {_show(value)} (put it in quotes)")
            return None
        return value.strip()

    def ident(self, m: LineDict, where: str) -> str | None:
        value = m.get("id")
        if "id" not in m:
            self.report(m.line, f"missing required key 'id' in {where}")
            return None
        if not isinstance(value, str) or not _ID.fullmatch(value):
            hint = " (put it in quotes)" if _is_int(value) else ""
            message = f"id {_show(value)} in {where} must be made of letters, digits, '-' and '_'{hint}"
            self.report(m.line_of("id"), message)
            return None
        return value

    def flag(self, m: LineDict, key: str, where: str, default: bool | None = None) -> bool | None:
        if key not in m:
            if default is None:
                self.report(m.line, f"missing required key '{key}' in {where}")
            return default
        value = m[key]
        if not isinstance(value, bool):
            self.report(m.line_of(key), f"'{key}' in {where} must be true or false, not {_show(value)}")
            return default
        return value

    def tag(self, m: LineDict, where: str) -> str | None:
        value = m["misconception"]
        line = m.line_of("misconception")
        if not isinstance(value, str) or not value.strip():
            self.report(line, f"misconception in {where} must be a tag from misconceptions.yaml, not {_show(value)}")
            return None
        if value not in self.misconceptions:
            message = f"misconception tag '{value}' is not in misconceptions.yaml (check the spelling, or add it there)"
            self.report(line, message)
            return None
        return value

    def seq(self, m: LineDict, key: str, where: str) -> list[tuple[Any, int]] | None:
        """A required list as (value, line) pairs, or None after reporting."""
        if key not in m:
            self.report(m.line, f"missing required key '{key}' in {where}")
            return None
        value = m[key]
        if not isinstance(value, LineList):
            self.report(m.line_of(key), f"'{key}' in {where} must be a list, not {_show(value)}")
            return None
        return list(zip(value, value.item_lines, strict=True))

    def mapping(self, value: Any, line: int, what: str) -> LineDict | None:
        if isinstance(value, LineDict):
            return value
        self.report(line, f"{what} must be a mapping (key: value lines), not {_show(value)}")
        return None

    def unique(self, seen: dict[str, int], value: str | None, line: int, what: str) -> None:
        if value is None:
            return
        if value in seen:
            self.report(line, f"duplicate {what} '{value}' (also on line {seen[value]}): give each its own id")
        else:
            seen[value] = line

    # -- the quiz --------------------------------------------------------------------------

    def check(self) -> Quiz | None:
        raw, data, problems = _read(self.path, self.shown)
        self.problems.extend(problems)
        if problems or raw is None:
            return None
        if data is None:
            self.report(1, "the file is empty: a quiz needs slug, title, policy and questions")
            return None
        top = self.mapping(data, _line(data), "a quiz file")
        if top is None:
            return None
        self.keys(top, _QUIZ_KEYS, (), "quiz")
        slug = self.check_slug(top)
        title = self.text(top, "title", "quiz")
        final = bool(self.flag(top, "final", "quiz", default=False))
        lesson = self.check_lesson(top, final)
        self.check_file_name(top, slug, final)
        policy = self.check_policy(top)
        questions = self.check_questions(top)
        if self.problems or slug is None or title is None or policy is None:
            return None
        version = hashlib.sha256(raw).hexdigest()[:16]
        return Quiz(slug, title, lesson, final, policy, tuple(questions), self.path, version)

    def check_slug(self, top: LineDict) -> str | None:
        slug = self.text(top, "slug", "quiz")
        if slug is None:
            return None
        if not _SLUG.fullmatch(slug):
            self.report(top.line_of("slug"), f"slug '{slug}' must be lowercase words joined by '-'")
            return None
        self.slug = (slug, top.line_of("slug"))
        return slug

    def check_lesson(self, top: LineDict, final: bool) -> str | None:
        if final:
            if "lesson" in top:
                self.report(top.line_of("lesson"), "the final quiz belongs to no lesson: leave 'lesson' out")
            return None
        if "lesson" not in top:
            message = "missing required key 'lesson' in quiz (only the final quiz, with final: true, has none)"
            self.report(top.line, message)
            return None
        lesson = self.text(top, "lesson", "quiz")
        if lesson is not None and not _SLUG.fullmatch(lesson):
            message = f"lesson '{lesson}' must be a lesson slug (lowercase words joined by '-')"
            self.report(top.line_of("lesson"), message)
            return None
        return lesson

    def check_file_name(self, top: LineDict, slug: str | None, final: bool) -> None:
        name = self.path.name
        line = top.line_of("slug")
        match = _FILE_NAME.fullmatch(name)
        if slug is not None and (match is None or match.group(2) != slug):
            self.report(line, f"file name '{name}' does not match slug '{slug}': name it NN-{slug}.yaml")
        elif slug is None and match is None:
            self.report(line, f"file name '{name}' must be NN-slug.yaml (two digits, '-', the quiz slug)")
        if match is None:
            return
        if final and match.group(1) != FINAL_NUMBER:
            message = f"the file name of the final quiz must start with {FINAL_NUMBER}-, not '{match.group(1)}-'"
            self.report(top.line_of("final"), message)
        elif not final and match.group(1) == FINAL_NUMBER:
            self.report(line, f"file name {FINAL_NUMBER}-... is for the final quiz: add final: true or renumber")

    def check_policy(self, top: LineDict) -> Policy | None:
        if "policy" not in top:
            self.report(top.line, "missing required key 'policy' in quiz")
            return None
        policy = self.mapping(top["policy"], top.line_of("policy"), "policy")
        if policy is None:
            return None
        self.keys(policy, _POLICY_KEYS, ("counts", "show_answers", "pass_percentage"), "policy")
        ok = True
        max_attempts = policy.get("max_attempts")
        if max_attempts is not None and (not _is_int(max_attempts) or max_attempts < 1):
            message = "max_attempts must be a whole number of 1 or more (leave it out for unlimited)"
            self.report(policy.line_of("max_attempts"), f"{message}, not {_show(max_attempts)}")
            ok = False
        counts = policy.get("counts")
        if "counts" in policy and counts not in ("best", "last"):
            self.report(policy.line_of("counts"), f"counts must be 'best' or 'last', not {_show(counts)}")
            ok = False
        show = policy.get("show_answers")
        if "show_answers" in policy and not isinstance(show, bool):
            self.report(policy.line_of("show_answers"), f"show_answers must be true or false, not {_show(show)}")
            ok = False
        percentage = policy.get("pass_percentage")
        if "pass_percentage" in policy and (not _is_int(percentage) or not 0 <= percentage <= 100):
            message = f"pass_percentage must be a whole number from 0 to 100, not {_show(percentage)}"
            self.report(policy.line_of("pass_percentage"), message)
            ok = False
        if not ok or any(k not in policy for k in ("counts", "show_answers", "pass_percentage")):
            return None
        return Policy(max_attempts, counts, show, percentage)

    # -- questions -------------------------------------------------------------------------

    def check_questions(self, top: LineDict) -> list[Question]:
        entries = self.seq(top, "questions", "quiz")
        if entries is None:
            return []
        if not entries:
            self.report(top.line_of("questions"), "the quiz has no questions: add at least one under 'questions'")
        questions: list[Question] = []
        seen: dict[str, int] = {}
        for value, line in entries:
            m = self.mapping(value, line, "a question")
            if m is None:
                continue
            question = self.check_question(m, seen)
            if question is not None:
                questions.append(question)
        return questions

    def check_question(self, m: LineDict, seen: dict[str, int]) -> Question | None:
        kind = m.get("kind")
        known = isinstance(kind, str) and kind in KINDS
        where = f"{kind} question" if known else "question"
        allowed = _QUESTION_KEYS + (_KIND_KEYS[kind] if known else _ANY_KIND_KEYS)
        self.keys(m, allowed, ("kind",), where)
        if "kind" in m and not known:
            self.report(m.line_of("kind"), f"unknown kind {_show(kind)} (use one of: {', '.join(KINDS)})")
        qid = self.ident(m, where)
        self.unique(seen, qid, m.line_of("id"), "question id")
        text = self.text(m, "text", where)
        points = m.get("points", 1)
        if not _is_int(points) or points < 1:
            self.report(m.line_of("points"), f"points must be a whole number of 1 or more, not {_show(points)}")
        feedback = self.text(m, "feedback", where, required=kind == "ordering")
        if not known:
            return None
        build = {
            "single": self.check_choices,
            "multiple": self.check_choices,
            "truefalse": self.check_truefalse,
            "ordering": self.check_ordering,
            "matching": self.check_matching,
        }[kind]
        parts = build(m, kind, where)
        if qid is None or text is None or not _is_int(points) or points < 1:
            return None
        return Question(qid, kind, text, points, feedback, line=m.line, **parts)

    def check_choices(self, m: LineDict, kind: str, where: str) -> dict[str, Any]:
        entries = self.seq(m, "options", where)
        if entries is None:
            return {"options": ()}
        if len(entries) < 2:
            self.report(m.line_of("options"), f"a {kind} question needs at least two options")
        options: list[Option] = []
        seen: dict[str, int] = {}
        correct_lines: list[int] = []
        unclear = False  # an invalid 'correct' value is reported already; no "no correct option" on top
        for value, line in entries:
            o = self.mapping(value, line, "an option")
            if o is None:
                continue
            self.keys(o, _OPTION_KEYS, (), "option")
            oid = self.ident(o, "option")
            self.unique(seen, oid, o.line_of("id"), "option id")
            text = self.text(o, "text", "option")
            feedback = self.text(o, "feedback", "option")
            correct = bool(self.flag(o, "correct", "option", default=False))
            invalid_flag = "correct" in o and not isinstance(o["correct"], bool)
            unclear |= invalid_flag
            tag = self.tag(o, "option") if "misconception" in o else None
            if correct:
                correct_lines.append(o.line_of("correct"))
                if "misconception" in o:
                    self.report(o.line_of("misconception"), CORRECT_OPTION_WITH_TAG)
            elif "misconception" not in o and not invalid_flag:
                shown_id = _show(oid if oid is not None else o.get("id"))
                message = f"wrong option {shown_id} needs a misconception tag"
                self.report(o.line, f"{message}: add 'misconception' with a tag from misconceptions.yaml")
            options.append(Option(oid or "", text or "", correct, feedback or "", tag, o.line))
        if entries and not correct_lines and not unclear:
            rule = "exactly one option" if kind == "single" else "every right option"
            self.report(m.line_of("options"), f"no correct option: mark {rule} with correct: true")
        if kind == "single" and len(correct_lines) > 1:
            message = f"a single question has exactly one correct option, not {len(correct_lines)}"
            self.report(correct_lines[1], f"{message}: mark only one, or use kind: multiple for tick-all-that-apply")
        return {"options": tuple(options)}

    def check_truefalse(self, m: LineDict, kind: str, where: str) -> dict[str, Any]:
        answer = self.flag(m, "answer", where)
        feedback_true = self.text(m, "feedback_true", where)
        feedback_false = self.text(m, "feedback_false", where)
        tag = self.required_tag(m, where)
        is_true = bool(answer)
        true_line, false_line = m.line_of("feedback_true"), m.line_of("feedback_false")
        options = (
            Option(TRUE_ID, TRUE_TEXT, is_true, feedback_true or "", None if is_true else tag, true_line),
            Option(FALSE_ID, FALSE_TEXT, not is_true, feedback_false or "", tag if is_true else None, false_line),
        )
        return {"options": options}

    def check_ordering(self, m: LineDict, kind: str, where: str) -> dict[str, Any]:
        tag = self.required_tag(m, where)
        entries = self.seq(m, "items", where)
        items: list[Item] = []
        if entries is None:
            return {"options": (), "items": (), "misconception": tag}
        if len(entries) < 2:
            self.report(m.line_of("items"), "an ordering question needs at least two items")
        seen: dict[str, int] = {}
        for value, line in entries:
            i = self.mapping(value, line, "an item")
            if i is None:
                continue
            self.keys(i, _ITEM_KEYS, (), "item")
            iid = self.ident(i, "item")
            self.unique(seen, iid, i.line_of("id"), "item id")
            text = self.text(i, "text", "item")
            items.append(Item(iid or "", text or "", i.line))
        return {"options": (), "items": tuple(items), "misconception": tag}

    def check_matching(self, m: LineDict, kind: str, where: str) -> dict[str, Any]:
        entries = self.seq(m, "pairs", where)
        pairs: list[Pair] = []
        if entries is None:
            return {"options": (), "pairs": ()}
        if len(entries) < 2:
            self.report(m.line_of("pairs"), "a matching question needs at least two pairs")
        seen: dict[str, int] = {}
        lefts: dict[str, str] = {}
        rights: dict[str, str] = {}
        for value, line in entries:
            p = self.mapping(value, line, "a pair")
            if p is None:
                continue
            self.keys(p, _PAIR_KEYS, (), "pair")
            pid = self.ident(p, "pair")
            self.unique(seen, pid, p.line_of("id"), "pair id")
            left = self.text(p, "left", "pair")
            right = self.text(p, "right", "pair")
            feedback = self.text(p, "feedback", "pair")
            tag = self.required_tag(p, "pair")
            for side, text, texts in (("left", left, lefts), ("right", right, rights)):
                if text is None:
                    continue
                if _norm(text) in texts:
                    other = texts[_norm(text)]
                    message = f"{side} text '{text}' is also the {side} text of pair '{other}'"
                    self.report(p.line_of(side), f"{message}: every {side} text in a question must be different")
                else:
                    texts[_norm(text)] = pid or "?"
            pairs.append(Pair(pid or "", left or "", right or "", feedback or "", tag or "", p.line))
        return {"options": (), "pairs": tuple(pairs)}

    def required_tag(self, m: LineDict, where: str) -> str | None:
        if "misconception" not in m:
            self.report(m.line, f"missing required key 'misconception' in {where}")
            return None
        return self.tag(m, where)


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:
        return False


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
