"""How large a content file may be.

The largest real files are a lesson of 10 KB and the final quiz of 46 KB; the limits leave room
for more than ten times that. A file far beyond them is a mistake (a pasted export, a picture
saved as text): it would take seconds to check and megabytes of every worker's memory, so it is reported
like any other problem before it is read.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import Problem


@dataclass(frozen=True)
class SizeLimit:
    max_bytes: int
    what: str  # "a file in lessons/"
    advice: str


LESSON_FILES = SizeLimit(200 * 1024, "a file in lessons/", "shorten it, or split it into two lessons")
QUIZ_FILES = SizeLimit(500 * 1024, "a file in quizzes/", "split it into two quizzes")


def size_problem(path: Path, shown: str, limit: SizeLimit) -> Problem | None:
    """A problem when the file is over the limit; None when it fits (or cannot be read: reading
    it reports why)."""
    try:
        size = path.stat().st_size
    except OSError:
        return None
    if size <= limit.max_bytes:
        return None
    message = f"file is too large: {file_size(size)}, and {limit.what} may be at most {file_size(limit.max_bytes)}"
    return Problem(shown, 1, f"{message} ({limit.advice})")


def file_size(size: int) -> str:
    """1536 -> "1.5 KB", 5 * 1024 * 1024 -> "5.0 MB"."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.1f} KB".replace(".0 KB", " KB")
    return f"{size} bytes"
