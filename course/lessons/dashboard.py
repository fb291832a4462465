"""The student's own pages: dashboard (lessons, next step) and joining a class."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.wrappers import Response
from wtforms import StringField
from wtforms.validators import DataRequired

from ..accounts import rules as accounts
from ..core.access import role_required
from ..core.extensions import db
from ..models import Enrolment, SchoolClass
from .lookup import step_url, student_overview

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
        overview=overview,
        next_url=step_url(overview.next_step) if overview else None,
    )


@bp.post("/join")
@role_required("student")
def join() -> str | Response:
    form = JoinForm()
    if form.validate_on_submit():
        try:
            school_class = accounts.join_class(current_user.account(), form.join_code.data)
        except accounts.AccountError as err:
            form.join_code.errors.append(err.message)
        else:
            flash(f"Je zit nu in {school_class.name}.", "success")
            return redirect(url_for("student.dashboard"))
    return _render_dashboard(form)
