"""The phones' poll, answered before Flask's request machinery.

Thirty phones per class ask every two seconds whether the board moved on. That answer needs one
indexed read and no session, login or template, so it is made here, in plain WSGI, and costs about
what a bare database ping does. The body, ETag and headers are exactly those of the reference view
``views.room_state``; anything unusual (an unknown room, a database error) is left to that view.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.http import parse_etags, quote_etag

from ..core.db import Database
from ..core.security_headers import baseline_headers
from . import sessions

_POLL_PATH = re.compile(r"/live/r/([A-Za-z0-9]{1,8})/state\.json")
WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class StatePoll:
    """WSGI middleware: answers ``GET /live/r/<room>/state.json`` for a room that exists."""

    def __init__(self, app: Flask, wsgi_app: WSGIApp) -> None:
        self.app = app
        self.wsgi_app = wsgi_app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        match = _POLL_PATH.fullmatch(environ.get("PATH_INFO", "")) if environ.get("REQUEST_METHOD") == "GET" else None
        if match is None:
            return self.wsgi_app(environ, start_response)
        try:
            found = sessions.state_version(match.group(1).upper(), Database.engine_for(self.app))
        except SQLAlchemyError:
            found = None
        if found is None:
            return self.wsgi_app(environ, start_response)
        session_id, version, ended = found
        tag = sessions.state_tag(session_id, version)
        headers = [("ETag", quote_etag(tag)), ("Cache-Control", "no-cache")]
        headers += baseline_headers(secure=environ.get("wsgi.url_scheme") == "https")
        if parse_etags(environ.get("HTTP_IF_NONE_MATCH")).contains(tag):
            start_response("304 NOT MODIFIED", headers)
            return [b""]
        # jsonify's form: sorted keys, no spaces, a closing newline.
        body = (json.dumps({"e": ended, "v": version}, separators=(",", ":")) + "\n").encode()
        headers += [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
        start_response("200 OK", headers)
        return [body]
