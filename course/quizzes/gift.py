"""Export quizzes as Moodle GIFT, so schools can reuse the questions in their own Moodle.

GIFT cannot express everything our format does; the choices, so a teacher knows what to expect:

- multiple: each right option weighs 100/(number of right options) %, each wrong option
  -100/(number of wrong options) %. Moodle adds up the weights of the ticked options (and never
  goes below 0), which is close to, but not the same as, our per-decision rule.
- matching: GIFT has no feedback per pair, so each pair's feedback is appended to the general
  feedback as a paragraph "left -> right — feedback".
- ordering: exported as a matching question from each item to its position ("1", "2", ...).
- Moodle may refuse or warn about a matching question with fewer than three pairs; our format
  allows two.
- points are not part of GIFT; Moodle uses its default mark.
- a text that Moodle would read as a weight (``%50%...``) or a format (``[html]...``) at the start of
  an answer or feedback is guarded (``answer_text``); ``->`` in a matching or ordering text cannot
  be escaped in GIFT, so ``course check`` reports it (content/export_hazards.py).
- texts are Markdown, as in the app: each question is marked ``[markdown]``, which Moodle also
  applies to its answers and feedback (the right side of a matching pair stays plain text).
  Line breaks are kept as GIFT's ``\\n``; Markdown treats single ones as spaces.

The output is deterministic (quizzes sorted by file name, questions and options in file order), so
a diff of two exports shows only content changes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from fractions import Fraction

from ..content.quiz_files import Question, Quiz

_SPECIAL = str.maketrans({c: "\\" + c for c in "\\~=#{}:"})
# What Moodle reads at the start of an answer or feedback text as a weight or as a text format.
_WEIGHT = re.compile(r"%-*[0-9]{1,2}\.?[0-9]*%")
_FORMAT = re.compile(r"\[(?:html|plain|moodle|markdown)\]")


def export_gift(quizzes: Iterable[Quiz]) -> str:
    """All questions of the given quizzes as one GIFT text, with a comment header per quiz."""
    blocks: list[str] = []
    for quiz in sorted(quizzes, key=lambda q: (q.path.name, q.slug)):
        blocks.append(f"// quiz: {quiz.slug} (version {quiz.version})\n// title: {_one_line(quiz.title)}")
        blocks.extend(_question(quiz, question) for question in quiz.questions)
    return "\n\n".join(blocks) + "\n" if blocks else ""


def escape(text: str) -> str:
    """Escape GIFT's special characters and turn line breaks into GIFT's ``\\n``."""
    lines = [line.rstrip() for line in text.strip().replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return "\\n".join(line.translate(_SPECIAL) for line in lines)


def answer_text(text: str, *, weighted: bool = False) -> str:
    """``escape`` plus a guard for what Moodle would read as markup at the start of an answer: a
    leading ``[html]`` etc. gets ``[markdown]`` before it (Moodle strips one format marker), and an
    unweighted answer that starts like ``%50%`` gets an explicit ``%0%`` (Moodle reads one weight)."""
    escaped = escape(text)
    if _FORMAT.match(escaped):
        escaped = "[markdown]" + escaped
    if not weighted and _WEIGHT.match(escaped):
        escaped = "%0%" + escaped
    return escaped


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _question(quiz: Quiz, question: Question) -> str:
    head = f"::{escape(f'{quiz.slug}/{question.id}')}::[markdown]{escape(question.text)}"
    body = _BODIES[question.kind](question)
    general = _general_feedback(question)
    if general:
        body.append(f"####{answer_text(general, weighted=True)}")
    comment = "// ordering exported as matching: item -> position\n" if question.kind == "ordering" else ""
    return comment + head + "{\n" + "".join(f"\t{line}\n" for line in body) + "}"


def _feedback(text: str | None) -> str:
    return f"#{answer_text(text, weighted=True)}" if text else ""


def _single(question: Question) -> list[str]:
    return [
        f"{'=' if o.correct else '~'}{answer_text(o.text, weighted=o.correct)}{_feedback(o.feedback)}"
        for o in question.options
    ]


def _multiple(question: Question) -> list[str]:
    right = sum(1 for o in question.options if o.correct)
    wrong = len(question.options) - right
    lines = []
    for option in question.options:
        weight = Fraction(100, right) if option.correct else Fraction(-100, wrong)
        lines.append(f"~%{_percent(weight)}%{answer_text(option.text, weighted=True)}{_feedback(option.feedback)}")
    return lines


def _percent(weight: Fraction) -> str:
    """Moodle's grade list has 100/n with five decimals (33.33333, 14.28571)."""
    if weight.denominator == 1:
        return str(weight.numerator)
    return f"{float(weight):.5f}".rstrip("0").rstrip(".")


def _truefalse(question: Question) -> list[str]:
    true, false = question.options  # normalised by the loader: waar, niet-waar
    right, wrong = (true, false) if true.correct else (false, true)
    # GIFT order: {T#feedback for the wrong answer#feedback for the right answer}
    wrong_feedback, right_feedback = (answer_text(o.feedback, weighted=True) for o in (wrong, right))
    return [f"{'T' if true.correct else 'F'}#{wrong_feedback}#{right_feedback}"]


def _matching(question: Question) -> list[str]:
    return [f"={answer_text(p.left, weighted=True)} -> {escape(p.right)}" for p in question.pairs]


def _ordering(question: Question) -> list[str]:
    return [f"={answer_text(item.text, weighted=True)} -> {n}" for n, item in enumerate(question.items, start=1)]


def _general_feedback(question: Question) -> str:
    parts = [question.feedback] if question.feedback else []
    if question.kind == "matching":
        parts.extend(f"{_one_line(p.left)} -> {_one_line(p.right)} — {_one_line(p.feedback)}" for p in question.pairs)
    return "\n\n".join(parts)  # Markdown paragraphs


_BODIES = {
    "single": _single,
    "multiple": _multiple,
    "truefalse": _truefalse,
    "matching": _matching,
    "ordering": _ordering,
}
