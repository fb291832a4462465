"""A person's own data: a readable page and a JSON download (AVG art. 15 and 20)."""

from __future__ import annotations

import json
from datetime import date, datetime

from flask import Blueprint, Response, render_template
from flask_login import current_user, login_required

from ..core import downloads
from ..core.audit import describe_action
from ..core.content_store import catalog
from ..core.numbers import decimal_comma
from ..core.templating import dutch_datetime
from .personal_data import export_user_data

bp = Blueprint("mydata", __name__, url_prefix="/account/data")


def _day(moment: str | None) -> str:
    """An ISO timestamp from the export as a Dutch date: "3 dec 2026"."""
    return dutch_datetime(datetime.fromisoformat(moment), with_time=False) if moment else ""


def _lesson_title(slug: str) -> str:
    lesson = catalog().lessons.get(slug)
    return f"Les {lesson.number}: {lesson.title}" if lesson else slug


def _quiz_title(slug: str) -> str:
    quiz = catalog().quizzes.get(slug)
    return quiz.title if quiz else slug


def _score(score: str | None, max_score: int | None) -> str:
    if score is None:
        return "niet ingeleverd"
    return f"{decimal_comma(score)} van {max_score}" if max_score else decimal_comma(score)


@bp.get("/")
@login_required
def show() -> str:
    return render_template(
        "mydata/show.html",
        data=export_user_data(current_user),
        day=_day,
        lesson_title=_lesson_title,
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
