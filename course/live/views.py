"""The live lesson under ``/live``: the teacher's control view and the board, and the students'
answer page, joined by room code or QR code. Pages work without script (forms, a refresh link, a
meta refresh on the board); ``static/js/live.js`` polls a small state document instead, with ETag."""

from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask.blueprints import BlueprintSetupState
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import StringField
from wtforms.validators import DataRequired

from ..classes.scopes import class_for_teacher_or_404, classes_taught_by
from ..core.access import role_required
from ..core.content_store import catalog
from ..core.extensions import db
from ..core.forms import ActionForm
from ..models import LiveSession, SchoolClass
from ..privacy import purge_steps
from . import sessions
from .charts import bar_chart
from .qr import qr_svg

bp = Blueprint("live", __name__, url_prefix="/live")
POLL_SECONDS = 2


@bp.record_once
def _setup(state: BlueprintSetupState) -> None:
    state.app.add_template_global(_running_for_student, "live_session_for_student")
    state.app.add_template_global(_lesson_choices, "live_lesson_choices")
    state.app.add_template_global(_class_choices, "live_class_choices")
    state.app.add_template_global(lambda slug: catalog().live.get(slug), "live_moment")
    # Answers per student go when a live lesson ends; one left open ends at the next hourly purge.
    purge_steps.register(
        "Live lessons left open for over four hours, ended and their answers deleted",
        lambda dry_run: sessions.end_stale(catalog(), dry_run=dry_run),
    )


def _lesson_choices() -> list[tuple[str, str]]:
    """Lessons that have something to put on the board, for "Live starten" on a class page."""
    content = catalog()
    return [(lesson.slug, f"Les {lesson.number}: {lesson.title}") for lesson in content.lessons.values()
            if sessions.item_keys(content, lesson.slug)]


def _class_choices() -> list[tuple[int, str]]:
    """The active classes a teacher can start a live lesson for, for "Live starten" on a lesson page."""
    if not current_user.is_authenticated or not (current_user.is_teacher or current_user.is_admin):
        return []
    query = classes_taught_by(current_user).where(SchoolClass.archived_at.is_(None)).order_by(SchoolClass.name)
    return [(c.id, c.name) for c in db.session.scalars(query)]


def _running_for_student() -> LiveSession | None:
    """The dashboard's "Live: doe mee" banner."""
    if not current_user.is_authenticated or not current_user.is_student:
        return None
    return sessions.for_student(current_user.id)


class JoinForm(FlaskForm):
    code = StringField(
        "Code van het bord",
        filters=[lambda v: "".join(ch for ch in (v or "").upper() if ch.isalnum())],
        validators=[DataRequired("Vul de code in die op het bord staat.")],
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false", "inputmode": "text"},
    )


# --- the teacher --------------------------------------------------------------------------------


def _own_session(session_id: int) -> LiveSession:
    session = db.session.get(LiveSession, session_id)
    if session is None:
        abort(404)
    class_for_teacher_or_404(current_user, session.class_id)  # only the class's teachers
    return session


def _current(session: LiveSession) -> sessions.Item | None:
    if not 0 <= session.position < len(session.items):
        return None
    return sessions.resolve(catalog(), session.lesson_slug, session.items[session.position])


@bp.post("/start")
@role_required("teacher", "admin")
def start() -> Response:
    if not ActionForm().validate_on_submit():
        abort(400)
    school_class = class_for_teacher_or_404(current_user, request.form.get("class_id", type=int) or 0)
    lesson = catalog().lessons.get(request.form.get("lesson", ""))
    if lesson is None:
        abort(404)
    try:
        session = sessions.start(current_user.id, school_class.id, lesson.slug, catalog())
    except sessions.LiveError as err:
        flash(str(err), "error")
        return redirect(url_for("classes.detail", class_id=school_class.id))
    return redirect(url_for("live.control", session_id=session.id))


def _view_model(session: LiveSession) -> dict[str, object]:
    item = _current(session)
    counts = sessions.spread(session) if session.revealed else None
    chart = None
    if item is not None and counts is not None:
        rows = [(o.text, counts.get(o.id, 0), o.correct if o.correct is not None else None) for o in item.options]
        chart = bar_chart(rows, title=f"Uitslag: {item.text}", chart_id=f"live-{session.id}-{session.position}")
    join_url = url_for("live.room", room=session.room_code, _external=True)
    return {
        "session": session,
        "item": item,
        "counts": counts,
        "chart": chart,
        "answered": sessions.answered(session),
        "total": len(session.items),
        "lesson": catalog().lessons.get(session.lesson_slug),
        "moment": catalog().live.get(session.lesson_slug),
        "join_url": join_url,
        "action": ActionForm(),
    }


@bp.get("/<id:session_id>")
@role_required("teacher", "admin")
def control(session_id: int) -> str:
    session = _own_session(session_id)
    return render_template("live/control.html", **_view_model(session))


