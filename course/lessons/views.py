"""Lesson pages: the index, a lesson as the student reads it, the teacher guide, the printable
materials the guides link to, the term plan, the competence overview and the media files of
lessons/media/. Marking a lesson done is a POST; staff get a preview in which nothing is stored."""

from __future__ import annotations

import mimetypes
import os
import re

from flask import Blueprint, abort, flash, redirect, render_template, send_file, url_for
from flask.blueprints import BlueprintSetupState
from flask_login import current_user, login_required
from werkzeug.security import safe_join
from werkzeug.wrappers import Response

from ..content.facts import Fact, current_register, lesson_files
from ..content.glossary import sort_key
from ..content.lesson_files import Lesson
from ..core.access import role_required
from ..core.content_store import catalog, guide_html, lesson_html, lesson_material_html
from ..core.forms import ActionForm
from ..core.page_cache import render_cached
from ..core.templating import dutch_date, register_nav
from . import lookup, progress
from .lookup import assignment_html, lesson_or_404, quiz_url, student_overview

bp = Blueprint("lessons", __name__, url_prefix="/lessons")
bp.add_app_template_global(quiz_url, "quiz_url")

STAFF_ROLES = ("teacher", "trainer", "admin")
# The lessons a term with eight weeks keeps; together they still train every citizenship dimension.
# Each guide's "Korte route" line says whether its lesson stays (tests/test_lesson_materials.py).
SHORT_ROUTE = (1, 2, 3, 4, 5, 7, 9, 12)
MEDIA_MAX_AGE = 24 * 60 * 60  # lesson media change rarely; a day keeps a class of phones quick
MEDIA_TYPES = ("image/", "audio/", "video/", "application/pdf")
# An SVG opened on its own is a document: nothing in it may run, load or be framed. Inline styles
# only, as a drawing may use them; `course check` keeps scripts and other hosts out of the files too.
SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; sandbox"


@bp.record_once
def _on_register(state: BlueprintSetupState) -> None:
    for role in STAFF_ROLES:
        register_nav("lessons.index", "Lessen", role)


# --- pages -----------------------------------------------------------------------------------


@bp.get("/")
@login_required
def index() -> str:
    return render_template(
        "lessons/index.html",
        lessons=list(catalog().lessons.values()),
        overview=student_overview(),
        is_staff=current_user.is_staff,
    )


@bp.get("/competences")
@login_required
def competences() -> str:
    cat = catalog()
    trained_by = {
        cid: [lesson for lesson in cat.lessons.values() if cid in lesson.competences] for cid in cat.competences
    }
    groups: dict[str, list] = {}
    for competence in cat.competences.values():
        groups.setdefault(competence.group, []).append(competence)
    return render_template(
        "lessons/competences.html", groups=groups, trained_by=trained_by, lessons=list(cat.lessons.values())
    )


@bp.get("/woordenlijst")
@login_required
def glossary() -> str:
    """Every hard word of the module with a short explanation, alphabetical and grouped by first
    letter; each word has an anchor, which the lessons link to."""
    cat = catalog()
    terms = cat.glossary.terms if cat.glossary else ()
    letters: dict[str, list] = {}
    for term in terms:
        letter = sort_key(term.term)[:1].upper()
        letters.setdefault(letter if letter.isalpha() else "#", []).append(term)
    return render_template("lessons/glossary.html", letters=letters, lessons=cat.lessons)


@bp.get("/plan")
@role_required(*STAFF_ROLES)
def term_plan() -> str:
    """One page for the teacher: a lesson a week, which citizenship dimensions each lesson trains
    and which assignment can serve as evidence in the school's burgerschap dossier."""
    cat = catalog()
    citizenship = [c for c in cat.competences.values() if c.group == "Burgerschap"]
    lessons = list(cat.lessons.values())
    return render_template(
        "lessons/term_plan.html",
        lessons=lessons,
        citizenship=citizenship,
        trained_by={c.id: [lesson.number for lesson in lessons if c.id in lesson.competences] for c in citizenship},
        short_route=[lesson for lesson in lessons if lesson.number in SHORT_ROUTE],
        dropped=[lesson for lesson in lessons if lesson.number not in SHORT_ROUTE],
    )


