"""The TPACK self-assessment: a teacher's own scans, results and growth over time.

Everything here is private to the person who filled it in: scans are only ever loaded with
``teacher_id == current_user.id``, so another teacher, a trainer or an admin gets a 404.
Trainers see cohort aggregates through ``course.trainer``, never these pages.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask.blueprints import BlueprintSetupState
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import RadioField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from ..content.tpack_instrument import NOT_APPLICABLE, Instrument
from ..core.access import role_required
from ..core.content_store import catalog, markdown_html
from ..core.extensions import db
from ..core.forms import ActionForm
from ..core.templating import dutch_datetime, register_nav
from ..models import TpackScan
from ..models.teacher_track import GROWTH_GOAL_MAX
from .radar import Series
from .scans import (
    IncompleteScan,
    answers_for,
    complete_scan,
    completed_scans,
    delete_scan,
    is_retake,
    lookback_id,
    open_scan,
    own_scan,
    save_answers,
    start_or_continue,
)
from .tpack_profile import (
    MAX_ADVICE,
    advice_by_domain,
    domain_change,
    domain_levels,
    domain_means,
    format_change,
    format_mean,
    low_items,
    profile_chart,
)

bp = Blueprint("tpack", __name__, url_prefix="/teacher/tpack")
ROLES = ("teacher", "trainer")


@bp.record_once
def _setup(state: BlueprintSetupState) -> None:
    register_nav("tpack.index", "TPACK-scan", "teacher")
    register_nav("tpack.index", "TPACK-scan", "trainer")
    state.app.add_template_filter(format_mean, "tpack_mean")
    state.app.add_template_filter(format_change, "tpack_change")


# --- forms ----------------------------------------------------------------------------------


class ScaleField(RadioField):
    """A point on the scale or n.v.t.; may stay empty when saving halfway (Afronden checks
    completeness) and always may for a look-back question."""

    def pre_validate(self, form: Any) -> None:
        if self.data is None and not self.raw_data:
            return
        super().pre_validate(form)


def field_name(statement_id: str) -> str:
    return f"a_{statement_id}"


def lookback_field(domain_id: str) -> str:
    return f"terug_{domain_id.lower()}"


def _choices(instrument: Instrument) -> list[SelectChoice]:
    points = [SelectChoice(str(index + 1), label) for index, label in enumerate(instrument.scale)]
    return [*points, SelectChoice(str(NOT_APPLICABLE), instrument.not_applicable)]


_form_classes: dict[str, type[FlaskForm]] = {}


def scan_form_class(instrument: Instrument) -> type[FlaskForm]:
    """A form with one radio group per statement, built once per instrument version."""
    cached = _form_classes.get(instrument.digest)
    if cached is not None:
        return cached
    choices = _choices(instrument)
    refused = "Kies een van de antwoorden die er staan."
    fields: dict[str, Any] = {
        # The label names the statement by number, so the error summary stays short to read.
        field_name(statement_id): ScaleField(
            f"Stelling {number}",
            choices=choices,
            coerce=int,
            invalid_choice_message=refused,
            invalid_value_message=refused,
        )
        for number, statement_id in enumerate(instrument.statement_ids, start=1)
    }
    for domain in instrument.domains:  # shown and saved only on a retake
        fields[lookback_field(domain.id)] = ScaleField(
            f"Terugblik {domain.name}",
            choices=choices,
            coerce=int,
            invalid_choice_message=refused,
            invalid_value_message=refused,
        )
    too_long = f"Houd je groeidoel kort: hoogstens {GROWTH_GOAL_MAX} tekens."
    fields["growth_goal"] = TextAreaField(
        "Je groeidoel (mag leeg blijven)", validators=[Optional(), Length(max=GROWTH_GOAL_MAX, message=too_long)]
    )
    fields["save"] = SubmitField("Tussentijds opslaan")
    fields["finish"] = SubmitField("Afronden")
    form_class = type("TpackScanForm", (FlaskForm,), fields)
    _form_classes[instrument.digest] = form_class
    return form_class


# --- views ----------------------------------------------------------------------------------


def _instrument() -> Instrument:
    instrument = catalog().tpack
    if not isinstance(instrument, Instrument):
        abort(404)
    return instrument


def _own_scan_or_404(scan_id: int) -> TpackScan:
    scan = own_scan(current_user, scan_id)
    if scan is None:
        abort(404)
    return scan


def _min_group() -> int:
    return int(current_app.config["TPACK_MIN_GROUP"])


@bp.get("/")
@role_required(*ROLES)
def index() -> str:
    instrument = _instrument()
    unfinished = open_scan(current_user)
    answered = len(answers_for([unfinished.id])[unfinished.id]) if unfinished else 0
    return render_template(
        "tpack/index.html",
        instrument=instrument,
        unfinished=unfinished,
        answered=answered,
        scans=completed_scans(current_user),
        version=instrument.version,
        form=ActionForm(),
        min_group=_min_group(),
    )


@bp.post("/start")
@role_required(*ROLES)
def start() -> Response:
    instrument = _instrument()
    if not ActionForm().validate_on_submit():
        abort(400)
    scan = start_or_continue(current_user, instrument)
    return redirect(url_for("tpack.scan", scan_id=scan.id))


@bp.route("/scan/<id:scan_id>", methods=["GET", "POST"])
@role_required(*ROLES)
def scan(scan_id: int) -> str | Response:
    instrument = _instrument()
    scan = _own_scan_or_404(scan_id)
    if scan.completed_at is not None:
        # A second click on Afronden, or an old bookmark: the scan is done, show its result.
        return redirect(url_for("tpack.result", scan_id=scan.id))
    form_class = scan_form_class(instrument)
    stored = answers_for([scan.id])[scan.id]
    data: dict[str, Any] = {field_name(sid): value for sid, value in stored.items()}
    data.update({lookback_field(d.id): stored.get(lookback_id(d.id)) for d in instrument.domains})
    data["growth_goal"] = scan.growth_goal or ""
    form = form_class(data=data)
    retake = is_retake(current_user, scan)
    if not form.validate_on_submit():
        return _render_scan(instrument, scan, form, retake)
    given = {sid: form[field_name(sid)].data for sid in instrument.statement_ids}
    if retake:
        given.update({lookback_id(d.id): form[lookback_field(d.id)].data for d in instrument.domains})
    kept = {sid: value for sid, value in given.items() if value is not None}
    finishing = bool(form.finish.data)
    if not save_answers(scan, instrument, kept, growth_goal=form.growth_goal.data or "", commit=not finishing):
        return redirect(url_for("tpack.result", scan_id=scan.id))  # completed by a click a moment ago
    if not finishing:
        flash("Je antwoorden zijn bewaard. Je kunt later verder gaan waar je was.", "success")
        return redirect(url_for("tpack.index"))
    try:
        complete_scan(scan, instrument)
    except IncompleteScan as err:
        for sid in err.missing:
            form[field_name(sid)].errors.append("Kies een antwoord bij deze stelling.")
        return _render_scan(instrument, scan, form, retake, missing=len(err.missing))
    flash("Je scan is afgerond. Hieronder zie je je uitslag.", "success")
    return redirect(url_for("tpack.result", scan_id=scan.id))


def _render_scan(instrument: Instrument, scan: TpackScan, form: FlaskForm, retake: bool, missing: int = 0) -> str:
    answered = sum(1 for sid in instrument.statement_ids if form[field_name(sid)].data is not None)
    return render_template(
        "tpack/scan.html",
        instrument=instrument,
        scan=scan,
        form=form,
        field_name=field_name,
        lookback_field=lookback_field,
        retake=retake,
        growth_goal_max=GROWTH_GOAL_MAX,
        numbers={sid: number for number, sid in enumerate(instrument.statement_ids, start=1)},
        answered=answered,
        missing=missing,
        min_group=_min_group(),
    )


def _chart(instrument: Instrument, series: list[Series], title: str, chart_id: str) -> str:
    intro = f"Jouw gemiddelde per TPACK-domein op een schaal van 1 tot {len(instrument.scale)}."
    return profile_chart(instrument, series, title=title, chart_id=chart_id, intro=intro)


def scan_label(number: int, scan: TpackScan) -> str:
    return f"Scan {number}, {dutch_datetime(scan.completed_at, with_time=False)}"


def is_current(instrument: Instrument, scan: TpackScan) -> bool:
    """Scans made with an earlier questionnaire had other statements and another scale."""
    return scan.instrument_version == instrument.version


@bp.get("/scan/<id:scan_id>/result")
@role_required(*ROLES)
def result(scan_id: int) -> str | Response:
    instrument = _instrument()
    scan = _own_scan_or_404(scan_id)
    if scan.completed_at is None:
        return redirect(url_for("tpack.scan", scan_id=scan.id))
    scans = completed_scans(current_user)
    number = next(i for i, s in enumerate(scans, start=1) if s.id == scan.id)
    context: dict[str, Any] = {
        "instrument": instrument,
        "scan": scan,
        "number": number,
        "total": len(scans),
        "current": is_current(instrument, scan),
        "min_group": _min_group(),
        "form": ActionForm(),
    }
    if context["current"]:
        context.update(_result_figures(instrument, scan, number, scans))
    return render_template("tpack/result.html", **context)


def _result_figures(instrument: Instrument, scan: TpackScan, number: int, scans: list[TpackScan]) -> dict[str, Any]:
    answers = answers_for([scan.id])[scan.id]
    means = domain_means(instrument, answers)
    values = [means[d.id] for d in instrument.domains]
    chart = _chart(instrument, [Series(scan_label(number, scan), values)], "Jouw TPACK-profiel", "tpack-uitslag")
    not_applicable = {
        d.id: sum(1 for s in d.statements if answers.get(s.id) == NOT_APPLICABLE) for d in instrument.domains
    }
    low = low_items(instrument, answers)
    first = scans[0]
    first_means = None
    if number > 1 and is_current(instrument, first):
        first_means = domain_means(instrument, answers_for([first.id])[first.id])
    lookback = {d.id: answers.get(lookback_id(d.id)) for d in instrument.domains} if number > 1 else None
    return {
        "means": means,
        "levels": domain_levels(instrument, means),
        "not_applicable": not_applicable,
        "advice": advice_by_domain(instrument, low),
        "advice_html": {item.statement.id: markdown_html(item.statement.advice) for item in low[:MAX_ADVICE]},
        "low_count": len(low),
        "max_advice": MAX_ADVICE,
        "domain_names": {d.id: d.name for d in instrument.domains},
        "chart": chart,
        "first": first if number > 1 else None,
        "first_means": first_means,
        "lookback": lookback,
    }


@bp.post("/scan/<id:scan_id>/delete")
@role_required(*ROLES)
def delete(scan_id: int) -> Response:
    if not ActionForm().validate_on_submit():
        abort(400)
    scan = own_scan(current_user, scan_id)
    if scan is None and db.session.get(TpackScan, scan_id) is not None:
        abort(404)  # someone else's
    if scan is None:  # a second click: the first one deleted it
        flash("Deze scan is al verwijderd.", "success")
    else:
        delete_scan(scan)
        flash("Je scan is verwijderd, met al je antwoorden.", "success")
    return redirect(url_for("tpack.index"))


@bp.get("/history")
@role_required(*ROLES)
def history() -> str:
    instrument = _instrument()
    scans = completed_scans(current_user)
    numbered = list(enumerate(scans, start=1))
    # Only scans of this questionnaire are drawn and compared; earlier ones are listed apart.
    current = [(n, s) for n, s in numbered if is_current(instrument, s)]
    older = [(n, s) for n, s in numbered if not is_current(instrument, s)]
    answers = answers_for([s.id for _, s in current])
    profiles = [domain_means(instrument, answers[s.id]) for _, s in current]
    labels = [scan_label(number, s) for number, s in current]
    series = [Series(label, [p[d.id] for d in instrument.domains]) for label, p in zip(labels, profiles, strict=True)]
    chart = _chart(instrument, series, "Jouw TPACK-scans over elkaar", "tpack-groei") if current else None
    domain_ids = [d.id for d in instrument.domains]
    change = domain_change(domain_ids, profiles[0], profiles[-1]) if len(current) > 1 else None
    return render_template(
        "tpack/history.html",
        instrument=instrument,
        scans=scans,
        current=current,
        older=older,
        labels=labels,
        profiles=profiles,
        change=change,
        chart=chart,
        min_group=_min_group(),
    )