@bp.get("/<id:session_id>/board")
@role_required("teacher", "admin")
def board(session_id: int) -> str:
    session = _own_session(session_id)
    model = _view_model(session)
    model["qr"] = qr_svg(str(model["join_url"]), "QR-code om mee te doen met de live-les")
    return render_template("live/board.html", **model)


@bp.post("/<id:session_id>/<any(reveal, next, back, end):action>")
@role_required("teacher", "admin")
def act(session_id: int, action: str) -> Response:
    session = _own_session(session_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    if session.ended_at is not None:
        flash("Deze live-les is al afgelopen.", "info")
        return redirect(url_for("classes.detail", class_id=session.class_id))
    try:
        if action == "reveal":
            sessions.reveal(session)
        elif action in ("next", "back"):
            sessions.step(session, 1 if action == "next" else -1)
        else:
            sessions.end(session, catalog())
            flash("De live-les is afgelopen. Alleen de totalen per antwoord blijven bewaard, niet wie wat koos.",
                  "success")
            return redirect(url_for("classes.detail", class_id=session.class_id))
    except sessions.LiveError as err:
        flash(str(err), "error")
    return redirect(request.form.get("back_to") == "board" and url_for("live.board", session_id=session.id)
                    or url_for("live.control", session_id=session.id))


@bp.get("/<id:session_id>/board-state.json")
@role_required("teacher", "admin")
def board_state(session_id: int) -> Response:
    session = _own_session(session_id)
    return _state_response({"v": session.version, "n": sessions.answered(session), "e": session.ended_at is not None},
                           f"b{session.id}-{session.version}-{sessions.answered(session)}")


# --- the students -----------------------------------------------------------------------------


@bp.route("/join", methods=["GET", "POST"])
@login_required
def join() -> str | Response:
    form = JoinForm()
    if form.validate_on_submit():
        session = sessions.by_code(form.code.data)
        if session is not None:
            return redirect(url_for("live.room", room=session.room_code))
        form.code.errors.append("Er is geen live-les met deze code. Kijk nog eens op het bord.")
    return render_template("live/join.html", form=form)


def _student_seat(room: str) -> sessions.Seat:
    seat = sessions.seat(room, current_user.id)
    if seat is None:
        abort(404)
    _admit(seat)
    return seat


def _admit(seat: sessions.Seat) -> None:
    if not current_user.is_student or not seat.member:
        abort(403)


@bp.get("/r/<room>")
@login_required
def room(room: str) -> str | Response:
    seat = sessions.seat(room, current_user.id)
    if seat is None:
        return render_template("live/ended.html"), 404
    if current_user.is_staff and not current_user.is_student:
        return redirect(url_for("live.control", session_id=seat.session.id))
    _admit(seat)
    return _student_page(seat)


@bp.post("/r/<room>/answer")
@login_required
def answer(room: str) -> Response | tuple[str, int]:
    position = request.form.get("position", type=int, default=-1)
    # Everything up to the one write only reads: a class answering at once then queues for
    # SQLite's write lock just for the statement that stores each answer.
    with db.reading():
        seat = _student_seat(room)
        if not ActionForm().validate_on_submit():
            abort(400)
        item = _current(seat.session)
        if item is None:
            abort(404)
        try:
            choice = sessions.checked_choice(seat.session, position, request.form.getlist("choice"), item)
        except sessions.LiveError as err:
            return _student_page(seat, error=str(err)), 409
        session_id, room_code = seat.session.id, seat.session.room_code
    if not sessions.store_answer(session_id, current_user.id, position, choice):
        with db.reading():  # the teacher moved on or revealed between the check and the write
            seat = _student_seat(room)
            return _student_page(seat, error=sessions.closed_reason(seat.session, position) or sessions.MOVED_ON), 409
    return redirect(url_for("live.room", room=room_code))


def _student_page(seat: sessions.Seat, error: str | None = None) -> str:
    session = seat.session
    return render_template(
        "live/student.html",
        session=session,
        item=_current(session),
        chosen=seat.chosen,
        counts=sessions.spread(session) if session.revealed else None,
        error=error,
    )


@bp.get("/r/<room>/state.json")
def room_state(room: str) -> Response:
    """What a phone polls every two seconds: only the version, so an unchanged state is a 304.
    ``poll.StatePoll`` answers it before Flask for a running room; this view is the reference
    and answers the rest (unknown rooms, a database that is away)."""
    found = sessions.state_version(room.upper()[:8])
    if found is None:
        abort(404)
    session_id, version, ended = found
    return _state_response({"v": version, "e": ended}, sessions.state_tag(session_id, version))


def _state_response(body: dict[str, object], tag: str) -> Response:
    if request.if_none_match.contains(tag):
        response = Response(status=304)
    else:
        response = jsonify(body)
    response.set_etag(tag)
    response.headers["Cache-Control"] = "no-cache"  # always ask again, answer 304 while nothing changed
    return response
