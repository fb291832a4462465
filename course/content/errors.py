"""Problems found in content files, reported as ``path:line: message``."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    message: str

    def __post_init__(self) -> None:
        # Messages quote what authors wrote, which may hold a newline or another control character:
        # show those escaped, so every problem stays one ``path:line: message`` line.
        if not self.message.isprintable():
            shown = (ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in self.message)
            object.__setattr__(self, "message", "".join(shown))

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class ContentError(Exception):
    """Raised when content cannot be used; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
