"""Objects of images, peer feedback and share links for the security tests' world: a third student
in class A (so peer feedback has a pair), S1's and S2's image and share link, S1's feedback task
and feedback on S1's work."""

from __future__ import annotations

import io

from flask import Flask
from PIL import Image

from course.accounts import rules as accounts
from course.assignments import peer, share
from course.assignments.images import clean_image
from course.core.extensions import db
from course.lessons import progress
from course.models import PeerReview, SchoolClass, Submission, SubmissionImage, User


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 200)).save(out, "PNG")
    return out.getvalue()


def _add_image(submission_id: int) -> int:
    cleaned = clean_image(_png())
    image = SubmissionImage(
        submission_id=submission_id, position=1, mimetype=cleaned.mimetype, width=cleaned.width,
        height=cleaned.height, data=cleaned.data, thumbnail=cleaned.thumbnail, alt_text="Afbeelding 1",
    )  # fmt: skip
    db.session.add(image)
    db.session.flush()
    return image.id


def build_assignment_objects(app: Flask, people: dict[str, User], class_a: SchoolClass, lesson_slug: str,
                             submissions: dict[str, int]) -> dict[str, dict[str, object]]:
    kevin = accounts.create_user("kevin", "Kevin Klasgenoot", "correct horse battery staple", roles=("student",))
    accounts.enrol(class_a, kevin)
    db.session.commit()
    progress.hand_in(kevin.id, lesson_slug, "Het werk van Kevin.")
    peer.switch(class_a.id, lesson_slug, True, True, people["owner"])
    tasks = {row.reviewer_id: row for row in db.session.query(PeerReview).filter_by(class_id=class_a.id)}
    student, other = people["student"], people["other_student"]
    peer.give(tasks[kevin.id], {}, "Goed begin.", "Meer voorbeelden.")
    peer.give(tasks[student.id], {}, "Sterk.", "Korter.")
    images = {role: _add_image(submissions[role]) for role in ("student", "other_student")}
    db.session.commit()
    key = app.secret_key.encode() if isinstance(app.secret_key, str) else app.secret_key
    links = {}
    for role, person in (("student", student), ("other_student", other)):
        made = share.create(person, db.session.get(Submission, submissions[role]))
        links[role] = (made.id, share.token(made, key))
    return {
        "own": {"image_id": images["student"], "task_id": tasks[student.id].id, "feedback_id": tasks[kevin.id].id,
                "share_id": links["student"][0], "link": links["student"][1]},
        "foreign": {"image_id": images["other_student"], "task_id": tasks[kevin.id].id,
                    "feedback_id": tasks[student.id].id, "share_id": links["other_student"][0],
                    "link": links["other_student"][1]},
    }
