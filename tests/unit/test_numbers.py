"""The one rounding for percentages, and numbers with a Dutch decimal comma."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from course.core.numbers import decimal_comma, percent_label, percent_of, whole_percent


@pytest.mark.parametrize(
    ("score", "max_score", "shown"),
    [(7, 11, 63), (Decimal("7.8667"), 11, 71), (Fraction(7, 11), 1, 63), (11, 11, 100), (0, 11, 0), (6.05, 11, 55)],
)
def test_a_percentage_is_rounded_down_to_a_whole_number(score, max_score, shown):
    assert percent_of(score, max_score) == shown


def test_a_shown_pass_mark_is_always_reached():
    # 54.9 % must never read as 55 % when 55 % is needed to pass.
    assert whole_percent(Decimal("54.99")) == 54
    assert percent_label(Decimal("54.99")) == "54%"


def test_nothing_to_show():
    assert percent_of(None, 11) is None and percent_of(3, 0) is None
    assert percent_label(None) == "–" and percent_label(None, empty="-") == "-"


@pytest.mark.parametrize(
    ("value", "places", "text"),
    [(Decimal("3.8000"), 2, "3,8"), (Decimal("7.8667"), 2, "7,87"), (Decimal("18.5"), 2, "18,5"),
     (Decimal("10.00"), 2, "10"), (Fraction(2, 3), 2, "0,67"), (Decimal("0.125"), 2, "0,13"), (100, 2, "100")],
)
def test_decimal_comma(value, places, text):
    assert decimal_comma(value, places) == text
