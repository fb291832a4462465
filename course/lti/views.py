"""The LTI 1.3 tool's endpoints under ``/lti``: login initiation, launch, the key set, deep linking,
dynamic registration, the move to a new window, the roster, and the administrator's page."""

from __future__ import annotations

import logging
import time
from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    g,
    has_request_context,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.blueprints import BlueprintSetupState
from flask_login import current_user, login_user
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Response

from ..classes.scopes import class_for_teacher_or_404
from ..core.access import role_required
from ..core.content_store import catalog
from ..core.extensions import csrf, db
from ..core.forms import ActionForm
from ..core.security_headers import CONTENT_SECURITY_POLICY
from ..core.templating import register_nav
from ..models import LtiPlatform
from ..quizzes import events
from . import courses, deep_linking, embedded, keys, platforms, registration, roster, scores, services
from .forms import DeepLinkForm, PlatformForm
from .launch import DEEP_LINKING, Launch, LaunchRefused, begin_login, validate_launch

bp = Blueprint("lti", __name__, url_prefix="/lti")
log = logging.getLogger(__name__)
TOOL_NAME = "Personal Branding"


@bp.record_once
def _setup(state: BlueprintSetupState) -> None:
    app = state.app
    app.session_interface = embedded.EmbeddedAwareSessionInterface()
    app.after_request(_frame_policy)
    register_nav("lti.index", "Leerplatforms", "admin")
    events.listen(_grade_changed, needed_when=scores.has_grade_column)


# --- the platform's frame --------------------------------------------------------------------------

FRAME_ORIGINS = "course.lti.frame_origins"


def _frame_origins(app: Flask) -> tuple[str, ...]:
    """The registered platforms' origins, read again at most once a minute per process."""
    cached = app.extensions.get(FRAME_ORIGINS)
    now = time.monotonic()
    if cached is None or now - cached[0] > 60:
        cached = (now, platforms.registered_origins())
        app.extensions[FRAME_ORIGINS] = cached
    return cached[1]


def forget_frame_origins() -> None:
    current_app.extensions.pop(FRAME_ORIGINS, None)


def policy_with(*, frame_ancestors: tuple[str, ...] = (), form_action: tuple[str, ...] = ()) -> str:
    """The app's Content-Security-Policy with other origins allowed to frame it or receive a form."""
    policy = CONTENT_SECURITY_POLICY
    if frame_ancestors:
        policy = policy.replace("frame-ancestors 'none'", "frame-ancestors " + " ".join(frame_ancestors))
    if form_action:
        policy = policy.replace("form-action 'self'", "form-action 'self' " + " ".join(form_action))
    return policy


def _frame_policy(response: Response) -> Response:
    """Registered platforms may show every page in their frame; nobody else may."""
    if "Content-Security-Policy" in response.headers or response.mimetype != "text/html":
        return response
    try:
        origins = _frame_origins(current_app)
    except SQLAlchemyError:  # the database is away: an error page stays unframeable, as without platforms
        db.session.rollback()
        return response
    if origins:
        response.headers["Content-Security-Policy"] = policy_with(frame_ancestors=origins)
    return response


# --- grades back ----------------------------------------------------------------------------------


def _grade_changed(sender: object, *, user_id: int, quiz_slug: str, class_id: int | None) -> None:
    try:
        due = scores.record(user_id, quiz_slug, class_id)
    except Exception:  # a grade for the platform must never break the student's submit
        log.exception("lti: could not queue the score of user %s on %s", user_id, quiz_slug)
        db.session.rollback()
        return
    if not due:
        return
    if has_request_context():
        app = current_app._get_current_object()  # type: ignore[attr-defined]

        @_after_response
        def send() -> None:
            with app.app_context():
                scores.send_due(only=due)
    else:
        scores.send_due(only=due)


