"""YAML loading for untrusted content: line numbers kept, aliases and duplicate keys refused.

Every YAML text the build reads (front matter, infographic blocks, policy,
site settings, the QR lockfile) comes from communicators or translators, so:

- anchors and aliases are refused: content never needs them, and an alias
  bomb ("billion laughs") would hang the build;
- a key written twice is an error, not a silent "last one wins" (a second
  `tn:` line in the QR lockfile would re-point a printed code);
- size, nesting depth and node count are capped;
- every mapping and list remembers its line, so mistakes point at a line;
- control and bidirectional-override characters are refused at their line:
  invisible, they can reverse a phone number on paper or hide text.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

MAX_BYTES = 1_000_000
MAX_DEPTH = 20
MAX_NODES = 50_000


# C0 and C1 controls but tab and newlines, DEL, and the bidirectional embeddings, overrides and isolates
# (with the marks), which reorder what a reader sees: "0912 345 678" can print as another number.
REFUSED_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def refused_character(text: str) -> tuple[int, str] | None:
    """The 1-based line and a Vietnamese description of the first control or bidi character in `text`, if any."""
    match = REFUSED_CHARACTERS.search(text)
    if match is None:
        return None
    code = f"U+{ord(match.group()):04X}"
    kind = "ký tự đảo chiều chữ" if ord(match.group()) > 0x9F else "ký tự điều khiển"
    return (text.count("\n", 0, match.start()) + 1,
            f"có {kind} vô hình ({code}), có thể làm chữ hoặc số điện thoại hiện sai thứ tự; hãy xoá ký tự này "
            "(gõ lại dòng này, đừng dán từ nơi khác)")


class LineDict(dict):
    """A mapping from YAML that knows the line of itself and of each key."""

    line: int = 1
    key_lines: dict

    def line_of(self, key) -> int:
        return self.key_lines.get(key, self.line)


class LineList(list):
    """A list from YAML that knows its line and the line of each item."""

    line: int = 1
    item_lines: list

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if 0 <= index < len(self.item_lines) else self.line


class YamlError(Exception):
    """Invalid or refused YAML, with the 1-based line where the problem is."""

    def __init__(self, line: int, detail: str):
        self.line = line
        self.detail = detail
        super().__init__(f"line {line}: {detail}")


_REFUSED_ALIAS = ("không dùng neo và tham chiếu của YAML (`&tên`, `*tên`, `<<:`): viết đầy đủ giá trị; "
                  "giá trị bắt đầu bằng `*` hoặc `&` thì đặt cả giá trị trong ngoặc kép")
_TOO_DEEP = f"lồng quá sâu (hơn {MAX_DEPTH} cấp); hãy viết phẳng hơn"


class _DuplicateKey(Exception):
    def __init__(self, line: int, key, first: int):
        self.line, self.key, self.first = line, key, first


class _LineLoader(yaml.SafeLoader):
    pass


# libyaml parses about ten times faster, and every page's front matter goes
# through it; the pure-Python parser points at the line where a syntax mistake
# starts, so it is the one that reports those.
class _FastLineLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    pass


def _construct_mapping(loader, node: yaml.MappingNode) -> LineDict:
    mapping = LineDict()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    for key_node, value_node in node.value:
        line = key_node.start_mark.line + 1
        if key_node.tag == "tag:yaml.org,2002:merge":
            raise YamlError(line, _REFUSED_ALIAS)
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, (str, int, float, bool, type(None))) or isinstance(key, float) and key != key:
            raise YamlError(line, "khoá phải là chữ hoặc số")
        if key in mapping:
            raise _DuplicateKey(line, key, mapping.key_lines[key])
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[key] = line
    return mapping


def _construct_sequence(loader, node: yaml.SequenceNode) -> LineList:
    items = LineList(loader.construct_object(child, deep=True) for child in node.value)
    items.line = node.start_mark.line + 1
    items.item_lines = [child.start_mark.line + 1 for child in node.value]
    return items


# Every scalar a string: in the QR lockfile `on`, `null` and `010` are codes, not True, None and 8.
class _PlainLineLoader(yaml.BaseLoader):
    pass


class _FastPlainLineLoader(getattr(yaml, "CBaseLoader", yaml.BaseLoader)):
    pass


for _loader in (_LineLoader, _FastLineLoader, _PlainLineLoader, _FastPlainLineLoader):
    _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
    _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def _check_shape(text: str, loader_class) -> None:
    """Refuse aliases, deep nesting and huge documents from the event stream, before building anything.

    The event parser keeps no recursion (libyaml's composer does, and crashes on
    deep nesting), so this pass is safe on any input.
    """
    depth = count = 0
    for event in yaml.parse(text, Loader=loader_class):
        line = event.start_mark.line + 1
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise YamlError(line, _REFUSED_ALIAS)
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                raise YamlError(line, _TOO_DEEP)
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1
        count += 1
        if count > MAX_NODES:
            raise YamlError(line, f"quá nhiều mục (hơn {MAX_NODES // 1000} nghìn); tệp này quá lớn")


def _load(text: str, loader_class):
    _check_shape(text, loader_class)
    loader = loader_class(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def parse(text: str, first_line: int = 1, max_bytes: int = MAX_BYTES, plain: bool = False):
    """Parse YAML text; lines are counted from `first_line` (front matter starts at 2).

    `plain`: every scalar stays the string it was written as (no booleans, numbers or dates).
    """
    fast, careful = (_FastPlainLineLoader, _PlainLineLoader) if plain else (_FastLineLoader, _LineLoader)
    if len(text.encode("utf-8")) > max_bytes:
        raise YamlError(first_line, f"quá dài (giới hạn {max_bytes // 1000:,} KB)".replace(",", "."))
    refused = refused_character(text)
    if refused is not None:
        raise YamlError(refused[0] + first_line - 1, refused[1])
    try:
        try:
            data = _load(text, fast)
        except yaml.YAMLError:
            data = _load(text, careful)  # raises again, with the line where the mistake starts
    except YamlError as error:
        raise YamlError(error.line + first_line - 1, error.detail) from None
    except _DuplicateKey as error:
        raise YamlError(error.line + first_line - 1, f"khoá `{error.key}` viết hai lần (lần đầu ở dòng "
                                                     f"{error.first + first_line - 1}); giữ lại một dòng") from None
    except yaml.MarkedYAMLError as error:
        mark = _cause(error)
        raise YamlError((mark.line if mark else 0) + first_line, _in_vietnamese(error)) from None
    except yaml.YAMLError as error:
        raise YamlError(first_line, str(error)) from None
    if first_line != 1:
        _shift_lines(data, first_line - 1)
    return data


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


# The parser notices an unclosed quote or bracket, or a key without its colon, only lines later (at
# the end of the file for a quote); the line to fix is the one where the value or key began.
_STARTED_AT = ("while scanning a quoted scalar", "while parsing a flow", "while scanning a simple key")


def _cause(error: yaml.MarkedYAMLError):
    if error.context_mark and (error.context or "").startswith(_STARTED_AT):
        return error.context_mark
    return error.problem_mark or error.context_mark


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
    elif isinstance(data, LineList):
        data.line += offset
        data.item_lines = [line + offset for line in data.item_lines]
        for item in data:
            _shift_lines(item, offset)


def load(path: Path, plain: bool = False):
    return parse(path.read_text(encoding="utf-8"), plain=plain)
