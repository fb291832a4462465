"""Assignments: the student writes, saves a draft and hands in (with up to three images); the
teacher of the class works through a queue and gives a status, rubric levels and feedback. Text is
rendered and sanitised once, when it is stored (progress.hand_in / progress.review), never per page
view. Peer feedback and the supervisor's link have pages of their own (peer_views, share_views)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import ColumnElement, Select, Subquery, and_, func, select
from werkzeug.wrappers import Response
from wtforms import RadioField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from ..classes.scopes import class_for_teacher_or_404
from ..content.lesson_files import Lesson
from ..core.access import role_required
from ..core.content_store import catalog
from ..core.extensions import db
from ..core.forms import ActionForm
from ..core.text import clean_text
from ..lessons import progress
from ..lessons.lookup import assignment_html, lesson_or_404
from ..models import Enrolment, Review, SchoolClass, Submission, SubmissionImage, User
from . import forms as extra_forms
from . import media, peer, share
from .images import MAX_BYTES, MAX_IMAGES, ImageError, clean_image

bp = Blueprint("assignments", __name__)

TEXT_HINT = (
    "Je mag opmaak gebruiken: **vet**, *schuin*, een lijstje met - aan het begin van de regel, "
    "en links die beginnen met https://."
)


class AssignmentForm(FlaskForm):
    body = TextAreaField(
        "Jouw uitwerking",
        filters=[clean_text],
        validators=[Length(max=progress.MAX_TEXT_LENGTH, message="Je tekst is te lang. Maak hem korter.")],
        description=TEXT_HINT,
        render_kw={"rows": 16, "spellcheck": "true"},
    )
    images = extra_forms.images_field()
    save = SubmitField("Concept opslaan")
    hand_in = SubmitField("Inleveren")


class ReviewForm(FlaskForm):
    status = RadioField(
        "Beoordeling",
        choices=[SelectChoice("approved", "Goedgekeurd"), SelectChoice("needs_work", "Moet beter")],
        validators=[DataRequired("Kies of de opdracht goed is of beter moet.")],
    )
    feedback = TextAreaField(
        "Feedback voor de student",
        filters=[clean_text],
        validators=[Length(max=progress.MAX_TEXT_LENGTH, message="De feedback is te lang. Maak hem korter.")],
        description="Verplicht bij 'Moet beter': schrijf wat de student moet verbeteren. " + TEXT_HINT,
        render_kw={"rows": 8},
    )


@bp.url_value_preprocessor
def _room_for_images(endpoint: str | None, values: dict | None) -> None:
    """Hand-ins carry up to three images; every other request keeps the app's small limit. Runs
    before any before_request hook (CSRF reads the form there)."""
    if endpoint == "assignments.save":
        request.max_content_length = MAX_IMAGES * MAX_BYTES + 2 * 1024 * 1024


@bp.app_context_processor
def _image_urls() -> dict[str, object]:
    def own_image_url(picture: SubmissionImage, small: bool) -> str:
        if small:
            return url_for("assignments.image", image_id=picture.id, size="klein")
        return url_for("assignments.image", image_id=picture.id)

    return {"own_image_url": own_image_url}


def _rubric_review_form(slug: str) -> type[ReviewForm]:
    """The review form with one optional level per criterion of the lesson's rubric."""
    rubric = catalog().rubrics.get(slug)
    return type("RubricReviewForm", (ReviewForm,), extra_forms.level_fields(rubric, required=False))


def _lesson_with_assignment(slug: str) -> Lesson:
    lesson = lesson_or_404(slug)
    if lesson.assignment is None:
        abort(404)
    return lesson


# --- queries for the teacher: the class is the access check ----------------------------------
# Only work handed in while the student was in this class: work from another class, with its
# feedback, belongs to that class's teachers.


def _latest_versions(class_id: int) -> Subquery:
    return (
        select(Submission.student_id, Submission.lesson_slug, func.max(Submission.version).label("version"))
        .where(Submission.class_id == class_id)
        .group_by(Submission.student_id, Submission.lesson_slug)
        .subquery()
    )