def _after_response(send: Any) -> Any:
    """Run ``send`` once the response has gone to the browser: the student does not wait for the platform."""
    from flask import after_this_request

    @after_this_request
    def hook(response: Response) -> Response:
        response.call_on_close(send)
        return response

    return send


# --- login and launch ------------------------------------------------------------------------------


def _refused(err: LaunchRefused) -> tuple[str, int]:
    log.warning("lti launch refused: check=%s path=%s", err.check, request.path)
    return render_template("lti/refused.html", message=err.message), err.status


def _app_root() -> str:
    return request.host_url


@bp.route("/login", methods=["GET", "POST"])
@csrf.exempt
def login() -> Response | tuple[str, int]:
    params = request.values.to_dict()
    try:
        url, state = begin_login(params, url_for("lti.launch", _external=True), _app_root())
    except LaunchRefused as err:
        return _refused(err)
    response = redirect(url)
    response.set_cookie(
        embedded.STATE_COOKIE,
        state,
        max_age=600,
        secure=True,
        httponly=True,
        samesite="None",
        partitioned=True,
        path=url_for("lti.launch"),
    )
    return response


@bp.post("/launch")
@csrf.exempt
def launch() -> Response | tuple[str, int]:
    bound = request.cookies.get(embedded.STATE_COOKIE)
    try:
        checked = validate_launch(
            request.form.to_dict(), bound, _app_root(), current_app.config["LTI_JWKS_COOLDOWN"]
        )
        user, role = courses.person_for(checked, current_app.config["LTI_STORE_EMAIL"])
        school_class = courses.class_for(checked, user, role)
    except LaunchRefused as err:
        return _refused(err)
    target = _landing(checked)
    log.info("lti launch: platform=%s class=%s role=%s", checked.platform.id, school_class.id, role)
    if bound is None:
        # No cookie came back from this frame: this browser keeps none here. Go on in a new window.
        token = embedded.handoff_token(current_app.config["SECRET_KEY"], user, target)
        page = render_template("lti/new_window.html", token=token, blocked=True)
        response = current_app.make_response(page)
    else:
        session.clear()
        g.embedded = embedded.in_frame()
        login_user(user)
        if checked.message_type == DEEP_LINKING:
            session["lti_deep_link"] = _deep_link_settings(checked)
        response = redirect(target)
    response.delete_cookie(
        embedded.STATE_COOKIE, path=url_for("lti.launch"), secure=True, samesite="None", partitioned=True
    )
    return response


def _landing(checked: Launch) -> str:
    """The page to land on: the deep-linking chooser, or the page the link names on this app."""
    if checked.message_type == DEEP_LINKING:
        return url_for("lti.deep_link")
    parts = urlsplit(checked.target_link_uri)
    path = parts.path or "/"
    quiz_slug = None
    try:
        endpoint, values = current_app.url_map.bind("", script_name=request.script_root or None).match(path, "GET")
    except (NotFound, Exception):  # noqa: BLE001 - any path that is no page of this app lands on the start page
        endpoint, values, path = None, {}, url_for("pages.index")
    if endpoint == "quizzes.show":
        quiz_slug = values.get("slug")
    courses.remember_link(checked, path, quiz_slug)
    return path + (f"?{parts.query}" if parts.query else "")


def _deep_link_settings(checked: Launch) -> dict[str, Any]:
    settings = checked.deep_linking_settings
    return {
        "platform_id": checked.platform.id,
        "deployment_id": checked.deployment_id,
        "return_url": settings["deep_link_return_url"],
        "data": settings.get("data"),
        "multiple": bool(settings.get("accept_multiple", True)),
    }


@bp.post("/continue")
@csrf.exempt
def continue_() -> Response | tuple[str, int]:
    """The new window: the token from the frame signs the person in here, once."""
    try:
        user, target = embedded.redeem(current_app.config["SECRET_KEY"], request.form.get("token", ""))
    except embedded.HandoffRefused as err:
        log.warning("lti new window refused: %s", err)
        message = "Deze link is verlopen of al gebruikt. Open de les opnieuw vanuit je leerplatform."
        return render_template("lti/refused.html", message=message), 400
    session.clear()
    g.embedded = False
    login_user(user)
    return redirect(target if target.startswith("/") and not target.startswith("//") else url_for("pages.index"))


