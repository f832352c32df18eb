"""YAML loading that remembers line numbers, so errors can point at a line."""

from __future__ import annotations

import re
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
        raise YamlError(line, _in_vietnamese(error)) from None


# PyYAML's messages for the mistakes people make in hand-written YAML, and what
# they mean in words a communicator knows. Any other message is quoted as it is.
_EXPLANATIONS = (
    (r"mapping values are not allowed here",
     "dấu hai chấm không đúng chỗ: giá trị có dấu `: ` thì đặt cả giá trị trong ngoặc kép, hoặc dòng này thụt lề sai"),
    (r"could not find expected ':'", "thiếu dấu hai chấm sau tên mục, hoặc một giá trị bị xuống dòng giữa chừng"),
    (r"found character '\\t' that cannot start any token", "có ký tự tab: YAML chỉ thụt lề bằng dấu cách"),
    (r"found character '(.+)' that cannot start any token",
     "giá trị không được bắt đầu bằng ký tự %s: đặt cả giá trị trong ngoặc kép"),
    (r"found undefined alias|expected alphabetic or numeric character",
     "giá trị bắt đầu bằng `*` hoặc `&` (ký hiệu riêng của YAML): đặt cả giá trị trong ngoặc kép"),
    (r"found unexpected end of stream", "một giá trị mở ngoặc kép (\" hoặc ') nhưng không đóng lại"),
    (r"expected <block end>, but found",
     "thụt lề không đều (các dòng cùng cấp phải bắt đầu thẳng hàng), hoặc còn chữ sau dấu ngoặc kép đóng"),
    (r"did not find expected key", "thụt lề sai, hoặc có dòng không theo dạng `tên: giá trị`"),
    (r"did not find expected '-' indicator", "mỗi mục của danh sách bắt đầu bằng `- ` và thẳng hàng với các mục khác"),
    (r"sequence entries are not allowed here", "dòng bắt đầu bằng `- ` không đúng chỗ: kiểm tra thụt lề"),
    (r"did not find expected node content|expected the node content", "thiếu giá trị sau dấu hai chấm hoặc sau `- `"),
    (r"expected ',' or '\]'", "mở ngoặc vuông `[` nhưng không đóng: giá trị bắt đầu bằng `[` thì đặt trong ngoặc kép"),
    (r"expected ',' or '}'", "mở ngoặc nhọn `{` nhưng không đóng: giá trị bắt đầu bằng `{` thì đặt trong ngoặc kép"),
    (r"expected a comment or a line break", "sau dấu ngoặc kép đóng vẫn còn chữ: đặt cả giá trị trong một cặp ngoặc kép"),
    (r"found unknown escape character", "trong ngoặc kép, dấu `\\` phải viết hai lần (`\\\\`), hoặc dùng ngoặc đơn"),
    (r"could not determine a constructor for the tag",
     "giá trị bắt đầu bằng `!` (ký hiệu riêng của YAML): đặt cả giá trị trong ngoặc kép"),
    (r"found unhashable key", "tên mục không hợp lệ: tên mục là chữ, không phải danh sách"),
)


def _in_vietnamese(error: yaml.MarkedYAMLError) -> str:
    """The parser's complaint as a Vietnamese explanation (callers add the file, line and fix)."""
    problem = str(error.problem or error)
    for pattern, explanation in _EXPLANATIONS:
        match = re.search(pattern, problem)
        if match:
            return explanation % match.groups()
    return f"trình đọc YAML báo: {problem}"


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
