"""Lesson pages: the index, a lesson as the student reads it, the teacher guide, the competence
overview and the media files of lessons/media/. Marking a lesson done is a POST; staff get a
preview in which nothing is stored."""

from __future__ import annotations

import mimetypes
import os
from datetime import timedelta

from flask import Blueprint, abort, current_app, flash, redirect, render_template, send_file, url_for
from flask.blueprints import BlueprintSetupState
from flask_login import current_user, login_required
from werkzeug.security import safe_join
from werkzeug.wrappers import Response

from . import demo, progress
from .content.lessons import Lesson
from .core.access import role_required
from .core.content_store import catalog, guide_html, lesson_html, markdown_html, render_cache
from .core.extensions import db
from .core.forms import ActionForm
from .core.page_cache import render_cached
from .core.templating import register_nav
from .models import SchoolClass, utcnow

bp = Blueprint("lessons", __name__, url_prefix="/lessons")

STAFF_ROLES = ("teacher", "trainer", "admin")
MEDIA_MAX_AGE = 24 * 60 * 60  # lesson media change rarely; a day keeps a class of phones quick
MEDIA_TYPES = ("image/", "audio/", "video/", "application/pdf")


@bp.record_once
def _on_register(state: BlueprintSetupState) -> None:
    for role in STAFF_ROLES:
        register_nav("lessons.index", "Lessen", role)
    demo.register(_demo_progress)


# --- helpers shared with the dashboard and assignments ---------------------------------------


def lesson_or_404(slug: str) -> Lesson:
    lesson = catalog().lessons.get(slug)
    if lesson is None:
        abort(404)
    return lesson


def assignment_html(lesson: Lesson) -> str:
    """Instructions rendered once per version of the lesson file, like the body."""
    assert lesson.assignment is not None
    instructions = lesson.assignment.instructions
    return render_cache().get(lesson.path, lambda: markdown_html(instructions), "assignment")


def quizzes_available() -> bool:
    return "quizzes" in current_app.blueprints


@bp.app_template_global("quiz_url")
def quiz_url(slug: str | None) -> str | None:
    """The quiz page, or None while the quizzes feature is not installed (then: no link)."""
    if not slug or not quizzes_available():
        return None
    return url_for("quizzes.show", slug=slug)


def step_url(step: progress.NextStep) -> str | None:
    if step.kind == "lesson" and step.lesson:
        return url_for("lessons.show", slug=step.lesson.slug)
    if step.kind == "assignment" and step.lesson:
        return url_for("assignments.write", slug=step.lesson.slug)
    if step.kind in ("quiz", "final_quiz"):
        return quiz_url(step.quiz_slug)
    return None


def student_overview() -> progress.Overview | None:
    """The current user's path, or None for staff (their preview has no progress)."""
    if not progress.counts_for(current_user):
        return None
    return progress.overview(current_user.id, catalog(), quizzes_available=quizzes_available())


# --- pages -----------------------------------------------------------------------------------


@bp.get("/")
@login_required
def index() -> str:
    return render_template(
        "lessons/index.html",
        lessons=list(catalog().lessons.values()),
        overview=student_overview(),
        is_staff=current_user.is_staff,
    )


@bp.get("/competences")
@login_required
def competences() -> str:
    cat = catalog()
    trained_by = {
        cid: [lesson for lesson in cat.lessons.values() if cid in lesson.competences] for cid in cat.competences
    }
    groups: dict[str, list] = {}
    for competence in cat.competences.values():
        groups.setdefault(competence.group, []).append(competence)
    return render_template(
        "lessons/competences.html", groups=groups, trained_by=trained_by, lessons=list(cat.lessons.values())
    )


@bp.get("/<slug>")
@login_required
def show(slug: str) -> str:
    lesson = lesson_or_404(slug)
    cat = catalog()
    counts = progress.counts_for(current_user)
    state = progress.lesson_state(current_user.id, lesson, cat) if counts else None
    body = lesson_html(lesson)
    instructions = assignment_html(lesson) if lesson.assignment else None

    def context() -> dict[str, object]:
        ordered = list(cat.lessons.values())
        position = ordered.index(lesson)
        return {
            "lesson": lesson,
            "body_html": body,
            "assignment_html": instructions,
            "competences": [cat.competences[c] for c in lesson.competences if c in cat.competences],
            "previous": ordered[position - 1] if position > 0 else None,
            "following": ordered[position + 1] if position + 1 < len(ordered) else None,
            "state": state,
            "preview": not counts,
            "is_staff": current_user.is_staff,
        }

    # The rendered HTML strings are in the key, so an edited lesson file gives a new page.
    key = (lesson.slug, body, instructions, counts, state.page_key() if state else None, quizzes_available())
    return render_cached("lessons/show.html", key, context)


