"""Slowing down guessing on the forms that answer "wrong code" or "name taken": sign-up, joining a
class, joining a trainer's group. Counted per address and per browser session (``throttle.py``)."""

from __future__ import annotations

import secrets

from flask import request, session

from . import throttle


def _session_id() -> str:
    # A new session (cookies thrown away) starts a new count; the address count still holds.
    return session.setdefault("guess_id", secrets.token_urlsafe(12))


def _keys(form: str) -> throttle.Keys:
    return throttle.form_keys(form, request.remote_addr, _session_id())


def seconds_to_wait(form: str) -> int:
    return throttle.wait_for(_keys(form))


def guessed_wrong(form: str) -> None:
    throttle.failed(_keys(form))


def wait_message(seconds: int) -> str:
    return f"Te veel pogingen achter elkaar. Wacht {duration(seconds)} en probeer het dan opnieuw."


def duration(seconds: int) -> str:
    if seconds < 90:
        return f"{seconds} seconden" if seconds != 1 else "1 seconde"
    return f"{round(seconds / 60)} minuten"
