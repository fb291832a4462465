"""Downloads for staff: the course for their own platform (lessons overview, "Gebruik in je eigen
leerplatform"). Built from the content the app serves at that moment; nothing personal is in them,
but the teacher guides and the right answers are, so only staff may fetch them."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, url_for
from werkzeug.wrappers import Response

from ..core.access import role_required
from ..core.content_store import catalog
from ..core.downloads import download
from ..quizzes.gift import export_gift
from ..quizzes.moodle_xml import ExportError, export_moodle_xml
from .cartridge import build_cartridge

bp = Blueprint("portable", __name__, url_prefix="/lessons/export")

STAFF_ROLES = ("teacher", "trainer", "admin")


@bp.get("/personal-branding.imscc")
@role_required(*STAFF_ROLES)
def cartridge() -> Response:
    return download(build_cartridge(catalog()), "personal-branding.imscc", "application/zip")


@bp.get("/personal-branding-moodle.xml")
@role_required(*STAFF_ROLES)
def moodle_xml() -> Response:
    return _moodle_download("personal-branding-moodle.xml", ordering="ordering")


@bp.get("/personal-branding-moodle-oud.xml")
@role_required(*STAFF_ROLES)
def moodle_xml_before_4_4() -> Response:
    return _moodle_download("personal-branding-moodle-oud.xml", ordering="matching")


def _moodle_download(filename: str, ordering: str) -> Response:
    try:
        data = export_moodle_xml(catalog().quizzes.values(), ordering=ordering)
    except ExportError:  # `course check` names the question; content authors fix it there
        flash("De quizzen passen nu niet in Moodle XML. Vraag de beheerder om 'course check' te draaien.", "error")
        return redirect(url_for("lessons.index"))
    return download(data, filename, "application/xml")


@bp.get("/personal-branding.gift")
@role_required(*STAFF_ROLES)
def gift() -> Response:
    data = export_gift(catalog().quizzes.values()).encode("utf-8")
    return download(data, "personal-branding.gift", "text/plain")