def _in_class(class_id: int) -> Select[tuple[int]]:
    return select(Enrolment.student_id).where(Enrolment.class_id == class_id)


def _made_in(class_id: int) -> ColumnElement[bool]:
    return and_(Submission.class_id == class_id, Submission.student_id.in_(_in_class(class_id)))


def _unreviewed(query: Select, class_id: int) -> Select:
    """``query`` narrowed to the newest versions made in this class that nobody reviewed yet."""
    latest = _latest_versions(class_id)
    return query.join(
        latest,
        and_(
            latest.c.student_id == Submission.student_id,
            latest.c.lesson_slug == Submission.lesson_slug,
            latest.c.version == Submission.version,
        ),
    ).where(_made_in(class_id), ~Submission.reviews.any())


def assignment_queue(class_id: int) -> list[tuple[Submission, User]]:
    """Newest versions of the class's students that nobody reviewed yet, oldest first."""
    query = select(Submission, User).join(User, User.id == Submission.student_id)
    return [
        (submission, student)
        for submission, student in db.session.execute(
            _unreviewed(query, class_id).order_by(Submission.submitted_at, Submission.id)
        ).all()
    ]


@bp.app_template_global("assignments_to_review")
def assignments_to_review(class_id: int) -> int:
    """How many newest versions wait for a first look, for the class page (which checked the reach)."""
    return db.session.scalar(_unreviewed(select(func.count(Submission.id)), class_id)) or 0


def recent_reviews(class_id: int, limit: int = 20) -> list[tuple[Review, Submission, User]]:
    return [
        (row.Review, row.Submission, row.User)
        for row in db.session.execute(
            select(Review, Submission, User)
            .join(Submission, Submission.id == Review.submission_id)
            .join(User, User.id == Submission.student_id)
            .where(_made_in(class_id))
            .order_by(Review.created_at.desc(), Review.id.desc())
            .limit(limit)
        ).all()
    ]


def submission_in_class(class_id: int, submission_id: int) -> Submission | None:
    """A submission only when its student is in this class: the query is the access check."""
    return db.session.scalar(
        select(Submission).where(Submission.id == submission_id, _made_in(class_id))
    )


# --- the student's side -------------------------------------------------------------------------


@bp.get("/assignments/<slug>")
@login_required
def write(slug: str) -> str:
    lesson = _lesson_with_assignment(slug)
    form = AssignmentForm()
    if progress.counts_for(current_user):
        draft = progress.draft_for(current_user.id, lesson.slug)
        form.body.data = draft.body_text if draft else ""
    return _render_write(lesson, form)


@bp.post("/assignments/<slug>")
@login_required
def save(slug: str) -> str | Response:
    lesson = _lesson_with_assignment(slug)
    form = AssignmentForm()
    if not form.validate_on_submit():
        return _render_write(lesson, form)
    if not progress.counts_for(current_user):
        flash("Voorbeeldweergave: je tekst is niet opgeslagen en niet ingeleverd.", "info")
        return _render_write(lesson, form)
    files = [f for f in (form.images.data or []) if f and f.filename]
    cleaned = []
    if form.hand_in.data and files:
        try:
            cleaned = _clean_uploads(files)
        except ImageError as err:
            form.images.errors = [*form.images.errors, str(err)]
            return _render_write(lesson, form)
    try:
        if form.hand_in.data:
            submission = progress.hand_in(
                current_user.id, lesson.slug, form.body.data or "", attach=media.attacher(cleaned)
            )
            peer.after_hand_in(submission)
            removed = " De verborgen gegevens (zoals de plek) zijn uit je afbeeldingen gehaald." if cleaned else ""
            flash(f"Ingeleverd als versie {submission.version}. Je docent krijgt hem te zien.{removed}", "success")
        else:
            progress.save_draft(current_user.id, lesson.slug, form.body.data or "")
            flash("Je concept is opgeslagen. Je kunt later verder schrijven.", "success")
            if files:
                for upload in files:
                    upload.close()
                flash("Afbeeldingen bewaren we pas als je inlevert. Kies ze dan opnieuw.", "info")
    except progress.ProgressError as err:
        form.body.errors = [*form.body.errors, err.message]
        return _render_write(lesson, form)
    return redirect(url_for("assignments.write", slug=lesson.slug))