@bp.get("/<slug>")
@login_required
def show(slug: str) -> str:
    lesson = lesson_or_404(slug)
    cat = catalog()
    counts = progress.counts_for(current_user)
    state = progress.lesson_state(current_user.id, lesson, cat) if counts else None
    body = lesson_html(lesson)
    instructions = assignment_html(lesson) if lesson.assignment else None

    def context() -> dict[str, object]:
        ordered = list(cat.lessons.values())
        position = ordered.index(lesson)
        return {
            "lesson": lesson,
            "body_html": body,
            "assignment_html": instructions,
            "competences": [cat.competences[c] for c in lesson.competences if c in cat.competences],
            "previous": ordered[position - 1] if position > 0 else None,
            "following": ordered[position + 1] if position + 1 < len(ordered) else None,
            "state": state,
            "preview": not counts,
            "is_staff": current_user.is_staff,
        }

    # The rendered HTML strings are in the key, so an edited lesson file gives a new page.
    key = (lesson.slug, body, instructions, counts, state.page_key() if state else None, lookup.quizzes_available())
    return render_cached("lessons/show.html", key, context)


@bp.get("/<slug>/guide")
@role_required(*STAFF_ROLES)
def guide(slug: str) -> str:
    lesson = lesson_or_404(slug)
    facts = _facts_of(lesson)
    return render_template(
        "lessons/guide.html",
        lesson=lesson,
        guide_html=_without_title(guide_html(lesson)),
        materials=catalog().materials_of(lesson),
        checked_facts=[(fact, dutch_date(fact.checked)) for fact in facts],
    )


def _facts_of(lesson: Lesson) -> list[Fact]:
    """The register's facts that this lesson, its guide, statements or quiz use."""
    cat = catalog()
    register = current_register(cat.lessons_dir)
    if register is None:
        return []
    quiz = cat.quiz_for(lesson)
    return register.used_by(*lesson_files(cat.lessons_dir, lesson.path, quiz.path if quiz else None))


_LEADING_TITLE = re.compile(r"^\s*<h1\b[^>]*>.*?</h1>\s*", re.DOTALL)


def _without_title(html: str | None) -> str | None:
    """The guide file opens with its own title; the page already has it as its heading."""
    return _LEADING_TITLE.sub("", html, count=1) if html else html


@bp.get("/materials/<handout>")
@login_required
def material(handout: str) -> str:
    """A printable material of the lessons. Staff only, unless the file says it is for students
    too: many hold answers or notes for the teacher."""
    found = catalog().lesson_material(handout)
    if found is None:
        abort(404)
    if not (found.for_students or current_user.is_staff):
        abort(403)
    cat = catalog()
    lessons = [lesson for lesson in cat.lessons.values() if lesson.number in found.lessons]
    return render_template(
        "lessons/material.html",
        material=found,
        body=lesson_material_html(found),
        lessons=lessons,
        is_staff=current_user.is_staff,
    )


@bp.post("/<slug>/done")
@login_required
def mark_done(slug: str) -> Response:
    return _set_done(slug, done=True)


@bp.post("/<slug>/undo")
@login_required
def undo_done(slug: str) -> Response:
    return _set_done(slug, done=False)


def _set_done(slug: str, *, done: bool) -> Response:
    lesson = lesson_or_404(slug)
    if not ActionForm().validate_on_submit():
        abort(400)
    if not progress.counts_for(current_user):
        flash("Voorbeeldweergave: dit is niet opgeslagen en telt nergens mee.", "info")
    else:
        progress.mark_done(current_user.id, lesson.slug, done=done)
        if done:
            flash(f"Les {lesson.number} staat op gelezen. Goed bezig!", "success")
        else:
            flash(f"Les {lesson.number} staat niet meer op gelezen.", "success")
    return redirect(url_for("lessons.show", slug=lesson.slug) + "#les-afronden")


@bp.get("/media/<path:filename>")
def media(filename: str) -> Response:
    """Files from lessons/media/ only: safe_join refuses ``..`` and absolute paths; hidden files
    and types a browser would run (HTML) are not served."""
    folder = catalog().lessons_dir / "media"
    if any(part.startswith(".") for part in filename.split("/")):
        abort(404)
    path = safe_join(str(folder), filename)
    if path is None or not os.path.isfile(path):
        abort(404)
    mimetype = mimetypes.guess_type(path)[0]
    if mimetype is None or not mimetype.startswith(MEDIA_TYPES):
        abort(404)
    response = send_file(path, mimetype=mimetype, max_age=MEDIA_MAX_AGE, conditional=True)
    if mimetype == "image/svg+xml":
        response.headers["Content-Security-Policy"] = SVG_POLICY
    return response
