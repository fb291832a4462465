"""A student's images, rubric levels, peer feedback and supervisor links, for their data export."""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any

from sqlalchemy import select

from ..core.extensions import db
from ..models import PeerReview, Review, RubricScore, SubmissionImage, SupervisorShare


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def assignment_extras(user_id: int, submission_ids: list[int]) -> dict[str, Any]:
    """Images, rubric levels, peer feedback and supervisor links of one student, for the export."""
    images: dict[int, list[dict[str, Any]]] = {}
    for image in db.session.scalars(
        select(SubmissionImage).where(SubmissionImage.submission_id.in_(submission_ids))
        .order_by(SubmissionImage.submission_id, SubmissionImage.position)
    ):
        images.setdefault(image.submission_id, []).append({
            "position": image.position, "mimetype": image.mimetype, "width": image.width,
            "height": image.height, "data_base64": base64.b64encode(image.data).decode("ascii"),
        })  # fmt: skip
    rubric = dict(
        db.session.execute(
            select(RubricScore.review_id, RubricScore.levels)
            .join(Review, Review.id == RubricScore.review_id)
            .where(Review.submission_id.in_(submission_ids))
        ).all()
    )

    def peer(row: PeerReview, named: bool) -> dict[str, Any]:
        return {"lesson": row.lesson_slug, "state": row.state, "levels": row.levels, "top": row.top,
                "tip": row.tip, "given_at": _when(row.given_at), **({"version_id": row.submission_id} if named else {})}

    given = db.session.scalars(select(PeerReview).where(PeerReview.reviewer_id == user_id, PeerReview.state != "open"))
    received = db.session.scalars(
        select(PeerReview).where(PeerReview.author_id == user_id, PeerReview.state.in_(("given", "reported")))
    )
    shares = db.session.scalars(select(SupervisorShare).where(SupervisorShare.student_id == user_id))
    return {
        "images": images,
        "rubric": rubric,
        "given": [peer(row, True) for row in given],
        "received": [peer(row, False) for row in received],
        "shares": [
            {"version_id": s.submission_id, "created_at": _when(s.created_at), "expires_at": _when(s.expires_at),
             "revoked_at": _when(s.revoked_at), "comment_by": s.comment_name, "comment": s.comment_text,
             "comment_at": _when(s.comment_at)}
            for s in shares
        ],
    }
