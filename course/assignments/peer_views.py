"""Peer feedback pages: a student gives feedback on a classmate's work and reports a hurtful
comment; the teacher switches peer feedback on, reads everything and hides or shows comments."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.wrappers import Response

from ..classes.scopes import class_for_teacher_or_404
from ..core.access import role_required
from ..core.content_store import catalog
from ..core.extensions import db
from ..core.forms import ActionForm
from ..lessons.lookup import lesson_or_404
from ..models import Enrolment, PeerReview, Submission, User
from . import media, peer
from .forms import PeerSettingsForm, chosen_levels, peer_form

bp = Blueprint("peer", __name__)


def _task_or_404(task_id: int) -> PeerReview:
    task = peer.task_for(current_user.id, task_id)
    if task is None:
        abort(404)
    return task


@bp.get("/assignments/peerfeedback/<id:task_id>")
@login_required
def give(task_id: int) -> str:
    task = _task_or_404(task_id)
    rubric = catalog().rubrics.get(task.lesson_slug)
    form = peer_form(rubric)(data={"top": task.top, "tip": task.tip})
    return _render_give(task, form)


@bp.post("/assignments/peerfeedback/<id:task_id>")
@login_required
def save(task_id: int) -> str | Response:
    task = _task_or_404(task_id)
    rubric = catalog().rubrics.get(task.lesson_slug)
    form = peer_form(rubric)()
    if not form.validate_on_submit():
        return _render_give(task, form)
    try:
        stored = peer.give(task, chosen_levels(form, rubric), form.top.data or "", form.tip.data or "")
    except peer.PeerError as err:
        target = getattr(form, err.field)
        target.errors = [*target.errors, err.message]
        return _render_give(task, form)
    if stored:
        flash("Je feedback is verstuurd. Dank je wel!", "success")
    return redirect(url_for("assignments.write", slug=task.lesson_slug))


def _render_give(task: PeerReview, form) -> str:
    setting = peer.setting(task.class_id, task.lesson_slug)
    submission = db.session.get(Submission, task.submission_id)
    author = db.session.get(User, task.author_id) if setting and not setting.anonymous else None
    rubric = catalog().rubrics.get(task.lesson_slug)
    return render_template(
        "assignments/peer_give.html",
        task=task,
        form=form,
        lesson=lesson_or_404(task.lesson_slug),
        submission=submission,
        author=author,
        images=media.images_of([submission.id]).get(submission.id, []) if submission else [],
        rubric=rubric,
        fields=[getattr(form, f"level_{i}") for i in range(1, len(rubric.criteria) + 1)] if rubric else [],
    )


@bp.post("/assignments/peerfeedback/ontvangen/<id:feedback_id>/melden")
@login_required
def report(feedback_id: int) -> Response:
    if not ActionForm().validate_on_submit():
        abort(400)
    row = peer.report(current_user.id, feedback_id)
    if row is None:
        abort(404)
    flash("Gemeld. De reactie is nu verborgen. Je docent kijkt ernaar.", "success")
    return redirect(url_for("assignments.write", slug=row.lesson_slug))


# --- the teacher's side -----------------------------------------------------------------------


def _assignment_lesson(slug: str):
    lesson = lesson_or_404(slug)
    if lesson.assignment is None:
        abort(404)
    return lesson


@bp.get("/teacher/classes/<id:class_id>/peerfeedback/<slug>")
@role_required("teacher", "admin")
def overview(class_id: int, slug: str) -> str:
    school_class = class_for_teacher_or_404(current_user, class_id)
    lesson = _assignment_lesson(slug)
    setting = peer.setting(school_class.id, lesson.slug)
    form = PeerSettingsForm(data={"enabled": bool(setting and setting.enabled),
                                  "anonymous": setting.anonymous if setting else True})
    return _render_overview(school_class, lesson, form)


def _render_overview(school_class, lesson, form) -> str:
    names = dict(
        db.session.execute(
            select(User.id, User.display_name)
            .join(Enrolment, Enrolment.student_id == User.id)
            .where(Enrolment.class_id == school_class.id)
        ).all()
    )
    return render_template(
        "assignments/peer_overview.html",
        school_class=school_class,
        lesson=lesson,
        form=form,
        rows=peer.for_class(school_class.id, lesson.slug),
        names=names,
        rubric=catalog().rubrics.get(lesson.slug),
        action_form=ActionForm(),
    )


@bp.post("/teacher/classes/<id:class_id>/peerfeedback/<slug>")
@role_required("teacher", "admin")
def settings(class_id: int, slug: str) -> str | Response:
    school_class = class_for_teacher_or_404(current_user, class_id)
    lesson = _assignment_lesson(slug)
    form = PeerSettingsForm()
    if not form.validate_on_submit():
        return _render_overview(school_class, lesson, form)
    peer.switch(school_class.id, lesson.slug, form.enabled.data, form.anonymous.data, current_user)
    flash("Peerfeedback staat aan." if form.enabled.data else "Peerfeedback staat uit.", "success")
    return redirect(url_for("peer.overview", class_id=school_class.id, slug=lesson.slug))


@bp.post("/teacher/classes/<id:class_id>/peerfeedback/<slug>/<id:feedback_id>/<any(verbergen,tonen):verdict>")
@role_required("teacher", "admin")
def decide(class_id: int, slug: str, feedback_id: int, verdict: str) -> Response:
    school_class = class_for_teacher_or_404(current_user, class_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    if peer.decide(school_class.id, feedback_id, verdict == "tonen", current_user) is None:
        abort(404)
    flash("De reactie is weer zichtbaar." if verdict == "tonen" else "De reactie is verborgen.", "success")
    return redirect(url_for("peer.overview", class_id=school_class.id, slug=slug))
