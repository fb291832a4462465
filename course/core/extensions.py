"""Extensions, created unbound here and bound to an app in create_app."""

from __future__ import annotations

from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

from .db import db

login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Log in om deze pagina te zien."
login_manager.login_message_category = "info"
# A stolen session cookie on another network should not keep working unnoticed.
login_manager.session_protection = "basic"

csrf = CSRFProtect()

__all__ = ["csrf", "db", "login_manager"]