@bp.app_template_global("lti_new_window_token")
def new_window_token() -> str | None:
    """For the link out of the frame on every page shown in a platform's frame."""
    if not g.get("embedded") or not current_user.is_authenticated:
        return None
    return embedded.handoff_token(current_app.config["SECRET_KEY"], current_user, request.full_path.rstrip("?"))


@bp.get("/jwks.json")
def jwks() -> Response:
    response = jsonify(keys.public_jwks())
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


# --- deep linking ------------------------------------------------------------------------------


@bp.route("/deep-link", methods=["GET", "POST"])
@role_required("teacher")
def deep_link() -> str | Response:
    settings = session.get("lti_deep_link")
    if not settings:
        abort(404)
    content = catalog()
    lessons = list(content.lessons.values())
    quizzes = [quiz for quiz in content.quizzes.values()]
    form = DeepLinkForm()
    form.items.choices = [(f"lesson:{lesson.slug}", f"Les {lesson.number}: {lesson.title}") for lesson in lessons] + [
        (f"quiz:{quiz.slug}", f"Quiz: {quiz.title}") for quiz in quizzes
    ]
    if form.validate_on_submit():
        choices = []
        for value in form.items.data:
            kind, slug = value.split(":", 1)
            if kind == "lesson":
                lesson = content.lessons[slug]
                choices.append(
                    deep_linking.Choice(
                        f"Les {lesson.number}: {lesson.title}", url_for("lessons.show", slug=slug, _external=True)
                    )
                )
            else:
                quiz = content.quizzes[slug]
                choices.append(
                    deep_linking.Choice(
                        f"Quiz: {quiz.title}", url_for("quizzes.show", slug=slug, _external=True), slug, quiz.max_score
                    )
                )
        platform = db.session.get(LtiPlatform, settings["platform_id"])
        if platform is None:
            abort(404)
        token = deep_linking.response_jwt(
            client_id=platform.client_id,
            issuer=platform.issuer,
            deployment_id=settings["deployment_id"],
            data=settings.get("data"),
            choices=choices,
        )
        session.pop("lti_deep_link", None)
        page = render_template(
            "lti/deep_link_return.html", return_url=settings["return_url"], jwt=token, count=len(choices)
        )
        response = current_app.make_response(page)
        response.headers["Content-Security-Policy"] = policy_with(
            frame_ancestors=_frame_origins(current_app) or ("'none'",),
            form_action=(platforms.origin(settings["return_url"]),),
        )
        return response
    return render_template("lti/deep_link.html", form=form, multiple=settings.get("multiple", True))


# --- roster -------------------------------------------------------------------------------------


@bp.app_template_global("lti_course")
def lti_course(class_id: int) -> object | None:
    return courses.context_of_class(class_id)


@bp.app_template_global("lti_left_students")
def lti_left_students(class_id: int) -> set[int]:
    return roster.left_members(class_id)


