"""A quiz as a QTI 1.2 assessment in the Common Cartridge profile (``cc.exam.v0p1``).

The profile knows four kinds we can use: multiple choice, multiple response and true/false, each
scored all-or-nothing. So, and docs/authoring.md ("Common Cartridge") says the same to authors:

- single and truefalse: as in the app.
- multiple: full points only when exactly the right options are ticked; the app's partial credit
  is lost.
- matching: one multiple-choice item per pair (choose the right side for this left side), each
  worth points / pairs, which adds up to the app's share of right pairs.
- ordering: one multiple-choice item per place ("what comes at place k?"), each worth points /
  items. Grading by place is stricter than the app's pairs-in-order rule.
- feedback: per option and general feedback as ``itemfeedback``; matching pair feedback goes with
  its item.

Pure: no Flask, no database.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

from lxml import etree

from ..content.quiz_files import Question, Quiz

QTI_NS = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
QTI_XSD = "http://www.imsglobal.org/profile/cc/ccv1p3/ccv1p3_qtiasiv1p2p1_v1p0.xsd"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
RESPONSE = "response1"
Render = Callable[[str], str]


def assessment_xml(quiz: Quiz, title: str, render: Render) -> bytes:
    """The assessment file for one quiz; ``render`` turns markdown into safe HTML."""
    root = etree.Element(f"{{{QTI_NS}}}questestinterop", nsmap={None: QTI_NS, "xsi": XSI_NS})
    root.set(f"{{{XSI_NS}}}schemaLocation", f"{QTI_NS} {QTI_XSD}")
    assessment = _sub(root, "assessment", ident=f"quiz-{quiz.slug}", title=title)
    attempts = str(quiz.policy.max_attempts) if quiz.policy.max_attempts else "unlimited"
    _metadata(assessment, {"cc_profile": "cc.exam.v0p1", "qmd_assessmenttype": "Examination",
                           "cc_maxattempts": attempts})
    section = _sub(assessment, "section", ident=f"quiz-{quiz.slug}-vragen")
    for number, question in enumerate(quiz.questions, start=1):
        for item in _items(question, f"Vraag {number}", render):
            section.append(item)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attributes: str) -> etree._Element:
    element = etree.SubElement(parent, f"{{{QTI_NS}}}{tag}", attributes)
    if text is not None:
        element.text = text
    return element


def _metadata(parent: etree._Element, fields: dict[str, str], tag: str = "qtimetadata") -> None:
    metadata = _sub(parent, tag)
    for label, entry in fields.items():
        field = _sub(metadata, "qtimetadatafield")
        _sub(field, "fieldlabel", label)
        _sub(field, "fieldentry", entry)


def _material(parent: etree._Element, html: str) -> None:
    material = _sub(parent, "material")
    text = _sub(material, "mattext", texttype="text/html")
    text.text = etree.CDATA(html) if html else ""


def weighting(points: Fraction) -> str:
    """Points as ``cc_weighting``: a whole number, or a decimal with at most four places."""
    if points.denominator == 1:
        return str(points.numerator)
    return f"{float(points):.4f}".rstrip("0").rstrip(".")


class _Choice:
    """One all-or-nothing item: a stem, choices (id, html, feedback html, right?), general feedback."""

    def __init__(self, ident: str, title: str, profile: str, points: Fraction, stem: str, general: str) -> None:
        self.ident, self.title, self.profile, self.points = ident, title, profile, points
        self.stem, self.general = stem, general
        self.choices: list[tuple[str, str, str, bool]] = []

    def element(self) -> etree._Element:
        item = etree.Element(f"{{{QTI_NS}}}item", ident=self.ident, title=self.title)
        metadata = _sub(item, "itemmetadata")
        _metadata(metadata, {"cc_profile": self.profile, "cc_weighting": weighting(self.points)})
        presentation = _sub(item, "presentation")
        _material(presentation, self.stem)
        multiple = self.profile == "cc.multiple_response.v0p1"
        lid = _sub(presentation, "response_lid", ident=RESPONSE, rcardinality="Multiple" if multiple else "Single")
        render_choice = _sub(lid, "render_choice")
        for choice_id, html, _feedback, _right in self.choices:
            label = _sub(render_choice, "response_label", ident=choice_id)
            _material(label, html)
        self._processing(item, multiple)
        self._feedback(item)
        return item

    def _processing(self, item: etree._Element, multiple: bool) -> None:
        processing = _sub(item, "resprocessing")
        outcomes = _sub(processing, "outcomes")
        _sub(outcomes, "decvar", varname="SCORE", vartype="Decimal", minvalue="0", maxvalue="100")
        if self.general:
            condition = _sub(processing, "respcondition", **{"continue": "Yes"})
            _sub(_sub(condition, "conditionvar"), "other")
            _sub(condition, "displayfeedback", feedbacktype="Response", linkrefid="general_fb")
        for choice_id, _html, feedback, _right in self.choices:
            if feedback:
                condition = _sub(processing, "respcondition", **{"continue": "Yes"})
                _sub(_sub(condition, "conditionvar"), "varequal", choice_id, respident=RESPONSE)
                _sub(condition, "displayfeedback", feedbacktype="Response", linkrefid=f"{choice_id}_fb")
        condition = _sub(processing, "respcondition", **{"continue": "No"})
        conditionvar = _sub(condition, "conditionvar")
        if multiple:
            both = _sub(conditionvar, "and")
            for choice_id, _html, _feedback, right in self.choices:
                parent = both if right else _sub(both, "not")
                _sub(parent, "varequal", choice_id, respident=RESPONSE)
        else:
            right_id = next(c[0] for c in self.choices if c[3])
            _sub(conditionvar, "varequal", right_id, respident=RESPONSE)
        _sub(condition, "setvar", "100", varname="SCORE", action="Set")

    def _feedback(self, item: etree._Element) -> None:
        entries = [("general_fb", self.general)] if self.general else []
        entries += [(f"{choice_id}_fb", feedback) for choice_id, _html, feedback, _right in self.choices if feedback]
        for ident, html in entries:
            feedback = _sub(item, "itemfeedback", ident=ident)
            _material(_sub(feedback, "flow_mat"), html)


def _items(question: Question, title: str, render: Render) -> list[etree._Element]:
    stem = render(question.text)
    general = render(question.feedback) if question.feedback else ""
    ident = f"q-{question.id}"
    points = Fraction(question.points)
    if question.kind in ("single", "multiple", "truefalse"):
        profile = {"single": "cc.multiple_choice.v0p1", "multiple": "cc.multiple_response.v0p1",
                   "truefalse": "cc.true_false.v0p1"}[question.kind]
        choice = _Choice(ident, title, profile, points, stem, general)
        for option in question.options:
            html = (render(option.text), render(option.feedback))
            choice.choices.append((f"{ident}-{option.id}", *html, option.correct))
        return [choice.element()]
    if question.kind == "matching":
        return _matching(question, ident, title, points, stem, general, render)
    return _ordering(question, ident, title, points, stem, general, render)


def _matching(question: Question, ident: str, title: str, points: Fraction, stem: str, general: str,
              render: Render) -> list[etree._Element]:
    share = points / len(question.pairs)
    items = []
    for number, pair in enumerate(question.pairs, start=1):
        own = f"{stem}{render(pair.left)}"
        choice = _Choice(f"{ident}-{pair.id}", f"{title} ({number}/{len(question.pairs)})",
                         "cc.multiple_choice.v0p1", share, own, general if number == 1 else "")
        for other in question.pairs:
            right = other.id == pair.id
            feedback = render(pair.feedback) if right else ""
            choice.choices.append((f"{ident}-{pair.id}-{other.id}", render(other.right), feedback, right))
        items.append(choice.element())
    return items


def _ordering(question: Question, ident: str, title: str, points: Fraction, stem: str, general: str,
              render: Render) -> list[etree._Element]:
    share = points / len(question.items)
    items = []
    for place, expected in enumerate(question.items, start=1):
        own = f"{stem}{render(f'Wat komt op plaats {place}?')}"
        choice = _Choice(f"{ident}-plaats-{place}", f"{title} ({place}/{len(question.items)})",
                         "cc.multiple_choice.v0p1", share, own, general if place == len(question.items) else "")
        for item in question.items:
            choice.choices.append((f"{ident}-{place}-{item.id}", render(item.text), "", item.id == expected.id))
        items.append(choice.element())
    return items
