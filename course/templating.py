"""Template helpers: Dutch dates and the navigation for each role."""

from __future__ import annotations

import os
from datetime import datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask, request, url_for
from flask_login import current_user

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


def dutch_datetime(value: datetime | None, with_time: bool = True) -> str:
    if value is None:
        return ""
    local = value.astimezone(LOCAL_ZONE)
    text = f"{local.day} {MONTHS[local.month - 1]} {local.year}"
    return f"{text}, {local:%H:%M}" if with_time else text


def init_app(app: Flask) -> None:
    app.url_defaults(_static_version)
    app.jinja_env.filters["datetime"] = dutch_datetime
    app.jinja_env.filters["date"] = lambda v: dutch_datetime(v, with_time=False)
    app.context_processor(_navigation)


def _navigation() -> dict[str, Any]:
    if not current_user.is_authenticated:
        return {"nav_items": []}
    path = request.path
    return {
        "nav_items": [
            {"url": url, "label": label, "current": path.startswith(url)}
            for url, label in _menu_for(tuple(current_user.roles))
        ]
    }


def _menu_for(roles: tuple[str, ...]) -> list[tuple[str, str]]:
    """The menu of a combination of roles; its URLs never change, so it is built once per app."""
    from flask import current_app

    menus = current_app.extensions.setdefault("course.menus", {})
    if roles not in menus:
        entries: list[tuple[str, str]] = []
        for endpoint, label, role in _NAV:
            if role in roles and endpoint.split(".")[0] in _blueprints():
                url = url_for(endpoint)
                if all(existing != url for existing, _ in entries):  # registered for several roles: once
                    entries.append((url, label))
        menus[roles] = entries
    return menus[roles]


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
        from flask import current_app

        values["v"] = _file_version(current_app.static_folder or "", values["filename"])


def _blueprints() -> set[str]:
    from flask import current_app

    return set(current_app.blueprints)
