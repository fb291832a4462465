"""The Dutch school year a date falls in."""

from __future__ import annotations

from datetime import date


def current_school_year(today: date | None = None) -> str:
    """Dutch school years start on 1 August."""
    today = today or date.today()
    start = today.year if today.month >= 8 else today.year - 1
    return f"{start}-{start + 1}"
