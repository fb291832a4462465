"""Inline YAML comments after plain text: `text: zoals #fyp en #viral` silently ends at "zoals",
because " #" starts a comment. Content files may not rely on that; quoting keeps the whole text."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from .errors import Problem

HINT = "zet de tekst tussen aanhalingstekens"
_COMMENT_AFTER = re.compile(r"[ \t]+#")


def inline_comment_problems(text: str, display: str, first_line: int = 1) -> list[Problem]:
    """Every plain (unquoted) scalar followed by ``  # ...`` on its last line, as ``path:line``.

    Text that is not valid YAML is left to the loaders, which already report it.
    """
    lines = text.split("\n")
    problems = []
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if not isinstance(token, yaml.ScalarToken) or not token.plain:
                continue
            end = token.end_mark
            rest = lines[end.line][end.column :] if end.line < len(lines) else ""
            if _COMMENT_AFTER.match(rest):
                shown = rest.strip()
                problems.append(
                    Problem(
                        display,
                        end.line + first_line,
                        f"'{_clip(shown)}' is read as a YAML comment and dropped from the text: {HINT}",
                    )
                )
    except yaml.YAMLError:
        return problems
    return problems


def _clip(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def check_inline_comments(lessons_dir: Path, quizzes_dir: Path) -> list[Problem]:
    """Check every YAML content file and every markdown front matter under both folders."""
    problems: list[Problem] = []
    for root in (lessons_dir, quizzes_dir):
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            if not path.is_file() or any(part.startswith(".") for part in path.relative_to(root).parts):
                continue
            display = "/".join((root.resolve().name, *path.relative_to(root).parts))
            if path.suffix in (".yaml", ".yml"):
                text = _read(path)
                if text is not None:
                    problems += inline_comment_problems(text, display)
            elif path.suffix == ".md":
                front = _front_matter(_read(path) or "")
                if front is not None:
                    problems += inline_comment_problems(front, display, first_line=2)
    return problems


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None  # the loaders report unreadable files


def _front_matter(text: str) -> str | None:
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        return None
    for index in range(1, len(lines)):
        if lines[index].rstrip() == "---":
            return "\n".join(lines[1:index])
    return None
