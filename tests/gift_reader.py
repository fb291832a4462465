"""Read GIFT the way Moodle's importer (question/format/gift) reads it, for the round-trip tests.

Only what our exporter writes: a name, a text, and an answer block of one kind. Escaped characters
are swapped for placeholders first and restored last, as Moodle does; an unescaped ``->``, a leading
``%weight%`` or ``[format]`` is read as markup, exactly where Moodle would read it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_ESCAPES = {"\\\\": "\x01", "\\:": "\x02", "\\#": "\x03", "\\=": "\x04", "\\{": "\x05", "\\}": "\x06",
            "\\~": "\x07", "\\n": "\x08"}
_RESTORE = {"\x01": "\\", "\x02": ":", "\x03": "#", "\x04": "=", "\x05": "{", "\x06": "}", "\x07": "~", "\x08": "\n"}
_WEIGHT = re.compile(r"^%(-*[0-9]{1,2}\.?[0-9]*)%")
_FORMAT = re.compile(r"^\[(html|plain|moodle|markdown)\]")


@dataclass
class GiftAnswer:
    text: str
    weight: float
    feedback: str = ""


@dataclass
class GiftQuestion:
    name: str
    text: str
    answers: list[GiftAnswer] = field(default_factory=list)
    pairs: list[tuple[str, str]] = field(default_factory=list)
    truth: bool | None = None
    truefalse_feedback: tuple[str, str] = ("", "")  # (wrong answer, right answer)
    general_feedback: str = ""


def _pre(text: str) -> str:
    for escaped, placeholder in _ESCAPES.items():
        text = text.replace(escaped, placeholder)
    return text


def _post(text: str) -> str:
    for placeholder, char in _RESTORE.items():
        text = text.replace(placeholder, char)
    return text.strip()


def _formatted(text: str) -> str:
    """Moodle strips one known ``[format]`` marker at the start."""
    text = text.strip()
    match = _FORMAT.match(text)
    return _post(text[match.end():] if match else text)


def _comment(answer: str) -> tuple[str, str]:
    text, _, feedback = answer.partition("#")
    return _formatted(text), _formatted(feedback) if feedback else ""


def read_gift(source: str) -> list[GiftQuestion]:
    questions = []
    lines = [line for line in source.splitlines() if not line.lstrip().startswith("//")]
    for block in re.split(r"\n\s*\n", "\n".join(lines)):
        block = _pre(block.strip())
        if not block:
            continue
        _, name, rest = block.split("::", 2)
        text, _, answers = rest.partition("{")
        answers = answers.rsplit("}", 1)[0]
        answers, _, general = answers.partition("####")
        question = GiftQuestion(_post(name), _formatted(text), general_feedback=_formatted(general))
        answers = answers.strip()
        if answers[:1] in ("T", "F") and not answers.startswith(("~", "=")):
            parts = answers.split("#")
            question.truth = parts[0].strip() in ("T", "TRUE")
            question.truefalse_feedback = (_formatted(parts[1]), _formatted(parts[2]))
        elif "->" in answers and "~" not in answers:
            for pair in answers.split("=")[1:]:
                sides = pair.strip().split("->")
                question.pairs.append((_formatted(sides[0]), _post(sides[1])))
        else:
            for answer in answers.replace("=", "~=").split("~")[1:]:
                answer = answer.strip()
                if answer.startswith("="):
                    weight, answer = 1.0, answer[1:]
                elif match := _WEIGHT.match(answer):
                    weight, answer = float(match.group(1)) / 100, answer[match.end():]
                else:
                    weight = 0.0
                text, feedback = _comment(answer)
                question.answers.append(GiftAnswer(text, weight, feedback))
        questions.append(question)
    return questions
