"""Quiz content that the app can run but an export cannot carry, reported by ``course check``.

The quiz loader accepts these (the app itself has no trouble with them), so they are checked here,
for the exports only (quizzes/gift.py, quizzes/moodle_xml.py, the cartridge):

- ``->`` in a matching pair or an ordering item: GIFT writes a pair as ``left -> right`` and has no
  escape for the arrow, so Moodle would split the text there.
- more than ten right or ten wrong options in a multiple question: the weights 1/11 and smaller are
  not in Moodle's list of allowed fractions, and Moodle then refuses the whole import file.

A text that starts like a GIFT weight (``%50%``) or format (``[html]``) is escaped by the GIFT
exporter, so it is no hazard.
"""

from __future__ import annotations

from pathlib import Path

from .errors import Problem
from .quiz_files import Quiz, display_path

ARROW = "->"
MOST_OPTIONS_PER_SIDE = 10


def export_hazards(quizzes: dict[str, Quiz], base: Path) -> list[Problem]:
    """Every hazard in the given quizzes, as ``path:line: message`` sorted by path and line."""
    problems: list[Problem] = []
    for quiz in quizzes.values():
        shown = display_path(quiz.path, base)
        lines = _lines(quiz.path)
        for question in quiz.questions:
            for pair in question.pairs:
                for side in ("left", "right"):
                    if ARROW in getattr(pair, side):
                        message = (
                            f"pair '{pair.id}' of question '{question.id}' has '->' in its {side} text, which "
                            "the GIFT export cannot carry (Moodle splits a pair at '->'): write it another way, "
                            "e.g. 'Instellingen > Privacy'"
                        )
                        problems.append(Problem(shown, _line_with(lines, pair.line, ARROW), message))
            for item in question.items:
                if ARROW in item.text:
                    message = (
                        f"item '{item.id}' of question '{question.id}' has '->' in its text, which the GIFT "
                        "export cannot carry (Moodle splits a pair at '->'): write it another way, "
                        "e.g. 'Instellingen > Privacy'"
                    )
                    problems.append(Problem(shown, _line_with(lines, item.line, ARROW), message))
            if question.kind == "multiple":
                problems.extend(_too_many_options(shown, question.id, question.line, question.options))
    return sorted(problems)


def _lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return []


def _line_with(lines: list[str], start: int, needle: str) -> int:
    """The first line from ``start`` on that holds ``needle``: the text's own line, not its entry's."""
    for number in range(start, len(lines) + 1):
        if needle in lines[number - 1]:
            return number
    return start


def _too_many_options(shown: str, question_id: str, line: int, options: tuple) -> list[Problem]:
    problems = []
    right = sum(1 for o in options if o.correct)
    for count, what in ((right, "right"), (len(options) - right, "wrong")):
        if count > MOST_OPTIONS_PER_SIDE:
            message = (
                f"multiple question '{question_id}' has {count} {what} options: Moodle allows at most "
                f"{MOST_OPTIONS_PER_SIDE} (it has no weight of 1/{count}) and refuses the whole export: "
                "split the question in two"
            )
            problems.append(Problem(shown, line, message))
    return problems
