"""What features above this package add to `privacy purge` (they may import privacy, not the
other way round). Each step deletes what its retention period says has expired and returns how many
things it removed, or with ``dry_run`` how many it would remove."""

from __future__ import annotations

from collections.abc import Callable

PurgeStep = Callable[[bool], int]

_steps: dict[str, PurgeStep] = {}


def register(label: str, step: PurgeStep) -> None:
    """``label`` is the line `privacy purge` prints before the count; one step per label."""
    _steps[label] = step


def steps() -> list[tuple[str, PurgeStep]]:
    return list(_steps.items())
