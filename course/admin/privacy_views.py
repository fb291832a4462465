"""The documents a school's FG asks for (privacybijsluiter, register entry, DPIA pre-scan), as admin
pages and as Markdown downloads. All are written from the privacy inventory, so they say what the
statement says."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, current_app, render_template

from ..content.render import render_markdown
from ..core import downloads
from ..core.access import role_required
from ..privacy.documents import DOCUMENTS, Document
from ..privacy.legal import controller_from
from ..privacy.personal_data import configured_categories

bp = Blueprint("admin_privacy", __name__, url_prefix="/admin/privacy")

BY_SLUG = {document.slug: document for document in DOCUMENTS}


def _markdown(document: Document) -> str:
    config = current_app.config
    return document.write(configured_categories(config), controller_from(config), date.today())


@bp.get("/")
@role_required("admin")
def index() -> str:
    return render_template("admin_privacy/index.html", documents=DOCUMENTS,
                           controller=controller_from(current_app.config))


def _page(slug: str) -> str:
    document = BY_SLUG.get(slug) or abort(404)
    # The Markdown's own title is the page's h1 already; the renderer sanitises the rest.
    body = _markdown(document).split("\n", 1)[1]
    html = render_markdown(body, min_heading=2)
    return render_template("admin_privacy/document.html", document=document, html=html)


def _download(slug: str) -> Response:
    document = BY_SLUG[slug]
    return downloads.download(_markdown(document), f"{slug}-{date.today().isoformat()}.md", "text/markdown")


# One page and one download per document, each its own endpoint, so the authorisation matrix names them.
@bp.get("/bijsluiter")
@role_required("admin")
def bijsluiter() -> str:
    return _page("bijsluiter")


@bp.get("/bijsluiter.md")
@role_required("admin")
def bijsluiter_md() -> Response:
    return _download("bijsluiter")


@bp.get("/register")
@role_required("admin")
def register() -> str:
    return _page("register")


@bp.get("/register.md")
@role_required("admin")
def register_md() -> Response:
    return _download("register")


@bp.get("/dpia")
@role_required("admin")
def dpia() -> str:
    return _page("dpia")


@bp.get("/dpia.md")
@role_required("admin")
def dpia_md() -> Response:
    return _download("dpia")
