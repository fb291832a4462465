"""The tool's RSA keys: made on first use, published as a JWKS, rotated on request.

Platforms check what the tool signs (deep-linking responses, client assertions for grade passback)
against ``/lti/jwks.json``. The keys live in the database, so every server of an installation signs
with the same key and a backup keeps them; a retired key stays published for ``OVERLAP``.
"""

from __future__ import annotations

import json
import secrets
from datetime import timedelta
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from sqlalchemy import or_, select

from ..core.extensions import db
from ..models import LtiToolKey, utcnow

OVERLAP = timedelta(days=1)
ALGORITHM = "RS256"


def _new_key() -> LtiToolKey:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    return LtiToolKey(kid=secrets.token_hex(8), private_pem=pem)


def current_key() -> LtiToolKey:
    """The signing key, made when there is none yet."""
    key = existing_key()
    if key is None:
        key = _new_key()
        db.session.add(key)
        db.session.commit()
    return key


def rotate() -> LtiToolKey:
    """A new signing key; the old one is retired but published for another day."""
    now = utcnow()
    for key in db.session.scalars(select(LtiToolKey).where(LtiToolKey.retired_at.is_(None))):
        key.retired_at = now
    key = _new_key()
    db.session.add(key)
    db.session.commit()
    return key


def existing_key() -> LtiToolKey | None:
    return db.session.scalar(
        select(LtiToolKey).where(LtiToolKey.retired_at.is_(None)).order_by(LtiToolKey.created_at.desc()).limit(1)
    )


def public_jwks() -> dict[str, Any]:
    """Only reads: the key is made when something is first signed or a platform is registered."""
    published = db.session.scalars(
        select(LtiToolKey)
        .where(or_(LtiToolKey.retired_at.is_(None), LtiToolKey.retired_at > utcnow() - OVERLAP))
        .order_by(LtiToolKey.created_at.desc())
    )
    keys = []
    for key in published:
        public = serialization.load_pem_private_key(key.private_pem.encode(), password=None).public_key()
        jwk = json.loads(RSAAlgorithm.to_jwk(public))
        keys.append({**jwk, "kid": key.kid, "alg": ALGORITHM, "use": "sig"})
    return {"keys": keys}


def sign(claims: dict[str, Any]) -> str:
    key = current_key()
    return jwt.encode(claims, key.private_pem, algorithm=ALGORITHM, headers={"kid": key.kid})
