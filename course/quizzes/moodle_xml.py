"""Export quizzes as Moodle XML, the format that keeps what GIFT cannot: points, ordering, per-answer
feedback as HTML. docs/authoring.md ("Moodle XML") lists what is kept and what is lost.

- One ``category`` per quiz (``$course$/top/Personal Branding/NN Title``), then its questions.
- Points become ``defaultgrade``; fractions come from Moodle's fixed list (``MOODLE_FRACTIONS``).
- single/truefalse: 100 % for the right answer, 0 for the others, exactly as in the app.
- multiple: every right option weighs 1/(number of right options). Moodle adds up the weights of the
  ticked options (clamped to 0..100 %) and has no room for our rule's credit for wrong options left
  unticked, so the weight of a wrong option is the one from the list that comes closest to our
  score over every possible set of ticks (``multiple_weights``).
- matching: Moodle's ``matching`` grades the share of right pairs, as the app does. Moodle has no
  feedback per pair; each pair's feedback is added to the general feedback.
- ordering: Moodle's ``ordering`` (standard since Moodle 4.4) with grading type "relative to all
  previous and next items", which is the app's rule (pairs of items in the right relative order).
  ``ordering="matching"`` writes it as a matching question from item to position for older sites.
- Texts are markdown rendered to safe HTML by the app's renderer, in CDATA; the right side of a
  matching pair is plain text, because Moodle shows it in a drop-down list.

Pure: no Flask, no database. The output is deterministic (quizzes by file name, file order inside).
"""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction
from itertools import product
from math import comb
from typing import Literal

from lxml import etree

from ..content.quiz_files import Question, Quiz
from ..content.render import render_markdown

COURSE_CATEGORY = "Personal Branding"
OrderingAs = Literal["ordering", "matching"]

# Moodle's grade options for an answer (question_bank::fraction_options), as exact fractions.
MOODLE_FRACTIONS: tuple[Fraction, ...] = tuple(
    Fraction(f)
    for f in ("1", "9/10", "5/6", "4/5", "3/4", "7/10", "2/3", "3/5", "1/2", "2/5", "1/3", "3/10", "1/4", "1/5",
              "1/6", "1/7", "1/8", "1/9", "1/10", "1/20", "0")
)
# Moodle's ordering question: each item scores for every other item on its right side of it.
ORDERING_GRADING = "RELATIVE_ALL_PREVIOUS_AND_NEXT"


class ExportError(ValueError):
    """A question the format cannot carry; ``course check`` reports these before anyone exports."""


def export_moodle_xml(quizzes: Iterable[Quiz], *, ordering: OrderingAs = "ordering") -> bytes:
    """All questions of the given quizzes as one Moodle XML file (UTF-8 bytes)."""
    root = etree.Element("quiz")
    for quiz in sorted(quizzes, key=lambda q: (q.path.name, q.slug)):
        root.append(etree.Comment(f" quiz: {quiz.slug} (version {quiz.version}) "))
        root.append(_category(quiz))
        for question in quiz.questions:
            root.append(_question(quiz, question, ordering))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def category_path(quiz: Quiz) -> str:
    """Moodle's category path; a '/' inside a name is written '//'."""
    number = quiz.path.name[:2]
    name = f"{number} {' '.join(quiz.title.split())}".replace("/", "//")
    return f"$course$/top/{COURSE_CATEGORY}/{name}"


def percent(weight: Fraction) -> str:
    """A fraction as Moodle writes it: percent with five decimals (33.33333, -14.28571)."""
    value = weight * 100
    if value.denominator == 1:
        return str(value.numerator)
    return f"{float(value):.5f}".rstrip("0").rstrip(".")


# --- weights ----------------------------------------------------------------------------------


def our_multiple_share(right: int, wrong: int, ticked_right: int, ticked_wrong: int) -> Fraction:
    """The app's share for a multiple question (quizzes/grading.py): correct decisions minus wrong
    decisions, over the number of options, never below 0."""
    options = right + wrong
    good = ticked_right + (wrong - ticked_wrong)
    return Fraction(max(0, good - (options - good)), options)


def moodle_multiple_share(right_weight: Fraction, wrong_weight: Fraction, ticked_right: int, ticked_wrong: int):
    """Moodle's share: the sum of the ticked weights, clamped to 0..1."""
    total = ticked_right * right_weight + ticked_wrong * wrong_weight
    return min(Fraction(1), max(Fraction(0), total))


def multiple_weights(right: int, wrong: int) -> tuple[Fraction, Fraction]:
    """(weight of a right option, weight of a wrong option) from Moodle's list.

    Right options must add up to 100 %, so each weighs 1/right. The wrong weight is the allowed
    value whose Moodle score is closest to ours, summed over every non-empty set of ticks; on a tie
    the milder penalty wins."""
    right_weight = Fraction(1, right)
    if right_weight not in MOODLE_FRACTIONS:
        raise ExportError(f"{right} right options: Moodle has no weight 1/{right} (at most 10 right options)")
    if wrong == 0:
        return right_weight, Fraction(0)
    best: tuple[Fraction, Fraction] | None = None
    for fraction in MOODLE_FRACTIONS:
        candidate = -fraction
        error = Fraction(0)
        for r, w in product(range(right + 1), range(wrong + 1)):
            if r == w == 0:
                continue  # ticking nothing is not answering
            gap = abs(moodle_multiple_share(right_weight, candidate, r, w) - our_multiple_share(right, wrong, r, w))
            error += comb(right, r) * comb(wrong, w) * gap
        if best is None or (error, -candidate) < (best[0], -best[1]):
            best = (error, candidate)
    assert best is not None
    return right_weight, best[1]


# --- elements ---------------------------------------------------------------------------------


