"""The course content as the web app sees it: checked at start, reloaded when the files change,
rendered HTML cached per loaded version, links in content turned into the app's own URLs.

The rule (docs/authoring.md, "Editing content while the app runs"):

- At start, broken content stops the app with every problem listed; nothing half-checked serves.
- While it runs, every worker looks at the files on disk at most once per ``CONTENT_CHECK_SECONDS``,
  and at a quiz's own file each time a quiz page is opened, started or handed in. Changed content
  is loaded and checked as a whole. Without problems it replaces the old content at once, with a
  log line naming what changed and each quiz's new version; with problems it is refused whole, the
  last good version keeps serving, and the problems are logged once.
- Each server follows its own files on disk: several app servers need no signal to agree, only
  the same files.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import click
from flask import Flask, current_app, url_for

from ..content.catalog import Catalog, describe_changes, load_catalog
from ..content.errors import ContentError
from ..content.lesson_files import (
    Lesson,
    TrainerMaterial,
    TrainerSession,
    guide_text,
    lesson_body,
    link_target,
    trainer_body,
)
from ..content.lesson_materials import LessonMaterial
from ..content.quiz_files import Quiz
from ..content.render import RenderCache, TermLinks, render_markdown
from . import page_cache

EXTENSION = "course.core.content_store"

FileState = tuple[int, int] | None  # (mtime_ns, size), None when the file is gone
Fingerprint = dict[str, FileState]


def init_app(app: Flask) -> None:
    folders = Path(app.config["LESSONS_DIR"]), Path(app.config["QUIZZES_DIR"])
    files = fingerprint(*folders)
    catalog = _load_once(folders, files)
    if catalog.problems and app.config["CHECK_CONTENT_ON_START"] and serving():
        # Serving broken content would show students half a quiz: refuse to start.
        raise ContentError(catalog.problems)
    # Under another `flask` command the app loads anyway: `course check` reports the problems.
    app.extensions[EXTENSION] = _Loaded(catalog, files, folders)
    app.before_request(_look_for_changes)


def refusal(error: ContentError) -> str:
    """What a server prints when it does not start: every problem once, then what to do."""
    count = len(error.problems)
    return "\n".join(
        [
            *(str(problem) for problem in error.problems),
            f"The app does not start: the course content has {count} problem{'s' if count != 1 else ''} (above). "
            "Fix them, check with `flask --app wsgi course check`, then start the app again.",
        ]
    )


def serving() -> bool:
    """Is this app about to serve requests (gunicorn, any WSGI server, `flask run`), rather than
    run a command such as `flask course check`?"""
    context = click.get_current_context(silent=True)
    return context is None or context.info_name == "run"


@dataclass
class _Loaded:
    """The content one app serves, and what the files looked like when it was loaded."""

    catalog: Catalog
    files: Fingerprint
    folders: tuple[Path, Path]
    cache: RenderCache = field(default_factory=RenderCache)
    refused: Fingerprint | None = None  # the broken files last logged, so they are logged once
    checked_at: float = field(default_factory=time.monotonic)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _state() -> _Loaded:
    return current_app.extensions[EXTENSION]


def fingerprint(*folders: Path) -> Fingerprint:
    """Every content file with its modification time and size: any edit gives a new fingerprint.
    Hidden files and editor backups (``.x.swp``, ``x~``) are left out: an editor writing them while
    an author types must not make every worker load the content again."""
    files: Fingerprint = {}
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if _editor_file(path.relative_to(folder)):
                continue
            state = file_state(path)
            if state is not None and path.is_file():
                files[str(path)] = state
    return files


def _editor_file(relative: Path) -> bool:
    return any(part.startswith(".") for part in relative.parts) or relative.name.endswith("~")


def file_state(path: Path) -> FileState:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size


_loaded_catalogs: dict[tuple[Path, Path], tuple[Fingerprint, Catalog]] = {}


def _load_once(folders: tuple[Path, Path], files: Fingerprint) -> Catalog:
    """Apps made in one process (tests, several app factories) share a load of unchanged content."""
    cached = _loaded_catalogs.get(folders)
    if cached is not None and cached[0] == files:
        return cached[1]
    catalog = load_catalog(*folders)
    _loaded_catalogs[folders] = (files, catalog)
    return catalog


# -- following the files --------------------------------------------------------------------------


def _look_for_changes() -> None:
    """Before each request: a look at the files once the interval has passed."""
    state = _state()
    if time.monotonic() - state.checked_at >= current_app.config["CONTENT_CHECK_SECONDS"]:
        refresh()


def refresh() -> bool:
    """Load the content again if its files changed; True when new content now serves."""
    state = _state()
    with state.lock:
        state.checked_at = time.monotonic()
        files = fingerprint(*state.folders)
        if files == state.files or files == state.refused:
            return False
        catalog = _load_once(state.folders, files)
        if catalog.problems:
            _log_refusal(catalog, files)
            return False
        changes = describe_changes(state.catalog, catalog)
        state.catalog, state.files, state.refused = catalog, files, None
        state.cache = RenderCache()
    page_cache.forget_pages()
    if changes:
        current_app.logger.info("course content reloaded: %s", changes)
    return True


def _log_refusal(catalog: Catalog, files: Fingerprint) -> None:
    state = _state()
    state.refused = files
    for problem in catalog.problems:
        current_app.logger.error("content problem: %s", problem)
    current_app.logger.error(
        "course content changed but has %d problem(s); the version loaded before keeps serving until they are fixed",
        len(catalog.problems),
    )


def current_quiz(slug: str) -> Quiz | None:
    """The quiz as its file on disk holds it now (loaded first if the file changed), or the last good
    version when the change was refused; ``quiz_matches_file`` tells the two apart."""
    quiz = _state().catalog.quizzes.get(slug)
    if quiz is not None and not quiz_matches_file(quiz):
        refresh()
        quiz = _state().catalog.quizzes.get(slug)
    return quiz


def quiz_matches_file(quiz: Quiz) -> bool:
    """Is ``quiz`` what its file holds now? False while an edit of it waits for its problems to be fixed."""
    return file_state(quiz.path) == _state().files.get(str(quiz.path))


# -- reading and rendering ------------------------------------------------------------------------


def catalog() -> Catalog:
    return _state().catalog


def render_cache() -> RenderCache:
    return _state().cache


def resolve_link(href: str) -> str | None:
    """``NN-slug.md#x`` -> the lesson page, ``media/f.png`` -> the media route, else None."""
    target = link_target(href)
    if target is None:
        if href.startswith("trainer/") and href.endswith(".md"):
            slug = href.rsplit("/", 1)[1][3:-3]
            return url_for("trainer.session", slug=slug) if "trainer" in current_app.blueprints else None
        return None
    if target.kind == "media":
        return url_for("lessons.media", filename=target.name)
    if target.kind == "material":
        if catalog().lesson_material(target.name) is None:
            return None
        url = url_for("lessons.material", handout=target.name)
        return f"{url}#{target.anchor}" if target.anchor else url
    if target.name not in catalog().lessons:
        return None
    url = url_for("lessons.show", slug=target.name)
    return f"{url}#{target.anchor}" if target.anchor else url


