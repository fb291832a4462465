"""Form pieces every feature uses."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import Field
from wtforms.validators import ValidationError

from .text import name_problem


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


def visible_name(form: object, field: Field) -> None:
    """Validator for every name field: no control or bidi characters, not only invisible ones."""
    problem = name_problem(field.data or "")
    if problem:
        raise ValidationError(problem)
