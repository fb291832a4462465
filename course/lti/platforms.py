"""The learning platforms this tool is registered at, and the deployments they use.

An administrator adds one by hand (itslearning, Brightspace), by command, or a platform registers
itself through dynamic registration (Moodle, Canvas). Nothing here knows Flask.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..core.extensions import db
from ..models import LtiDeployment, LtiPlatform
from . import keys


class PlatformError(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def _https_or_loopback(url: str, field: str) -> str:
    url = url.strip()
    parts = urlsplit(url)
    loopback = parts.hostname in ("localhost", "127.0.0.1", "::1")
    if parts.scheme != "https" and not (parts.scheme == "http" and loopback) or not parts.netloc:
        raise PlatformError(field, "Gebruik een volledig adres dat begint met https://.")
    return url


def add_platform(
    *, name: str, issuer: str, client_id: str, deployment_ids: list[str], auth_url: str, token_url: str, jwks_url: str
) -> LtiPlatform:
    """Register a platform, or add deployments to one registered before with the same client id."""
    issuer = _https_or_loopback(issuer, "issuer")
    platform = find_platform(issuer, client_id.strip())
    if platform is None:
        platform = LtiPlatform(
            name=(name or urlsplit(issuer).hostname or issuer).strip()[:120],
            issuer=issuer,
            client_id=client_id.strip(),
            auth_url=_https_or_loopback(auth_url, "auth_url"),
            token_url=_https_or_loopback(token_url, "token_url"),
            jwks_url=_https_or_loopback(jwks_url, "jwks_url"),
        )
        db.session.add(platform)
    known = {d.deployment_id for d in platform.deployments}
    for deployment_id in deployment_ids:
        deployment_id = deployment_id.strip()
        if deployment_id and deployment_id not in known:
            platform.deployments.append(LtiDeployment(deployment_id=deployment_id))
            known.add(deployment_id)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise PlatformError("issuer", "Dit leerplatform is net al geregistreerd.") from None
    keys.current_key()  # the platform may ask for the tool's key set right away
    return platform


def all_platforms() -> list[LtiPlatform]:
    return list(db.session.scalars(select(LtiPlatform).order_by(LtiPlatform.name, LtiPlatform.id)))


def find_platform(issuer: str, client_id: str) -> LtiPlatform | None:
    return db.session.scalar(
        select(LtiPlatform).where(LtiPlatform.issuer == issuer, LtiPlatform.client_id == client_id)
    )


def platforms_of_issuer(issuer: str) -> list[LtiPlatform]:
    return list(db.session.scalars(select(LtiPlatform).where(LtiPlatform.issuer == issuer)))


def has_deployment(platform: LtiPlatform, deployment_id: str | None) -> bool:
    return bool(deployment_id) and any(d.deployment_id == deployment_id for d in platform.deployments)


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def registered_origins() -> tuple[str, ...]:
    """Origins of every registered platform (its issuer and its login page), which may frame this app."""
    urls = db.session.scalars(select(LtiPlatform.issuer).union(select(LtiPlatform.auth_url)))
    return tuple(sorted({origin(url) for url in urls}))
