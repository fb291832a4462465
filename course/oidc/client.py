"""The OpenID Connect client of each configured provider, through Authlib's Flask integration.

Authlib does the protocol: discovery from the issuer's ``.well-known/openid-configuration``, the
authorization code flow with PKCE (S256), ``state`` and ``nonce`` kept in the session and checked,
the JWKS fetched and cached (fetched again for an unknown key id), and the ID token's signature,
issuer, audience and expiry validated. This module configures it, adds the checks Authlib leaves to
the app (the discovery document names the configured issuer; the ``iss`` of the response), and turns
every failure into one ``SignInFailed`` with a reason the views can explain.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import click
import requests
from authlib.integrations.base_client import MismatchingStateError, OAuthError
from authlib.integrations.base_client.registry import OAUTH_CLIENT_PARAMS
from authlib.integrations.flask_client import FlaskOAuth2App, OAuth
from flask import Flask, current_app, request, url_for
from joserfc.errors import ExpiredTokenError, InvalidClaimError, JoseError
from werkzeug.wrappers import Response

from .providers import ProviderConfigError, SchoolProvider, parse_providers

EXTENSION = "course.oidc"
# Seconds to wait for the provider (discovery, keys, token): a class waits, but not for ever.
TIMEOUT_SECONDS = 10
# Clocks of the school's server and the provider may differ a little; an ID token is checked with
# this many seconds of grace on its expiry and issue time.
CLOCK_SKEW_SECONDS = 60
# What the provider sends back when the person cancelled or the school refused them.
REFUSALS = frozenset({"access_denied", "login_required", "consent_required", "interaction_required",
                      "account_selection_required", "unauthorized_client"})


class SignInFailed(Exception):
    """A sign-in that cannot go on; ``reason`` picks the message (views.py), ``detail`` is for the log."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class _Registry:
    providers: dict[str, SchoolProvider]
    oauth: OAuth


def init_app(app: Flask) -> None:
    """Read and check OIDC_PROVIDERS and register a client for each. Nothing is fetched here:
    discovery happens at the first sign-in, so a provider that is down never stops the app."""
    try:
        providers = parse_providers(app.config.get("OIDC_PROVIDERS"))
    except ProviderConfigError as err:
        if click.get_current_context(silent=True) is None:
            raise  # serving a half-configured sign-in would fail in front of a class: refuse to start
        # Under the `flask` command the app must still load (db upgrade, users create).
        providers = []
        print("OIDC_PROVIDERS is not usable; school sign-in is off until it is fixed:", file=sys.stderr)
        for problem in err.problems:
            print(f"  {problem}", file=sys.stderr)
    oauth = OAuth(app)
    for provider in providers:
        unused: dict[str, Any] = dict.fromkeys(OAUTH_CLIENT_PARAMS)  # named, so no other config key fills them
        unused.update(
            client_id=provider.client_id,
            client_secret=provider.client_secret,
            server_metadata_url=provider.discovery_url,
            client_kwargs={
                "scope": provider.scope,
                "code_challenge_method": "S256",
                "default_timeout": TIMEOUT_SECONDS,
            },
        )
        oauth.register(_client_name(provider), **unused)
    app.extensions[EXTENSION] = _Registry({p.name: p for p in providers}, oauth)
    app.jinja_env.globals["school_sign_in_links"] = school_sign_in_links


def _registry() -> _Registry:
    return current_app.extensions[EXTENSION]


def _client_name(provider: SchoolProvider) -> str:
    return f"school_{provider.name}"


def _client(provider: SchoolProvider) -> FlaskOAuth2App:
    return _registry().oauth.create_client(_client_name(provider))


def providers() -> list[SchoolProvider]:
    return list(_registry().providers.values())


def provider_named(name: str) -> SchoolProvider | None:
    return _registry().providers.get(name)


def school_sign_in_links() -> list[tuple[str, str]]:
    """(button text, address) per provider, for the login page."""
    return [(p.label, url_for("oidc.login", name=p.name)) for p in providers()]


def _metadata(provider: SchoolProvider) -> Mapping[str, Any]:
    """The discovery document (fetched once per worker), which must name the configured issuer."""
    try:
        metadata = _client(provider).load_server_metadata()
    except (requests.RequestException, ValueError) as err:
        raise SignInFailed("provider_down", f"discovery at {provider.discovery_url}: {err}") from None
    if metadata.get("issuer") != provider.issuer:
        # Forget it, so a corrected provider is read again at the next sign-in.
        _client(provider).server_metadata.pop("_loaded_at", None)
        raise SignInFailed(
            "provider_misconfigured",
            f"discovery names issuer {metadata.get('issuer')!r}, configured is {provider.issuer!r}",
        )
    return metadata


def start(provider: SchoolProvider, redirect_uri: str) -> Response:
    """The redirect to the provider's sign-in page; state, nonce and PKCE verifier go in the session."""
    _metadata(provider)
    try:
        return _client(provider).authorize_redirect(redirect_uri)
    except requests.RequestException as err:
        raise SignInFailed("provider_down", str(err)) from None


def finish(provider: SchoolProvider) -> dict[str, Any]:
    """The validated claims of the person the provider sent back, or SignInFailed."""
    error = request.args.get("error")
    if error:
        description = request.args.get("error_description", "")[:200]
        raise SignInFailed("cancelled" if error in REFUSALS else "provider_error", f"{error}: {description}")
    returned_issuer = request.args.get("iss")
    if returned_issuer is not None and returned_issuer != provider.issuer:
        raise SignInFailed("unknown_issuer", f"response names issuer {returned_issuer!r}")
    _metadata(provider)
    client = _client(provider)
    claims_options = {
        "iss": {"essential": True, "value": provider.issuer},
        "aud": {"essential": True, "value": provider.client_id},
        "sub": {"essential": True},
    }
    try:
        token = client.authorize_access_token(claims_options=claims_options, leeway=CLOCK_SKEW_SECONDS)
    except MismatchingStateError:
        raise SignInFailed("bad_state", "no sign-in with this state was started in this session") from None
    except OAuthError as err:
        raise SignInFailed("token_refused", f"token endpoint: {err.error}: {err.description}") from None
    except ExpiredTokenError:
        raise SignInFailed("expired_token", "the ID token has expired") from None
    except InvalidClaimError as err:
        reason = {"iss": "unknown_issuer", "nonce": "bad_nonce", "aud": "wrong_audience",
                  "azp": "wrong_audience"}.get(err.claim, "invalid_token")
        raise SignInFailed(reason, f"ID token claim {err.claim!r} is not valid") from None
    except JoseError as err:
        raise SignInFailed("invalid_token", f"ID token: {err}") from None
    except (requests.RequestException, ValueError) as err:
        raise SignInFailed("provider_down", f"token or keys: {err}") from None
    claims = token.get("userinfo")
    if not claims:
        raise SignInFailed("invalid_token", "the token response holds no ID token")
    claims = dict(claims)
    if provider.userinfo:
        claims = _with_userinfo(client, token, claims)
    return claims


def _with_userinfo(client: FlaskOAuth2App, token: Mapping[str, Any], claims: dict[str, Any]) -> dict[str, Any]:
    """Claims from the userinfo endpoint added to the ID token's (which win where both have one)."""
    try:
        extra = dict(client.userinfo(token=token))
    except (requests.RequestException, ValueError, OAuthError) as err:
        raise SignInFailed("provider_down", f"userinfo: {err}") from None
    if extra.get("sub") != claims.get("sub"):
        raise SignInFailed("invalid_token", "userinfo is about another subject than the ID token")
    return {**extra, **claims}
