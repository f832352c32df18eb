"""YAML loading that remembers line numbers, so errors can point at a line."""

from __future__ import annotations

from pathlib import Path

import yaml


class LineDict(dict):
    """A mapping from YAML that knows the line of itself and of each key."""

    line: int = 1
    key_lines: dict

    def line_of(self, key) -> int:
        return self.key_lines.get(key, self.line)


class _LineLoader(yaml.SafeLoader):
    pass


# libyaml parses about ten times faster, and every page's front matter goes
# through it; the pure-Python parser points at the line where a mistake
# starts, so it is the one that reports errors.
class _FastLineLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    pass


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    mapping = LineDict()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[key] = key_node.start_mark.line + 1
    return mapping


for _loader in (_LineLoader, _FastLineLoader):
    _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


class YamlError(Exception):
    """Invalid YAML, with the 1-based line where the parser stopped."""

    def __init__(self, line: int, detail: str):
        self.line = line
        self.detail = detail
        super().__init__(f"line {line}: {detail}")


def parse(text: str, first_line: int = 1):
    """Parse YAML text; lines are counted from `first_line` (front matter starts at 2)."""
    try:
        data = yaml.load(text, Loader=_FastLineLoader)
    except yaml.YAMLError:
        data = _parse_reporting_errors(text, first_line)
    if first_line != 1:
        _shift_lines(data, first_line - 1)
    return data


def _parse_reporting_errors(text: str, first_line: int):
    try:
        return yaml.load(text, Loader=_LineLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = (mark.line if mark else 0) + first_line
        raise YamlError(line, str(error.problem or error)) from None


def _shift_lines(data, offset: int) -> None:
    if isinstance(data, LineDict):
        data.line += offset
        data.key_lines = {key: line + offset for key, line in data.key_lines.items()}
        for value in data.values():
            _shift_lines(value, offset)
    elif isinstance(data, list):
        for item in data:
            _shift_lines(item, offset)


def load(path: Path):
    return parse(path.read_text(encoding="utf-8"))
