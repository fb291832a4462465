"""Error pages in the site's own layout; a 500 rolls the database session back."""

from __future__ import annotations

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from .extensions import db

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
}


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(500, _server_error)


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
    db.session.rollback()
    return _page(500)
