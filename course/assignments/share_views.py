"""The link for the internship supervisor: the student makes and revokes it; the supervisor opens
it without an account, reads that one version and leaves one comment. Like every page, it loads
nothing from other hosts and sets no cookie beyond the form's session, so nobody follows the
supervisor around."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from ..core.content_store import catalog
from ..core.extensions import db
from ..core.forms import ActionForm
from ..lessons import progress
from ..models import Submission, SubmissionImage
from . import media, share
from .forms import SupervisorCommentForm

bp = Blueprint("share", __name__)


def _key() -> bytes:
    return current_app.secret_key.encode() if isinstance(current_app.secret_key, str) else current_app.secret_key


@bp.post("/assignments/versions/<id:submission_id>/delen")
@login_required
def create(submission_id: int) -> Response:
    submission = progress.own_submission(current_user.id, submission_id)
    if submission is None or not ActionForm().validate_on_submit():
        abort(404)
    share.create(current_user, submission)
    flash("Je link is klaar. Kopieer hem en stuur hem naar je praktijkopleider. Hij werkt 14 dagen.", "success")
    return redirect(url_for("assignments.write", slug=submission.lesson_slug, _anchor="delen-kop"))


@bp.post("/assignments/deellinks/<id:share_id>/intrekken")
@login_required
def revoke(share_id: int) -> Response:
    if not ActionForm().validate_on_submit():
        abort(400)
    found = share.revoke(current_user, share_id)
    if found is None:
        abort(404)
    submission = db.session.get(Submission, found.submission_id)
    flash("De link werkt niet meer.", "success")
    return redirect(url_for("assignments.write", slug=submission.lesson_slug, _anchor="delen-kop"))


def _share_or_404(link: str):
    found = share.open_link(link, _key())
    if found is None:
        abort(404)
    return found


@bp.get("/praktijk/<link>")
def show(link: str) -> Response:
    found = _share_or_404(link)
    share.record_view(found)
    return _render_show(link, found, SupervisorCommentForm())


@bp.post("/praktijk/<link>")
def comment(link: str) -> Response:
    found = _share_or_404(link)
    form = SupervisorCommentForm()
    if form.validate_on_submit():
        try:
            if share.comment(found, form.name.data or "", form.comment.data or ""):
                flash("Dank u wel. De student en de docent lezen uw reactie.", "success")
            return redirect(url_for("share.show", link=link))
        except share.ShareError as err:
            target = getattr(form, err.field)
            target.errors = [*target.errors, err.message]
    return _render_show(link, found, form)


def _render_show(link: str, found, form: SupervisorCommentForm) -> Response:
    submission = db.session.get(Submission, found.submission_id)
    lesson = catalog().lessons.get(submission.lesson_slug)
    response = current_app.make_response(
        render_template(
            "assignments/share_show.html",
            link=link,
            share=found,
            submission=submission,
            lesson=lesson,
            images=media.images_of([submission.id]).get(submission.id, []),
            form=form,
        )
    )
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


@bp.get("/praktijk/<link>/afbeelding/<id:image_id>")
def image(link: str, image_id: int) -> Response:
    """Only the images of the shared version."""
    found = _share_or_404(link)
    picture = db.session.get(SubmissionImage, image_id)
    if picture is None or picture.submission_id != found.submission_id:
        abort(404)
    return media.image_response(picture)
