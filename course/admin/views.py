"""The administrator adds teachers, trainers and other administrators."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import or_, select
from werkzeug.wrappers import Response
from wtforms import BooleanField

from ..accounts import rules as accounts
from ..accounts.forms import confirm_password_field, display_name_field, new_password_field, username_field
from ..core.access import role_required
from ..core.audit import record
from ..core.extensions import db
from ..models import User

bp = Blueprint("admin", __name__, url_prefix="/admin")

STAFF_ROLES = ("teacher", "trainer", "admin")


class StaffForm(FlaskForm):
    display_name = display_name_field("Naam")
    username = username_field()
    is_teacher = BooleanField("Docent", default=True)
    is_trainer = BooleanField("Trainer")
    is_admin = BooleanField("Beheerder")
    password = new_password_field("Wachtwoord")
    password_confirm = confirm_password_field()

    def chosen_roles(self) -> tuple[str, ...]:
        return tuple(role for role in STAFF_ROLES if getattr(self, f"is_{role}").data)


def _render(form: StaffForm) -> str:
    staff = db.session.scalars(
        select(User).where(or_(User.is_teacher, User.is_trainer, User.is_admin)).order_by(User.display_name)
    ).all()
    return render_template("admin/users.html", staff=staff, form=form)


@bp.get("/users")
@role_required("admin")
def users() -> str:
    return _render(StaffForm())


@bp.post("/users")
@role_required("admin")
def create_user() -> str | Response:
    form = StaffForm()
    if form.validate_on_submit():
        roles = form.chosen_roles()
        if not roles:
            form.is_teacher.errors.append("Kies minstens één rol.")
        else:
            try:
                user = accounts.create_user(form.username.data, form.display_name.data, form.password.data, roles=roles)
            except accounts.AccountError as err:
                getattr(form, err.field).errors.append(err.message)
            else:
                record(current_user, "user.create", "user", user.id, roles=list(roles))
                db.session.commit()
                flash(f"{user.display_name} kan nu inloggen als {user.username}.", "success")
                return redirect(url_for("admin.users"))
    return _render(form)


@bp.get("/audit")
@role_required("admin")
def audit() -> str:
    from ..core.audit import ACTION_LABELS
    from ..models import AuditEvent

    action = request.args.get("action", "")
    query = select(AuditEvent).order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc()).limit(500)
    if action in ACTION_LABELS:
        query = query.where(AuditEvent.action == action)
    events = db.session.scalars(query).all()
    return render_template("admin/audit.html", events=events, labels=ACTION_LABELS, action=action)
