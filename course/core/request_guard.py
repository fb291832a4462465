"""Requests carrying a NUL character are refused before any view runs.

No form or link of the app ever sends one, PostgreSQL cannot store one (a 500 on any query that
compares with it) and SQLite stores it where it breaks exports later. A clear 400 is the honest
answer. Other control characters are cleaned field by field (``text.py``).
"""

from __future__ import annotations

from flask import Flask, abort, request


def init_app(app: Flask) -> None:
    app.before_request(_refuse_nul)


def _refuse_nul() -> None:
    values = [*request.args.items(multi=True)]
    if request.method in ("POST", "PUT", "PATCH") and request.mimetype in (
        "application/x-www-form-urlencoded", "multipart/form-data"
    ):
        values += [*request.form.items(multi=True)]
    if any("\x00" in key or "\x00" in value for key, value in values) or "\x00" in request.path:
        abort(400)
