"""What other features may hear about quizzes, without quizzes knowing them.

``standing_changed`` is sent after the commit whenever the attempt that counts for a student on a
quiz may have a new score: a submit, a regrade, a voided or restored question. The learning-platform
link listens, to send the grade back.
"""

from __future__ import annotations

from collections.abc import Iterable

from blinker import Namespace

_signals = Namespace()
standing_changed = _signals.signal("standing-changed")


def announce(quiz_slug: str, students: Iterable[tuple[int, int | None]]) -> None:
    """``students``: (user id, class id of the attempt) whose standing on ``quiz_slug`` may have changed."""
    for user_id, class_id in sorted(set(students), key=lambda pair: (pair[0], pair[1] or 0)):
        standing_changed.send(None, user_id=user_id, quiz_slug=quiz_slug, class_id=class_id)
