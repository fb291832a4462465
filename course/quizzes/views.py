"""Taking a quiz: intro and policy, one attempt page, the review; teachers void a question.

Students take quizzes for a grade. Staff (teacher, trainer, admin) take them as a preview: stored
with ``is_preview`` so they never reach a gradebook or the attempt limit.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from ..classes.scopes import class_for_teacher_or_404, classes_taught_by
from ..content.quiz_files import Quiz
from ..core.access import role_required
from ..core.content_store import catalog, current_quiz, quiz_matches_file
from ..core.extensions import db
from ..core.forms import ActionForm
from ..models import QuizAttempt, SchoolClass
from . import attempts
from .forms import (
    KIND_HINTS,
    KIND_NAMES,
    QuizForm,
    format_points,
    open_questions,
    percentage,
    points_label,
    question_fields,
    quiz_form,
    reaches_pass_mark,
    review,
)
from .results import counting_attempt

bp = Blueprint("quizzes", __name__, url_prefix="/quizzes")
EDIT_RETRY_SECONDS = 120  # an author fixing a quiz file that did not pass the check


@bp.app_template_filter("quiz_points")
def _points_filter(value: object) -> str:
    return points_label(value)  # type: ignore[arg-type]


@bp.app_template_filter("quiz_number")
def _number_filter(value: object) -> str:
    return format_points(value)  # type: ignore[arg-type]


def _quiz_or_404(slug: str) -> Quiz:
    quiz = current_quiz(slug)
    if quiz is None:
        abort(404)
    return quiz


def _attempt_or_404(quiz: Quiz, token: str) -> QuizAttempt:
    """Only the owner reaches an attempt; anyone else's token is simply not found."""
    attempt = attempts.owned_attempt(current_user.id, quiz.slug, token)
    if attempt is None:
        abort(404)
    return attempt


def _is_preview() -> bool:
    return bool(current_user.is_staff)


def _lesson_url(quiz: Quiz) -> str | None:
    if quiz.lesson and "lessons" in current_app.blueprints and quiz.lesson in catalog().lessons:
        return url_for("lessons.show", slug=quiz.lesson)
    return None


# -- intro ----------------------------------------------------------------------------------------


@bp.get("/<slug>")
@login_required
def show(slug: str) -> str:
    quiz = _quiz_or_404(slug)
    preview = _is_preview()
    done = attempts.submitted_attempts(current_user.id, quiz.slug)
    counted = [a for a in done if not a.is_preview]
    used = len(counted)
    limit = quiz.policy.max_attempts
    left = None if limit is None else max(0, limit - used)
    my_classes = []
    if current_user.is_teacher or current_user.is_admin:
        my_classes = list(db.session.scalars(
            classes_taught_by(current_user).where(SchoolClass.archived_at.is_(None)).order_by(SchoolClass.name)
        ))
    counting = counting_attempt(counted, quiz.policy.counts)
    return render_template(
        "quizzes/show.html",
        quiz=quiz,
        preview=preview,
        attempts=done,
        counting=counting,
        passed=bool(counting) and reaches_pass_mark(counting.score, counting.max_score, quiz.policy.pass_percentage),
        used=used,
        left=left,
        can_start=preview or left is None or left > 0,
        open_attempt=attempts.open_attempt(current_user.id, quiz.slug),
        lesson_url=_lesson_url(quiz),
        my_classes=my_classes,
        action=ActionForm(),
        percentage=percentage,
    )


@bp.post("/<slug>/start")
@login_required
def start(slug: str) -> Response:
    quiz = _quiz_or_404(slug)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        attempt = attempts.start_attempt(current_user, quiz, preview=_is_preview())
    except attempts.AttemptError as err:
        flash(err.message, "error")
        return redirect(url_for("quizzes.show", slug=slug))
    return redirect(url_for("quizzes.attempt", slug=slug, token=attempt.token))


# -- the attempt ----------------------------------------------------------------------------------


