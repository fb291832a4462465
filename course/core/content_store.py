"""The course content as the web app sees it: loaded and checked once at start, rendered HTML
cached per file version, links in content turned into the app's own URLs."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask, current_app, url_for

from ..content.catalog import Catalog, load_catalog
from ..content.errors import ContentError
from ..content.lesson_files import Lesson, TrainerSession, guide_text, lesson_body, link_target, trainer_body
from ..content.render import RenderCache, render_markdown

EXTENSION = "course.core.content_store"


def init_app(app: Flask) -> None:
    catalog = _load_once(Path(app.config["LESSONS_DIR"]), Path(app.config["QUIZZES_DIR"]))
    if catalog.problems and app.config["CHECK_CONTENT_ON_START"]:
        if click.get_current_context(silent=True) is None:
            # Serving broken content would show students half a quiz: refuse to start.
            raise ContentError(catalog.problems)
        # Under the `flask` command the app must still load, so `flask course check` can report.
        for problem in catalog.problems:
            print(problem, file=sys.stderr)
        print(f"{len(catalog.problems)} content problem(s); fix them before serving.", file=sys.stderr)
    app.extensions[EXTENSION] = _Loaded(catalog, RenderCache())


_loaded_catalogs: dict[tuple[str, str], tuple[tuple, Catalog]] = {}


def _fingerprint(*folders: Path) -> tuple:
    """Every content file with its size and modification time: any edit gives a new fingerprint."""
    entries = []
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                stat = path.stat()
                entries.append((str(path), stat.st_mtime_ns, stat.st_size))
    return tuple(entries)


def _load_once(lessons_dir: Path, quizzes_dir: Path) -> Catalog:
    """Apps made in one process (tests, several app factories) share a load of unchanged content."""
    key = (str(lessons_dir), str(quizzes_dir))
    fingerprint = _fingerprint(lessons_dir, quizzes_dir)
    cached = _loaded_catalogs.get(key)
    if cached is not None and cached[0] == fingerprint:
        return cached[1]
    catalog = load_catalog(lessons_dir, quizzes_dir)
    _loaded_catalogs[key] = (fingerprint, catalog)
    return catalog


class _Loaded:
    def __init__(self, catalog: Catalog, cache: RenderCache) -> None:
        self.catalog = catalog
        self.cache = cache


def catalog() -> Catalog:
    return current_app.extensions[EXTENSION].catalog


def render_cache() -> RenderCache:
    return current_app.extensions[EXTENSION].cache


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
    if target.name not in catalog().lessons:
        return None
    url = url_for("lessons.show", slug=target.name)
    return f"{url}#{target.anchor}" if target.anchor else url


def lesson_html(lesson: Lesson) -> str:
    return render_cache().get(lesson.path, lambda: render_markdown(lesson_body(lesson), resolve_link), "body")


def guide_html(lesson: Lesson) -> str | None:
    if lesson.guide_path is None or not lesson.guide_path.is_file():
        return None
    return render_cache().get(
        lesson.guide_path, lambda: render_markdown(guide_text(lesson) or "", resolve_link), "guide"
    )


def trainer_session_html(session: TrainerSession) -> str:
    return render_cache().get(session.path, lambda: render_markdown(trainer_body(session), resolve_link), "trainer")


def markdown_html(text: str) -> str:
    """Small pieces of content markdown (assignment instructions, advice); cheap and uncached."""
    return render_markdown(text, resolve_link)
