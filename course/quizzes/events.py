"""What other features may hear about quizzes, without quizzes knowing them.

``standing_changed`` is sent after the commit whenever the attempt that counts for a student on a
quiz may have a new score: a submit, a regrade, a voided or restored question. The learning-platform
link listens, to send the grade back.

A listener says with ``listen`` when it needs to hear at all, as a SQL condition on the attempt's
class. A hand-in asks that condition in the statement that stores it (``interest``), so a class
without any listener's business (no platform grade column) costs no query after the commit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from blinker import Namespace
from sqlalchemy import ColumnElement, false, or_, true

_signals = Namespace()
standing_changed = _signals.signal("standing-changed")

# Per listener: (quiz slug, the attempt's class id column) -> a SQL condition that is true when the
# listener has work for a student of that class on that quiz.
Condition = Callable[[str, Any], ColumnElement[bool]]
_conditions: dict[Callable[..., Any], Condition] = {}


def listen(receiver: Callable[..., Any], needed_when: Condition) -> None:
    """Hear ``standing_changed`` for attempts whose class meets ``needed_when`` (and for every
    regrade and void, which check for themselves). Connecting twice changes nothing."""
    _conditions[receiver] = needed_when
    standing_changed.connect(receiver)


def listeners() -> tuple[object, ...]:
    """Who listens now: a statement built with ``interest`` holds while this stays the same."""
    return (*_conditions.items(), *standing_changed.receivers)  # receivers: the ids of who is connected


def interest(quiz_slug: Any, class_id: Any) -> ColumnElement[bool]:
    """SQL that is true when some listener needs to hear about a hand-in of this quiz in this
    class (``class_id``: the attempt's column, read in the same statement; either may be a bound
    parameter)."""
    if len(standing_changed.receivers) > len(_conditions):
        return true()  # someone connected to the signal without a condition: always tell
    conditions = [needed_when(quiz_slug, class_id) for needed_when in _conditions.values()]
    return or_(*conditions) if conditions else false()


def announce(quiz_slug: str, students: Iterable[tuple[int, int | None]]) -> None:
    """``students``: (user id, class id of the attempt) whose standing on ``quiz_slug`` may have changed."""
    for user_id, class_id in sorted(set(students), key=lambda pair: (pair[0], pair[1] or 0)):
        standing_changed.send(None, user_id=user_id, quiz_slug=quiz_slug, class_id=class_id)
