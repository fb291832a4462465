"""Train the trainer: cohorts with an invite code, the session programme, attendance, the
cohort's TPACK aggregates (never one person's), promotion to trainer and the cascade's reach."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask.blueprints import BlueprintSetupState
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from werkzeug.wrappers import Response
from wtforms import DateField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, InputRequired, ValidationError

from ..accounts import guesses
from ..content.lesson_files import TrainerMaterial, TrainerSession
from ..content.tpack_instrument import Instrument
from ..core.access import role_required
from ..core.content_store import catalog, trainer_material_html, trainer_session_html
from ..core.downloads import download
from ..core.extensions import db
from ..core.forms import ActionForm, name_field
from ..core.templating import register_nav
from ..models import Cohort, CohortMember, User
from . import cohorts
from .radar import Series
from .tpack_profile import format_change, format_mean, profile_chart

bp = Blueprint("trainer", __name__, url_prefix="/trainer")
STAFF = ("trainer", "admin")


@bp.record_once
def _setup(state: BlueprintSetupState) -> None:
    register_nav("trainer.index", "Train de trainer", "trainer")
    state.app.add_template_filter(format_mean, "tpack_mean")
    state.app.add_template_filter(format_change, "tpack_change")


# --- forms ----------------------------------------------------------------------------------


FIRST_YEAR, LAST_YEAR = 2000, 2100


def _plausible_year(form: object, field: DateField) -> None:
    if field.data and not FIRST_YEAR <= field.data.year <= LAST_YEAR:
        raise ValidationError(f"Kies een datum tussen {FIRST_YEAR} en {LAST_YEAR}, bijvoorbeeld 2026-09-01.")


def date_field(label: str, missing: str) -> DateField:
    # InputRequired, not DataRequired: DataRequired would wipe the message about a badly written date.
    return DateField(
        label,
        validators=[InputRequired(missing), _plausible_year],
        invalid_value_message="Schrijf de datum als jaar-maand-dag, bijvoorbeeld 2026-09-01.",
    )


class CohortForm(FlaskForm):
    name = name_field("Naam van de groep", "Geef de groep een naam, bijvoorbeeld Team Economie najaar 2026.", 120)
    starts_on = date_field("Eerste bijeenkomst", "Vul de datum van de eerste bijeenkomst in.")
    ends_on = date_field("Laatste bijeenkomst", "Vul de datum van de laatste bijeenkomst in.")

    def validate_ends_on(self, field: DateField) -> None:
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError("De laatste bijeenkomst kan niet voor de eerste liggen. Controleer de datums.")


class JoinForm(FlaskForm):
    invite_code = StringField(
        "Uitnodigingscode",
        filters=[cohorts.normalise_invite_code],
        validators=[DataRequired("Vul de uitnodigingscode in die je van je trainer kreeg.")],
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"},
        description="Acht letters en cijfers, bijvoorbeeld K7QP2MXA.",
    )


class AttendanceForm(FlaskForm):
    present = SelectMultipleField("Aanwezig", choices=[])


# --- helpers ----------------------------------------------------------------------------------


def _cohort_or_404(cohort_id: int) -> Cohort:
    cohort = db.session.scalar(cohorts.cohorts_visible_to(current_user).where(Cohort.id == cohort_id))
    if cohort is None:
        abort(404)
    return cohort


def _min_group() -> int:
    return int(current_app.config["TPACK_MIN_GROUP"])


def _instrument() -> Instrument | None:
    instrument = catalog().tpack
    return instrument if isinstance(instrument, Instrument) else None


def _sessions() -> list[TrainerSession]:
    return sorted(catalog().trainer_sessions, key=lambda s: s.number)


def _materials_for(number: int) -> list[TrainerMaterial]:
    return [m for m in catalog().trainer_materials if number in m.sessions]


def _attendance_key(slug: str, user_id: int) -> str:
    return f"{slug}:{user_id}"


# --- cohorts (trainers) ---------------------------------------------------------------------


@bp.get("/")
@role_required(*STAFF)
def index() -> str:
    return _render_index(CohortForm())


def _render_index(form: CohortForm) -> str:
    member_counts = (
        select(CohortMember.cohort_id, func.count(CohortMember.id).label("members"))
        .group_by(CohortMember.cohort_id)
        .subquery()
    )
    rows = db.session.execute(
        cohorts.cohorts_visible_to(current_user)
        .add_columns(func.coalesce(member_counts.c.members, 0), User.display_name)
        .outerjoin(member_counts, member_counts.c.cohort_id == Cohort.id)
        .outerjoin(User, User.id == Cohort.trainer_id)
        .order_by(Cohort.starts_on.desc(), Cohort.id.desc())
    ).all()
    return render_template("trainer/index.html", rows=rows, form=form, sessions=_sessions())


@bp.post("/")
@role_required(*STAFF)
def create() -> str | Response:
    form = CohortForm()
    if not form.validate_on_submit():
        return _render_index(form)
    cohort = cohorts.create_cohort(current_user, form.name.data, form.starts_on.data, form.ends_on.data)
    flash(f"De groep {cohort.name} is aangemaakt. Geef de deelnemers de uitnodigingscode.", "success")
    return redirect(url_for("trainer.cohort", cohort_id=cohort.id))


@bp.get("/cohorts/<id:cohort_id>")
@role_required(*STAFF)
def cohort(cohort_id: int) -> str:
    cohort = _cohort_or_404(cohort_id)
    members = cohorts.members_of(cohort)
    sessions = _sessions()
    present = cohorts.attendance_of(cohort)
    instrument = _instrument()
    tpack = cohorts.cohort_tpack(cohort, instrument, _min_group()) if instrument else None
    chart = _cohort_chart(instrument, tpack) if instrument and tpack else None
    return render_template(
        "trainer/cohort.html",
        cohort=cohort,
        members=members,
        sessions=sessions,
        present={_attendance_key(slug, uid) for slug, uid in present},
        attendance_key=_attendance_key,
        instrument=instrument,
        tpack=tpack,
        chart=chart,
        too_few=cohorts.TOO_FEW,
        min_group=_min_group(),
        form=ActionForm(),
    )


def _cohort_chart(instrument: Instrument, tpack: cohorts.CohortTpack) -> str | None:
    """Only groups that are big enough are drawn; a suppressed moment gets no line at all."""
    moments = [("Begin", tpack.start), ("Nu", tpack.now)]
    series = [
        Series(f"{label}: groepsgemiddelde", [aggregate[d.id] for d in instrument.domains])
        for label, aggregate in moments
        if aggregate is not None
    ]
    if not series:
        return None
    intro = f"Gemiddelde van de groep per TPACK-domein op een schaal van 1 tot {len(instrument.scale)}."
    return profile_chart(instrument, series, title="TPACK van de groep", chart_id="cohort-tpack", intro=intro)


@bp.post("/cohorts/<id:cohort_id>/attendance")
@role_required(*STAFF)
def attendance(cohort_id: int) -> Response:
    cohort = _cohort_or_404(cohort_id)
    members = cohorts.members_of(cohort)
    sessions = _sessions()
    form = AttendanceForm()
    form.present.choices = [_attendance_key(s.slug, user.id) for s in sessions for user, _ in members]
    if not form.validate_on_submit():
        abort(400)
    present = []
    for key in form.present.data:
        slug, _, user_id = key.rpartition(":")
        present.append((slug, int(user_id)))
    cohorts.set_attendance(cohort, present, [s.slug for s in sessions], [user.id for user, _ in members])
    flash("De aanwezigheid is opgeslagen.", "success")
    return redirect(url_for("trainer.cohort", cohort_id=cohort.id, _anchor="aanwezigheid-kop"))


@bp.get("/cohorts/<id:cohort_id>/tpack.csv")
@role_required(*STAFF)
def export(cohort_id: int) -> Response:
    cohort = _cohort_or_404(cohort_id)
    instrument = _instrument()
    if instrument is None:
        abort(404)
    text = cohorts.aggregate_csv(instrument, cohorts.cohort_tpack(cohort, instrument, _min_group()))
    # the byte-order mark makes Excel read the accents right
    return download("\ufeff" + text, f"groep-{cohort.id}-tpack.csv", "text/csv")


@bp.post("/cohorts/<id:cohort_id>/members/<id:user_id>/promote")
@role_required(*STAFF)
def promote(cohort_id: int, user_id: int) -> Response:
    cohort = _cohort_or_404(cohort_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        member, changed = cohorts.promote_to_trainer(current_user, cohort, user_id)
    except LookupError:
        abort(404)
    if changed:
        flash(f"{member.display_name} is nu trainer en kan zelf groepen begeleiden.", "success")
    else:
        flash(f"{member.display_name} was al trainer.", "success")
    return redirect(url_for("trainer.cohort", cohort_id=cohort.id, _anchor="deelnemers-kop"))


@bp.post("/cohorts/<id:cohort_id>/members/<id:user_id>/remove")
@role_required(*STAFF)
def remove_member(cohort_id: int, user_id: int) -> Response:
    cohort = _cohort_or_404(cohort_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    name = db.session.scalar(select(User.display_name).where(User.id == user_id))
    if cohorts.remove_member(cohort, user_id, actor=current_user):
        flash(f"{name} zit niet meer in {cohort.name}. Ook de aanwezigheid is verwijderd.", "success")
    else:
        flash("Deze deelnemer zat al niet (meer) in de groep.", "success")
    return redirect(url_for("trainer.cohort", cohort_id=cohort.id, _anchor="deelnemers-kop"))


@bp.get("/reach")
@role_required(*STAFF)
def reach() -> str:
    return render_template("trainer/reach.html", reach=cohorts.reach(current_user))


# --- teachers: joining and the programme ------------------------------------------------------


@bp.route("/join", methods=["GET", "POST"])
@role_required("teacher")
def join() -> str | Response | tuple[str, int]:
    form = JoinForm()
    wait = guesses.seconds_to_wait("cohort-join") if form.is_submitted() else 0
    if wait:
        form.invite_code.errors = [guesses.wait_message(wait)]
    elif form.validate_on_submit():
        try:
            cohort, new = cohorts.join_cohort(current_user, form.invite_code.data)
        except cohorts.CohortError as err:
            guesses.guessed_wrong("cohort-join")
            form[err.field].errors.append(err.message)
        else:
            if new:
                flash(f"Je doet nu mee met {cohort.name}. Hieronder staat het programma.", "success")
            else:
                flash(f"Je deed al mee met {cohort.name}.", "success")
            return redirect(url_for("trainer.join"))
    page = render_template(
        "trainer/join.html",
        form=form,
        memberships=cohorts.cohorts_of_member(current_user),
        sessions=_sessions(),
        action_form=ActionForm(),
    )
    return (page, 429) if wait else page


@bp.post("/cohorts/<id:cohort_id>/leave")
@role_required("teacher")
def leave(cohort_id: int) -> Response:
    if not ActionForm().validate_on_submit():
        abort(400)
    cohort = cohorts.membership_of(current_user, cohort_id)
    if cohort is None:  # a second click, or not one's group: the same answer
        flash("Je zit niet (meer) in deze groep.", "success")
    else:
        cohorts.remove_member(cohort, current_user.id)
        flash(f"Je zit niet meer in {cohort.name}. Ook je aanwezigheid is verwijderd.", "success")
    return redirect(url_for("trainer.join"))


@bp.get("/sessions/<slug>")
@role_required("teacher", "trainer", "admin")
def session(slug: str) -> str:
    sessions = _sessions()
    index = next((i for i, s in enumerate(sessions) if s.slug == slug), None)
    if index is None:
        abort(404)
    current = sessions[index]
    return render_template(
        "trainer/session.html",
        trainer_session=current,
        body=trainer_session_html(current),
        materials=_materials_for(current.number),
        previous=sessions[index - 1] if index > 0 else None,
        following=sessions[index + 1] if index + 1 < len(sessions) else None,
    )


@bp.get("/materials/<material>")
@role_required("teacher", "trainer", "admin")
def material(material: str) -> str:
    """A handout on its own page; the print stylesheet leaves only the handout."""
    found = next((m for m in catalog().trainer_materials if m.slug == material), None)
    if found is None:
        abort(404)
    sessions = [s for s in _sessions() if s.number in found.sessions]
    return render_template(
        "trainer/material.html", material=found, body=trainer_material_html(found), sessions=sessions
    )