def _no_relative_links(_href: str) -> None:
    return None  # a link to a lesson or media file of the app would be broken on the platform


def _html(text: str | None) -> str:
    return render_markdown(text, _no_relative_links) if text else ""


def _text_element(parent: etree._Element, tag: str, html: str, *, fmt: str = "html") -> etree._Element:
    element = etree.SubElement(parent, tag, format=fmt)
    _text(element, html, cdata=fmt == "html")
    return element


def _text(parent: etree._Element, value: str, *, cdata: bool = False) -> None:
    text = etree.SubElement(parent, "text")
    text.text = etree.CDATA(value) if cdata and value else value


def _plain(parent: etree._Element, tag: str, value: str) -> None:
    etree.SubElement(parent, tag).text = value


def _category(quiz: Quiz) -> etree._Element:
    question = etree.Element("question", type="category")
    category = etree.SubElement(question, "category")
    _text(category, category_path(quiz))
    _text_element(question, "info", _html(quiz.title))
    return question


def _question(quiz: Quiz, question: Question, ordering: OrderingAs) -> etree._Element:
    kind = question.kind
    if kind == "ordering" and ordering == "matching":
        kind = "ordering-as-matching"
    qtype = {"single": "multichoice", "multiple": "multichoice", "ordering-as-matching": "matching"}.get(kind, kind)
    element = etree.Element("question", type=qtype)
    name = etree.SubElement(element, "name")
    _text(name, question.id)
    _text_element(element, "questiontext", _html(question.text))
    _text_element(element, "generalfeedback", _html(_general_feedback(question, kind)))
    _plain(element, "defaultgrade", str(question.points))
    _plain(element, "penalty", "0")
    _plain(element, "hidden", "0")
    _plain(element, "idnumber", f"{quiz.slug}/{question.id}")
    _BODIES[kind](element, question)
    return element


def _general_feedback(question: Question, kind: str) -> str:
    """Markdown paragraphs: the question's feedback, then each pair's feedback (Moodle's matching has
    no feedback per pair)."""
    parts = [question.feedback] if question.feedback else []
    if kind == "matching":
        parts.extend(f"**{_one_line(p.left)} → {_one_line(p.right)}**: {_one_line(p.feedback)}" for p in question.pairs)
    return "\n\n".join(parts)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _combined_feedback(element: etree._Element) -> None:
    """The empty overall-feedback fields Moodle expects for multichoice, matching and ordering."""
    for tag in ("correctfeedback", "partiallycorrectfeedback", "incorrectfeedback"):
        _text_element(element, tag, "")
    etree.SubElement(element, "shownumcorrect")


def _answer(element: etree._Element, weight: Fraction, html: str, feedback_html: str, *, fmt: str = "html") -> None:
    answer = etree.SubElement(element, "answer", fraction=percent(weight), format=fmt)
    _text(answer, html, cdata=fmt == "html")
    _text_element(answer, "feedback", feedback_html)


def _choices(element: etree._Element, question: Question) -> None:
    single = question.kind == "single"
    _plain(element, "single", "true" if single else "false")
    _plain(element, "shuffleanswers", "true")
    _plain(element, "answernumbering", "none")
    _plain(element, "showstandardinstruction", "0")
    _combined_feedback(element)
    if single:
        weights = {True: Fraction(1), False: Fraction(0)}
    else:
        right = sum(1 for o in question.options if o.correct)
        try:
            right_weight, wrong_weight = multiple_weights(right, len(question.options) - right)
        except ExportError as err:
            raise ExportError(f"question '{question.id}': {err}") from None
        weights = {True: right_weight, False: wrong_weight}
    for option in question.options:
        _answer(element, weights[option.correct], _html(option.text), _html(option.feedback))


def _truefalse(element: etree._Element, question: Question) -> None:
    for option, word in zip(question.options, ("true", "false"), strict=True):  # waar, niet-waar
        _answer(element, Fraction(int(option.correct)), word, _html(option.feedback), fmt="moodle_auto_format")


def _matching(element: etree._Element, question: Question) -> None:
    _plain(element, "shuffleanswers", "true")
    _combined_feedback(element)
    for pair in question.pairs:
        sub = etree.SubElement(element, "subquestion", format="html")
        _text(sub, _html(pair.left), cdata=True)
        answer = etree.SubElement(sub, "answer")
        _text(answer, _one_line(pair.right))


def _ordering_as_matching(element: etree._Element, question: Question) -> None:
    _plain(element, "shuffleanswers", "true")
    _combined_feedback(element)
    for position, item in enumerate(question.items, start=1):
        sub = etree.SubElement(element, "subquestion", format="html")
        _text(sub, _html(item.text), cdata=True)
        answer = etree.SubElement(sub, "answer")
        _text(answer, str(position))


def _ordering(element: etree._Element, question: Question) -> None:
    _plain(element, "layouttype", "VERTICAL")
    _plain(element, "selecttype", "ALL")
    _plain(element, "selectcount", str(len(question.items)))  # every item (Moodle reads 0 as 2)
    _plain(element, "gradingtype", ORDERING_GRADING)
    _plain(element, "showgrading", "SHOW")
    _plain(element, "numberingstyle", "none")
    _combined_feedback(element)
    # qtype_ordering takes the answers' order as the right order and stores each place in the
    # answer's fraction field; writing the place there too keeps a re-export identical.
    for position, item in enumerate(question.items, start=1):
        answer = etree.SubElement(element, "answer", fraction=f"{position}.0000000", format="html")
        _text(answer, _html(item.text), cdata=True)


_BODIES = {
    "single": _choices,
    "multiple": _choices,
    "truefalse": _truefalse,
    "matching": _matching,
    "ordering": _ordering,
    "ordering-as-matching": _ordering_as_matching,
}
