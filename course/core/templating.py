"""Template helpers: Dutch dates and the navigation for each role."""

from __future__ import annotations

import os
from datetime import date, datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask, current_app, has_request_context, request, url_for
from flask_login import current_user
from jinja2 import BytecodeCache
from jinja2.bccache import Bucket
from sqlalchemy import select

from ..models.accounts import ClassTeacher, RoleFlags
from .extensions import db
from .numbers import decimal_comma, percent_label
from .paragraphs import paragraphs

MONTHS = ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec")
LOCAL_ZONE = ZoneInfo("Europe/Amsterdam")

# (endpoint, label, role that sees it); features add their own entries through register_nav.
_NAV: list[tuple[str, str, str]] = [
    ("student.dashboard", "Mijn lessen", "student"),
    ("classes.index", "Mijn klassen", "teacher"),
    ("admin.users", "Beheer", "admin"),
]


def register_nav(endpoint: str, label: str, role: str, position: int | None = None) -> None:
    entry = (endpoint, label, role)
    if entry not in _NAV:
        _NAV.insert(len(_NAV) if position is None else position, entry)


def dutch_datetime(value: datetime | date | None, with_time: bool = True) -> str:
    if value is None:
        return ""
    if not isinstance(value, datetime):  # a calendar date: no time and no time zone
        return f"{value.day} {MONTHS[value.month - 1]} {value.year}"
    local = value.astimezone(LOCAL_ZONE)
    text = f"{local.day} {MONTHS[local.month - 1]} {local.year}"
    return f"{text}, {local:%H:%M}" if with_time else text


def dutch_date(value: date | None) -> str:
    """A date the Dutch way, without the time: 1 sep 2026."""
    return dutch_datetime(value, with_time=False)


def _function(value: Any) -> Any:
    """What a setting does: a method bound to one app (Flask's autoescape choice) counts as its
    function, so two apps made alike compare equal."""
    return getattr(value, "__func__", value)


class _CompiledTemplates(BytecodeCache):
    """Compiled templates, shared by every app made in this process (the test suite makes one per
    test, and compiling a page's templates cost more than rendering it). The key is the template's
    name and file and the bucket checks the source's checksum, so an edited template compiles anew.
    Compiled code depends on the environment's settings (autoescape, whitespace, delimiters,
    extensions, filters folded in as constants), so only environments alike in those share it."""

    def __init__(self) -> None:
        self._code: dict[tuple[str, tuple[Any, ...]], bytes] = {}

    @staticmethod
    def _key(bucket: Bucket) -> tuple[str, tuple[Any, ...]]:
        env = bucket.environment
        settings = (
            _function(env.autoescape), env.trim_blocks, env.lstrip_blocks, env.keep_trailing_newline,
            env.newline_sequence, env.block_start_string, env.block_end_string, env.variable_start_string,
            env.variable_end_string, env.comment_start_string, env.comment_end_string, env.line_statement_prefix,
            env.line_comment_prefix, env.optimized, _function(env.finalize), tuple(sorted(env.extensions)),
            tuple(sorted((name, _function(f)) for name, f in env.filters.items())),
            tuple(sorted((name, _function(t)) for name, t in env.tests.items())),
        )
        return bucket.key, settings

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self._code.get(self._key(bucket))
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._code[self._key(bucket)] = bucket.bytecode_to_string()


_COMPILED_TEMPLATES = _CompiledTemplates()


def init_app(app: Flask) -> None:
    app.jinja_env.bytecode_cache = _COMPILED_TEMPLATES
    app.url_defaults(_static_version)
    app.jinja_env.filters["datetime"] = dutch_datetime
    app.jinja_env.filters["date"] = dutch_date
    app.jinja_env.filters["percent"] = percent_label
    app.jinja_env.filters["decimal"] = decimal_comma
    app.jinja_env.filters["paragraphs"] = paragraphs
    app.context_processor(_navigation)
    app.jinja_env.globals["url_for"] = cached_url_for


# Enough for every link of a large gradebook; beyond it the cache starts over rather than grow.
URL_CACHE_LIMIT = 20_000


def cached_url_for(endpoint: str, **values: Any) -> str:
    """``url_for`` for templates, remembered per process: every page builds the same links (menu,
    footer, pager), and looking one up costs a fraction of building it. Relative endpoints and
    the special ``_external``/``_scheme``/``_anchor`` arguments depend on the request: built each time."""
    if endpoint.startswith(".") or any(name.startswith("_") for name in values):
        return url_for(endpoint, **values)
    key = (request.script_root if has_request_context() else None, endpoint, *sorted(values.items()))
    cache: dict[tuple[Any, ...], str] = current_app.extensions.setdefault("course.urls", {})
    try:
        return cache[key]
    except KeyError:
        pass
    except TypeError:  # an unhashable value: nothing to remember it by
        return url_for(endpoint, **values)
    if len(cache) >= URL_CACHE_LIMIT:
        cache.clear()
    url = cache[key] = url_for(endpoint, **values)
    return url


def _navigation() -> dict[str, Any]:
    if not current_user.is_authenticated:
        return {"nav_items": []}
    path = request.path
    return {
        "nav_items": [
            {"url": url, "label": label, "current": path.startswith(url)}
            for url, label in _menu_for(request.script_root, tuple(current_user.roles))
        ]
    }


def _menu_for(script_root: str, roles: tuple[str, ...]) -> list[tuple[str, str]]:
    """The menu of a combination of roles; its URLs only change with the app's mount point, so it
    is built once per app and mount point."""
    menus = current_app.extensions.setdefault("course.menus", {})
    key = (script_root, roles)
    if key not in menus:
        entries: list[tuple[str, str]] = []
        for endpoint, label, role in _NAV:
            if role in roles and endpoint.split(".")[0] in _blueprints():
                url = url_for(endpoint)
                if all(existing != url for existing, _ in entries):  # registered for several roles: once
                    entries.append((url, label))
        menus[key] = entries
    return menus[key]


@lru_cache(maxsize=256)
def _file_version(folder: str, filename: str) -> str:
    try:
        stat = os.stat(os.path.join(folder, filename))
    except OSError:
        return "0"
    return format(stat.st_mtime_ns ^ stat.st_size, "x")[-10:]


def _static_version(endpoint: str, values: dict[str, Any]) -> None:
    """Static URLs carry a version, so browsers may cache them for a year and still get changes."""
    if endpoint == "static" and "filename" in values and "v" not in values:
        values["v"] = _file_version(current_app.static_folder or "", values["filename"])


def _teaches_a_class(user: RoleFlags) -> bool:
    user_id = getattr(user, "id", None)
    query = select(ClassTeacher.class_id).where(ClassTeacher.teacher_id == user_id).limit(1)
    return db.session.scalar(query) is not None


def _blueprints() -> set[str]:
    return set(current_app.blueprints)


def home_url_for(user: RoleFlags) -> str:
    """Where a person starts: the first page of their main role. A trainer who teaches no class
    starts at "Train de trainer" rather than on an empty list of classes."""
    if user.is_trainer and "trainer" in _blueprints() and not (user.is_teacher and _teaches_a_class(user)):
        return url_for("trainer.index")
    if user.is_teacher:
        return url_for("classes.index")
    if user.is_admin:
        return url_for("admin.users")
    if user.is_student:
        return url_for("student.dashboard")
    return url_for("pages.staff_home")
