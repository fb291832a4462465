"""Numbers the way every page, file and message shows them. No Flask in here.

One rounding for percentages: down to a whole percent. A shown 55% therefore always means the
student reached a pass mark of 55%, and 7 of 11 (63.6%) reads 63% on every page and in every file.
"""

from __future__ import annotations

from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from fractions import Fraction

Number = Decimal | Fraction | float | int


def _decimal(value: Number) -> Decimal:
    if isinstance(value, Fraction):
        return Decimal(value.numerator) / Decimal(value.denominator)
    return value if isinstance(value, Decimal) else Decimal(str(value))


def whole_percent(value: Number | None) -> int | None:
    """A percentage (0-100, any precision) as the whole number every page shows: rounded down."""
    if value is None:
        return None
    return int(_decimal(value).to_integral_value(rounding=ROUND_FLOOR))


def percent_of(score: Number | None, max_score: Number | None) -> int | None:
    """``score`` out of ``max_score`` as a whole percent; None when there is nothing to divide."""
    if score is None or not max_score:
        return None
    return whole_percent(_decimal(score) * 100 / _decimal(max_score))


def percent_label(value: Number | None, empty: str = "–") -> str:
    """"63%", or ``empty`` when there is no percentage."""
    shown = whole_percent(value)
    return empty if shown is None else f"{shown}%"


def decimal_comma(value: Number | None, places: int = 2) -> str:
    """At most ``places`` decimals, half up, trailing zeros dropped, with a Dutch comma: 3.8 -> "3,8"."""
    if value is None:
        return ""
    rounded = _decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = f"{rounded:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")
