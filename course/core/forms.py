"""Form pieces every feature uses."""

from __future__ import annotations

from flask_wtf import FlaskForm


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""
