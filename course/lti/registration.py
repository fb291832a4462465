"""LTI Dynamic Registration: an administrator of the platform pastes one URL, and the tool
registers itself there.

The URL carries a code an administrator of this app made (``invite``), used once and valid for a
day, so nobody else can register a platform. The platform adds ``openid_configuration`` and
``registration_token``; the tool reads the configuration, checks that its issuer matches the
address it came from, posts its own configuration and keeps the client id and deployment it gets.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import requests
from sqlalchemy import update

from ..accounts.identity import Person
from ..core.audit import record
from ..core.extensions import db
from ..models import LtiPlatform, LtiRegistrationInvite, utcnow
from . import platforms

INVITE_LIFETIME = timedelta(days=1)
TOOL_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-tool-configuration"
PLATFORM_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-platform-configuration"
SCOPES = " ".join(
    [
        "https://purl.imsglobal.org/spec/lti-ags/scope/score",
        "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly",
        "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly",
    ]
)


class RegistrationError(Exception):
    """Why registering failed, in Dutch for the administrator of the platform."""


@dataclass(frozen=True)
class ToolUrls:
    root: str
    login: str
    launch: str
    jwks: str
    deep_link: str


def invite(actor: Person) -> str:
    code = secrets.token_urlsafe(24)
    db.session.add(LtiRegistrationInvite(code_hash=_hash(code), created_by=actor.id))
    record(actor, "lti.registration_invite", "lti", None)
    db.session.commit()
    return code


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def invite_is_open(code: str) -> bool:
    found = db.session.get(LtiRegistrationInvite, _hash(code))
    return found is not None and found.used_at is None and found.created_at > utcnow() - INVITE_LIFETIME


def _json(url: str, what: str) -> dict[str, Any]:
    try:
        response = requests.get(url, timeout=10)
    except requests.RequestException:
        raise RegistrationError(f"De {what} van het leerplatform is niet bereikbaar.") from None
    if response.status_code != 200:
        raise RegistrationError(f"De {what} van het leerplatform gaf een fout ({response.status_code}).")
    try:
        body = response.json()
    except ValueError:
        raise RegistrationError(f"De {what} van het leerplatform is onleesbaar.") from None
    if not isinstance(body, dict):
        raise RegistrationError(f"De {what} van het leerplatform is onleesbaar.")
    return body


def tool_configuration(urls: ToolUrls, name: str) -> dict[str, Any]:
    return {
        "application_type": "web",
        "response_types": ["id_token"],
        "grant_types": ["implicit", "client_credentials"],
        "initiate_login_uri": urls.login,
        "redirect_uris": [urls.launch],
        "client_name": name,
        "jwks_uri": urls.jwks,
        "token_endpoint_auth_method": "private_key_jwt",
        "scope": SCOPES,
        TOOL_CONFIGURATION: {
            "domain": urlsplit(urls.root).netloc,
            "target_link_uri": urls.root,
            "description": "Lessen en quizzen van de module Personal Branding.",
            "claims": ["iss", "sub", "name", "given_name", "family_name"],
            "messages": [
                {"type": "LtiResourceLinkRequest"},
                {"type": "LtiDeepLinkingRequest", "target_link_uri": urls.deep_link, "label": name},
            ],
        },
    }


def register(code: str, openid_configuration: str, registration_token: str, urls: ToolUrls, name: str) -> LtiPlatform:
    if not invite_is_open(code):
        raise RegistrationError("Deze registratielink is verlopen of al gebruikt. Vraag de beheerder om een nieuwe.")
    config = _json(openid_configuration, "configuratie")
    issuer = str(config.get("issuer") or "")
    if not issuer or not openid_configuration.startswith(issuer.rstrip("/")):
        raise RegistrationError("De configuratie hoort niet bij het adres waar ze vandaan komt.")
    missing = [
        k
        for k in ("authorization_endpoint", "token_endpoint", "jwks_uri", "registration_endpoint")
        if not config.get(k)
    ]
    if missing:
        raise RegistrationError("De configuratie van het leerplatform mist: " + ", ".join(missing) + ".")
    headers = {"Authorization": f"Bearer {registration_token}"} if registration_token else {}
    try:
        response = requests.post(
            config["registration_endpoint"], json=tool_configuration(urls, name), headers=headers, timeout=10
        )
    except requests.RequestException:
        raise RegistrationError("Het leerplatform is niet bereikbaar om te registreren.") from None
    if not 200 <= response.status_code < 300:
        raise RegistrationError(f"Het leerplatform weigerde de registratie ({response.status_code}).")
    answer = response.json()
    client_id = str(answer.get("client_id") or "")
    deployment = (answer.get(TOOL_CONFIGURATION) or {}).get("deployment_id")
    if not client_id:
        raise RegistrationError("Het leerplatform gaf geen client-id terug.")
    platform_name = (config.get(PLATFORM_CONFIGURATION) or {}).get("product_family_code")
    try:
        platform = platforms.add_platform(
            name=str(platform_name or urlsplit(issuer).hostname or issuer),
            issuer=issuer,
            client_id=client_id,
            deployment_ids=[str(deployment)] if deployment else [],
            auth_url=config["authorization_endpoint"],
            token_url=config["token_endpoint"],
            jwks_url=config["jwks_uri"],
        )
    except platforms.PlatformError as err:
        raise RegistrationError(err.message) from None
    db.session.execute(
        update(LtiRegistrationInvite).where(LtiRegistrationInvite.code_hash == _hash(code)).values(used_at=utcnow())
    )
    record(None, "lti.platform_registered", "lti", platform.id, issuer=issuer, client_id=client_id)
    db.session.commit()
    return platform
