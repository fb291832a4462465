"""Form pieces every feature uses."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import Field, StringField
from wtforms.validators import DataRequired, Length, ValidationError

from .text import clean_line, name_problem


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


def visible_name(form: object, field: Field) -> None:
    """Validator for every name field: no control or bidi characters, not only invisible ones."""
    problem = name_problem(field.data or "")
    if problem:
        raise ValidationError(problem)


def name_field(label: str, missing: str, max_length: int = 80, **kwargs: Any) -> StringField:
    """A one-line name (of a person, class, group or platform): cleaned, and visible characters only."""
    return StringField(
        label,
        filters=[clean_line],
        validators=[
            DataRequired(missing),
            Length(max=max_length, message=f"Gebruik hoogstens {max_length} tekens."),
            visible_name,
        ],
        **kwargs,
    )
