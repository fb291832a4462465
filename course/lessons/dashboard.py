"""The student's own pages: dashboard (lessons, next step) and joining a class."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.wrappers import Response
from wtforms import StringField
from wtforms.validators import DataRequired

from ..accounts import guesses
from ..accounts import rules as accounts
from ..classes import membership
from ..core.access import role_required
from ..core.extensions import db
from ..core.forms import ActionForm
from ..models import Enrolment, SchoolClass
from .lookup import step_url, student_overview
from .progress import FINISHED_MEANS

bp = Blueprint("student", __name__, url_prefix="/student")


class JoinForm(FlaskForm):
    join_code = StringField(
        "Klascode",
        filters=[accounts.normalise_join_code],
        validators=[DataRequired("Vul de klascode in die je van je docent kreeg.")],
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"},
    )


def my_classes() -> list[SchoolClass]:
    return list(
        db.session.scalars(
            select(SchoolClass)
            .join(Enrolment, Enrolment.class_id == SchoolClass.id)
            .where(Enrolment.student_id == current_user.id)
            .order_by(SchoolClass.school_year.desc(), SchoolClass.name)
        )
    )


@bp.get("/")
@role_required("student")
def dashboard() -> str:
    return _render_dashboard(JoinForm())


def _render_dashboard(join_form: JoinForm) -> str:
    """Twelve lessons with their state and one next step, derived from rows (nothing written)."""
    overview = student_overview()
    return render_template(
        "student/dashboard.html",
        classes=my_classes(),
        join_form=join_form,
        move=membership.pending_move(current_user.id),
        overview=overview,
        next_url=step_url(overview.next_step) if overview else None,
        finished_means=FINISHED_MEANS,
    )


@bp.post("/join")
@role_required("student")
def join() -> str | Response | tuple[str, int]:
    form = JoinForm()
    if form.validate_on_submit():
        wait = guesses.seconds_to_wait("join")
        if wait:
            form.join_code.errors.append(guesses.wait_message(wait))
            return _render_dashboard(form), 429
        try:
            school_class, outcome = membership.join_with_code(current_user.account(), form.join_code.data)
        except accounts.AccountError as err:
            guesses.guessed_wrong("join")
            form.join_code.errors.append(err.message)
        else:
            flash(JOINED[outcome].format(name=school_class.name), "success")
            return redirect(url_for("student.dashboard"))
    return _render_dashboard(form)


JOINED = {
    "joined": "Je zit nu in {name}.",
    "already": "Je zat al in {name}.",
    "requested": "Je vraag om over te stappen naar {name} is verstuurd. Je docent van nu beslist. "
    "Tot dan blijf je in je huidige klas.",
}


@bp.post("/join/withdraw")
@role_required("student")
def withdraw_move() -> Response:
    if not ActionForm().validate_on_submit():
        abort(400)
    membership.withdraw(current_user.id)
    flash("Je vraag om over te stappen is ingetrokken.", "success")
    return redirect(url_for("student.dashboard"))
