"""Infographics: blocks written in Markdown, shown as HTML on the web, drawn as PNG cards.

A communicator writes a fenced block with YAML inside:

    ```infographic
    kind: cards
    title: Những con số cần nhớ
    items:
      - figure: voluntary.rate
        text: của thu nhập bạn tự chọn
    ```

Kinds: `cards` (key numbers, each from a policy figure), `steps` (numbered
steps), `comparison` (two columns, such as monthly pension versus one-time
withdrawal) and `timeline` (the dated values of the figures listed). Every
number comes from the policy data; texts may use `{{ policy.key }}`.

On the web a block is HTML (text stays text: selectable, searchable, read by
screen readers). For social media each block is also drawn as PNG cards,
1080x1350 and 1080x1080, with Pillow's complex-text layout (raqm) so that
Vietnamese, Bahnar and Jrai marks sit right.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from . import yamlfile
from .content import SourcePage
from .policy import PolicyData, format_day, format_value
from .problems import ProblemLog

KINDS = ("cards", "steps", "comparison", "timeline")
FENCE_OPEN = re.compile(r"^```\s*infographic\s*$")
FENCE_CLOSE = re.compile(r"^```\s*$")
TAGS = re.compile(r"<[^>]+>")
SIZES = {"portrait": (1080, 1350), "square": (1080, 1080)}
IMAGE_DIR = "images"

TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates" / "infographic"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
)


@dataclass(frozen=True)
class Entry:
    """One line of an infographic: a headline (often a figure) and its text."""

    headline: str  # HTML-free text, e.g. "22%"
    text: str  # HTML-free text
    html_headline: Markup
    html_text: Markup


@dataclass(frozen=True)
class Column:
    title: str
    entries: tuple[Entry, ...]


@dataclass(frozen=True)
class Infographic:
    kind: str
    title: str
    columns: tuple[Column, ...]  # one column, or two for a comparison
    lang: str
    audience: str | None
    slug: str  # unique within the audience and language, for file names
    path: Path
    line: int


# --- reading blocks ----------------------------------------------------------


def extract(source: SourcePage, lang: str, resolve, log: ProblemLog) -> tuple[str, list[Infographic]]:
    """Replace each infographic block of the page by a marker; return the blocks.

    `resolve(text, line)` substitutes `{{ ... }}` and returns (html, plain text);
    `figure(key, view, line)` comes through the same function as "{{ policy.key }}".
    """
    lines = source.body.split("\n")
    kept, found, index = [], [], 0
    while index < len(lines):
        if not FENCE_OPEN.match(lines[index]):
            kept.append(lines[index])
            index += 1
            continue
        start = index
        end = next((i for i in range(index + 1, len(lines)) if FENCE_CLOSE.match(lines[i])), None)
        first_line = source.body_line + start
        if end is None:
            log.error(source.path, first_line, "Khối ```infographic chưa đóng. Thêm một dòng ``` ở cuối khối.")
            return source.body, []
        block = _parse(source, lang, lines[start + 1:end], first_line + 1, len(found), resolve, log)
        # One marker line, then blank lines: later lines keep their numbers for error messages.
        kept.append(f"<!--infographic:{len(found)}-->" if block else "")
        kept.extend([""] * (end - start))
        if block:
            found.append(block)
        index = end + 1
    return "\n".join(kept), found


def _parse(source, lang, lines, first_line, number, resolve, log) -> Infographic | None:
    try:
        data = yamlfile.parse("\n".join(lines), first_line=first_line)
    except yamlfile.YamlError as error:
        log.error(source.path, error.line, f"Khối infographic không đúng cú pháp YAML ({error.detail}).")
        return None
    if not isinstance(data, dict) or data.get("kind") not in KINDS:
        line = data.line_of("kind") if isinstance(data, yamlfile.LineDict) else first_line
        log.error(source.path, line, f"Khối infographic cần `kind:` là một trong: {', '.join(KINDS)}.")
        return None
    kind = data["kind"]
    title_html, title = resolve(str(data.get("title") or ""), data.line_of("title"))
    if not title:
        log.error(source.path, data.line, "Khối infographic cần `title:` (tiêu đề ngắn).")
        return None
    if kind == "comparison":
        columns = [_column(source, data.get(side), data.line_of(side), side, resolve, log) for side in ("left", "right")]
    elif kind == "timeline":
        columns = [_timeline(source, data, resolve, log)]
    else:
        columns = [_column(source, data, data.line, kind, resolve, log)]
    if any(c is None for c in columns):
        return None
    slug = f"{Path(source.rel).stem if not source.rel.endswith('index.md') else 'tong-quan'}-{number + 1}"
    return Infographic(kind, title, tuple(columns), lang, source.audience, slug, source.path, first_line - 1)


def _column(source, data, line, kind, resolve, log) -> Column | None:
    if not isinstance(data, dict) or not isinstance(data.get("items"), list) or not data["items"]:
        log.error(source.path, line, "Cần `items:` là danh sách các dòng (mỗi dòng bắt đầu bằng `- `)." +
                  (" Với so sánh, mỗi bên `left:` và `right:` có `title:` và `items:`." if kind in ("left", "right") else ""))
        return None
    entries = []
    for item in data["items"]:
        item_line = getattr(item, "line", data.line_of("items"))
        if kind == "cards":
            if not isinstance(item, dict) or not item.get("figure"):
                log.error(source.path, item_line, "Mỗi thẻ số liệu cần `figure: <khoá số liệu>` (không gõ số bằng tay).")
                return None
            view = f" | {item['view']}" if item.get("view") else ""
            headline = resolve(f"{{{{ policy.{item['figure']}{view} }}}}", item_line)
            text = resolve(str(item.get("text") or ""), item_line)
        else:
            headline = (Markup(""), "")
            text = resolve(str(item), item_line)
        entries.append(Entry(headline[1], text[1], headline[0], text[0]))
    title = resolve(str(data.get("title") or ""), data.line_of("title"))[1] if kind in ("left", "right") else ""
    return Column(title, tuple(entries))


def _timeline(source, data, resolve, log) -> Column | None:
    keys = data.get("figures")
    if not isinstance(keys, list) or not keys:
        log.error(source.path, data.line, "Dòng thời gian cần `figures:` là danh sách khoá số liệu; mỗi mức áp dụng là một mốc.")
        return None
    entries = []
    for key in keys:
        figure = resolve.policy.figures.get(str(key))
        if figure is None:
            resolve(f"{{{{ policy.{key} }}}}", data.line_of("figures"))  # reports the unknown key
            return None
        for period in figure.periods:
            value = format_value(figure, period, resolve.strings)
            text = figure.label if figure.unit == "date" else f"{figure.label}: {value}"
            entries.append((period.start, Entry(format_day(period.start), text,
                                                escape(format_day(period.start)), escape(text))))
    entries.sort(key=lambda pair: pair[0])
    return Column("", tuple(entry for _, entry in entries))


class Resolver:
    """Substitutes `{{ ... }}` in one infographic text, reporting mistakes at its line."""

    def __init__(self, source: SourcePage, language, policy: PolicyData, site, as_of, log, substitute):
        self.source, self.language, self.policy = source, language, policy
        self.site, self.as_of, self.log, self._substitute = site, as_of, log, substitute
        self.strings = language.strings
        self.figures = []  # every figure the infographics of this page use

    def __call__(self, text: str, line: int) -> tuple[Markup, str]:
        piece = dataclasses.replace(self.source, body=text, body_line=line)
        html, used = self._substitute(piece, self.language, self.policy, self.site, self.as_of, self.log)
        self.figures.extend(used)
        return Markup(html), TAGS.sub("", html).replace("&amp;", "&")


# --- web ---------------------------------------------------------------------


def to_html(block: Infographic, downloads: list[tuple[str, str]] | None = None) -> str:
    return TEMPLATES.get_template(f"{block.kind}.html").render(block=block, downloads=downloads or [])


def insert_html(body: str, blocks: list[Infographic]) -> str:
    return re.sub(r"<!--infographic:(\d+)-->", lambda m: "\n\n" + to_html(blocks[int(m.group(1))]) + "\n\n", body)


def image_files(block: Infographic) -> dict[str, str]:
    folder = f"{IMAGE_DIR}/{block.lang}/{block.audience or 'chung'}"
    return {size: f"{folder}/{block.slug}-{size}.png" for size in SIZES}
