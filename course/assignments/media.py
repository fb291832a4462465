"""Images and rubric levels of handed-in versions: storing, who may see an image, and serving it.

An image is served only through these routes, never from ``static/``: inline for the page, with a
neutral file name (no student name), ``no-store`` so it stays out of a shared computer's cache, and
``nosniff`` so a browser never reads it as anything but the image type we wrote ourselves.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from flask import Response
from sqlalchemy import select

from ..accounts.identity import Person
from ..classes.scopes import classes_taught_by
from ..core.downloads import NO_STORE
from ..core.extensions import db
from ..models import Enrolment, PeerReview, PeerSetting, RubricScore, SchoolClass, Submission, SubmissionImage
from .images import CleanImage

EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg"}


def attacher(images: Sequence[CleanImage]) -> Callable[[Submission], None] | None:
    """Adds the cleaned images to a new version inside ``progress.hand_in``'s transaction."""
    if not images:
        return None

    def attach(submission: Submission) -> None:
        for position, image in enumerate(images, start=1):
            db.session.add(
                SubmissionImage(
                    submission_id=submission.id, position=position, mimetype=image.mimetype,
                    width=image.width, height=image.height, data=image.data, thumbnail=image.thumbnail,
                    alt_text=f"Afbeelding {position} bij versie {submission.version}",
                )
            )  # fmt: skip

    return attach


def images_of(submission_ids: list[int]) -> dict[int, list[SubmissionImage]]:
    """Submission id -> its images in order (without the image bytes)."""
    found: dict[int, list[SubmissionImage]] = {}
    if submission_ids:
        for image in db.session.scalars(
            select(SubmissionImage)
            .where(SubmissionImage.submission_id.in_(submission_ids))
            .order_by(SubmissionImage.submission_id, SubmissionImage.position)
        ):
            found.setdefault(image.submission_id, []).append(image)
    return found


def rubric_levels_of(submissions: Sequence[Submission]) -> dict[int, dict[str, str]]:
    """Review id -> the rubric levels chosen with it, for every review of these versions."""
    ids = [review.id for s in submissions for review in s.reviews]
    if not ids:
        return {}
    query = select(RubricScore.review_id, RubricScore.levels).where(RubricScore.review_id.in_(ids))
    return {review_id: levels for review_id, levels in db.session.execute(query)}


def image_for_viewer(user: Person, image_id: int) -> SubmissionImage | None:
    """The image only when ``user`` may see its version: the query is the access check."""
    row = db.session.execute(
        select(SubmissionImage, Submission)
        .join(Submission, Submission.id == SubmissionImage.submission_id)
        .where(SubmissionImage.id == image_id)
    ).first()
    if row is None:
        return None
    image, submission = row
    if submission.student_id == user.id or _teaches_work(user, submission) or _asked_to_review(user, submission):
        return image
    return None


def _teaches_work(user: Person, submission: Submission) -> bool:
    """Teachers of the class the work was made in, while the student is still in that class."""
    if not user.is_staff or submission.class_id is None:
        return False
    taught = classes_taught_by(user).where(SchoolClass.id == submission.class_id)
    enrolled = select(Enrolment.id).where(
        Enrolment.class_id == submission.class_id, Enrolment.student_id == submission.student_id
    )
    return db.session.scalar(taught) is not None and db.session.scalar(enrolled) is not None


def _asked_to_review(user: Person, submission: Submission) -> bool:
    """A classmate with a feedback task on this very version, while peer feedback is on."""
    return db.session.scalar(
        select(PeerReview.id)
        .join(PeerSetting, (PeerSetting.class_id == PeerReview.class_id)
              & (PeerSetting.lesson_slug == PeerReview.lesson_slug))
        .join(Enrolment, (Enrolment.class_id == PeerReview.class_id) & (Enrolment.student_id == user.id))
        .where(PeerReview.reviewer_id == user.id, PeerReview.submission_id == submission.id, PeerSetting.enabled)
        .limit(1)
    ) is not None


def image_response(image: SubmissionImage, thumbnail: bool = False) -> Response:
    data = db.session.scalar(
        select(SubmissionImage.thumbnail if thumbnail else SubmissionImage.data).where(SubmissionImage.id == image.id)
    )
    response = Response(data, mimetype=image.mimetype)
    name = f"afbeelding-{image.position}{'-klein' if thumbnail else ''}.{EXTENSIONS.get(image.mimetype, 'img')}"
    response.headers.set("Content-Disposition", "inline", filename=name)
    response.headers["Cache-Control"] = NO_STORE
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