def _clean_uploads(files: list) -> list:
    try:
        if len(files) > MAX_IMAGES:
            raise ImageError(f"Je kunt hoogstens {MAX_IMAGES} afbeeldingen per versie inleveren.")
        cleaned = []
        for number, upload in enumerate(files, start=1):
            try:
                cleaned.append(clean_image(upload.stream.read(MAX_BYTES + 1)))
            except ImageError as err:
                raise ImageError(f"Afbeelding {number}: {err}") from None
        return cleaned
    finally:
        for upload in files:
            upload.close()


def _render_write(lesson: Lesson, form: AssignmentForm) -> str:
    counted = progress.counts_for(current_user)
    versions = progress.submissions_for(current_user.id, lesson.slug) if counted else []
    latest = versions[-1] if versions else None
    review = latest.latest_review if latest else None
    ids = [v.id for v in versions]
    received = peer.received_by(current_user.id, ids) if counted else []
    return render_template(
        "assignments/write.html",
        lesson=lesson,
        instructions_html=assignment_html(lesson),
        form=form,
        versions=list(reversed(versions)),
        latest=latest,
        approved=review is not None and review.status == "approved",
        status=_status(latest),
        preview=not counted,
        in_class=_in_a_class(current_user.id) if counted else True,
        rubric=catalog().rubrics.get(lesson.slug),
        images=media.images_of(ids),
        rubric_levels=media.rubric_levels_of(versions),
        peer_tasks=peer.tasks_for(current_user.id, lesson.slug) if counted else [],
        peer_received=received,
        peer_names=peer.reviewer_names(received),
        shares=share.shares_of(current_user.id, lesson.slug) if counted else [],
        share_link=_share_link,
        share_active=share.is_active,
        supervisor_comments=share.comments_on(ids),
        report_form=ActionForm(),
    )


def _share_link(item) -> str:
    return url_for("share.show", link=share.token(item, current_app.secret_key.encode()), _external=True)


def _in_a_class(student_id: int) -> bool:
    return db.session.scalar(select(Enrolment.id).where(Enrolment.student_id == student_id).limit(1)) is not None


def _status(submission: Submission | None) -> str | None:
    if submission is None:
        return None
    review = submission.latest_review
    return progress.HANDED_IN if review is None else review.status


@bp.get("/assignments/versions/<id:submission_id>")
@login_required
def version(submission_id: int) -> str:
    """One handed-in version with its feedback; only ever the student's own (else 404)."""
    submission = progress.own_submission(current_user.id, submission_id)
    if submission is None:
        abort(404)
    return render_template(
        "assignments/version.html",
        submission=submission,
        lesson=catalog().lessons.get(submission.lesson_slug),
        status=_status(submission),
        images=media.images_of([submission.id]),
        rubric_levels=media.rubric_levels_of([submission]),
    )


@bp.get("/assignments/images/<id:image_id>")
@bp.get("/assignments/images/<id:image_id>/<any(klein):size>")
@login_required
def image(image_id: int, size: str = "") -> Response:
    """An image of a version, for its student, the teachers of its class and the classmates asked
    to give feedback on it; anyone else gets 404."""
    found = media.image_for_viewer(current_user, image_id)
    if found is None:
        abort(404)
    return media.image_response(found, thumbnail=size == "klein")


# --- the teacher's side ---------------------------------------------------------------------------


