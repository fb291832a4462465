"""Error pages in the site's own layout; a 500 rolls the database session back.

Both the 500 page and the 503 page render without the database: when it cannot be reached, the
layout is shown as to a visitor, since nobody can be looked up.
"""

from __future__ import annotations

from flask import Flask, current_app, g, render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from werkzeug.exceptions import HTTPException

from .extensions import db, login_manager

# The database is down, refuses connections, was removed, or stays locked past the busy timeout.
DATABASE_UNREACHABLE = (OperationalError, InterfaceError, PoolTimeoutError)
RETRY_AFTER_SECONDS = 30

MESSAGES = {
    400: (
        "Dat ging niet goed",
        "Het formulier kon niet worden verwerkt. Ga terug, laad de pagina opnieuw en probeer het nog eens.",
    ),
    403: ("Geen toegang", "Deze pagina is niet voor jouw account. Ga terug naar je startpagina."),
    404: (
        "Pagina niet gevonden",
        "Deze pagina bestaat niet, of je mag hem niet zien. Controleer het adres of ga terug naar je startpagina.",
    ),
    405: ("Dat kan zo niet", "Deze pagina werkt alleen via een knop op de site. Ga terug en gebruik de knop."),
    413: ("Te groot", "Wat je stuurde is te groot. Maak het korter en probeer het opnieuw."),
    500: (
        "Er ging iets mis",
        "Er ging aan onze kant iets mis. Er is niets opgeslagen. Probeer het over een minuut opnieuw.",
    ),
    503: (
        "Even niet bereikbaar",
        "De site kan nu niet bij zijn gegevens. Wat al was opgeslagen, blijft bewaard. "
        "Probeer het over een minuut opnieuw.",
    ),
}
UNREACHABLE_AFTER_SENDING = (
    "De site kan nu niet bij zijn gegevens. Wat je net verstuurde, is misschien niet opgeslagen. "
    "Ga over een minuut terug en probeer het opnieuw. Als het toch al was opgeslagen, zie je dat vanzelf."
)


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    for error in (*DATABASE_UNREACHABLE, *_driver_errors(app)):
        app.register_error_handler(error, _database_unreachable)
    app.register_error_handler(500, _server_error)


def _driver_errors(app: Flask) -> tuple[type[Exception], ...]:
    """The driver's own OperationalError and InterfaceError (DB-API names): the few statements
    that go straight to the driver (BEGIN, who is signed in) raise those, unwrapped."""
    driver = app.extensions["course.core.db"].engine.dialect.loaded_dbapi
    return tuple(getattr(driver, name) for name in ("OperationalError", "InterfaceError") if hasattr(driver, name))


def _page(code: int, message: str | None = None) -> tuple[str, int]:
    title, text = MESSAGES.get(code, MESSAGES[400] if code < 500 else MESSAGES[500])
    return render_template("errors/error.html", code=code, title=title, text=message or text), code


def _csrf_error(error: CSRFError) -> tuple[str, int]:
    return _page(
        400,
        "Het formulier was verlopen of kwam niet van deze site. Ga terug, laad de pagina opnieuw en "
        "probeer het nog eens. Wat je typte staat dan mogelijk nog in het formulier.",
    )


def _http_error(error: HTTPException) -> tuple[str, int] | HTTPException:
    if error.code is None or error.code < 400:
        return error
    return _page(error.code)


def _server_error(error: Exception) -> tuple[str, int]:
    _roll_back()
    try:
        current_user.is_authenticated  # noqa: B018 - loads who is signed in, while a failure can be caught
    except SQLAlchemyError:
        _roll_back()
        _show_as_visitor()
    return _page(500)


def _database_unreachable(error: Exception) -> tuple[str, int, dict[str, str]]:
    """503 with Retry-After, and one log line instead of a traceback per request."""
    _roll_back()
    current_app.logger.error(
        "database unreachable, answered 503 to %s %s: %s", request.method, request.path, _reason(error)
    )
    _show_as_visitor()
    text = UNREACHABLE_AFTER_SENDING if request.method not in ("GET", "HEAD") else None
    body, code = _page(503, text)
    return body, code, {"Retry-After": str(RETRY_AFTER_SECONDS)}


def _roll_back() -> None:
    """Roll the session back; with the database gone, that may fail too, and nothing is lost."""
    try:
        db.session.rollback()
    except SQLAlchemyError:
        db.session.close()


def _show_as_visitor() -> None:
    """Render the layout without looking anyone up. Flask-Login keeps the request's user in
    ``g._login_user``; one loaded before the failure stays."""
    if "_login_user" not in g:
        g._login_user = login_manager.anonymous_user()


def _reason(error: Exception) -> str:
    """The driver's own words, on one line (SQLAlchemy adds the statement and a link)."""
    original = getattr(error, "orig", None) or error
    return " ".join(str(original).split()) or type(original).__name__
