"""Gradebook pages for the teachers of a class: the grid, one student, item analysis per quiz,
the misconceptions the class holds, and the downloads. All GET: nothing here changes anything."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from urllib.parse import quote

from flask import Blueprint, abort, current_app, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import BooleanField, SelectField
from wtforms.fields.choices import SelectChoice

from ..classes.scopes import class_for_teacher_or_404, is_owner, student_in_class_or_404
from ..content.quiz_files import Quiz
from ..core.access import role_required
from ..core.content_store import catalog
from ..core.downloads import download
from ..core.numbers import percent_label, percent_of
from ..core.templating import LOCAL_ZONE
from ..live import sessions as live_sessions
from ..lti import scores as platform_scores
from ..models import SchoolClass
from ..quizzes.attempts import voided_question_ids
from ..quizzes.forms import KIND_NAMES, format_points, review
from . import analysis, exports, loaders
from .assignment_columns import load_extras, review_levels
from .grid import ASSIGNMENT_LABELS, SORTS, Grid, arrange, load_grid, rounded

bp = Blueprint("gradebook", __name__, url_prefix="/teacher/gradebook")

INTERNATIONAL_CSV = "internationaal"  # ?variant=: commas and decimal points
SORT_LABELS = {"name": "Naam", "progress": "Voortgang (meeste lessen gelezen eerst)", "score": "Gemiddelde quizscore"}


@bp.context_processor
def _helpers() -> dict[str, object]:
    return {
        "number": format_points, "percent": percent_text, "stat": stat_text, "rounded": rounded,
        "misconception_text": misconception_text,
    }


@bp.app_template_global("class_progress")
def class_progress(class_id: int) -> Grid:
    """Lessons done and who is behind, for the class page (the page has checked the teacher's reach)."""
    return load_grid(class_id, catalog())


def misconception_text(tag: str) -> str:
    """The sentence a teacher reads for a misconception tag (the tag itself when it has none)."""
    return catalog().misconceptions.get(tag) or tag


def percent_text(value: Decimal | float | None) -> str:
    """A whole percentage for the page, "–" when there is none."""
    return percent_label(value)


def stat_text(value: float | None) -> str:
    """A statistic with two decimals and a Dutch decimal comma: 0,85."""
    if value is None:
        return "-"
    return f"{rounded(Decimal(str(value)), 2)}".replace(".", ",")


class GridOptions(FlaskForm):
    """How to show the grid; read from the query string, so it needs no CSRF token."""

    class Meta:
        csrf = False

    sort = SelectField("Sorteer op", choices=[SelectChoice(key, SORT_LABELS[key]) for key in SORTS], default="name")
    achter = BooleanField("Alleen wie achterloopt")


def _class(class_id: int) -> SchoolClass:
    return class_for_teacher_or_404(current_user, class_id)


def _quiz_or_404(slug: str) -> Quiz:
    quiz = catalog().quizzes.get(slug)
    if quiz is None:
        abort(404)
    return quiz


def _today() -> datetime:
    return datetime.now(LOCAL_ZONE)


def _url_maker(endpoint: str, key: str, **values: object) -> Callable[[object], str]:
    """url_for once, then plain string joins: a grid of 1,000 students has 24,000 links, and
    url_for per link was a third of the page's time."""
    marker = 987654321
    head, tail = url_for(endpoint, **values, **{key: marker}).split(str(marker))
    return lambda value: f"{head}{quote(str(value), safe='')}{tail}"


def _links(school_class: SchoolClass) -> dict[str, object]:
    """Link makers for the cells: a counting attempt's review, a submission's review page."""
    has_assignments = "assignments" in current_app.blueprints
    return {
        "assignment_links": has_assignments,
        "attempt_url": _url_maker("gradebook.attempt", "token", class_id=school_class.id),
        "student_url": _url_maker("gradebook.student", "student_id", class_id=school_class.id),
        "assignment_url": _url_maker("assignments.review", "submission_id", class_id=school_class.id)
        if has_assignments
        else None,
    }


# -- the grid -------------------------------------------------------------------------------------


@bp.get("/<id:class_id>")
@role_required("teacher", "admin")
def grid(class_id: int) -> str:
    school_class = _class(class_id)
    options = GridOptions(formdata=request.args)
    if not options.validate():
        options = GridOptions(formdata=None)
    data = load_grid(school_class.id, catalog())
    rows = arrange(data, options.sort.data or "name", behind_only=bool(options.achter.data))
    return render_template(
        "gradebook/grid.html",
        school_class=school_class,
        grid=data,
        rows=rows,
        options=options,
        sort_labels=SORT_LABELS,
        platform_sync=platform_scores.status_by_student(school_class.id),
        **_links(school_class),
    )


@bp.get("/<id:class_id>/cijfers.<any(csv, xlsx):fmt>")
@role_required("teacher", "admin")
def export_grid(class_id: int, fmt: str) -> Response:
    school_class = _class(class_id)
    data = load_grid(school_class.id, catalog())
    rows = arrange(data, "name")
    table = exports.with_assignment_columns(exports.grid_table(data, rows), data, rows, load_extras(school_class.id))
    name = exports.file_name("cijfers", school_class.name, _today().date(), fmt)
    if fmt == "csv":
        return download(exports.to_csv(table, dutch=_dutch_csv()), name, exports.CSV_MIMETYPE)
    return download(exports.to_xlsx([(f"Cijfers {school_class.name}", table)]), name, exports.XLSX_MIMETYPE)


def _dutch_csv() -> bool:
    """The CSV for a spreadsheet set to Dutch, unless the teacher asked for the one for other programs."""
    return request.args.get("variant") != INTERNATIONAL_CSV


# -- one student ----------------------------------------------------------------------------------


@bp.get("/<id:class_id>/students/<id:student_id>")
@role_required("teacher", "admin")
def student(class_id: int, student_id: int) -> str:
    school_class = _class(class_id)
    person = student_in_class_or_404(school_class, student_id)
    data = load_grid(school_class.id, catalog(), only=person.id)
    work = loaders.student_work(person.id, school_class.id)
    counting = {q.token for q in data.rows[0].quizzes if q.token} if data.rows else set()
    return render_template(
        "gradebook/student.html",
        school_class=school_class,
        student=person,
        grid=data,
        row=data.rows[0] if data.rows else None,
        work=work,
        counting=counting,
        quizzes=catalog().quizzes,
        lessons=catalog().lessons,
        labels=ASSIGNMENT_LABELS,
        extras=load_extras(school_class.id),
        rubric_levels=review_levels([v for versions in work.submissions.values() for v in versions]),
        owner=is_owner(current_user, school_class),
        **_links(school_class),
    )


@bp.get("/<id:class_id>/attempts/<token>")
@role_required("teacher", "admin")
def attempt(class_id: int, token: str) -> str:
    """A student's attempt as the teacher sees it: what was chosen, the right answers, the feedback."""
    school_class = _class(class_id)
    found = loaders.class_attempt(school_class.id, token)
    if found is None:
        abort(404)
    quiz = _quiz_or_404(found.quiz_slug)
    person = student_in_class_or_404(school_class, found.user_id)
    # As the student's own review shows it: voided in any class the student is in.
    voided = voided_question_ids(found.class_id, quiz.slug)
    return render_template(
        "gradebook/attempt.html",
        school_class=school_class,
        student=person,
        quiz=quiz,
        attempt=found,
        rows=review(quiz, found, voided),
        attempt_percentage=percent_of(found.score, found.max_score),
        changed=found.quiz_version != quiz.version,
    )


# -- item analysis and misconceptions -------------------------------------------------------------


def _analysis(school_class: SchoolClass, quiz: Quiz) -> analysis.QuizAnalysis:
    content = catalog()
    responses = loaders.quiz_responses(school_class.id, quiz.slug, content)
    voided = loaders.voided_in_class(school_class.id, quiz.slug)
    return analysis.analyse_quiz(quiz, responses, content.misconceptions, voided)


@bp.get("/<id:class_id>/quizzes/<slug>")
@role_required("teacher", "admin")
def items(class_id: int, slug: str) -> str:
    school_class = _class(class_id)
    quiz = _quiz_or_404(slug)
    return render_template(
        "gradebook/items.html",
        school_class=school_class,
        quiz=quiz,
        result=_analysis(school_class, quiz),
        minimum=analysis.MIN_ATTEMPTS_FOR_DISCRIMINATION,
        kind_labels=KIND_NAMES,
        lesson=catalog().lessons.get(quiz.lesson or ""),
    )


@bp.get("/<id:class_id>/quizzes/<slug>/itemanalyse.<any(csv, xlsx):fmt>")
@role_required("teacher", "admin")
def export_items(class_id: int, slug: str, fmt: str) -> Response:
    school_class = _class(class_id)
    quiz = _quiz_or_404(slug)
    result = _analysis(school_class, quiz)
    name = exports.file_name("itemanalyse", school_class.name, _today().date(), fmt, extra=quiz.slug)
    if fmt == "csv":
        return download(exports.to_csv(exports.choice_table(result), dutch=_dutch_csv()), name, exports.CSV_MIMETYPE)
    sheets = [("Vragen", exports.question_table(result)), ("Antwoorden", exports.choice_table(result))]
    return download(exports.to_xlsx(sheets), name, exports.XLSX_MIMETYPE)


@bp.get("/<id:class_id>/denkfouten")
@role_required("teacher", "admin")
def misconceptions(class_id: int) -> str:
    school_class = _class(class_id)
    content = catalog()
    shares = analysis.misconception_shares(
        loaders.class_misconceptions(school_class.id, content),
        analysis.tags_by_quiz(content.quizzes.values()),
        content.misconceptions,
    )
    return render_template(
        "gradebook/misconceptions.html",
        school_class=school_class,
        shares=shares,
        min_students=analysis.MIN_STUDENTS_TO_ACT_ON,
        quizzes=content.quizzes,
        item_url=lambda slug: url_for("gradebook.items", class_id=school_class.id, slug=slug),
        live_totals=live_sessions.misconception_totals(school_class.id).most_common(),
        labels=content.misconceptions,
    )
