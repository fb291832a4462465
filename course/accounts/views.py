"""Logging in and out, student sign-up with a class code, and changing one's own password."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, Flask, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired

from ..core.extensions import db, login_manager
from ..core.templating import home_url_for
from . import rules, throttle
from .forms import confirm_password_field, display_name_field, new_password_field, username_field
from .identity import Person, SignedInUser, signed_in_user

bp = Blueprint("auth", __name__)


def init_app(app: Flask) -> None:
    login_manager.user_loader(load_user)
    throttle.init_app(app)


def load_user(user_id: str) -> SignedInUser | None:
    """Sessions store "id:version"; a bumped version (password change) ends older sessions."""
    try:
        raw_id, raw_version = user_id.split(":", 1)
        uid, version = int(raw_id), int(raw_version)
    except ValueError:
        return None
    return signed_in_user(uid, version)


class LoginForm(FlaskForm):
    username = StringField(
        "Gebruikersnaam",
        filters=[lambda v: (v or "").strip().lower()],
        validators=[DataRequired("Vul je gebruikersnaam in.")],
        render_kw={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"},
    )
    password = PasswordField(
        "Wachtwoord",
        validators=[DataRequired("Vul je wachtwoord in.")],
        render_kw={"autocomplete": "current-password"},
    )


class SignupForm(FlaskForm):
    join_code = StringField(
        "Klascode",
        filters=[rules.normalise_join_code],
        validators=[DataRequired("Vul de klascode in die je van je docent kreeg.")],
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"},
        description="Je docent geeft je deze code, bijvoorbeeld op het bord.",
    )
    display_name = display_name_field()
    username = username_field()
    password = new_password_field("Wachtwoord")
    password_confirm = confirm_password_field()


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        "Huidig wachtwoord",
        validators=[DataRequired("Vul je huidige wachtwoord in.")],
        render_kw={"autocomplete": "current-password"},
    )
    password = new_password_field()
    password_confirm = confirm_password_field()


def _safe_next(target: str | None) -> str | None:
    """Only same-site paths: an open redirect after login would help phishing."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def _start_session(user: Person) -> None:
    # A fresh session at login: nothing from before the login carries over.
    session.clear()
    login_user(user)


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response | tuple[str, int]:
    if current_user.is_authenticated:
        return redirect(home_url_for(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        address = request.remote_addr
        with db.reading():
            wait = throttle.seconds_to_wait(form.username.data, address)
        if wait:
            form.password.errors.append(
                f"Te veel mislukte pogingen. Wacht {_duration(wait)} en probeer het dan opnieuw. "
                "Wachtwoord vergeten? Vraag je docent om een nieuw wachtwoord."
            )
            return render_template("auth/login.html", form=form), 429
        user = rules.authenticate(form.username.data, form.password.data)
        if user is not None:
            throttle.record_success(form.username.data)
            _start_session(user)
            return redirect(_safe_next(request.args.get("next")) or home_url_for(user))
        throttle.record_failure(form.username.data, address)
        form.password.errors.append("Deze combinatie van gebruikersnaam en wachtwoord klopt niet.")
    return render_template("auth/login.html", form=form)


def _duration(seconds: int) -> str:
    if seconds < 90:
        return f"{seconds} seconden" if seconds != 1 else "1 seconde"
    minutes = round(seconds / 60)
    return f"{minutes} minuten"


@bp.post("/logout")
def logout() -> Response:
    # A signed-cookie session cannot be revoked by itself: bumping the version makes any copy of
    # this cookie worthless. It ends the person's sessions on other devices too, which on shared
    # school computers is the safe side.
    if current_user.is_authenticated:
        current_user.account().session_version += 1
        db.session.commit()
    logout_user()
    session.clear()
    flash("Je bent uitgelogd, hier en op andere apparaten.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/signup", methods=["GET", "POST"])
def signup() -> str | Response:
    if current_user.is_authenticated:
        return redirect(home_url_for(current_user))
    form = SignupForm()
    if request.method == "GET" and request.args.get("code"):
        form.join_code.data = rules.normalise_join_code(request.args["code"])
    if form.validate_on_submit():
        try:
            user = rules.sign_up_student(
                form.join_code.data, form.display_name.data, form.username.data, form.password.data
            )
        except rules.AccountError as err:
            getattr(form, err.field).errors.append(err.message)
        else:
            _start_session(user)
            flash(f"Welkom, {user.display_name}! Je zit nu in je klas.", "success")
            return redirect(url_for("student.dashboard"))
    return render_template("auth/signup.html", form=form)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password() -> str | Response:
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            account = current_user.account()
            rules.change_password(account, form.current_password.data, form.password.data)
        except rules.AccountError as err:
            getattr(form, err.field).errors.append(err.message)
        else:
            # The version in this session is stale now; log in again under the new one.
            _start_session(account)
            flash("Je wachtwoord is gewijzigd. Op andere apparaten ben je uitgelogd.", "success")
            return redirect(home_url_for(current_user))
    return render_template("auth/password.html", form=form)


@bp.get("/account")
@login_required
def account() -> str:
    return render_template("auth/account.html")
