"""LTI 1.3 login initiation and launch: every check of the IMS Security Framework and LTI Core.

A platform starts with a login initiation (``begin_login``): the tool keeps a fresh state and nonce
server-side and sends the browser to the platform's authorisation URL. The platform answers with a
signed ``id_token`` posted to the launch URL (``validate_launch``), which is checked in this order
and refused at the first failure, naming the check: state, token format, platform, signature and
times, nonce (used once), deployment, message type, version, target on this app. Signatures and
times are checked by PyJWT against the platform's JWKS (fetched, cached, fetched again for a key id
it does not know). Nothing is created before every check has passed.
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode, urlsplit

import jwt
from sqlalchemy import delete, update

from ..core.extensions import db
from ..models import LtiLoginState, LtiPlatform, utcnow
from . import platforms

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
DL_CLAIM = "https://purl.imsglobal.org/spec/lti-dl/claim/"
AGS_CLAIM = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS_CLAIM = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
RESOURCE_LINK = "LtiResourceLinkRequest"
DEEP_LINKING = "LtiDeepLinkingRequest"
STATE_LIFETIME = timedelta(minutes=10)
LEEWAY_SECONDS = 60

AGAIN = " Open de les opnieuw vanuit je leerplatform."
STALE = "Deze aanmelding is verlopen of al gebruikt." + AGAIN
OTHER_BROWSER = "Deze aanmelding hoort bij een andere browser." + AGAIN
NOT_FOR_US = "De aanmelding is niet voor deze site bedoeld, of komt van een onbekend leerplatform."
CLOCK = "De klok van het leerplatform loopt voor. Probeer het over een minuut opnieuw."
NO_KEYS = "De sleutels van het leerplatform zijn niet te controleren. Probeer het later opnieuw."
UNKNOWN_DEPLOYMENT = "Deze plaatsing in het leerplatform is hier niet bekend. Vraag de beheerder."
REPLAYED = "Deze aanmelding is al eens gebruikt." + AGAIN
EXPIRED = "De aanmelding is verlopen." + AGAIN


class LaunchRefused(Exception):
    """A check failed: ``check`` names it for the log, ``message`` tells the person in Dutch."""

    def __init__(self, check: str, message: str, status: int = 400) -> None:
        super().__init__(f"{check}: {message}")
        self.check = check
        self.message = message
        self.status = status


@dataclass(frozen=True)
class Launch:
    platform: LtiPlatform
    claims: dict[str, Any]

    @property
    def message_type(self) -> str:
        return self.claims[CLAIM + "message_type"]

    @property
    def deployment_id(self) -> str:
        return self.claims[CLAIM + "deployment_id"]

    @property
    def subject(self) -> str:
        return str(self.claims["sub"])

    @property
    def roles(self) -> list[str]:
        return list(self.claims.get(CLAIM + "roles") or [])

    @property
    def context(self) -> dict[str, Any]:
        return self.claims.get(CLAIM + "context") or {}

    @property
    def resource_link(self) -> dict[str, Any]:
        return self.claims.get(CLAIM + "resource_link") or {}

    @property
    def target_link_uri(self) -> str:
        return self.claims[CLAIM + "target_link_uri"]

    @property
    def lineitem_url(self) -> str | None:
        return (self.claims.get(AGS_CLAIM) or {}).get("lineitem")

    @property
    def memberships_url(self) -> str | None:
        return (self.claims.get(NRPS_CLAIM) or {}).get("context_memberships_url")

    @property
    def deep_linking_settings(self) -> dict[str, Any]:
        return self.claims.get(DL_CLAIM + "deep_linking_settings") or {}


# --- login initiation ----------------------------------------------------------------------------


def on_this_app(url: str, app_root: str) -> bool:
    """Does ``url`` point at this app (same scheme, host and port as ``app_root``)?"""
    target, root = urlsplit(url), urlsplit(app_root)
    return (target.scheme, target.netloc) == (root.scheme, root.netloc)


def begin_login(params: dict[str, str], redirect_uri: str, app_root: str) -> tuple[str, str]:
    """The platform's authorisation URL to send the browser to, and the state to bind to it."""
    issuer = (params.get("iss") or "").strip()
    login_hint = params.get("login_hint") or ""
    target = params.get("target_link_uri") or ""
    if not issuer or not login_hint or not target:
        raise LaunchRefused("login_params", "Het leerplatform stuurde een onvolledig verzoek om in te loggen.")
    candidates = platforms.platforms_of_issuer(issuer)
    if params.get("client_id"):
        candidates = [p for p in candidates if p.client_id == params["client_id"]]
    if len(candidates) != 1:
        raise LaunchRefused("platform", "Dit leerplatform is niet bij deze site aangemeld. Vraag de beheerder.", 403)
    if not on_this_app(target, app_root):
        raise LaunchRefused("target_link_uri", "De link wijst naar een andere site dan deze.")
    platform = candidates[0]
    # Old states go while new ones come: the table holds only the last minutes' logins.
    db.session.execute(delete(LtiLoginState).where(LtiLoginState.created_at < utcnow() - timedelta(days=1)))
    state, nonce = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    db.session.add(LtiLoginState(state=state, nonce=nonce, platform_id=platform.id, target_link_uri=target[:1000]))
    db.session.commit()
    query = {
        "scope": "openid",
        "response_type": "id_token",
        "response_mode": "form_post",
        "prompt": "none",
        "client_id": platform.client_id,
        "redirect_uri": redirect_uri,
        "login_hint": login_hint,
        "state": state,
        "nonce": nonce,
    }
    if params.get("lti_message_hint"):
        query["lti_message_hint"] = params["lti_message_hint"]
    separator = "&" if "?" in platform.auth_url else "?"
    return f"{platform.auth_url}{separator}{urlencode(query)}", state


