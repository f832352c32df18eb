"""Print marks: which parts of a page go on paper, on which sheet, in which role.

Communicators mark parts of their Markdown with HTML comments, each alone on
its line:

    <!-- leaflet -->            ...inside panels of the A4 tri-fold...   <!-- /leaflet -->
    <!-- leaflet: action -->    ...the call to action on its back...     <!-- /leaflet -->
    <!-- flyer -->              ...the A5 flyer (and the poster's points, when it has none of its own)...   <!-- /flyer -->
    <!-- poster -->             ...the A3 poster's key points, two or three short ones...   <!-- /poster -->
    <!-- loa -->                ...a loudspeaker script...               <!-- /loa -->

The word names the sheet; the optional role after a colon names the place on
it (see ROLES). The kinds are independent and may nest. A comment alone
on its line holding a single word is read as a mark, so a misspelled one
(`<!-- flyr -->`), an unknown role or a close without an open is an error at
its line: it would otherwise drop its text from the paper without a word.
Notes for editors are written as sentences.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from .content import SourcePage
from ..problems import ProblemLog

# Role -> what it is, in the words of the error messages. "" is the main text.
ROLES = {
    "leaflet": {
        "": "mặt trong (3 cột)",
        "cover": "câu khẩu hiệu trên bìa",
        "flap": "cột mở đầu (mặt trong của bìa gấp)",
        "action": "việc cần làm (mặt sau: đi đâu, mang gì, gọi ai)",
    },
    "flyer": {
        "": "nội dung tờ rơi",
        "cover": "câu khẩu hiệu dưới tiêu đề",
        "action": "việc cần làm (đi đâu, mang gì, gọi ai)",
    },
    # A poster is read from two metres: a few points in large type. Without its own marks it takes the
    # flyer's first points and the flyer's call to action.
    "poster": {
        "": "các ý chính của áp phích (nhiều nhất ba ý ngắn)",
        "action": "việc cần làm trên áp phích (đi đâu, mang gì, gọi ai)",
    },
    "loa": {
        "": "bài đọc trên loa truyền thanh (số, ngày, chữ viết tắt được viết thành chữ để đọc)",
    },
}

# A comment alone on its line holding one word, maybe a slash before it and a role after it.
_MARK_LIKE = re.compile(r"^\s*<!--\s*(/?)\s*([\w-]+)\s*(?::\s*([\w-]*)\s*)?-->\s*$")


@dataclass(frozen=True)
class MarkedPart:
    kind: str  # "leaflet", "flyer", "poster" or "loa"
    role: str  # "" for the main text
    line: int  # first line of the text, in the file
    text: str  # the Markdown between the marks


def mark(kind: str, role: str = "", closing: bool = False) -> str:
    """A mark as the communicator writes it, for messages."""
    return f"<!-- {'/' if closing else ''}{kind}{': ' + role if role else ''} -->"


def _known_marks() -> str:
    return ", ".join(f"`{mark(kind)}`" for kind in ROLES)


def marked_parts(source: SourcePage, log: ProblemLog) -> list[MarkedPart]:
    """Every marked part of a page, of every kind, in order; mistakes reported at their line."""
    parts: list[MarkedPart] = []
    open_marks: dict[str, tuple[int, str, list[str]]] = {}  # kind -> (line of the mark, role, lines so far)
    for index, line in enumerate(source.body.split("\n")):
        number = source.body_line + index
        found = _MARK_LIKE.match(line)
        if not found:
            for _, _, buffer in open_marks.values():
                buffer.append(line)
            continue
        closing, word, role = found.group(1) == "/", found.group(2), found.group(3)
        kind = _kind(word, closing, role, source, number, log)
        if kind is None:
            continue
        if closing:
            if kind not in open_marks:
                log.error(source.path, number, f"`{mark(kind, closing=True)}` không có `{mark(kind)}` mở trước nó. "
                          "Thêm dòng mở hoặc xoá dòng này.")
                continue
            start, open_role, buffer = open_marks.pop(kind)
            parts.append(MarkedPart(kind, open_role, start + 1, "\n".join(buffer)))
            continue
        role = role or ""
        if role not in ROLES[kind]:
            roles = ", ".join(f"`{mark(kind, r)}` ({what})" for r, what in ROLES[kind].items())
            close = difflib.get_close_matches(role, [r for r in ROLES[kind] if r], n=1)
            hint = f" Có phải `{mark(kind, close[0])}`?" if close else ""
            log.error(source.path, number, f"Vai trò `{role}` không có trong `{mark(kind, role)}`.{hint} Dùng: {roles}.")
        if kind in open_marks:
            log.error(source.path, number, f"Mở `{mark(kind, role)}` lần nữa khi phần mở ở dòng {open_marks[kind][0]} chưa đóng. "
                      f"Thêm `{mark(kind, closing=True)}` trước dòng này.")
        open_marks[kind] = (number, role, [])
    for kind, (start, role, _) in open_marks.items():
        log.error(source.path, start, f"`{mark(kind, role)}` chưa được đóng. Thêm dòng `{mark(kind, closing=True)}` ở cuối phần muốn in.")
    return parts


def _kind(word: str, closing: bool, role: str | None, source: SourcePage, number: int, log: ProblemLog) -> str | None:
    """The kind of mark a mark-like comment names; an unknown one is reported and read as its nearest kind."""
    if word in ROLES:
        return word
    close = difflib.get_close_matches(word, list(ROLES), n=1, cutoff=0.6)
    written = f"<!-- {'/' if closing else ''}{word}{': ' + role if role is not None else ''} -->"
    hint = f" Có phải `{mark(close[0], role or '', closing)}`?" if close else ""
    log.error(source.path, number, f"Dấu in `{written}` không có, nên phần này sẽ không được in.{hint} Các dấu in: {_known_marks()}. "
              "Ghi chú cho người biên tập thì viết thành câu, nhiều từ.")
    # Read as the mark it resembles, so its partner raises no second error for the same slip.
    return close[0] if close else None


@dataclass(frozen=True)
class Point:
    """One point of a marked part, for a poster: a list item (or, in a part without a list, a paragraph)."""

    line: int  # its first line, in the file
    text: str  # its Markdown, without the list marker


_LIST_ITEM = re.compile(r"^(?:[-*+]|\d+[.)])\s+")


def points(part: MarkedPart) -> list[Point]:
    """The part's top-level list items in order; its paragraphs when it has no list. Headings and blocks are skipped."""
    items: list[list] = []
    paragraphs: list[list] = []
    current: list | None = None  # [line, lines] of the item or paragraph being read
    fenced = False
    for index, line in enumerate(part.text.split("\n")):
        number = part.line + index
        if line.lstrip().startswith(("```", "~~~")):
            fenced, current = not fenced, None
            continue
        if fenced or not line.strip():
            current = None
            continue
        item = _LIST_ITEM.match(line)
        if item:
            current = [number, [line[item.end():]]]
            items.append(current)
        elif current is not None and (line[0] in " \t" or current in paragraphs):
            current[1].append(line.strip())
        elif not line.lstrip().startswith(("#", "<!--", "|", ">", "!!!")):
            current = [number, [line.strip()]]
            paragraphs.append(current)
        else:
            current = None
    return [Point(number, " ".join(lines)) for number, lines in (items or paragraphs)]
