"""Forms for images, rubrics, peer feedback and the supervisor's comment (CSRF comes with Flask-WTF).

A rubric form is built from the rubric, one radio group per criterion, as a quiz form is built from
its quiz; the fields are ``level_1``, ``level_2``, ... in the rubric's order.
"""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import BooleanField, RadioField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from ..content.rubrics import Rubric
from ..core.forms import name_field
from ..core.text import clean_text
from .images import ACCEPT_ATTRIBUTE, FORMATS_LABEL, MAX_BYTES, MAX_IMAGES
from .peer import MAX_COMMENT as MAX_PEER_COMMENT
from .share import MAX_COMMENT as MAX_SUPERVISOR_COMMENT

IMAGES_HINT = (
    f"Hoogstens {MAX_IMAGES} afbeeldingen ({FORMATS_LABEL}), elk hoogstens {MAX_BYTES // (1024 * 1024)} MB. "
    "We halen de verborgen gegevens uit je foto, zoals de plek waar hij is gemaakt: zo zie je nooit per "
    "ongeluk waar je woont of stage loopt."
)


def images_field() -> MultipleFileField:
    return MultipleFileField(
        "Afbeeldingen (mag leeg blijven)",
        description=IMAGES_HINT,
        render_kw={"accept": ACCEPT_ATTRIBUTE},
    )


def level_fields(rubric: Rubric | None, required: bool) -> dict[str, RadioField]:
    if rubric is None:
        return {}
    check = [DataRequired("Kies een niveau.")] if required else [Optional()]
    return {
        f"level_{index}": RadioField(
            criterion.name,
            choices=[SelectChoice(level, level.capitalize()) for level in rubric.levels],
            validators=check,
            description=" / ".join(f"{level.capitalize()}: {text}" for level, text in
                                   zip(rubric.levels, criterion.descriptions, strict=True)),
        )
        for index, criterion in enumerate(rubric.criteria, start=1)
    }


def chosen_levels(form: Any, rubric: Rubric | None) -> dict[str, str]:
    if rubric is None:
        return {}
    chosen = {c.name: getattr(form, f"level_{i}").data for i, c in enumerate(rubric.criteria, start=1)}
    return rubric.clean_choice(chosen)


class _PeerBase(FlaskForm):
    top = TextAreaField(
        "Top: wat is goed?",
        filters=[clean_text],
        validators=[DataRequired("Schrijf één top: wat is goed aan dit werk?"),
                    Length(max=MAX_PEER_COMMENT, message=f"Gebruik hoogstens {MAX_PEER_COMMENT} tekens.")],
        description="Eén ding dat goed is. Zeg precies wat, dan heeft je klasgenoot er iets aan.",
        render_kw={"rows": 3},
    )
    tip = TextAreaField(
        "Tip: wat kan beter?",
        filters=[clean_text],
        validators=[DataRequired("Schrijf één tip: wat kan beter?"),
                    Length(max=MAX_PEER_COMMENT, message=f"Gebruik hoogstens {MAX_PEER_COMMENT} tekens.")],
        description="Eén ding dat beter kan, vriendelijk en concreet. Schrijf zoals je het zelf zou willen horen.",
        render_kw={"rows": 3},
    )
    submit = SubmitField("Feedback versturen")


def peer_form(rubric: Rubric | None) -> type[FlaskForm]:
    return type("PeerForm", (_PeerBase,), level_fields(rubric, required=True))


class PeerSettingsForm(FlaskForm):
    enabled = BooleanField("Peerfeedback aan voor deze opdracht in deze klas")
    anonymous = BooleanField("Anoniem: studenten zien niet van wie het werk of de feedback is", default=True)
    submit = SubmitField("Opslaan")


class SupervisorCommentForm(FlaskForm):
    name = name_field("Uw naam", "Vul uw naam in, zodat de student weet van wie de reactie is.")
    comment = TextAreaField(
        "Uw reactie voor de student",
        filters=[clean_text],
        validators=[DataRequired("Schrijf uw reactie."),
                    Length(max=MAX_SUPERVISOR_COMMENT, message=f"Gebruik hoogstens {MAX_SUPERVISOR_COMMENT} tekens.")],
        description="U kunt één keer reageren. De student en de docent lezen uw reactie.",
        render_kw={"rows": 6},
    )
    submit = SubmitField("Reactie versturen")
