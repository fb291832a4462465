"""Logging in and out, student sign-up with a class code, and changing one's own password."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, Flask, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, logout_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired

from ..core.extensions import db, login_manager
from ..core.templating import home_url_for
from . import guesses, password_sign_in, rules, throttle
from .devices import known_device, remember_device
from .forms import confirm_password_field, display_name_field, new_password_field, username_field
from .guesses import duration
from .identity import MUST_CHANGE_PASSWORD, SignedInUser, signed_in_user, start_session

bp = Blueprint("auth", __name__)


def init_app(app: Flask) -> None:
    login_manager.user_loader(load_user)
    throttle.init_app(app)
    app.before_request(_new_password_first)


# What someone whose password was reset may still open before choosing a new one.
OPEN_BEFORE_NEW_PASSWORD = frozenset({"auth.change_password", "auth.logout", "static", "health.healthz",
                                      "pages.credits", "pages.privacy"})


def _new_password_first() -> Response | None:
    """After a reset by a teacher or administrator, the temporary password only opens the page
    that replaces it: nobody else keeps a way into the account."""
    if session.get(MUST_CHANGE_PASSWORD) and request.endpoint not in OPEN_BEFORE_NEW_PASSWORD:
        return redirect(url_for("auth.change_password"))
    return None


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


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response | tuple[str, int]:
    if current_user.is_authenticated:
        return redirect(home_url_for(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        address = request.remote_addr
        device = known_device(request, form.username.data)
        wait = throttle.seconds_to_wait(form.username.data, address, device)
        if wait:
            form.password.errors.append(
                f"Te veel mislukte pogingen. Wacht {duration(wait)} en probeer het dan opnieuw. "
                "Wachtwoord vergeten? Vraag je docent om een nieuw wachtwoord."
            )
            return _login_page(form), 429
        user = rules.authenticate(form.username.data, form.password.data)
        if user is not None and not user.is_active:
            form.password.errors.append(
                "Dit account staat op slot. Vraag de beheerder van deze site op school om het van slot te halen."
            )
            return _login_page(form), 403
        if user is not None and not _may_use_password(user):
            form.password.errors.append(
                "Studenten loggen in met hun schoolaccount, niet met een wachtwoord. "
                "Gebruik de knop hierboven om in te loggen met je schoolaccount."
            )
            return _login_page(form), 403
        if user is not None:
            throttle.record_success(form.username.data, device)
            start_session(user)
            response = redirect(_safe_next(request.args.get("next")) or home_url_for(user))
            remember_device(request, response, form.username.data)
            return response
        throttle.record_failure(form.username.data, address, device)
        form.password.errors.append("Deze combinatie van gebruikersnaam en wachtwoord klopt niet.")
    return _login_page(form)


def _may_use_password(user: SignedInUser) -> bool:
    with db.reading():  # a login must not hold the write lock for a read
        return password_sign_in.password_allowed(user)


def _login_page(form: LoginForm) -> str:
    with db.reading():
        students_may_use_password = password_sign_in.students_may_use_password()
    return render_template("auth/login.html", form=form, students_may_use_password=students_may_use_password)


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
    message = "Je bent uitgelogd, hier en op andere apparaten."
    if password_sign_in.school_sign_in_configured():
        # The school account stays signed in at the school's provider: the next person on a shared
        # computer would get straight back in with it.
        message += " Logde je in met je schoolaccount op een computer van school? Sluit dan ook de browser."
    flash(message, "info")
    return redirect(url_for("auth.login"))


@bp.route("/signup", methods=["GET", "POST"])
def signup() -> str | Response | tuple[str, int]:
    if current_user.is_authenticated:
        return redirect(home_url_for(current_user))
    if not password_sign_in.students_may_use_password():
        # Students sign in with their school account; a password account would never open.
        return render_template("auth/signup.html", form=None), 403 if request.method == "POST" else 200
    form = SignupForm()
    if request.method == "GET" and request.args.get("code"):
        form.join_code.data = rules.normalise_join_code(request.args["code"])
    if form.validate_on_submit():
        wait = guesses.seconds_to_wait("signup")
        if wait:
            form.join_code.errors.append(guesses.wait_message(wait))
            return render_template("auth/signup.html", form=form), 429
        try:
            user = rules.sign_up_student(
                form.join_code.data, form.display_name.data, form.username.data, form.password.data
            )
        except rules.AccountError as err:
            guesses.guessed_wrong("signup")
            getattr(form, err.field).errors.append(err.message)
        else:
            start_session(user)
            flash(f"Welkom, {user.display_name}! Je zit nu in je klas.", "success")
            return redirect(url_for("student.dashboard"))
    return render_template("auth/signup.html", form=form)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password() -> str | Response | tuple[str, int]:
    if not rules.has_password(current_user.account()):
        flash("Je logt in met je schoolaccount. Op deze site heb je geen wachtwoord.", "info")
        return redirect(url_for("auth.account"))
    form = ChangePasswordForm()
    if form.validate_on_submit():
        keys = throttle.password_change_keys(current_user.id)
        wait = throttle.wait_for(keys)
        if wait:
            form.current_password.errors.append(
                f"Te veel verkeerde pogingen. Wacht {duration(wait)} en probeer het dan opnieuw."
            )
            page = render_template("auth/password.html", form=form, reset=rules.last_reset(current_user.id))
            return page, 429
        try:
            account = current_user.account()
            rules.change_password(account, form.current_password.data, form.password.data)
        except rules.AccountError as err:
            throttle.failed(keys)
            getattr(form, err.field).errors.append(err.message)
        else:
            throttle.cleared(keys)
            # The version in this session is stale now; log in again under the new one.
            start_session(account)
            flash("Je wachtwoord is gewijzigd. Op andere apparaten ben je uitgelogd.", "success")
            return redirect(home_url_for(current_user))
    return render_template("auth/password.html", form=form, reset=rules.last_reset(current_user.id))


@bp.get("/account")
@login_required
def account() -> str:
    return render_template("auth/account.html", reset=rules.last_reset(current_user.id),
                           has_password=rules.has_password(current_user.account()))