@bp.get("/<slug>/guide")
@role_required(*STAFF_ROLES)
def guide(slug: str) -> str:
    lesson = lesson_or_404(slug)
    return render_template("lessons/guide.html", lesson=lesson, guide_html=guide_html(lesson))


@bp.post("/<slug>/done")
@login_required
def mark_done(slug: str) -> Response:
    return _set_done(slug, done=True)


@bp.post("/<slug>/undo")
@login_required
def undo_done(slug: str) -> Response:
    return _set_done(slug, done=False)


def _set_done(slug: str, *, done: bool) -> Response:
    lesson = lesson_or_404(slug)
    if not ActionForm().validate_on_submit():
        abort(400)
    if not progress.counts_for(current_user):
        flash("Voorbeeldweergave: dit is niet opgeslagen en telt nergens mee.", "info")
    else:
        progress.mark_done(current_user.id, lesson.slug, done=done)
        if done:
            flash(f"Les {lesson.number} staat op klaar. Goed bezig!", "success")
        else:
            flash(f"Les {lesson.number} staat niet meer op klaar.", "success")
    return redirect(url_for("lessons.show", slug=lesson.slug) + "#les-afronden")


@bp.get("/media/<path:filename>")
def media(filename: str) -> Response:
    """Files from lessons/media/ only: safe_join refuses ``..`` and absolute paths; hidden files
    and types a browser would run (HTML) are not served."""
    folder = catalog().lessons_dir / "media"
    if any(part.startswith(".") for part in filename.split("/")):
        abort(404)
    path = safe_join(str(folder), filename)
    if path is None or not os.path.isfile(path):
        abort(404)
    mimetype = mimetypes.guess_type(path)[0]
    if mimetype is None or not mimetype.startswith(MEDIA_TYPES):
        abort(404)
    return send_file(path, mimetype=mimetype, max_age=MEDIA_MAX_AGE, conditional=True)


# --- demo data -------------------------------------------------------------------------------

_DEMO_TEXT = (
    "Voor de opdracht **{title}** heb ik dit gedaan:\n\n"
    "- Ik heb eerst opgeschreven wat ik al wist.\n"
    "- Daarna heb ik het uitgeprobeerd met mijn eigen account.\n\n"
    "Wat ik ervan leer: je kunt zelf bepalen wat anderen over je zien."
)
_DEMO_BETTER = "\n\nNa de feedback: ik heb per keuze uitgelegd waarom ik die maak."
# Per demo student (in username order): lessons done, then per lesson what happened to the work.
_DEMO_PLAN: tuple[tuple[int, tuple[str, ...]], ...] = (
    (4, ("approved", "resubmitted", "handed_in", "draft")),
    (3, ("needs_work", "handed_in", "draft")),
    (2, ("handed_in", "draft")),
    (1, ("draft",)),
    (1, ()),
    (0, ("draft",)),
)


def _demo_progress(school_class: SchoolClass) -> None:
    """A little progress in the demo class, so dashboards, the queue and reviews show something."""
    lessons = [lesson for lesson in catalog().lessons.values() if lesson.assignment]
    students = sorted((e.student for e in school_class.enrolments), key=lambda s: s.username)
    teacher = next((t.teacher for t in school_class.teachers if t.is_owner), None)
    start = utcnow() - timedelta(days=5)
    for offset, (student, (done, work)) in enumerate(zip(students, _DEMO_PLAN, strict=False)):
        for lesson in lessons[:done]:
            progress.mark_done(student.id, lesson.slug)
        for index, (lesson, what) in enumerate(zip(lessons, work, strict=False)):
            text = _DEMO_TEXT.format(title=lesson.assignment.title if lesson.assignment else lesson.title)
            if what == "draft":
                progress.save_draft(student.id, lesson.slug, text)
                continue
            submission = progress.hand_in(student.id, lesson.slug, text)
            submission.submitted_at = start + timedelta(hours=index * 20 + offset)
            if what in ("approved", "needs_work", "resubmitted") and teacher is not None:
                status = "approved" if what == "approved" else "needs_work"
                feedback = (
                    "Duidelijk en eerlijk opgeschreven. Goedgekeurd!"
                    if status == "approved"
                    else "Je noemt wat je doet, maar niet waarom. Schrijf bij elke keuze één zin waarom."
                )
                made = progress.review(submission, teacher.id, status, feedback)
                if made is not None:
                    made.created_at = submission.submitted_at + timedelta(hours=3)
            if what == "resubmitted":
                again = progress.hand_in(student.id, lesson.slug, text + _DEMO_BETTER)
                again.submitted_at = submission.submitted_at + timedelta(hours=8)
    db.session.commit()
