"""YAML loading that remembers line numbers, so errors can point at ``path:line``."""

from __future__ import annotations

from typing import Any

import yaml

from .errors import Problem


class LineDict(dict):
    """A mapping from YAML that knows its own line and the line of each key (1-based)."""

    line: int = 1
    key_lines: dict[Any, int]

    def line_of(self, key: Any) -> int:
        return self.key_lines.get(key, self.line)


class LineList(list):
    """A sequence from YAML that knows its own line and the line of each item (1-based)."""

    line: int = 1
    item_lines: list[int]


class _LineLoader(yaml.SafeLoader):
    """Records duplicate keys: YAML would silently keep the last one and hide the author's mistake."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.duplicate_keys: list[tuple[int, Any]] = []


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in result:
            loader.duplicate_keys.append((key_node.start_mark.line + 1, key))
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def load_yaml(text: str, path: str, first_line: int = 1) -> tuple[Any, list[Problem]]:
    """Parse YAML text; on a syntax error return None and one problem with the error's line.

    ``first_line`` is the file line where ``text`` starts (front matter starts after ``---``).
    Line numbers on the returned LineDict/LineList objects are file lines.
    """
    try:
        loader = _LineLoader(text)
    except yaml.reader.ReaderError as err:
        # The reader refuses control characters before parsing starts; point at the line.
        line = text.count("\n", 0, max(err.position, 0)) + first_line
        return None, [Problem(path, line, f"invalid YAML: character #x{err.character:04x} is not allowed here")]
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = (mark.line + first_line) if mark else first_line
        reason = err.problem or "not valid YAML"
        return None, [Problem(path, line, f"invalid YAML: {_one_line(reason)}")]
    except yaml.YAMLError as err:
        return None, [Problem(path, first_line, f"invalid YAML: {_one_line(err)}")]
    except (TypeError, ValueError, RecursionError) as err:
        # e.g. a list used as a key, an impossible date, absurd nesting: still the author's mistake
        return None, [Problem(path, first_line, f"invalid YAML: {_one_line(err)}")]
    finally:
        loader.dispose()
    if loader.duplicate_keys:
        return None, [
            Problem(path, line + first_line - 1, f"duplicate key '{key}': it appears more than once here, keep one")
            for line, key in loader.duplicate_keys
        ]
    if first_line != 1:
        _shift_lines(data, first_line - 1, set())
    return data, []


def _one_line(reason: object) -> str:
    """Problems print as ``path:line: message``: a message never spans lines."""
    return " ".join(str(reason).split())


def _shift_lines(value: Any, offset: int, seen: set[int]) -> None:
    if id(value) in seen:  # an alias shares its node: shift it once
        return
    if isinstance(value, LineDict):
        seen.add(id(value))
        value.line += offset
        value.key_lines = {k: n + offset for k, n in value.key_lines.items()}
        for item in value.values():
            _shift_lines(item, offset, seen)
    elif isinstance(value, LineList):
        seen.add(id(value))
        value.line += offset
        value.item_lines = [n + offset for n in value.item_lines]
        for item in value:
            _shift_lines(item, offset, seen)
