"""Personal Branding: a course app for Dutch mbo schools."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from flask import Flask

from .core import config as default_config


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app: config -> extensions -> content -> blueprints -> errors -> cli."""
    app = Flask(__name__, instance_relative_config=True)
    os.makedirs(app.instance_path, exist_ok=True)

    app.config.from_mapping(default_config.defaults(app.instance_path))
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_mapping(default_config.from_environment())
    else:
        app.config.from_mapping(test_config)
    if app.config.get("PREFERRED_URL_SCHEME") == "https":
        app.config["SESSION_COOKIE_SECURE"] = True
    app.config["REMEMBER_COOKIE_SECURE"] = app.config["SESSION_COOKIE_SECURE"]
    if int(app.config.get("TRUSTED_PROXY_COUNT") or 0):
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = int(app.config["TRUSTED_PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    if not app.config.get("SECRET_KEY"):
        from .core.secret import instance_secret_key

        app.config["SECRET_KEY"] = instance_secret_key(app.instance_path)

    from .core.extensions import csrf, db, login_manager

    db.init_app(app)
    login_manager.init_app(app)
    csrf.init_app(app)

    from .core import content_store as catalog

    catalog.init_app(app)

    from .accounts import views as auth
    from .core import security_headers as security

    auth.init_app(app)
    security.init_app(app)

    from . import gradebook
    from .admin import views as admin
    from .assignments import views as assignments
    from .classes import views as classes
    from .core import health
    from .lessons import dashboard as student
    from .lessons import views as lessons
    from .pages import views as pages
    from .privacy import views as mydata
    from .quizzes import views as quizzes
    from .teacher_track import tpack_views as tpack
    from .teacher_track import trainer_views as trainer

    for module in (pages, health, auth, student, classes, admin, mydata, lessons, assignments, quizzes, tpack, trainer,
                   gradebook):
        app.register_blueprint(module.bp)

    from .core import errors, page_cache, templating

    errors.init_app(app)
    templating.init_app(app)
    page_cache.init_app(app)

    from . import cli

    cli.init_app(app)
    return app
