"""Lessons, teacher guides, competences and trainer sessions, read and checked from files.

Loaders never raise on bad content: they return what could be loaded plus every problem
found, each as ``Problem(path, line, message)`` with a file line, so ``course check`` can
list all mistakes at once. Paths in problems start at the content folder (``lessons/...``).

A loaded lesson holds the text that was checked: the app shows that text, not whatever the file
holds at the moment a page is rendered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.token import Token

from .errors import Problem
from .file_limits import LESSON_FILES, size_problem
from .media_files import check_media_folder
from .render import inline_text, url_scheme
from .yamlsource import LineDict, LineList, load_yaml

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LESSON_FILE_RE = re.compile(r"^(\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*)\.md$")
GUIDE_FILE_RE = re.compile(r"^(\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*)\.docent\.md$")
_LESSON_HREF_RE = re.compile(r"^(\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*)\.md(?:#(.*))?$")
_MATERIAL_HREF_RE = re.compile(r"^materials/([a-z0-9]+(?:-[a-z0-9]+)*)\.md(?:#(.*))?$")
GUIDE_SUFFIX = ".docent.md"
MEDIA_DIR = "media"
LESSON_MATERIALS_DIR = "materials"  # lessons/materials/: printable pages the guides link to
TRAINER_DIR = "trainer"
WEB_PROTOCOLS = frozenset({"http", "https", "mailto"})


# --- data --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Competence:
    id: str
    name: str
    group: str
    description: str


@dataclass(frozen=True)
class Assignment:
    title: str
    instructions: str  # markdown
    deliverable: str


@dataclass(frozen=True)
class Lesson:
    number: int
    slug: str
    title: str
    summary: str
    goals: tuple[str, ...]
    duration: int
    competences: tuple[str, ...]
    quiz: str | None
    assignment: Assignment | None
    path: Path
    body_line: int  # file line where the markdown body starts
    guide_path: Path | None
    body: str = field(default="", repr=False)  # the markdown that was checked
    guide: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class TrainerSession:
    number: int
    slug: str
    title: str
    duration: int
    goals: tuple[str, ...]
    materials: tuple[str, ...]
    path: Path
    body_line: int
    body: str = field(default="", repr=False)


@dataclass(frozen=True)
class TrainerMaterial:
    """A printable handout of the trainer programme (ontwerpblad, kijkwijzer, ...)."""

    slug: str
    title: str
    sessions: tuple[int, ...]  # the session numbers that use it
    path: Path
    body_line: int
    body: str = field(default="", repr=False)


@dataclass(frozen=True)
class LinkTarget:
    """What a relative link in content points at, for the web layer to turn into a URL."""

    kind: Literal["lesson", "media", "material"]
    name: str  # lesson slug, file path below lessons/media/, or material slug (lessons/materials/)
    anchor: str | None = None
    number: int | None = None  # lesson number for lesson links


# --- link targets ---------------------------------------------------------------------------


def link_target(href: str) -> LinkTarget | None:
    """``03-slug.md``, ``03-slug.md#anchor``, ``media/<file>`` or ``materials/<slug>.md``; None
    for anything else."""
    href = href.strip()
    match = _LESSON_HREF_RE.match(href)
    if match:
        return LinkTarget("lesson", match.group(2), match.group(3) or None, int(match.group(1)))
    match = _MATERIAL_HREF_RE.match(href)
    if match:
        return LinkTarget("material", match.group(1), match.group(2) or None)
    if not href.startswith(MEDIA_DIR + "/"):
        return None
    name = unquote(href[len(MEDIA_DIR) + 1 :].split("#", 1)[0])
    segments = name.split("/")
    if any(not s or s.startswith(".") for s in segments) or "?" in name:
        return None
    if any(ch == "\\" or ord(ch) < 32 for ch in name):
        return None
    return LinkTarget("media", name)


def lesson_link_target(href: str) -> str | None:
    """Slug of the lesson an ``NN-slug.md[#anchor]`` link points at."""
    target = link_target(href)
    return target.name if target and target.kind == "lesson" else None


def media_link_target(href: str) -> str | None:
    """File name below ``lessons/media/`` that a ``media/<file>`` link points at."""
    target = link_target(href)
    return target.name if target and target.kind == "media" else None


# --- reading files ------------------------------------------------------------------------


def _read(path: Path, display: str, problems: list[Problem]) -> str | None:
    """File text as UTF-8 (a BOM is dropped); a problem instead of an exception."""
    too_large = size_problem(path, display, LESSON_FILES)
    if too_large is not None:
        problems.append(too_large)
        return None
    try:
        data = path.read_bytes()
    except OSError as err:
        problems.append(Problem(display, 1, f"cannot read file: {err.strerror or err}"))
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        problems.append(Problem(display, line, "the file is not UTF-8 text: save it as UTF-8"))
        return None
    return text.removeprefix("\ufeff")


def _yaml(text: str, display: str, first_line: int, problems: list[Problem]) -> Any:
    """load_yaml, but also turning its rare non-YAML exceptions into a problem."""
    try:
        data, found = load_yaml(text, display, first_line)
    except RecursionError:
        found, data = [Problem(display, first_line, "invalid YAML: nested too deeply")], None
    except Exception as err:  # noqa: BLE001 - bad dates, list keys: content, not a bug
        found, data = [Problem(display, first_line, f"invalid YAML: {err}")], None
    problems.extend(Problem(p.path, p.line, " ".join(p.message.split())) for p in found)
    return data


@dataclass(frozen=True)
class _Parts:
    front: str
    front_line: int  # file line of the first front matter line
    body: str
    body_line: int


def _split_front_matter(text: str) -> _Parts | str:
    """Split ``---`` front matter from the body; a string is the reason it failed."""
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        return "missing front matter: the file must start with a line '---'"
    for index in range(1, len(lines)):
        if lines[index].rstrip() == "---":
            return _Parts(
                front="\n".join(lines[1:index]),
                front_line=2,
                body="\n".join(lines[index + 1 :]),
                body_line=index + 2,
            )
    return "front matter is not closed: add a line '---' after the last key"


def _display(root_name: str, *parts: str) -> str:
    return "/".join((root_name, *parts))


def _dir_name(path: Path) -> str:
    return path.resolve().name or path.as_posix()


# --- field checks ---------------------------------------------------------------------------


class _Fields:
    """Typed access to a front matter mapping that records a problem per bad value."""

    def __init__(self, data: LineDict, display: str, problems: list[Problem], prefix: str = ""):
        self.data = data
        self.display = display
        self.problems = problems
        self.prefix = prefix
        self.ok = True

    def _fail(self, line: int, message: str) -> None:
        self.ok = False
        self.problems.append(Problem(self.display, line, message))

    def name(self, key: str) -> str:
        return f"{self.prefix}{key}"

    def line(self, key: Any) -> int:
        return self.data.line_of(key)

    def check_keys(self, required: tuple[str, ...], optional: tuple[str, ...] = ()) -> None:
        for key in required:
            if key not in self.data:
                self._fail(self.data.line, f"missing required key '{self.name(key)}'")
        for key in self.data:
            if key not in required and key not in optional:
                allowed = ", ".join(self.name(k) for k in (*required, *optional))
                self._fail(self.line(key), f"unknown key '{self.name(str(key))}' (allowed: {allowed})")

    def number(self, key: str, low: int, high: int | None, what: str) -> int | None:
        if key not in self.data:
            return None
        value = self.data[key]
        in_range = isinstance(value, int) and not isinstance(value, bool) and value >= low
        if not in_range or (high is not None and value > high):
            self._fail(self.line(key), f"'{self.name(key)}' must be {what}")
            return None
        return value

    def text(self, key: str) -> str | None:
        if key not in self.data:
            return None
        value = self.data[key]
        if not isinstance(value, str) or not value.strip():
            self._fail(self.line(key), f"'{self.name(key)}' must be text, and not empty")
            return None
        return value.strip()

    def slug(self, key: str) -> str | None:
        if key not in self.data:
            return None
        value = self.data[key]
        if not isinstance(value, str) or not SLUG_RE.match(value):
            self._fail(self.line(key), f"'{self.name(key)}' must be lowercase words joined by '-'")
            return None
        return value

    def texts(self, key: str, allow_empty: bool = False) -> tuple[str, ...] | None:
        if key not in self.data:
            return None
        value = self.data[key]
        message = f"'{self.name(key)}' must be a list of texts"
        if not isinstance(value, LineList):
            self._fail(self.line(key), message)
            return None
        if not value and not allow_empty:
            self._fail(self.line(key), f"'{self.name(key)}' must not be empty")
            return None
        good = True
        for item, line in zip(value, value.item_lines, strict=True):
            if not isinstance(item, str) or not item.strip():
                self._fail(line, message)
                good = False
        return tuple(item.strip() for item in value) if good else None

    def mapping(self, key: str, what: str) -> LineDict | None:
        if key not in self.data:
            return None
        value = self.data[key]
        if not isinstance(value, LineDict):
            self._fail(self.line(key), f"'{self.name(key)}' must be {what}")
            return None
        return value


# --- body checks ---------------------------------------------------------------------------


def _accept_every_link(_url: str) -> bool:
    return True


def _check_parser() -> MarkdownIt:
    """Sees raw HTML and every link, so the check can report what rendering would hide."""
    md = MarkdownIt("commonmark", {"html": True}).enable("table")
    md.validateLink = _accept_every_link  # type: ignore[method-assign]
    return md


_CHECK_PARSER = _check_parser()


@dataclass(frozen=True)
class _LinkContext:
    """Where relative links resolve: lesson file names and the media folder."""

    lesson_files: frozenset[str]
    media_dir: Path


def _check_body(
    body: str, body_line: int, display: str, ctx: _LinkContext, problems: list[Problem]
) -> None:
    """Raw HTML, links with other schemes, broken lesson and media links, with their lines."""
    for token in _CHECK_PARSER.parse(body):
        start = body_line + (token.map[0] if token.map else 0)
        if token.type == "html_block":
            problems.append(Problem(display, start, "raw HTML is not allowed"))
        elif token.type == "inline":
            _check_inline(token.children or [], start, display, ctx, problems)


def _check_inline(
    children: list[Token], line: int, display: str, ctx: _LinkContext, problems: list[Problem]
) -> None:
    for child in children:
        if child.type == "html_inline":
            problems.append(Problem(display, line, "raw HTML is not allowed"))
        elif child.type == "link_open":
            message = _link_problem(str(child.attrGet("href") or ""), False, ctx)
            if message:
                problems.append(Problem(display, line, message))
        elif child.type == "image":
            src = str(child.attrGet("src") or "")
            message = _link_problem(src, True, ctx)
            if message:
                problems.append(Problem(display, line, message))
            if not inline_text(child).strip():
                # Without a text alternative a screen reader says only the file name (WCAG 1.1.1).
                message = f"image without alt text: write what '{unquote(src)}' shows between ![ and ]"
                problems.append(Problem(display, line, message))
        if child.type in {"softbreak", "hardbreak"}:
            line += 1
        elif child.type == "html_inline":
            line += child.content.count("\n")
        elif child.type == "image":  # line breaks inside the alt text
            line += sum(c.type in {"softbreak", "hardbreak"} for c in child.children or [])


def _link_problem(href: str, image: bool, ctx: _LinkContext) -> str | None:
    """Why a link or image source is not allowed or broken, or None if it is fine."""
    shown = unquote(href)
    scheme = url_scheme(href)
    if image and (scheme is not None or href.startswith("//")):
        return f"image must be a file in media/, not '{shown}'"
    if scheme is not None:
        if scheme in WEB_PROTOCOLS:
            return None
        return f"link not allowed: '{shown}' (use https://, mailto:, a lesson or media/)"
    if href.startswith("//") or href.startswith("/\\"):
        return f"link not allowed: '{shown}' (write web links with https://)"
    if href.startswith("#") and not image:
        return None
    target = link_target(href)
    if target is None:
        kind = "image" if image else "link"
        return f"broken {kind}: '{shown}' is not a lesson file (NN-slug.md) or a file in media/"
    if target.kind == "material":
        if image:
            return f"image must be a file in media/, not '{shown}'"
        found = (ctx.media_dir.parent / LESSON_MATERIALS_DIR / f"{target.name}.md").is_file()
        return None if found else f"broken link: materials/{target.name}.md does not exist"
    if target.kind == "lesson":
        if image:
            return f"image must be a file in media/, not '{shown}'"
        name = f"{target.number:02d}-{target.name}.md"
        return None if name in ctx.lesson_files else f"broken link: {name} does not exist"
    if (ctx.media_dir / target.name).is_file():
        return None
    if image:
        return f"missing media: media/{target.name} does not exist"
    return f"broken link: media/{target.name} does not exist"


# --- competences ---------------------------------------------------------------------------

_COMPETENCE_KEYS = ("id", "name", "group", "description")


def load_competences(path: Path) -> tuple[dict[str, Competence], list[Problem]]:
    """Competences in file order; problems for bad entries and duplicate ids."""
    display = _display(_dir_name(path.parent), path.name)
    problems: list[Problem] = []
    text = _read(path, display, problems)
    if text is None:
        return {}, problems
    data = _yaml(text, display, 1, problems)
    if problems:
        return {}, problems
    if not isinstance(data, LineList):
        message = "the file must be a list of competences, each with id, name, group and description"
        problems.append(Problem(display, 1, message))
        return {}, problems
    result: dict[str, Competence] = {}
    first_line: dict[str, int] = {}
    for item, line in zip(data, data.item_lines, strict=True):
        if not isinstance(item, LineDict):
            message = "a competence must be a mapping with id, name, group, description"
            problems.append(Problem(display, line, message))
            continue
        fields = _Fields(item, display, problems)
        fields.check_keys(_COMPETENCE_KEYS)
        ident, name = fields.slug("id"), fields.text("name")
        group, description = fields.text("group"), fields.text("description")
        if ident is not None and ident in first_line:
            message = f"duplicate competence id '{ident}' (also on line {first_line[ident]})"
            problems.append(Problem(display, item.line_of("id"), message))
            continue
        if ident is not None:
            first_line[ident] = item.line_of("id")
        if ident and name and group and description and fields.ok:
            result[ident] = Competence(ident, name, group, description)
    return result, sorted(set(problems))


# --- lessons -------------------------------------------------------------------------------

_LESSON_REQUIRED = ("number", "slug", "title", "summary", "goals", "duration", "competences")
_LESSON_OPTIONAL = ("quiz", "assignment")
_ASSIGNMENT_KEYS = ("title", "instructions", "deliverable")


@dataclass
class _Candidate:
    """A parsed file before cross-file checks (duplicates)."""

    item: Lesson | TrainerSession | None
    display: str
    number: int | None
    slug: str | None
    number_line: int
    slug_line: int


def _read_front_matter(
    path: Path, display: str, problems: list[Problem]
) -> tuple[LineDict | None, _Parts | None]:
    text = _read(path, display, problems)
    if text is None:
        return None, None
    parts = _split_front_matter(text)
    if isinstance(parts, str):
        problems.append(Problem(display, 1, parts))
        return None, None
    before = len(problems)
    data = _yaml(parts.front, display, parts.front_line, problems)
    if data is None and len(problems) == before:
        problems.append(Problem(display, 1, "front matter is empty: write the keys between the two '---' lines"))
        return None, parts
    if data is not None and not isinstance(data, LineDict):
        message = "front matter must be a mapping of keys to values"
        problems.append(Problem(display, parts.front_line, message))
        return None, parts
    return data, parts


def _check_file_name(
    name: str, number: int | None, slug: str | None, display: str, problems: list[Problem]
) -> None:
    if number is not None and slug is not None:
        expected = f"{number:02d}-{slug}.md"
        if name != expected:
            message = f"file name does not match number and slug: name it {expected}"
            problems.append(Problem(display, 1, message))
    elif not LESSON_FILE_RE.match(name):
        problems.append(Problem(display, 1, "file name must look like NN-slug.md"))


def _unusable(
    path: Path, display: str, parts: _Parts | None, ctx: _LinkContext, problems: list[Problem]
) -> _Candidate:
    """A file whose front matter cannot be read: still check what can be checked (body links,
    file name), so the author sees every problem at once."""
    if parts is not None:
        _check_body(parts.body, parts.body_line, display, ctx, problems)
    _check_file_name(path.name, None, None, display, problems)
    return _Candidate(None, display, None, None, 1, 1)


def _load_lesson(
    path: Path,
    display: str,
    competence_ids: set[str],
    quiz_slugs: set[str] | None,
    ctx: _LinkContext,
    guides: dict[str, str],
    problems: list[Problem],
) -> _Candidate:
    data, parts = _read_front_matter(path, display, problems)
    if data is None or parts is None:
        return _unusable(path, display, parts, ctx, problems)
    fields = _Fields(data, display, problems)
    fields.check_keys(_LESSON_REQUIRED, _LESSON_OPTIONAL)
    number = fields.number("number", 1, 99, "a whole number from 1 to 99")
    slug = fields.slug("slug")
    title, summary = fields.text("title"), fields.text("summary")
    goals = fields.texts("goals")
    duration = fields.number("duration", 1, None, "a whole number of minutes")
    competences = fields.texts("competences")
    if competences is not None:
        for ident, line in zip(competences, data["competences"].item_lines, strict=False):
            if ident not in competence_ids:
                problems.append(Problem(display, line, f"unknown competence '{ident}' (not in competences.yaml)"))
    quiz = fields.slug("quiz")
    if quiz is not None and quiz_slugs is not None and quiz not in quiz_slugs:
        message = f"quiz '{quiz}' does not exist in quizzes/ (check the slug, or leave 'quiz' out)"
        problems.append(Problem(display, data.line_of("quiz"), message))
    assignment = _assignment(fields, display, problems)
    _check_file_name(path.name, number, slug, display, problems)
    _check_body(parts.body, parts.body_line, display, ctx, problems)
    lesson = None
    if fields.ok and number and slug and title and summary and goals and duration and competences:
        guide = path.with_name(path.name[: -len(".md")] + GUIDE_SUFFIX)
        lesson = Lesson(
            number=number, slug=slug, title=title, summary=summary, goals=goals,
            duration=duration, competences=competences, quiz=quiz,
            assignment=assignment, path=path, body_line=parts.body_line,
            guide_path=guide if guide.is_file() else None,
            body=parts.body, guide=guides.get(guide.name),
        )  # fmt: skip
    return _Candidate(lesson, display, number, slug, data.line_of("number"), data.line_of("slug"))


def _assignment(fields: _Fields, display: str, problems: list[Problem]) -> Assignment | None:
    data = fields.mapping("assignment", "a mapping with title, instructions and deliverable")
    if data is None:
        return None
    inner = _Fields(data, display, problems, prefix="assignment.")
    inner.check_keys(_ASSIGNMENT_KEYS)
    values = (inner.text("title"), inner.text("instructions"), inner.text("deliverable"))
    if not inner.ok:
        fields.ok = False
        return None
    return Assignment(*values)  # type: ignore[arg-type]


def _unique(candidates: list[_Candidate], problems: list[Problem]) -> list[_Candidate]:
    """Report a number or slug used twice on the later file; keep only the first."""
    numbers: dict[int, str] = {}
    slugs: dict[str, str] = {}
    kept: list[_Candidate] = []
    for cand in candidates:
        clash = False
        if cand.number is not None and cand.number in numbers:
            message = f"duplicate number {cand.number} (also in {numbers[cand.number]})"
            problems.append(Problem(cand.display, cand.number_line, message))
            clash = True
        elif cand.number is not None:
            numbers[cand.number] = cand.display
        if cand.slug is not None and cand.slug in slugs:
            message = f"duplicate slug '{cand.slug}' (also in {slugs[cand.slug]})"
            problems.append(Problem(cand.display, cand.slug_line, message))
            clash = True
        elif cand.slug is not None:
            slugs[cand.slug] = cand.display
        if not clash and cand.item is not None:
            kept.append(cand)
    return kept


def _by_number(item: Lesson | TrainerSession) -> int:
    return item.number


def _markdown_files(folder: Path) -> list[Path]:
    """Visible ``*.md`` files directly in ``folder``, sorted by name."""
    try:
        entries = list(folder.iterdir())
    except OSError:
        return []
    visible = (p for p in entries if p.name.endswith(".md") and not p.name.startswith("."))
    return sorted((p for p in visible if p.is_file()), key=lambda p: p.name)


def load_lessons(
    lessons_dir: Path, competence_ids: set[str], quiz_slugs: set[str] | None
) -> tuple[dict[str, Lesson], list[Problem]]:
    """Lessons by slug, ordered by number, plus every problem in lessons and guides.

    ``quiz_slugs`` None skips the quiz-link check (quizzes not loaded yet).
    """
    root = _dir_name(lessons_dir)
    problems: list[Problem] = []
    if not lessons_dir.is_dir():
        return {}, [Problem(root, 1, "lessons folder does not exist")]
    files = _markdown_files(lessons_dir)
    lesson_files = [p for p in files if not p.name.endswith(GUIDE_SUFFIX)]
    guides = [p for p in files if p.name.endswith(GUIDE_SUFFIX)]
    ctx = _LinkContext(frozenset(p.name for p in lesson_files), lessons_dir / MEDIA_DIR)
    guide_texts = {
        guide.name: text
        for guide in guides
        if (text := _check_guide(guide, _display(root, guide.name), ctx, problems)) is not None
    }
    candidates = [
        _load_lesson(p, _display(root, p.name), competence_ids, quiz_slugs, ctx, guide_texts, problems)
        for p in lesson_files
    ]
    kept = _unique(candidates, problems)
    problems.extend(check_media_folder(lessons_dir / MEDIA_DIR, _display(root, MEDIA_DIR)))
    lessons = sorted((c.item for c in kept if isinstance(c.item, Lesson)), key=_by_number)
    return {lesson.slug: lesson for lesson in lessons}, sorted(set(problems))


def _check_guide(path: Path, display: str, ctx: _LinkContext, problems: list[Problem]) -> str | None:
    """Check a teacher guide; its text when it could be read."""
    match = GUIDE_FILE_RE.match(path.name)
    if not match:
        problems.append(Problem(display, 1, "file name must look like NN-slug.docent.md"))
    elif f"{match.group(1)}-{match.group(2)}.md" not in ctx.lesson_files:
        lesson = f"{match.group(1)}-{match.group(2)}.md"
        message = f"teacher guide without a lesson: {lesson} does not exist"
        problems.append(Problem(display, 1, message))
    text = _read(path, display, problems)
    if text is not None:
        _check_body(text, 1, display, ctx, problems)
    return text


def lesson_body(lesson: Lesson) -> str:
    """The markdown body of a lesson, as it was checked."""
    return lesson.body


def guide_text(lesson: Lesson) -> str | None:
    """The teacher guide markdown, or None when the lesson has no guide."""
    return lesson.guide


def trainer_body(session: TrainerSession) -> str:
    """The markdown body of a trainer session, as it was checked."""
    return session.body


# --- trainer sessions ----------------------------------------------------------------------

_TRAINER_KEYS = ("number", "slug", "title", "duration", "goals", "materials")


def _load_session(
    path: Path, display: str, ctx: _LinkContext, problems: list[Problem]
) -> _Candidate:
    data, parts = _read_front_matter(path, display, problems)
    if data is None or parts is None:
        return _unusable(path, display, parts, ctx, problems)
    fields = _Fields(data, display, problems)
    fields.check_keys(_TRAINER_KEYS)
    number = fields.number("number", 1, 99, "a whole number from 1 to 99")
    slug = fields.slug("slug")
    title = fields.text("title")
    duration = fields.number("duration", 1, None, "a whole number of minutes")
    goals = fields.texts("goals")
    materials = fields.texts("materials", allow_empty=True)
    _check_file_name(path.name, number, slug, display, problems)
    _check_body(parts.body, parts.body_line, display, ctx, problems)
    session = None
    if fields.ok and number and slug and title and duration and goals and materials is not None:
        session = TrainerSession(
            number=number, slug=slug, title=title, duration=duration, goals=goals,
            materials=materials, path=path, body_line=parts.body_line, body=parts.body,
        )  # fmt: skip
    return _Candidate(session, display, number, slug, data.line_of("number"), data.line_of("slug"))


def load_trainer_sessions(trainer_dir: Path) -> tuple[list[TrainerSession], list[Problem]]:
    """Train-the-trainer sessions by number; relative links resolve like lesson links."""
    lessons_dir = trainer_dir.parent
    root = _dir_name(lessons_dir) + "/" + trainer_dir.name
    if not trainer_dir.is_dir():
        return [], [Problem(root, 1, "trainer folder does not exist")]
    problems: list[Problem] = []
    lesson_names = frozenset(
        p.name for p in _markdown_files(lessons_dir) if not p.name.endswith(GUIDE_SUFFIX)
    )
    ctx = _LinkContext(lesson_names, lessons_dir / MEDIA_DIR)
    candidates = [
        _load_session(p, f"{root}/{p.name}", ctx, problems) for p in _markdown_files(trainer_dir)
    ]
    kept = _unique(candidates, problems)
    sessions = sorted((c.item for c in kept if isinstance(c.item, TrainerSession)), key=_by_number)
    return sessions, sorted(set(problems))


# --- trainer materials ---------------------------------------------------------------------

MATERIALS_DIR = "materials"
_MATERIAL_KEYS = ("slug", "title", "sessions")


def _known_numbers(fields: _Fields, key: str, known: set[int], noun: str) -> tuple[int, ...] | None:
    """A front-matter list of numbers that must each name a known lesson or session."""
    value = fields.data.get(key)
    if value is None:
        return None
    if not isinstance(value, LineList) or not value:
        fields._fail(fields.line(key), f"'{key}' must be a list of {noun} numbers, for example [2]")
        return None
    numbers = []
    for item, line in zip(value, value.item_lines, strict=True):
        if isinstance(item, bool) or not isinstance(item, int) or item not in known:
            listed = ", ".join(str(n) for n in sorted(known)) or "none"
            fields._fail(line, f"{noun} {item!r} does not exist ({key}: {listed})")
        else:
            numbers.append(item)
    return tuple(numbers) if fields.ok else None


def _load_material(
    path: Path, display: str, session_numbers: set[int], ctx: _LinkContext, problems: list[Problem]
) -> TrainerMaterial | None:
    data, parts = _read_front_matter(path, display, problems)
    if data is None or parts is None:
        if parts is not None:
            _check_body(parts.body, parts.body_line, display, ctx, problems)
        return None
    fields = _Fields(data, display, problems)
    fields.check_keys(_MATERIAL_KEYS)
    slug, title = fields.slug("slug"), fields.text("title")
    sessions = _known_numbers(fields, "sessions", session_numbers, "session")
    if slug is not None and path.name != f"{slug}.md":
        problems.append(Problem(display, data.line_of("slug"), f"file name does not match the slug: name it {slug}.md"))
        return None
    _check_body(parts.body, parts.body_line, display, ctx, problems)
    if not (fields.ok and slug and title and sessions):
        return None
    return TrainerMaterial(slug, title, sessions, path, parts.body_line, parts.body)


def load_trainer_materials(
    materials_dir: Path, session_numbers: set[int]
) -> tuple[list[TrainerMaterial], list[Problem]]:
    """Printable materials by title; each names the sessions that use it, and those must exist."""
    if not materials_dir.is_dir():
        return [], []
    lessons_dir = materials_dir.parent.parent
    root = f"{_dir_name(lessons_dir)}/{materials_dir.parent.name}/{materials_dir.name}"
    problems: list[Problem] = []
    lesson_names = frozenset(
        p.name for p in _markdown_files(lessons_dir) if not p.name.endswith(GUIDE_SUFFIX)
    )
    ctx = _LinkContext(lesson_names, lessons_dir / MEDIA_DIR)
    loaded = [
        _load_material(p, f"{root}/{p.name}", session_numbers, ctx, problems)
        for p in _markdown_files(materials_dir)
    ]
    materials = sorted((m for m in loaded if m is not None), key=lambda m: m.title)
    return materials, sorted(set(problems))