# The text itself is part of each cache key: a request that began before a reload cannot leave the
# old text's HTML in the new cache. (Python keeps a string's hash, so the key costs nothing.)


GLOSSARY_ENDPOINT = "lessons.glossary"


def lesson_html(lesson: Lesson) -> str:
    """The lesson body; the first use of each glossary word links to the glossary page."""
    body = lesson_body(lesson)

    def produce() -> str:
        return render_markdown(body, resolve_link, terms=_term_links())

    return render_cache().get(lesson.path, produce, ("body", body))


def _term_links() -> TermLinks | None:
    glossary = catalog().glossary
    if glossary is None or GLOSSARY_ENDPOINT not in current_app.view_functions:
        return None
    return glossary.term_links(url_for(GLOSSARY_ENDPOINT))


def guide_html(lesson: Lesson) -> str | None:
    text = guide_text(lesson)
    if text is None or lesson.guide_path is None:
        return None
    return render_cache().get(lesson.guide_path, lambda: render_markdown(text, resolve_link), ("guide", text))


def trainer_session_html(session: TrainerSession) -> str:
    body = trainer_body(session)
    return render_cache().get(session.path, lambda: render_markdown(body, resolve_link), ("trainer", body))


def trainer_material_html(material: TrainerMaterial) -> str:
    body = material.body
    return render_cache().get(material.path, lambda: render_markdown(body, resolve_link), ("material", body))


def lesson_material_html(material: LessonMaterial) -> str:
    body = material.body
    return render_cache().get(material.path, lambda: render_markdown(body, resolve_link), ("lesson-material", body))


def markdown_html(text: str) -> str:
    """Small pieces of content markdown (assignment instructions, advice); cheap and uncached."""
    return render_markdown(text, resolve_link)
