"""Signing in with the school account: to the provider's sign-in page and back.

``/oidc/<name>/login`` is a link (a GET), so the redirect to the provider is never a form post that
the site's ``form-action 'self'`` policy would stop. ``/oidc/<name>/callback`` is where the provider
sends the person back; it writes only when the sign-in carries this browser's own state.
"""

from __future__ import annotations

from flask import Blueprint, Flask, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ..accounts.identity import start_session
from ..core.extensions import db
from ..core.templating import home_url_for
from . import client
from .claim_rules import ClaimProblem, school_person
from .linking import LinkRefused, account_for
from .providers import SchoolProvider

bp = Blueprint("oidc", __name__, url_prefix="/oidc")

TRY_AGAIN = "Probeer het opnieuw."
ASK_ADMIN = "Lukt het weer niet? Vraag de beheerder van de school om hulp."
# reason -> (HTTP status, what the person reads). Every failure is a 4xx: the person can do something
# (try again, use the right account) or the school's administrator can.
MESSAGES = {
    "unknown_provider": (404, "Deze manier van inloggen kent deze site niet. Ga naar de inlogpagina en kies "
                              "daar hoe je inlogt."),
    "cancelled": (403, "Je hebt het inloggen met je schoolaccount afgebroken, of je school gaf geen "
                       f"toestemming. Wil je toch inloggen? {TRY_AGAIN}"),
    "provider_error": (400, f"Je school kon je nu niet inloggen. {TRY_AGAIN} {ASK_ADMIN}"),
    "bad_state": (400, "Het inloggen duurde te lang, of het begon in een ander venster of een andere browser. "
                       f"{TRY_AGAIN}"),
    "bad_nonce": (400, f"Het bewijs van je school hoorde niet bij dit inloggen. Je bent niet ingelogd. {TRY_AGAIN}"),
    "wrong_audience": (400, "Het bewijs van je school was voor een andere website bedoeld. Je bent niet ingelogd. "
                            f"{ASK_ADMIN}"),
    "expired_token": (400, "Het bewijs van je school was al verlopen. Je bent niet ingelogd. "
                           f"{TRY_AGAIN} Gebeurt dit steeds? Dan loopt de klok van de server misschien niet "
                           "goed. Vertel het de beheerder van de school."),
    "invalid_token": (400, f"Het bewijs van je school klopte niet. Je bent niet ingelogd. {TRY_AGAIN} {ASK_ADMIN}"),
    "token_refused": (400, f"Je school wilde het inloggen niet afmaken. {TRY_AGAIN} {ASK_ADMIN}"),
    "unknown_issuer": (403, "Je probeerde in te loggen bij een school of dienst die deze site niet kent. "
                            "Log in met het account dat je van je eigen school hebt."),
    "not_allowed": (403, "Met dit account kun je hier niet inloggen. Gebruik het account dat je van je eigen "
                         "school hebt. Ben je op deze computer ook met een ander account ingelogd, zoals een "
                         "privé-account? Log daar dan eerst uit."),
    "no_name": (403, "Je school geeft je naam niet door aan deze site, dus we kunnen geen account voor je "
                     "maken. Vraag de beheerder van de school om dit in te stellen."),
    "already_linked": (403, "Er is al een ander schoolaccount gekoppeld aan het account met jouw e-mailadres. "
                            "Vraag de beheerder van de school om hulp."),
    "provider_down": (424, "Het inlogsysteem van je school reageert nu niet. Probeer het over een paar minuten "
                           f"opnieuw. {ASK_ADMIN}"),
    "provider_misconfigured": (424, "Inloggen met je schoolaccount is op deze site nog niet goed ingesteld. "
                                    "Vertel het de beheerder van de school."),
}

WELCOME = {
    "created": "Welkom, {name}! Je account is klaar. Je logt voortaan in met je schoolaccount.",
    "created_student": "Welkom, {name}! Je account is klaar. Vul nu bij Mijn klassen de klascode in die je van je "
                       "docent kreeg.",
    "linked": "Welkom, {name}! Je schoolaccount is nu gekoppeld aan je account. Je logt voortaan in met je "
              "schoolaccount.",
}


def init_app(app: Flask) -> None:
    client.init_app(app)


def _provider(name: str) -> SchoolProvider:
    provider = client.provider_named(name)
    if provider is None:
        current_app.logger.warning("school sign-in refused: unknown_provider (%r is not configured)", name[:40])
        abort(_refused(None, "unknown_provider"))
    return provider


def _refused(provider: SchoolProvider | None, reason: str, detail: str = "") -> Response:
    status, message = MESSAGES[reason]
    if provider is not None:
        current_app.logger.warning("school sign-in via %s refused: %s (%s)", provider.name, reason, detail)
    page = render_template("oidc/refused.html", message=message, provider=provider, status=status)
    return current_app.make_response((page, status))


@bp.get("/<name>/login")
def login(name: str) -> Response:
    provider = _provider(name)
    if current_user.is_authenticated:
        return redirect(home_url_for(current_user))
    try:
        return client.start(provider, url_for("oidc.callback", name=provider.name, _external=True))
    except client.SignInFailed as failure:
        return _refused(provider, failure.reason, failure.detail)


@bp.get("/<name>/callback")
def callback(name: str) -> Response:
    provider = _provider(name)
    try:
        person = school_person(provider, client.finish(provider))
    except (client.SignInFailed, ClaimProblem) as failure:
        return _refused(provider, failure.reason, failure.detail)
    # The provider sends people back with a GET; this one writes, so it takes the write lock up front.
    with db.writing_on_get():
        try:
            user, how = account_for(person)
        except LinkRefused as refused:
            db.session.rollback()
            return _refused(provider, "already_linked", str(refused))
    start_session(user)
    current_app.logger.info("school sign-in via %s: account %s (%s)", provider.name, user.id, how)
    welcome = "created_student" if how == "created" and user.is_student else how
    if welcome in WELCOME:
        flash(WELCOME[welcome].format(name=user.display_name), "success")
    return redirect(home_url_for(user))