@bp.get("/<slug>/attempts/<token>")
@login_required
def attempt(slug: str, token: str) -> str | Response:
    quiz = _quiz_or_404(slug)
    found = _attempt_or_404(quiz, token)
    if found.submitted_at is not None:
        return redirect(url_for("quizzes.review_attempt", slug=slug, token=token))
    # Answers saved earlier (the save button or as they changed) are back on screen.
    form = quiz_form(quiz, found.seed, formdata=None, data=found.saved_answers or {})
    return _render_attempt(quiz, found, form)


def _render_attempt(quiz: Quiz, found: QuizAttempt, form: QuizForm, notice: str | None = None) -> str:
    return render_template(
        "quizzes/attempt.html",
        quiz=quiz,
        attempt=found,
        form=form,
        fields_of=lambda question: question_fields(form, question),
        hints=KIND_HINTS,
        changed=found.quiz_version != quiz.version,
        notice=notice,
    )


@bp.post("/<slug>/attempts/<token>")
@login_required
def submit(slug: str, token: str) -> str | Response | tuple[str, int] | tuple[str, int, dict[str, str]]:
    quiz = _quiz_or_404(slug)
    if request.form.get("action") == "save":
        return _save(quiz, token, for_script=False)
    review_url = url_for("quizzes.review_attempt", slug=slug, token=token)
    # Checking and grading only read: a whole class submitting in the same second then queues
    # for SQLite's write lock just for the few rows each submit writes.
    with db.reading():
        hand_in = attempts.attempt_to_hand_in(current_user.id, quiz.slug, token)
        if hand_in is None:
            abort(404)  # only the owner reaches an attempt
        found = hand_in.attempt
        if found.submitted_at is not None:
            # A double click, the back button or a second tab: the first submit already counted.
            return redirect(review_url)
        form = quiz_form(quiz, found.seed)
        # Answers are graded only against the version the student had on screen, and only when
        # that is the version on disk (docs/authoring.md, "Editing content while the app runs").
        if not quiz_matches_file(quiz):
            page = _render_attempt(quiz, found, form, notice="being_edited")
            return page, 503, {"Retry-After": str(EDIT_RETRY_SECONDS)}
        if (form.shown_version.data or found.quiz_version) != quiz.version:
            return _render_attempt(quiz, found, form, notice="changed_while_answering"), 409
        if not form.validate_on_submit():
            return _render_attempt(quiz, found, form)
        answers = form.answers()
        missing = open_questions(quiz, answers)
        if missing and not request.form.get("confirm"):
            # Open questions would cost an attempt unnoticed: ask first, on a page of its own
            # (works without JavaScript). Nothing is graded yet.
            on_screen = form.on_screen()
            page = render_template(
                "quizzes/confirm.html",
                quiz=quiz,
                form=form,
                missing=missing,
                on_screen=on_screen,
                attempt_token=token,
                attempt_url=url_for("quizzes.attempt", slug=slug, token=token),
            )
        else:
            page = None
            result = attempts.grade_submission(found.class_id, quiz, answers, voided=hand_in.voided)
    if page is not None:
        # "Go back and answer" finds the choices back on the quiz page.
        attempts.save_answers(current_user.id, token, on_screen)
        return page
    if attempts.store_submission(current_user.id, token, quiz, answers, result, heard=hand_in.heard):
        flash("Je antwoorden zijn ingeleverd. Hieronder zie je wat goed ging en wat niet.", "success")
    return redirect(review_url)


@bp.post("/<slug>/attempts/<token>/save")
@login_required
def save(slug: str, token: str) -> Response | tuple[str, int]:
    """Answers saved as they change (static/js/quiz-autosave.js): 204, or once submitted, like a
    submit, a redirect to the review (the script does not follow it)."""
    return _save(_quiz_or_404(slug), token, for_script=True)