@bp.get("/teacher/classes/<id:class_id>/assignments")
@role_required("teacher", "admin")
def queue(class_id: int) -> str:
    school_class = class_for_teacher_or_404(current_user, class_id)
    return render_template(
        "assignments/queue.html",
        school_class=school_class,
        queue=assignment_queue(school_class.id),
        reviewed=recent_reviews(school_class.id),
        lessons=catalog().lessons,
        peer_on=peer.switched_on(school_class.id),
    )


@bp.get("/teacher/classes/<id:class_id>/assignments/<id:submission_id>")
@role_required("teacher", "admin")
def review(class_id: int, submission_id: int) -> str:
    school_class = class_for_teacher_or_404(current_user, class_id)
    submission = _submission_or_404(school_class.id, submission_id)
    form = _rubric_review_form(submission.lesson_slug)(data=_last_levels(submission))
    return _render_review(school_class, submission, form)


def _last_levels(submission: Submission) -> dict[str, str]:
    """The levels of the latest review, so a second look starts where the first one ended."""
    rubric = catalog().rubrics.get(submission.lesson_slug)
    last = submission.latest_review
    chosen = progress.rubric_levels(last.id) if last is not None else None
    if rubric is None or not chosen:
        return {}
    return {f"level_{i}": chosen[c.name] for i, c in enumerate(rubric.criteria, start=1) if c.name in chosen}


@bp.post("/teacher/classes/<id:class_id>/assignments/<id:submission_id>")
@role_required("teacher", "admin")
def give_review(class_id: int, submission_id: int) -> str | Response:
    school_class = class_for_teacher_or_404(current_user, class_id)
    submission = _submission_or_404(school_class.id, submission_id)
    rubric = catalog().rubrics.get(submission.lesson_slug)
    form = _rubric_review_form(submission.lesson_slug)()
    if not form.validate_on_submit():
        return _render_review(school_class, submission, form)
    try:
        made = progress.review(
            submission, current_user.id, form.status.data, form.feedback.data or "",
            levels=extra_forms.chosen_levels(form, rubric),
        )
    except progress.ProgressError as err:
        target = form.feedback if err.field == "feedback" else form.status
        target.errors = [*target.errors, err.message]
        return _render_review(school_class, submission, form)
    if made is not None:
        label = progress.ASSIGNMENT_LABELS[made.status].lower()
        flash(f"Opgeslagen: {label}. De student ziet je feedback op de opdrachtpagina.", "success")
    remaining = assignment_queue(school_class.id)
    if remaining:
        return redirect(url_for("assignments.review", class_id=school_class.id, submission_id=remaining[0][0].id))
    flash("Alle ingeleverde opdrachten van deze klas zijn beoordeeld.", "success")
    return redirect(url_for("assignments.queue", class_id=school_class.id))


def _submission_or_404(class_id: int, submission_id: int) -> Submission:
    submission = submission_in_class(class_id, submission_id)
    if submission is None:
        abort(404)
    return submission


def _render_review(school_class: SchoolClass, submission: Submission, form: ReviewForm) -> str:
    versions = [
        version
        for version in progress.submissions_for(submission.student_id, submission.lesson_slug)
        if version.class_id == school_class.id
    ]
    lesson = catalog().lessons.get(submission.lesson_slug)
    waiting = assignment_queue(school_class.id)
    return render_template(
        "assignments/review.html",
        school_class=school_class,
        submission=submission,
        student=db.session.get(User, submission.student_id),
        lesson=lesson,
        instructions_html=assignment_html(lesson) if lesson and lesson.assignment else None,
        versions=list(reversed(versions)),
        is_latest=versions[-1].id == submission.id,
        newest=versions[-1],
        form=form,
        status=_status(submission),
        waiting=len(waiting),
        rubric=catalog().rubrics.get(submission.lesson_slug),
        images=media.images_of([v.id for v in versions]),
        rubric_levels=media.rubric_levels_of(versions),
        peer_on=peer.is_on(school_class.id, submission.lesson_slug),
        supervisor_comments=share.comments_on([v.id for v in versions]),
    )
