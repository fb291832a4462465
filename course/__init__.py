"""Personal Branding: a course app for Dutch mbo schools."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from typing import Any

import click
from flask import Blueprint, Flask

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
    default_config.check(app.config)
    if app.config.get("PREFERRED_URL_SCHEME") == "https":
        app.config["SESSION_COOKIE_SECURE"] = True
    app.config["REMEMBER_COOKIE_SECURE"] = app.config["SESSION_COOKIE_SECURE"]
    from .live.poll import StatePoll

    app.wsgi_app = StatePoll(app, app.wsgi_app)  # type: ignore[method-assign]
    if int(app.config.get("TRUSTED_PROXY_COUNT") or 0):
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = int(app.config["TRUSTED_PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    if app.logger.level == logging.NOTSET:
        app.logger.setLevel(logging.INFO)  # content reloads are logged at INFO
    if not app.config.get("SECRET_KEY"):
        from .core.secret import instance_secret_key

        app.config["SECRET_KEY"] = instance_secret_key(app.instance_path)

    from .core.extensions import csrf, db, login_manager

    db.init_app(app)
    login_manager.init_app(app)
    csrf.init_app(app)

    from .accounts import views as accounts_views
    from .core import content_store, request_guard, security_headers, url_ids
    from .oidc import views as oidc_views

    url_ids.init_app(app)
    request_guard.init_app(app)
    content_store.init_app(app)
    accounts_views.init_app(app)
    oidc_views.init_app(app)
    security_headers.init_app(app)

    for blueprint in _blueprints():
        app.register_blueprint(blueprint)

    from .core import error_pages as errors
    from .core import page_cache, templating

    errors.init_app(app)
    templating.init_app(app)
    page_cache.init_app(app)

    for command in _commands():
        app.cli.add_command(command)
    return app


def _blueprints() -> list[Blueprint]:
    """Every feature's pages; each blueprint is the ``bp`` of a views module in its feature's package."""
    from .accounts.views import bp as auth
    from .admin.privacy_views import bp as admin_privacy
    from .admin.views import bp as admin
    from .assignments.peer_views import bp as peer
    from .assignments.share_views import bp as share
    from .assignments.views import bp as assignments
    from .classes.views import bp as classes
    from .core.health import bp as health
    from .gradebook.views import bp as gradebook
    from .lessons.dashboard import bp as student
    from .lessons.views import bp as lessons
    from .live.views import bp as live
    from .lti.views import bp as lti
    from .oidc.views import bp as oidc
    from .pages.views import bp as pages
    from .portable.views import bp as portable
    from .privacy.views import bp as mydata
    from .quizzes.views import bp as quizzes
    from .teacher_track.tpack_views import bp as tpack
    from .teacher_track.trainer_views import bp as trainer

    return [pages, health, auth, oidc, student, classes, admin, admin_privacy, mydata, lessons, assignments, quizzes,
            tpack, trainer, gradebook, lti, live, portable, peer, share]


def _commands() -> list[click.Command]:
    """`flask --app wsgi <group> ...`: each feature's command group."""
    from .accounts.cli import users_cli
    from .core.backup import backup_command
    from .core.cli import db_cli
    from .core.content_cli import course_cli
    from .core.restore import restore_command
    from .demo.cli import demo_command
    from .lti.cli import lti_cli
    from .portable.cli import export_cartridge_command
    from .privacy.cli import privacy_cli
    from .privacy.staff_cli import users_delete_command
    from .quizzes.cli import quizzes_cli

    course_cli.add_command(export_cartridge_command)  # `course export-cartridge`: content, built higher up
    users_cli.add_command(users_delete_command)  # lives with the other deletion rules in privacy
    return [db_cli, users_cli, demo_command, course_cli, quizzes_cli, backup_command, restore_command, privacy_cli,
            lti_cli]
