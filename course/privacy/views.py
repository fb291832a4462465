"""A person's own data: a readable page and a JSON download (AVG art. 15 and 20)."""

from __future__ import annotations

import json
from datetime import date

from flask import Blueprint, Response, render_template
from flask_login import current_user, login_required

from ..core import downloads
from .personal_data import export_user_data

bp = Blueprint("mydata", __name__, url_prefix="/account/data")


@bp.get("/")
@login_required
def show() -> str:
    return render_template("mydata/show.html", data=export_user_data(current_user))


@bp.get("/download.json")
@login_required
def download() -> Response:
    body = json.dumps(export_user_data(current_user), ensure_ascii=False, indent=2)
    filename = f"mijn-gegevens-{current_user.username}-{date.today().isoformat()}.json"
    return downloads.download(body, filename, "application/json")
