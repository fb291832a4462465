"""The quiz form, built from a quiz and an attempt's seed, and what a review page shows.

Every control is a plain radio button, checkbox or select, so a quiz works with the keyboard alone,
on a phone and without JavaScript. Field names are ``q-<question id>`` and, for ordering and
matching, ``q-<question id>.<item or pair id>``: ids never contain a dot, so names never clash.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from flask_wtf import FlaskForm
from wtforms import Field, HiddenField, RadioField, SelectField, SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..content.quiz_files import Item, Option, Pair, Question, Quiz, option_order
from ..core.numbers import decimal_comma, percent_of
from ..models import AttemptItem, QuizAttempt
from .grading import grade_result

KIND_HINTS = {
    "single": "Kies één antwoord.",
    "truefalse": "Kies waar of niet waar.",
    "multiple": "Kies alle goede antwoorden. Het kan er één zijn, of meer.",
    "ordering": "Kies bij elk onderdeel een plaats: 1 is het eerst, {n} het laatst. Elke plaats gebruik je één keer.",
    "matching": "Kies bij elk onderdeel het antwoord dat erbij hoort. Elk antwoord hoort bij één onderdeel.",
}
KIND_NAMES = {
    "single": "één antwoord",
    "truefalse": "waar of niet waar",
    "multiple": "meer antwoorden",
    "ordering": "volgorde",
    "matching": "koppelen",
}


def field_name(question: Question, part: str | None = None) -> str:
    return f"q-{question.id}" if part is None else f"q-{question.id}.{part}"


class QuizForm(FlaskForm):
    """Base class; ``quiz_form`` adds one field per question (or per item/pair)."""

    quiz: Quiz
    seed: int
    # The quiz version the page showed: answers are graded against that version only.
    shown_version = HiddenField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.question_errors: dict[str, str] = {}

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        for question in self.quiz.questions:
            self._check_choices(question)
            if question.kind == "ordering" and question.id not in self.question_errors:
                self._check_positions(question)
        return valid and not self.question_errors

    def _check_choices(self, question: Question) -> None:
        """Only values the page offered: a crafted post with other ids or long text is refused,
        so an attempt stores nothing the quiz does not define."""
        for f in question_fields(self, question):
            offered = {str(choice.value) for choice in f.choices} | {""}
            values = f.data if isinstance(f.data, list) else [f.data]
            if any(value is not None and str(value) not in offered for value in values):
                message = "Dit antwoord hoort niet bij deze vraag. Laad de pagina opnieuw en kies je antwoord opnieuw."
                self.question_errors[question.id] = message
                f.errors = [*f.errors, message]
                return
            if isinstance(f.data, list):
                f.data = list(dict.fromkeys(f.data))  # a checkbox sent twice counts once

    def _check_positions(self, question: Question) -> None:
        """All places empty (no answer) or every item its own place, as the student chose them."""
        n = len(question.items)
        fields = [self[field_name(question, item.id)] for item in question.items]
        places = [_place(f.data, n) for f in fields]
        if all(place is None for place in places):
            return
        if None not in places and len(set(places)) == n:
            return
        if any(place is None for place in places):
            message = f"Kies bij elk onderdeel een plaats van 1 tot {n}, of laat ze allemaal leeg."
            bad = [f for f, place in zip(fields, places, strict=True) if place is None]
        else:
            message = f"Sommige onderdelen hebben dezelfde plaats. Geef elk onderdeel een eigen plaats van 1 tot {n}."
            bad = [f for f, place in zip(fields, places, strict=True) if places.count(place) > 1]
        self.question_errors[question.id] = message
        for f in bad:
            f.errors = [*f.errors, message]

    def answers(self) -> dict[str, Any]:
        """The raw answer shapes of course.grading, from a validated form; blank questions are left out."""
        answers: dict[str, Any] = {}
        for question in self.quiz.questions:
            if question.kind in ("single", "truefalse"):
                value = self[field_name(question)].data
                if value:
                    answers[question.id] = value
            elif question.kind == "multiple":
                answers[question.id] = list(self[field_name(question)].data or [])
            elif question.kind == "ordering":
                n = len(question.items)
                places = {item.id: _place(self[field_name(question, item.id)].data, n) for item in question.items}
                if all(place is not None for place in places.values()):
                    answers[question.id] = sorted(places, key=lambda item_id: places[item_id])
            elif question.kind == "matching":
                picks = {p.id: self[field_name(question, p.id)].data for p in question.pairs}
                picks = {left: right for left, right in picks.items() if right}
                if picks:
                    answers[question.id] = picks
        return answers

    def on_screen(self) -> dict[str, Any]:
        """The choices as the page holds them (field name -> value, or values for checkboxes), only
        values the page offered. Unlike ``answers`` it keeps half-done questions: this is what is
        saved while the attempt is open and what the confirmation page carries."""
        kept: dict[str, Any] = {}
        for question in self.quiz.questions:
            for f in question_fields(self, question):
                offered = {str(choice.value) for choice in f.choices} - {""}
                if isinstance(f.data, list):
                    values = [v for v in dict.fromkeys(str(d) for d in f.data) if v in offered]
                    if values:
                        kept[f.name] = values
                elif f.data is not None and str(f.data) in offered:
                    kept[f.name] = str(f.data)
        return kept


def open_questions(quiz: Quiz, answers: dict[str, Any]) -> list[tuple[int, Question]]:
    """The questions without any answer, with their number on the page."""
    return [(n, q) for n, q in enumerate(quiz.questions, start=1) if not answers.get(q.id)]


def _place(value: Any, n: int) -> int | None:
    try:
        place = int(value)
    except (TypeError, ValueError):
        return None
    return place if 1 <= place <= n else None


def quiz_form(quiz: Quiz, seed: int, **kwargs: Any) -> QuizForm:
    """The form for this quiz in this attempt's order, instantiated (from the request on POST).

    The form class is built once per quiz version; only the order of the choices belongs to the
    attempt, and it is set on the instance.
    """
    form = _form_class(quiz)(**kwargs)
    form.quiz, form.seed = quiz, seed
    for question in quiz.questions:
        if question.kind in ("single", "truefalse", "multiple", "matching"):
            order = option_order(question, seed)
            texts = _choice_texts(question)
            choices = [SelectChoice(oid, texts[oid]) for oid in order]
            if question.kind == "matching":
                choices.insert(0, SelectChoice("", "Kies een antwoord"))
                for pair in question.pairs:
                    form[field_name(question, pair.id)].choices = choices
            else:
                form[field_name(question)].choices = choices
    return form


def _choice_texts(question: Question) -> dict[str, str]:
    if question.kind == "matching":
        return {p.id: p.right for p in question.pairs}
    return {o.id: o.text for o in question.options}


# Quiz versions are hashes of the file: one version is one text. A handful of quizzes, each with
# a few versions over a year: the limit only guards against an endless stream of edits.
_FORM_CLASSES: dict[tuple[str, str], type[QuizForm]] = {}
_FORM_CLASS_LIMIT = 200


def _form_class(quiz: Quiz) -> type[QuizForm]:
    key = (quiz.slug, quiz.version)
    form_class = _FORM_CLASSES.get(key)
    if form_class is None:
        if len(_FORM_CLASSES) >= _FORM_CLASS_LIMIT:
            _FORM_CLASSES.clear()
        form_class = _FORM_CLASSES[key] = _build_form_class(quiz)
    return form_class


def _build_form_class(quiz: Quiz) -> type[QuizForm]:
    """One field per question (per item or pair for ordering and matching); choices come per attempt."""
    fields: dict[str, Any] = {"quiz": quiz}
    for question in quiz.questions:
        # Choices are checked by ``_check_choices``; no English "Not a valid choice".
        if question.kind == "multiple":
            fields[field_name(question)] = SelectMultipleField(
                question.text, choices=[], validate_choice=False, validators=[Optional()],
                widget=ListWidget(prefix_label=False), option_widget=CheckboxInput(),
            )
        elif question.kind in ("single", "truefalse"):
            fields[field_name(question)] = RadioField(
                question.text, choices=[], validate_choice=False, validators=[Optional()]
            )
        elif question.kind == "ordering":
            places = [SelectChoice("", "Kies een plaats")]
            places += [SelectChoice(str(k), f"plaats {k}") for k in range(1, len(question.items) + 1)]
            for item in question.items:
                fields[field_name(question, item.id)] = SelectField(
                    item.text, choices=places, validate_choice=False, validators=[Optional()]
                )
        elif question.kind == "matching":
            for pair in question.pairs:
                fields[field_name(question, pair.id)] = SelectField(
                    pair.left, choices=[], validate_choice=False, validators=[Optional()]
                )
    return type("AttemptForm", (QuizForm,), fields)


def question_fields(form: QuizForm, question: Question) -> list[Field]:
    """The fields of one question in the order the page shows them."""
    if question.kind == "ordering":
        return [form[field_name(question, item_id)] for item_id in option_order(question, form.seed)]
    if question.kind == "matching":
        return [form[field_name(question, pair.id)] for pair in question.pairs]
    return [form[field_name(question)]]


# -- review ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewOption:
    option: Option
    chosen: bool


@dataclass(frozen=True)
class ReviewMatch:
    pair: Pair
    chosen: Pair | None

    @property
    def right(self) -> bool:
        return self.chosen is not None and self.chosen.id == self.pair.id


@dataclass(frozen=True)
class ReviewQuestion:
    """One question of a submitted attempt, as the review page shows it."""

    number: int
    question: Question
    item: AttemptItem | None  # None: the question was added to the quiz after this attempt
    voided: bool
    answered: bool
    options: tuple[ReviewOption, ...] = ()
    order: tuple[Item, ...] = ()
    matches: tuple[ReviewMatch, ...] = ()

    @property
    def status(self) -> str:
        if self.item is None:
            return "new"
        if self.voided:
            return "voided"
        if not self.answered:
            return "blank"
        if self.item.score >= self.item.max_score:
            return "right"
        return "partly" if self.item.score > 0 else "wrong"


def review(quiz: Quiz, attempt: QuizAttempt, voided: frozenset[str]) -> list[ReviewQuestion]:
    """What the student chose per question, next to the stored score, in the attempt's order."""
    items = {item.question_id: item for item in attempt.items}
    answers = attempt.answers or {}
    rows = []
    for number, question in enumerate(quiz.questions, start=1):
        answer = answers.get(question.id)
        outcome = grade_result(question, answer)  # only for what was chosen; the score is the stored one
        parts: dict[str, Any] = {}
        if question.kind in ("single", "truefalse", "multiple"):
            options = {o.id: o for o in question.options}
            parts["options"] = tuple(
                ReviewOption(options[oid], oid in outcome.chosen) for oid in option_order(question, attempt.seed)
            )
        elif question.kind == "ordering":
            items_by_id = {i.id: i for i in question.items}
            parts["order"] = tuple(items_by_id[i] for i in outcome.chosen)
        elif question.kind == "matching":
            pairs = {p.id: p for p in question.pairs}
            picks = answer if isinstance(answer, dict) else {}
            parts["matches"] = tuple(
                ReviewMatch(pair, pairs.get(pick) if isinstance(pick := picks.get(pair.id), str) else None)
                for pair in question.pairs
            )
        item = items.get(question.id)
        rows.append(ReviewQuestion(number, question, item, question.id in voided, outcome.answered, **parts))
    return rows


def format_points(value: Decimal | Fraction | int | None) -> str:
    """Dutch notation, at most two decimals: 1, 1,5, 1,33."""
    return "-" if value is None else decimal_comma(value)


def points_label(value: Decimal | Fraction | int | None) -> str:
    text = format_points(value)
    return f"{text} punt" if text == "1" else f"{text} punten"


def percentage(score: Decimal | None, max_score: int | None) -> int | None:
    """Whole percent as every page shows it (course.core.numbers: rounded down)."""
    return percent_of(score, max_score)


def reaches_pass_mark(score: Decimal | None, max_score: int | None, pass_percentage: int) -> bool:
    """The same exact rule as course.results.QuizStanding.passed."""
    return score is not None and bool(max_score) and Decimal(score) * 100 / max_score >= pass_percentage
