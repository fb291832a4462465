"""What people type, made safe to store and to export. No Flask in here.

Names must look like what they are: no control characters (they break exports and terminals), no
bidi overrides (they make "Sanne" display as something else), not only invisible characters.
Longer text keeps line breaks and tabs but loses the rest of those characters, so a stray control
character pasted from a word processor never costs a student their text.
"""

from __future__ import annotations

import re
import unicodedata

# C0 and C1 control characters, DEL, and the bidi embedding, override and isolate marks.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_BIDI = re.compile(r"[\u202a-\u202e\u2066-\u2069]")
_TEXT_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# Characters that show nothing: format characters (zero-width space, joiners), marks and spaces.
_INVISIBLE_CATEGORIES = {"Cf", "Cc", "Mn", "Me", "Zs", "Zl", "Zp"}


def normalise(value: str | None) -> str:
    """NFC, so "é" typed two ways is stored one way."""
    return unicodedata.normalize("NFC", value or "")


def clean_line(value: str | None) -> str:
    """A one-line name: NFC and runs of whitespace made one space."""
    return " ".join(normalise(value).split())


def name_problem(value: str) -> str | None:
    """Why ``value`` cannot be a name, in Dutch, or None when it can."""
    if _CONTROL.search(value):
        return "Gebruik geen onzichtbare stuurtekens in een naam. Typ de naam opnieuw."
    if _BIDI.search(value):
        return "Gebruik geen tekens die de schrijfrichting omdraaien. Typ de naam opnieuw."
    if value and all(unicodedata.category(ch) in _INVISIBLE_CATEGORIES for ch in value):
        return "Een naam moet zichtbare letters of cijfers hebben."
    return None


def clean_text(value: str | None) -> str:
    """Longer text (an assignment, feedback, an answer): NFC, without control and bidi characters
    other than tab and line breaks."""
    return _TEXT_CONTROL.sub("", normalise(value))


# Cells a spreadsheet would read as a formula (OWASP, CSV injection), also behind leading
# whitespace and in their full-width forms.
_FORMULA_START = tuple("=+-@\t\r;|") + ("\uff1d", "\uff0b", "\uff0d", "\uff20")
# What XML 1.0 (and so XLSX) cannot hold.
_NOT_IN_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(text: str) -> str:
    return _NOT_IN_XML.sub("", text)


def spreadsheet_cell(value: object) -> object:
    """A value safe for a CSV or XLSX cell: text that could start a formula gets a leading
    apostrophe, and characters the format cannot hold are dropped. Numbers pass unchanged."""
    if not isinstance(value, str):
        return value
    text = xml_safe(value)
    if text.lstrip(" \u00a0\u3000").startswith(_FORMULA_START) or text.startswith(("\t", "\r")):
        return "'" + text
    return text