def _save(quiz: Quiz, token: str, for_script: bool) -> Response | tuple[str, int]:
    """Keep the choices on screen with the open attempt, without grading anything."""
    found = _attempt_or_404(quiz, token)
    form = quiz_form(quiz, found.seed)  # CSRF is checked for every POST (CSRFProtect)
    saved = found.submitted_at is None and attempts.save_answers(current_user.id, token, form.on_screen())
    if not saved:
        return redirect(url_for("quizzes.review_attempt", slug=quiz.slug, token=token))
    if for_script:
        return "", 204
    flash("Je antwoorden zijn opgeslagen. Er is nog niets ingeleverd: dat doe je met Inleveren.", "success")
    return redirect(url_for("quizzes.attempt", slug=quiz.slug, token=token))


@bp.get("/<slug>/attempts/<token>/review")
@login_required
def review_attempt(slug: str, token: str) -> str | Response:
    quiz = _quiz_or_404(slug)
    owned = attempts.attempt_with_voided(current_user.id, quiz.slug, token)
    if owned is None:
        abort(404)  # only the owner reaches an attempt
    found, voided = owned
    if found.submitted_at is None:
        return redirect(url_for("quizzes.attempt", slug=slug, token=token))
    return render_template(
        "quizzes/review.html",
        quiz=quiz,
        attempt=found,
        rows=review(quiz, found, voided),
        show_answers=quiz.policy.show_answers,
        changed=found.quiz_version != quiz.version,
        percent=percentage(found.score, found.max_score),
        passed=reaches_pass_mark(found.score, found.max_score, quiz.policy.pass_percentage),
    )


# -- teachers: void a question for one class ------------------------------------------------------


@bp.get("/<slug>/classes/<id:class_id>")
@role_required("teacher", "admin")
def class_questions(slug: str, class_id: int) -> str:
    quiz = _quiz_or_404(slug)
    school_class = class_for_teacher_or_404(current_user, class_id)
    done = attempts.class_attempts(school_class.id, quiz.slug)
    return render_template(
        "quizzes/class.html",
        quiz=quiz,
        school_class=school_class,
        voided=attempts.voided_in_class(school_class.id, quiz.slug),
        attempt_count=len(done),
        older=sum(1 for a in done if a.quiz_version != quiz.version),
        students=len({a.user_id for a in done}),
        kind_names=KIND_NAMES,
        action=ActionForm(),
    )


@bp.post("/<slug>/classes/<id:class_id>/questions/<question_id>/void")
@role_required("teacher", "admin")
def void(slug: str, class_id: int, question_id: str) -> Response:
    return _set_void(slug, class_id, question_id, voided=True)


@bp.post("/<slug>/classes/<id:class_id>/questions/<question_id>/unvoid")
@role_required("teacher", "admin")
def unvoid(slug: str, class_id: int, question_id: str) -> Response:
    return _set_void(slug, class_id, question_id, voided=False)


def _set_void(slug: str, class_id: int, question_id: str, voided: bool) -> Response:
    quiz = _quiz_or_404(slug)
    school_class = class_for_teacher_or_404(current_user, class_id)
    question = quiz.question(question_id)
    if question is None:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    number = quiz.questions.index(question) + 1
    change = attempts.void_question if voided else attempts.unvoid_question
    try:
        changes = change(current_user, school_class, quiz, question_id)
    except attempts.AttemptError as err:
        flash(err.message, "error")
    else:
        regraded = sum(1 for c in changes if c.changed)
        if voided:
            flash(
                f"Vraag {number} is vervallen voor {school_class.name}: iedereen krijgt er "
                f"{points_label(question.points)} voor. {regraded} poging(en) opnieuw nagekeken.",
                "success",
            )
        else:
            flash(
                f"Vraag {number} telt weer mee voor {school_class.name}. {regraded} poging(en) opnieuw nagekeken.",
                "success",
            )
    return redirect(url_for("quizzes.class_questions", slug=slug, class_id=class_id))
