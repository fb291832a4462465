"""The administrator adds and looks after teachers, trainers and other administrators (roles, a
new password, locking an account), checks the school's sign-in, chooses whether students may still
use a password and reads the log."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import or_, select
from werkzeug.wrappers import Response
from wtforms import BooleanField

from ..accounts import password_sign_in, staff
from ..accounts import rules as accounts
from ..accounts.forms import (
    confirm_password_field,
    display_name_field,
    new_password_field,
    staff_email_field,
    username_field,
)
from ..core.access import role_required
from ..core.audit import record
from ..core.audit_sentences import roles_text, sentences
from ..core.extensions import db
from ..core.forms import ActionForm
from ..models import ExternalIdentity, User
from ..oidc import client as school_sign_in
from ..oidc import discovery
from ..privacy.staff_deletion import StaffDeletionRefused, delete_staff, plan_staff_deletion

bp = Blueprint("admin", __name__, url_prefix="/admin")

STAFF_ROLES = staff.STAFF_ROLES


class StaffForm(FlaskForm):
    display_name = display_name_field("Naam")
    username = username_field()
    email = staff_email_field()
    is_teacher = BooleanField("Docent", default=True)
    is_trainer = BooleanField("Trainer")
    is_admin = BooleanField("Beheerder")
    password = new_password_field("Wachtwoord")
    password_confirm = confirm_password_field()

    def chosen_roles(self) -> tuple[str, ...]:
        return tuple(role for role in STAFF_ROLES if getattr(self, f"is_{role}").data)


class RolesForm(FlaskForm):
    is_teacher = BooleanField("Docent")
    is_trainer = BooleanField("Trainer")
    is_admin = BooleanField("Beheerder")

    def chosen_roles(self) -> tuple[str, ...]:
        return tuple(role for role in STAFF_ROLES if getattr(self, f"is_{role}").data)


class StudentPasswordsForm(FlaskForm):
    students_may_use_password = BooleanField("Studenten mogen ook met gebruikersnaam en wachtwoord inloggen")


def _render(form: StaffForm) -> str:
    staff = db.session.scalars(
        select(User).where(or_(User.is_teacher, User.is_trainer, User.is_admin)).order_by(User.display_name)
    ).all()
    linked = set(db.session.scalars(
        select(ExternalIdentity.user_id).where(ExternalIdentity.user_id.in_([user.id for user in staff]))
    ))
    return render_template("admin/users.html", staff=staff, linked=linked, form=form)


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
                user = accounts.create_user(form.username.data, form.display_name.data, form.password.data,
                                            roles=roles, email=form.email.data or None)
            except accounts.AccountError as err:
                getattr(form, err.field).errors.append(err.message)
            else:
                record(current_user, "user.create", "user", user.id, roles=list(roles))
                db.session.commit()
                flash(f"{user.display_name} kan nu inloggen als {user.username}.", "success")
                return redirect(url_for("admin.users"))
    return _render(form)


def _staff_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None or not (user.is_teacher or user.is_trainer or user.is_admin):
        abort(404)
    return user


@bp.get("/users/<id:user_id>/delete")
@role_required("admin")
def confirm_delete_user(user_id: int) -> str:
    user = _staff_or_404(user_id)
    try:
        plan = plan_staff_deletion(user, current_user)
    except StaffDeletionRefused as err:
        return render_template("admin/delete_user.html", user=user, plan=None, refused=err.message, form=ActionForm())
    return render_template("admin/delete_user.html", user=user, plan=plan, refused=None, form=ActionForm())


@bp.post("/users/<id:user_id>/delete")
@role_required("admin")
def delete_user(user_id: int) -> str | Response:
    if not ActionForm().validate_on_submit():
        abort(400)
    user = db.session.get(User, user_id)
    if user is None:  # a second click: the first one deleted it
        flash("Dit account bestaat niet (meer).", "success")
        return redirect(url_for("admin.users"))
    user = _staff_or_404(user_id)
    try:
        plan = plan_staff_deletion(user, current_user)
    except StaffDeletionRefused as err:
        flash(err.message, "error")
        return redirect(url_for("admin.confirm_delete_user", user_id=user_id))
    name = user.display_name
    delete_staff(plan, current_user)
    flash(f"Het account van {name} is verwijderd.", "success")
    return redirect(url_for("admin.users"))


def _render_sign_in(form: StudentPasswordsForm) -> str:
    providers = school_sign_in.providers()
    return render_template(
        "admin/sign_in.html",
        checks=[discovery.check(provider) for provider in providers],
        form=form,
        configured=bool(providers),
    )


@bp.get("/sign-in")
@role_required("admin")
def sign_in() -> str:
    form = StudentPasswordsForm(students_may_use_password=password_sign_in.students_may_use_password())
    return _render_sign_in(form)


@bp.post("/sign-in")
@role_required("admin")
def save_sign_in() -> str | Response:
    form = StudentPasswordsForm()
    if not form.validate_on_submit():
        return _render_sign_in(form)
    if not password_sign_in.school_sign_in_configured():
        form.students_may_use_password.errors.append(
            "Stel eerst inloggen met het schoolaccount in. Zonder schoolaccount is een wachtwoord de enige manier "
            "om in te loggen."
        )
        return _render_sign_in(form)
    allowed = form.students_may_use_password.data
    password_sign_in.set_students_may_use_password(allowed, current_user)
    flash("Opgeslagen. Studenten kunnen nu " + ("ook met een wachtwoord inloggen." if allowed else
          "alleen met hun schoolaccount inloggen."), "success")
    return redirect(url_for("admin.sign_in"))


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
    return render_template(
        "admin/audit.html", entries=list(zip(events, sentences(events), strict=True)), labels=ACTION_LABELS,
        action=action,
    )


# -- one account -----------------------------------------------------------------------------------


def _user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


def _render_user(user: User, roles_form: RolesForm | None = None, new_password: str | None = None) -> str:
    if roles_form is None:
        roles_form = RolesForm(formdata=None, **{f"is_{role}": user.has_role(role) for role in STAFF_ROLES})
    return render_template(
        "admin/user.html",
        user=user,
        roles_form=roles_form,
        new_password=new_password,
        roles_text=roles_text,
        last_reset=accounts.last_reset(user.id),
        linked=db.session.scalar(select(ExternalIdentity.id).where(ExternalIdentity.user_id == user.id)) is not None,
    )


@bp.get("/users/<id:user_id>")
@role_required("admin")
def user(user_id: int) -> str:
    return _render_user(_user_or_404(user_id))


@bp.post("/users/<id:user_id>/roles")
@role_required("admin")
def save_roles(user_id: int) -> str | Response:
    person = _user_or_404(user_id)
    form = RolesForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        staff.set_roles(person, form.chosen_roles(), current_user)
    except accounts.AccountError as err:
        db.session.rollback()
        form.is_teacher.errors.append(err.message)
        return _render_user(person, form), 422
    flash(f"Opgeslagen. {person.display_name} is nu {roles_text(person.roles)}.", "success")
    return redirect(url_for("admin.user", user_id=person.id))


@bp.post("/users/<id:user_id>/password")
@role_required("admin")
def reset_password(user_id: int) -> str:
    person = _user_or_404(user_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    return _render_user(person, new_password=accounts.reset_password(person, current_user))


@bp.post("/users/<id:user_id>/lock")
@role_required("admin")
def deactivate(user_id: int) -> Response:
    person = _user_or_404(user_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        staff.deactivate(person, current_user)
    except accounts.AccountError as err:
        db.session.rollback()
        flash(err.message, "error")
    else:
        flash(f"Het account van {person.display_name} staat op slot. Inloggen kan niet meer; het werk blijft "
              "bewaard.", "success")
    return redirect(url_for("admin.user", user_id=person.id))


@bp.post("/users/<id:user_id>/unlock")
@role_required("admin")
def activate(user_id: int) -> Response:
    person = _user_or_404(user_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    staff.activate(person, current_user)
    flash(f"{person.display_name} kan weer inloggen.", "success")
    return redirect(url_for("admin.user", user_id=person.id))
