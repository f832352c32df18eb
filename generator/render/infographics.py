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

This module knows the block's syntax (reading and checking a block into a
`BlockSpec`) and its web HTML; `render.py` resolves the texts and figures of
a spec into an `Infographic` for one language, and `images.py` draws it. On
the web a block is HTML (text stays text: selectable, searchable, read by
screen readers).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

import jinja2
from markupsafe import Markup
from pydantic import Field, StringConstraints

from ..assets import TEMPLATES_DIR
from ..sources import yamlfile
from ..problems import ProblemLog
from ..sources.schema import Model, validate

KINDS = ("cards", "steps", "comparison", "timeline")
FENCE_OPEN = re.compile(r"^```\s*infographic\s*$")
FENCE_CLOSE = re.compile(r"^```\s*$")
SIZES = {"portrait": (1080, 1350), "square": (1080, 1080)}
IMAGE_DIR = "images"
MAX_ITEMS = 8
MAX_BLOCK_BYTES = 10_000

TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES_DIR / "infographic"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
)

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]


# --- the block's syntax ------------------------------------------------------


class CardItem(Model):
    figure: Annotated[str, StringConstraints(pattern=r"^[a-z0-9_.]+$")] = Field(
        description="Khoá số liệu trong content/policy.yml, ví dụ `voluntary.rate` (không gõ số bằng tay).")
    text: Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)] = Field("", description="Câu ngắn giải thích con số.")
    view: Literal["now", "next", "since", ""] = Field("now", description="Cách hiển thị: `now` (mức đang áp dụng), `next` (mức sắp tới).")


class CardsBlock(Model):
    kind: Literal["cards"]
    title: Text = Field(description="Tiêu đề ngắn của khối.")
    items: list[CardItem] = Field(min_length=1, max_length=MAX_ITEMS, description=f"Các thẻ số liệu (tối đa {MAX_ITEMS}), mỗi thẻ `- figure: ...` và `text: ...`.")


class StepsBlock(Model):
    kind: Literal["steps"]
    title: Text = Field(description="Tiêu đề ngắn của khối.")
    items: list[Text] = Field(min_length=1, max_length=MAX_ITEMS, description=f"Các bước (tối đa {MAX_ITEMS}), mỗi bước một dòng `- ...`.")


class Side(Model):
    title: Text = Field(description="Tiêu đề của bên này.")
    items: list[Text] = Field(min_length=1, max_length=MAX_ITEMS, description=f"Các ý (tối đa {MAX_ITEMS}), mỗi ý một dòng `- ...`.")


class ComparisonBlock(Model):
    kind: Literal["comparison"]
    title: Text = Field(description="Tiêu đề ngắn của khối.")
    left: Side = Field(description="Bên trái: `title:` và `items:`.")
    right: Side = Field(description="Bên phải: `title:` và `items:`.")


class TimelineBlock(Model):
    kind: Literal["timeline"]
    title: Text = Field(description="Tiêu đề ngắn của khối.")
    figures: list[Annotated[str, StringConstraints(pattern=r"^[a-z0-9_.]+$")]] = Field(
        min_length=1, max_length=MAX_ITEMS, description="Danh sách khoá số liệu; mỗi mức áp dụng là một mốc.")


BLOCKS = {"cards": CardsBlock, "steps": StepsBlock, "comparison": ComparisonBlock, "timeline": TimelineBlock}
Block = CardsBlock | StepsBlock | ComparisonBlock | TimelineBlock


@dataclass(frozen=True)
class BlockSpec:
    """One block as written: checked, not yet resolved into a language."""

    block: Block
    node: yamlfile.LineDict  # the YAML, for the line of each item
    path: Path
    line: int  # the opening fence
    slug: str  # unique within the page, for file names


def slot(index: int) -> str:
    """The line that stands in the Markdown where block `index` was."""
    return f"{SLOT_MARK}{index}{SLOT_MARK}"


# A private-use character: stripped from content before rendering, so only the
# generator can put a slot into a page.
SLOT_MARK = "\ue000"
# What follows a value nobody checked against the official text yet, in every output (web, paper, cards):
# plain text, so no template, drawing or print style can drop it; its legend goes with every marked text.
UNVERIFIED_MARK = "*"
SLOT = re.compile(rf"<p>{SLOT_MARK}(\d+){SLOT_MARK}</p>")


def extract_blocks(body: str, body_line: int, path: Path, slug_stem: str, log: ProblemLog) -> tuple[str, list[BlockSpec]]:
    """The body with each infographic block replaced by a slot line; the blocks."""
    lines = body.split("\n")
    kept: list[str] = []
    found: list[BlockSpec] = []
    index = 0
    while index < len(lines):
        if not FENCE_OPEN.match(lines[index]):
            kept.append(lines[index])
            index += 1
            continue
        start = index
        end = next((i for i in range(index + 1, len(lines)) if FENCE_CLOSE.match(lines[i])), None)
        first_line = body_line + start
        if end is None:
            log.error(path, first_line, "Khối ```infographic chưa đóng. Thêm một dòng ``` ở cuối khối.")
            return body, []
        spec = _read_block(lines[start + 1:end], first_line, path, f"{slug_stem}-{len(found) + 1}", log)
        # As many lines as the block had, the slot alone between blank ones: Markdown makes it a
        # paragraph of its own, and later lines keep their numbers for error messages.
        kept.extend(["", slot(len(found)) if spec else ""] + [""] * (end - start - 1))
        if spec:
            found.append(spec)
        index = end + 1
    return "\n".join(kept), found


def _read_block(lines: list[str], fence_line: int, path: Path, slug: str, log: ProblemLog) -> BlockSpec | None:
    try:
        data = yamlfile.parse("\n".join(lines), first_line=fence_line + 1, max_bytes=MAX_BLOCK_BYTES)
    except yamlfile.YamlError as error:
        log.error(path, error.line, f"Khối infographic không đúng cú pháp YAML: {error.detail}.")
        return None
    kind = data.get("kind") if isinstance(data, yamlfile.LineDict) else None
    if kind not in BLOCKS:
        line = data.line_of("kind") if isinstance(data, yamlfile.LineDict) else fence_line
        log.error(path, line, f"Khối infographic cần `kind:` là một trong: {', '.join(KINDS)}.")
        return None
    block = validate(BLOCKS[kind], data, path, log, "Khối infographic: ")
    return BlockSpec(block, data, path, fence_line, slug) if block else None


# --- resolved into one language ----------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One line of an infographic: a headline (often a figure) and its text."""

    headline: str  # plain text, e.g. "22%"
    text: str  # plain text
    note: str = ""  # plain text: a coming change of the headline's figure, said once
    verified: bool = True  # every figure in the entry was checked against the official text


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
    unverified: tuple[str, ...] = ()  # keys of its figures whose value, now or coming, nobody checked yet
    marked: bool = False  # some text of it carries UNVERIFIED_MARK: the legend goes with it, on the web, paper and cards


def to_html(block: Infographic, legend: str, downloads: list[tuple[str, str]] | None = None) -> Markup:
    """The block as HTML, with `legend` (what UNVERIFIED_MARK means) when a text of it is marked; every text autoescaped."""
    return Markup(TEMPLATES.get_template(f"{block.kind}.html").render(
        block=block, downloads=downloads or [], legend=legend))


def image_files(block: Infographic) -> dict[str, str]:
    folder = f"{IMAGE_DIR}/{block.lang}/{block.audience or 'chung'}"
    return {size: f"{folder}/{block.slug}-{size}.png" for size in SIZES}