# --- launch --------------------------------------------------------------------------------------

_jwks_clients: dict[str, jwt.PyJWKClient] = {}
_jwks_lock = threading.Lock()


def _jwks_client(url: str, cooldown: float) -> jwt.PyJWKClient:
    """One client per key set URL and process: it caches the keys and fetches again for an unknown kid."""
    with _jwks_lock:
        client = _jwks_clients.get(url)
        if client is None:
            client = jwt.PyJWKClient(url, lifespan=3600, timeout=10, cooldown_duration=cooldown)
            _jwks_clients[url] = client
        return client


def validate_launch(
    form: dict[str, str], bound_state: str | None, app_root: str, jwks_cooldown: float = 30.0
) -> Launch:
    """The checked launch, or LaunchRefused. ``bound_state`` is the state cookie of this browser, or
    None when the browser sent none (a frame that refuses cookies); a different one is refused."""
    state_value, token = form.get("state") or "", form.get("id_token") or ""
    if not state_value or not token:
        raise LaunchRefused("request", "Het leerplatform stuurde geen volledige aanmelding.")
    state = db.session.get(LtiLoginState, state_value)
    if state is None or state.used_at is not None or state.created_at < utcnow() - STATE_LIFETIME:
        raise LaunchRefused("state", STALE)
    if bound_state is not None and not secrets.compare_digest(bound_state, state_value):
        raise LaunchRefused("state", OTHER_BROWSER)

    try:
        header = jwt.get_unverified_header(token)
        unverified = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        raise LaunchRefused("format", "De aanmelding van het leerplatform is onleesbaar.") from None
    if header.get("alg") != "RS256" or not header.get("kid"):
        raise LaunchRefused("format", "De aanmelding van het leerplatform is niet goed ondertekend.")

    audience = unverified.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    client_id = unverified.get("azp") or (audiences[0] if len(audiences) == 1 else None)
    if len(audiences) > 1 and unverified.get("azp") not in audiences:
        raise LaunchRefused("aud", "De aanmelding is niet voor deze site bedoeld.")
    platform = platforms.find_platform(str(unverified.get("iss") or ""), str(client_id or ""))
    if platform is None or platform.id != state.platform_id:
        raise LaunchRefused("aud", NOT_FOR_US)

    try:
        key = _jwks_client(platform.jwks_url, jwks_cooldown).get_signing_key(header["kid"])
        claims = jwt.decode(
            token,
            key.key,
            algorithms=["RS256"],
            audience=platform.client_id,
            issuer=platform.issuer,
            leeway=LEEWAY_SECONDS,
            options={"require": ["exp", "iat", "sub", "nonce"]},
        )
    except jwt.ExpiredSignatureError:
        raise LaunchRefused("exp", EXPIRED) from None
    except jwt.ImmatureSignatureError:
        raise LaunchRefused("iat", CLOCK) from None
    except jwt.InvalidAudienceError:
        raise LaunchRefused("aud", "De aanmelding is niet voor deze site bedoeld.") from None
    except jwt.InvalidIssuerError:
        raise LaunchRefused("iss", "De aanmelding komt van een onbekend leerplatform.") from None
    except (jwt.PyJWKClientError, jwt.PyJWKClientConnectionError):
        raise LaunchRefused("signature", NO_KEYS) from None
    except jwt.PyJWTError:
        raise LaunchRefused("signature", "De handtekening van de aanmelding klopt niet.") from None
    if not isinstance(claims.get("iat"), int | float):
        raise LaunchRefused("iat", "De aanmelding heeft geen geldig tijdstip.")

    if not secrets.compare_digest(str(claims.get("nonce")), state.nonce):
        raise LaunchRefused("nonce", REPLAYED)
    used = db.session.execute(
        update(LtiLoginState)
        .where(LtiLoginState.state == state.state, LtiLoginState.used_at.is_(None))
        .values(used_at=utcnow()),
        execution_options={"synchronize_session": False},
    )
    db.session.commit()
    if used.rowcount != 1:
        raise LaunchRefused("nonce", REPLAYED)

    launch = Launch(platform, claims)
    if not platforms.has_deployment(platform, claims.get(CLAIM + "deployment_id")):
        raise LaunchRefused("deployment", UNKNOWN_DEPLOYMENT, 403)
    if claims.get(CLAIM + "message_type") not in (RESOURCE_LINK, DEEP_LINKING):
        raise LaunchRefused("message_type", "Dit soort bericht van het leerplatform kent deze site niet.")
    if claims.get(CLAIM + "version") != "1.3.0":
        raise LaunchRefused("version", "Het leerplatform gebruikt een LTI-versie die deze site niet kent.")
    target = claims.get(CLAIM + "target_link_uri")
    if not isinstance(target, str) or not on_this_app(target, app_root):
        raise LaunchRefused("target_link_uri", "De link wijst naar een andere site dan deze.")
    if not isinstance(claims.get(CLAIM + "roles"), list):
        raise LaunchRefused("roles", "Het leerplatform gaf niet door wie je bent in de cursus.")
    if launch.message_type == RESOURCE_LINK and not launch.resource_link.get("id"):
        raise LaunchRefused("resource_link", "Het leerplatform gaf niet door welke les dit is.")
    if launch.message_type == DEEP_LINKING and not launch.deep_linking_settings.get("deep_link_return_url"):
        raise LaunchRefused("deep_linking", "Het leerplatform gaf niet door waar de keuze heen moet.")
    if not launch.context.get("id"):
        raise LaunchRefused("context", "Open de les vanuit een cursus in je leerplatform.")
    return launch