@bp.post("/classes/<id:class_id>/roster")
@role_required("teacher", "admin")
def fetch_roster(class_id: int) -> Response:
    school_class = class_for_teacher_or_404(current_user, class_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    context = courses.context_of_class(school_class.id)
    if context is None:
        abort(404)
    try:
        result = roster.sync(context)
    except services.ServiceError as err:
        log.warning("lti roster of class %s failed: %s", school_class.id, err)
        flash(
            "De klaslijst kon niet worden opgehaald. Het leerplatform gaf geen antwoord. Probeer het later opnieuw.",
            "error",
        )
    else:
        flash(
            f"Klaslijst opgehaald: {result.students} studenten en {result.teachers} docenten. "
            f"{result.left} niet meer in het leerplatform.",
            "success",
        )
    return redirect(url_for("classes.detail", class_id=school_class.id))


# --- dynamic registration ---------------------------------------------------------------------


def _tool_urls() -> registration.ToolUrls:
    return registration.ToolUrls(
        root=url_for("pages.index", _external=True),
        login=url_for("lti.login", _external=True),
        launch=url_for("lti.launch", _external=True),
        jwks=url_for("lti.jwks", _external=True),
        deep_link=url_for("lti.deep_link", _external=True),
    )


def _registration_frame(config_url: str) -> str:
    origins = tuple({platforms.origin(config_url), *_frame_origins(current_app)})
    return policy_with(frame_ancestors=origins)


@bp.get("/register/<code>")
def register(code: str) -> Response | tuple[str, int]:
    config_url = request.args.get("openid_configuration", "")
    if not registration.invite_is_open(code) or not config_url.startswith(("https://", "http://")):
        return render_template("lti/refused.html", message="Deze registratielink is verlopen of onvolledig."), 404
    page = render_template(
        "lti/register.html", code=code, config_url=config_url, token=request.args.get("registration_token", "")
    )
    response = current_app.make_response(page)
    response.headers["Content-Security-Policy"] = _registration_frame(config_url)
    return response


@bp.post("/register/<code>")
@csrf.exempt  # the single-use code an administrator made is the proof; the platform's frame may keep no cookie
def register_confirm(code: str) -> Response | tuple[str, int]:
    config_url = request.form.get("openid_configuration", "")
    try:
        platform = registration.register(
            code, config_url, request.form.get("registration_token", ""), _tool_urls(), TOOL_NAME
        )
    except registration.RegistrationError as err:
        log.warning("lti dynamic registration refused: %s", err)
        return render_template("lti/refused.html", message=str(err)), 400
    forget_frame_origins()
    response = current_app.make_response(render_template("lti/registered.html", platform=platform))
    response.headers["Content-Security-Policy"] = _registration_frame(config_url)
    return response


# --- the administrator's page ---------------------------------------------------------------------


def _render_admin(form: PlatformForm, new_invite: str | None = None) -> str:
    return render_template(
        "lti/index.html",
        platforms=platforms.all_platforms(),
        form=form,
        urls=_tool_urls(),
        action=ActionForm(),
        invite_url=url_for("lti.register", code=new_invite, _external=True) if new_invite else None,
        current_kid=(keys.existing_key().kid if keys.existing_key() else None),
    )


@bp.get("/")
@role_required("admin")
def index() -> str:
    return _render_admin(PlatformForm())


@bp.post("/platforms")
@role_required("admin")
def add_platform() -> str | Response:
    form = PlatformForm()
    if form.validate_on_submit():
        try:
            platform = platforms.add_platform(
                name=form.name.data,
                issuer=form.issuer.data,
                client_id=form.client_id.data,
                deployment_ids=form.deployment_ids(),
                auth_url=form.auth_url.data,
                token_url=form.token_url.data,
                jwks_url=form.jwks_url.data,
            )
        except platforms.PlatformError as err:
            getattr(form, err.field).errors.append(err.message)
        else:
            forget_frame_origins()
            flash(f"Leerplatform {platform.name} is toegevoegd.", "success")
            return redirect(url_for("lti.index"))
    return _render_admin(form)


@bp.post("/keys/rotate")
@role_required("admin")
def rotate_key() -> Response:
    if not ActionForm().validate_on_submit():
        abort(400)
    key = keys.rotate()
    flash(f"Nieuwe sleutel {key.kid} in gebruik. De vorige blijft nog een dag geldig.", "success")
    return redirect(url_for("lti.index"))


@bp.post("/register-invites")
@role_required("admin")
def new_invite() -> str:
    if not ActionForm().validate_on_submit():
        abort(400)
    return _render_admin(PlatformForm(formdata=None), new_invite=registration.invite(current_user))
