"""Form pieces shared by several features."""

from __future__ import annotations

import re

from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional, Regexp, ValidationError

from ..core.forms import name_field
from .passwords import MIN_LENGTH

USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{2,39}$")
# Enough to catch a typo; the school's identity provider is what vouches for the address.
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
EMAIL_LENGTH = 254


def normalise_username(value: str | None) -> str:
    return (value or "").strip().lower()


def username_field(label: str = "Gebruikersnaam") -> StringField:
    return StringField(
        label,
        filters=[normalise_username],
        validators=[
            DataRequired("Vul een gebruikersnaam in."),
            Regexp(
                USERNAME_PATTERN,
                message="Gebruik 3 tot 40 tekens: kleine letters, cijfers, punt, streepje of liggend streepje.",
            ),
        ],
        render_kw={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"},
    )


def staff_email_field(label: str = "E-mailadres van school (niet verplicht)") -> StringField:
    return StringField(
        label,
        filters=[lambda v: (v or "").strip().lower()],
        validators=[
            Optional(),
            Length(max=EMAIL_LENGTH, message=f"Gebruik hoogstens {EMAIL_LENGTH} tekens."),
            Regexp(EMAIL_PATTERN, message="Dit is geen e-mailadres. Controleer het, bijvoorbeeld naam@school.nl."),
        ],
        render_kw={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false", "inputmode": "email"},
    )


def display_name_field(label: str = "Naam zoals je klas en docent die zien") -> StringField:
    return name_field(label, "Vul een naam in.", render_kw={"autocomplete": "nickname"})


def new_password_field(label: str = "Nieuw wachtwoord") -> PasswordField:
    return PasswordField(
        label,
        validators=[
            DataRequired("Kies een wachtwoord."),
            Length(min=MIN_LENGTH, max=200, message=f"Een wachtwoord heeft minstens {MIN_LENGTH} tekens."),
            _not_common,
        ],
        render_kw={"autocomplete": "new-password"},
        description=f"Minstens {MIN_LENGTH} tekens. Een zin van een paar woorden werkt goed.",
    )


def confirm_password_field(other: str = "password") -> PasswordField:
    return PasswordField(
        "Herhaal het wachtwoord",
        validators=[DataRequired("Herhaal het wachtwoord."), EqualTo(other, "De twee wachtwoorden zijn niet gelijk.")],
        render_kw={"autocomplete": "new-password"},
    )


def _not_common(form: object, field: PasswordField) -> None:
    from .passwords import is_common_password

    if field.data and is_common_password(field.data):
        raise ValidationError("Dit wachtwoord staat op de lijst van veelgebruikte wachtwoorden. Kies een ander.")
