"""Checks on the files in ``lessons/media/``: an SVG may hold only a picture.

The app serves these files to every student's browser. An SVG is XML that can carry scripts,
event handlers and references to other hosts; none of that is needed for a drawing, so ``course
check`` reports each of them as ``path:line: message``. The parser is expat with a document type
refused, so entities cannot hide content and no file outside the SVG is ever read.
"""

from __future__ import annotations

from pathlib import Path
from xml.parsers import expat

from .errors import Problem

SVG_NAMESPACE = "http://www.w3.org/2000/svg"
# Elements that run code or embed another document; a drawing never needs them.
FORBIDDEN_ELEMENTS = frozenset(
    {"script", "foreignObject", "iframe", "embed", "object", "audio", "video", "handler", "listener"}
)
_LINK_ATTRIBUTES = frozenset({"href", "src"})


def check_media_folder(media_dir: Path, display_root: str) -> list[Problem]:
    """Problems in every SVG below ``media_dir``; ``display_root`` starts the shown paths."""
    if not media_dir.is_dir():
        return []
    problems: list[Problem] = []
    for path in sorted(media_dir.rglob("*.svg")):
        relative = path.relative_to(media_dir)
        if any(part.startswith(".") for part in relative.parts):
            continue  # hidden files are never served
        problems.extend(check_svg(path, f"{display_root}/{relative.as_posix()}"))
    return problems


def check_svg(path: Path, display: str) -> list[Problem]:
    """Problems in one SVG file: not XML, not an SVG, no <title>, or anything that is not a picture."""
    checker = _SvgChecker(display)
    try:
        with path.open("rb") as handle:
            checker.parser.ParseFile(handle)
    except _Refused:
        return checker.problems
    except expat.ExpatError as error:
        message = expat.ErrorString(error.code)
        checker.problems.append(Problem(display, error.lineno, f"the SVG is not valid XML: {message}"))
        return checker.problems
    except OSError as error:
        return [Problem(display, 1, f"cannot read the file: {error.strerror}")]
    if checker.root is None:
        checker.problems.append(Problem(display, 1, "the file holds no SVG"))
    elif not checker.has_title:
        checker.problems.append(
            Problem(display, checker.root_line, "the SVG needs a <title> that says what it shows")
        )
    return checker.problems


class _Refused(Exception):
    """Stops the parser at a document type, before any entity in it is used."""


def _local(name: str) -> tuple[str, str]:
    """``namespace localname`` (expat's namespace form) split into its two parts."""
    namespace, _, local = name.rpartition(" ")
    return namespace, local


class _SvgChecker:
    def __init__(self, display: str) -> None:
        self.display = display
        self.problems: list[Problem] = []
        self.root: str | None = None
        self.root_line = 1
        self.has_title = False
        self._depth = 0
        self._in_style = False
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.StartDoctypeDeclHandler = self._doctype
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.CharacterDataHandler = self._text
        self.parser = parser

    def _add(self, message: str) -> None:
        self.problems.append(Problem(self.display, self.parser.CurrentLineNumber, message))

    def _doctype(self, *_args: object) -> None:
        self._add("a DOCTYPE is not allowed in an SVG (leave it out)")
        raise _Refused

    def _start(self, name: str, attributes: dict[str, str]) -> None:
        namespace, local = _local(name)
        if self._depth == 0:
            self.root, self.root_line = local, self.parser.CurrentLineNumber
            if local != "svg" or namespace != SVG_NAMESPACE:
                self._add(f'the file must start with <svg xmlns="{SVG_NAMESPACE}">')
        elif self._depth == 1 and local == "title":
            self.has_title = True
        self._depth += 1
        if local in FORBIDDEN_ELEMENTS:
            self._add(f"<{local}> is not allowed in an SVG: it runs code or loads another document")
        self._in_style = local == "style"
        for attribute, value in attributes.items():
            self._check_attribute(_local(attribute)[1], value)

    def _end(self, _name: str) -> None:
        self._depth -= 1
        self._in_style = False

    def _text(self, text: str) -> None:
        if self._in_style:
            self._check_css(text)

    def _check_attribute(self, name: str, value: str) -> None:
        if name.lower().startswith("on"):
            self._add(f"event attribute '{name}' is not allowed in an SVG")
        elif name in _LINK_ATTRIBUTES and not value.strip().startswith("#"):
            self._add(f"external reference '{value.strip()}' is not allowed: link only to '#id' inside the SVG")
        elif name == "style":
            self._check_css(value)
        elif "url(" in value:
            self._check_css(value)

    def _check_css(self, css: str) -> None:
        lowered = css.lower()
        if "@import" in lowered:
            self._add("@import is not allowed in an SVG")
        start = lowered.find("url(")
        while start != -1:
            inside = lowered[start + 4 :].lstrip(" '\"")
            if not inside.startswith("#"):
                self._add("url() may point only at '#id' inside the SVG")
            start = lowered.find("url(", start + 4)
