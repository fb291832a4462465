"""`<id:...>` in a route: a database id, or 404 before any query runs.

Werkzeug's `<int:...>` takes any length of digits; an id beyond what the database column holds
made SQLite raise an overflow and PostgreSQL a data error, both a 500. Ids are positive and fit a
32-bit signed integer (PostgreSQL's INTEGER). The bound is in the pattern itself, not only in the
conversion: a path that does not match is a plain 404 for every method, where a failed conversion
would let Werkzeug answer 405 when the same path exists for another method.
"""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import BaseConverter

MAX_ID = 2**31 - 1


def digits_up_to(limit: int) -> str:
    """A regular expression for the whole numbers 1..``limit`` written without leading zeros."""
    text = str(limit)
    shorter = f"[1-9][0-9]{{0,{len(text) - 2}}}" if len(text) > 1 else ""
    same_length = []
    for i, digit in enumerate(text):
        low = "1" if i == 0 else "0"
        if digit > low:
            rest = len(text) - i - 1
            same_length.append(f"{text[:i]}[{low}-{int(digit) - 1}]" + (f"[0-9]{{{rest}}}" if rest else ""))
    same_length.append(text)
    return "(?:" + "|".join(filter(None, [shorter, *same_length])) + ")"


class DatabaseIdConverter(BaseConverter):
    regex = digits_up_to(MAX_ID)
    weight = 50  # as Werkzeug's own number converters

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: object) -> str:
        return str(int(value))  # type: ignore[call-overload]


def init_app(app: Flask) -> None:
    app.url_map.converters["id"] = DatabaseIdConverter
