"""Pages everyone can reach: the front door, credits and the privacy statement."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

bp = Blueprint("pages", __name__)


@bp.get("/")
def index() -> Response:
    if current_user.is_authenticated:
        from ..core.templating import home_url_for

        return redirect(home_url_for(current_user))
    return redirect(url_for("auth.login"))


@bp.get("/credits")
def credits() -> str:
    return render_template("pages/credits.html")


@bp.get("/privacy")
def privacy() -> str:
    from flask import current_app

    from ..privacy.legal import COMPLAINT, LEGAL_BASES, RIGHTS, controller_from
    from ..privacy.personal_data import configured_categories

    config = current_app.config
    controller = controller_from(config)
    return render_template(
        "pages/privacy.html",
        categories=configured_categories(config),
        months=int(config["ARCHIVED_CLASS_RETENTION_MONTHS"]),
        controller=controller,
        bases=LEGAL_BASES,
        rights=RIGHTS,
        complaint=COMPLAINT,
    )


@bp.get("/staff")
@login_required
def staff_home() -> str:
    return render_template("pages/staff_home.html")
