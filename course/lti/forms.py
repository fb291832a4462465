"""Forms of the learning-platform pages: a platform added by hand, and the deep-linking choice."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from ..core.forms import name_field


def _url_field(label: str, description: str) -> StringField:
    return StringField(
        label,
        filters=[lambda v: (v or "").strip()],
        validators=[DataRequired(f"Vul {label.lower()} in."), Length(max=500, message="Dit adres is te lang.")],
        description=description,
        render_kw={"inputmode": "url", "spellcheck": "false", "autocapitalize": "none"},
    )


class PlatformForm(FlaskForm):
    name = name_field("Naam", "Geef het leerplatform een naam, zoals itslearning ROC.", 120)
    issuer = _url_field("Issuer", "Het adres waarmee het leerplatform zich bekendmaakt (iss).")
    client_id = StringField(
        "Client-id",
        filters=[lambda v: (v or "").strip()],
        validators=[DataRequired("Vul de client-id in die het leerplatform gaf."), Length(max=255)],
    )
    deployments = TextAreaField(
        "Deployment-id's",
        validators=[DataRequired("Vul minstens één deployment-id in."), Length(max=2000)],
        description="Eén per regel.",
        render_kw={"rows": 3},
    )
    auth_url = _url_field("Inlogadres", "OIDC-authorisatie-URL van het leerplatform.")
    token_url = _url_field("Tokenadres", "OAuth2-token-URL van het leerplatform (voor cijfers en klaslijsten).")
    jwks_url = _url_field("Sleuteladres", "Het adres van de publieke sleutels (JWKS) van het leerplatform.")

    def deployment_ids(self) -> list[str]:
        return [line.strip() for line in (self.deployments.data or "").splitlines() if line.strip()]


class DeepLinkForm(FlaskForm):
    items = SelectMultipleField(
        "Kies lessen en quizzen",
        validators=[DataRequired("Kies minstens één les of quiz.")],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
