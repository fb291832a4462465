"""Entry point for `flask --app wsgi` and for gunicorn (`gunicorn wsgi:app`)."""

from course import create_app
from course.content.errors import ContentError
from course.core.content_store import refusal

try:
    app = create_app()
except ContentError as broken:
    # gunicorn and `flask run` stop here with the problems listed once, not with a traceback.
    raise SystemExit(refusal(broken)) from None
