"""Deep Linking 2.0: a teacher picks lessons and quizzes in the platform's activity chooser, and the
tool answers with a signed list of resource links. A quiz comes with a line item (its maximum
score), so the platform makes a grade column for it. No Flask in here."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from typing import Any

from . import keys
from .launch import CLAIM, DL_CLAIM


@dataclass(frozen=True)
class Choice:
    title: str
    url: str
    quiz_slug: str | None = None
    max_score: int | None = None


def content_item(choice: Choice) -> dict[str, Any]:
    item: dict[str, Any] = {"type": "ltiResourceLink", "title": choice.title, "url": choice.url}
    if choice.quiz_slug is not None and choice.max_score:
        item["lineItem"] = {
            "scoreMaximum": choice.max_score,
            "label": choice.title,
            "resourceId": choice.quiz_slug,
            "tag": "quiz",
        }
    return item


def response_jwt(*, client_id: str, issuer: str, deployment_id: str, data: str | None, choices: list[Choice]) -> str:
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": client_id,
        "aud": issuer,
        "iat": now,
        "exp": now + 600,
        "nonce": secrets.token_urlsafe(16),
        CLAIM + "message_type": "LtiDeepLinkingResponse",
        CLAIM + "version": "1.3.0",
        CLAIM + "deployment_id": deployment_id,
        DL_CLAIM + "content_items": [content_item(choice) for choice in choices],
    }
    if data is not None:
        claims[DL_CLAIM + "data"] = data
    return keys.sign(claims)
