"""A person's own data: a readable page and a JSON download (AVG art. 15 and 20)."""

from __future__ import annotations

import json
from datetime import date, datetime

from flask import Blueprint, Response, current_app, render_template
from flask_login import current_user, login_required

from ..core import downloads
from ..core.audit import describe_action
from ..core.content_store import catalog
from ..core.numbers import decimal_comma
from ..core.templating import dutch_datetime
from .personal_data import DataCategory, configured_categories, export_user_data
from .staff_overview import is_staff, lesson_title, staff_overview

bp = Blueprint("mydata", __name__, url_prefix="/account/data")


def _day(moment: str | None) -> str:
    """An ISO timestamp from the export as a Dutch date: "3 dec 2026"."""
    return dutch_datetime(datetime.fromisoformat(moment), with_time=False) if moment else ""


def _quiz_title(slug: str) -> str:
    quiz = catalog().quizzes.get(slug)
    return quiz.title if quiz else slug


def _score(score: str | None, max_score: int | None) -> str:
    if score is None:
        return "niet ingeleverd"
    return f"{decimal_comma(score)} van {max_score}" if max_score else decimal_comma(score)


# The inventory's categories behind each staff section: the page says why and how long from there.
STAFF_SECTIONS = {
    "classes": "Klassen die je geeft (alleen docenten)",
    "feedback": "Feedback die je schrijft (alleen docenten)",
    "tpack": "TPACK-scan (alleen docenten)",
    "cohorts": "Train-de-trainergroepen (alleen docenten)",
    "trainer": "Trainer en bereik (alleen docenten)",
    "log": "Logboek",
}


def _staff_reasons() -> dict[str, DataCategory]:
    by_title = {c.title: c for c in configured_categories(current_app.config)}
    return {key: by_title[title] for key, title in STAFF_SECTIONS.items()}


@bp.get("/")
@login_required
def show() -> str:
    staff = is_staff(current_user)
    return render_template(
        "mydata/show.html",
        data=export_user_data(current_user, staff=False),
        staff=staff_overview(current_user) if staff else None,
        reasons=_staff_reasons() if staff else {},
        day=_day,
        lesson_title=lesson_title,
        quiz_title=_quiz_title,
        score=_score,
        action_text=describe_action,
    )


@bp.get("/download.json")
@login_required
def download() -> Response:
    body = json.dumps(export_user_data(current_user), ensure_ascii=False, indent=2)
    filename = f"mijn-gegevens-{current_user.username}-{date.today().isoformat()}.json"
    return downloads.download(body, filename, "application/json")
