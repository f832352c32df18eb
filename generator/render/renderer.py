"""Turning content into safe HTML: placeholders, figures, infographic blocks, Markdown.

Pages, leaflets and cards all render content through one `Renderer` (one
language, one date), so a figure reads the same everywhere and every piece of
HTML made from content goes through the same steps:

    infographic blocks -> slots, `{{ policy.x }}` / `{{ site.x }}` -> values,
    Markdown -> HTML (the project's Markdown dialect, declared here),
    allowlist sanitizer (sanitize.py), slots -> infographic HTML.

Only the generator's own templates (autoescaped) add HTML after the
sanitizer. What the sanitizer removes is reported at its line, so authors see
why their `<script>` or `onclick=` did not reach the page.
"""

from __future__ import annotations

import datetime as dt
import functools
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
import markdown
from markdown.extensions.toc import slugify
from markdown.treeprocessors import Treeprocessor
from xml.etree import ElementTree
from markupsafe import Markup, escape

from ..assets import TEMPLATES_DIR
from . import sanitize
from ..sources.content import PageKey, SiteConfig
from .infographics import SLOT, SLOT_MARK, UNVERIFIED_MARK, BlockSpec, CardsBlock, Column, ComparisonBlock, Entry, Infographic, StepsBlock, \
    TimelineBlock, extract_blocks, to_html
from ..sources.languages import Language
from ..sources.policy import VIEWS, Figure, LegalBasis, PolicyData, cite, format_day, format_figure, format_value
from ..problems import ProblemLog
from ..textfold import fold
from .urls import page_url, relative_url

TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES_DIR / "page"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
)

# `{{ policy.voluntary.rate }}`, `{{ policy.voluntary.rate | now }}`, `{{ site.hotline }}`
PLACEHOLDER = re.compile(r"\{\{(.*?)\}\}")
REFERENCE = re.compile(r"^\s*(policy|site)\.([a-z0-9_.]+?)\s*(?:\|\s*([a-z]+)\s*)?$")


def heading_slug(text: str, separator: str) -> str:
    # Python-Markdown's slugify drops "đ" ("người lao động" -> "nguoi-lao-ong").
    return slugify(fold(text), separator)


# The Markdown communicators write: what the quick start documents, nothing more.
MARKDOWN_EXTENSIONS = ["admonition", "attr_list", "md_in_html", "tables", "def_list", "sane_lists", "pymdownx.details", "toc"]
MARKDOWN_CONFIG = {"toc": {"slugify": heading_slug, "permalink": False}}


@dataclass(frozen=True)
class Place:
    """Where a piece of content was written: errors point here."""

    path: Path
    line: int


@dataclass(frozen=True)
class FigureUse:
    """A figure as a page or leaflet shows it, for the list of figures and their legal basis."""

    key: str
    label: str
    value: str
    since: str
    bases: tuple[LegalBasis, ...]
    verified: bool  # `value` carries the mark when False
    statement: bool  # a sentence of the content, not a number: `value` is its mark alone

    @property
    def basis(self) -> str:
        return cite(self.bases)


@dataclass(frozen=True)
class Rendered:
    html: Markup  # sanitized content, then the generator's infographic HTML
    toc: tuple  # Python-Markdown's toc tokens, for the page's table of contents
    figures: tuple[FigureUse, ...]
    infographics: tuple[Infographic, ...]
    marked: bool = False  # some text of it carries the unverified mark: its legend or footnote must go with it


@dataclass
class _Uses:
    figures: dict[str, FigureUse] = field(default_factory=dict)
    marked_keys: set[str] = field(default_factory=set)  # figures shown with the unverified mark


def shown_periods(figure: Figure, on: dt.date, view: str) -> list:
    """The values of `figure` a reader sees in `{{ policy.key | view }}` on a page built on `on`."""
    if view in ("label", "basis"):
        return []
    coming = figure.next_change(on)
    if view == "next":
        return [coming or figure.shown_on(on)]
    if view in ("now", "since") or coming is None:
        return [figure.shown_on(on)]
    return [figure.shown_on(on), coming] if figure.in_force(on) is not None else [coming]


def marked(text: str, verified: bool) -> str:
    """The one place that decides how a shown value says nobody checked it yet: every output shows this text."""
    return text if verified else f"{text}{UNVERIFIED_MARK}"


class Renderer:
    """Renders content for one language on one date, reporting mistakes to `log`.

    For paper (`paper`: an object whose `hint(href, text, target)` says where a link leads),
    links become words a reader can follow without a screen, and a figure written without a
    view shows only the value in force (a sheet says a coming change once, in a sentence).
    """

    def __init__(self, language: Language, policy: PolicyData, site: SiteConfig, as_of: dt.date, log: ProblemLog,
                 paper=None):
        self.language, self.policy, self.site, self.as_of, self.log = language, policy, site, as_of, log
        self.strings = language.strings
        self.paper = paper
        self.default_view = "now" if paper else ""

    # --- whole bodies ---

    def body(self, text: str, place: Place, page: PageKey) -> Rendered:
        """A Markdown body (a page, or a part marked for print) as sanitized HTML with its infographics."""
        text = text.replace(SLOT_MARK, "")
        slug_stem = "tong-quan" if page.opens_folder else page.name
        text, specs = extract_blocks(text, place.line, place.path, slug_stem, self.log)
        uses = _Uses()
        blocks = tuple(self._infographic(spec, page.audience, uses) for spec in specs)
        substituted = self._substitute(text, place, uses, html=True)
        html, toc = markdown_to_html(substituted, page) if self.paper is None else _convert(substituted, page, self.paper)
        clean = sanitize.clean(html)
        if clean != html:
            self._report_removed(html, text, place)
        with_blocks = SLOT.sub(lambda m: "\n" + to_html(blocks[int(m.group(1))], self.strings["figures.legend"]) + "\n", clean)
        return Rendered(Markup(with_blocks), toc, tuple(uses.figures.values()), blocks,
                        marked=bool(uses.marked_keys) or any(block.marked for block in blocks))

    def _report_removed(self, html: str, source: str, place: Place) -> None:
        lines = source.split("\n")
        for removal in sanitize.removed(html):
            index = next((i for clue in removal.clues if clue for i, line in enumerate(lines) if clue.lower() in line.lower()), 0)
            self.log.error(place.path, place.line + index,
                           f"Trang cho người dân không được chứa {removal}: phần này bị bỏ khi đăng. Hãy xoá nó khỏi bài viết.")

    # --- short texts ---

    def text(self, text: str, place: Place) -> str:
        """A short text (a title, a card line) with placeholders resolved, as plain text."""
        return self._substitute(text, place, _Uses(), html=False)

    # --- placeholders ---

    def _substitute(self, text: str, place: Place, uses: _Uses, html: bool) -> str:
        lines = text.split("\n")
        for index, line in enumerate(lines):
            if "{{" in line:
                lines[index] = PLACEHOLDER.sub(
                    lambda match, number=place.line + index: self._resolve(match.group(1), Place(place.path, number), uses, html), line)
        return "\n".join(lines)

    def _resolve(self, expression: str, place: Place, uses: _Uses, html: bool) -> str:
        reference = REFERENCE.match(expression)
        if not reference:
            self.log.error(place.path, place.line, f"Không hiểu `{{{{{expression}}}}}`. Viết số liệu dạng `{{{{ policy.voluntary.rate }}}}` "
                                                   "hoặc thông tin liên hệ dạng `{{ site.hotline }}`.")
            return ""
        namespace, key, view = reference.group(1), reference.group(2), reference.group(3) or self.default_view
        if namespace == "site":
            value = self.site.contacts.get(key)
            if value is None:
                known = ", ".join(f"site.{k}" for k in self.site.contacts)
                self.log.error(place.path, place.line, f"Không có thông tin `site.{key}` trong content/site.yml. Dùng một trong: {known}.")
                return ""
            return str(escape(value)) if html else value
        figure = self.figure(key, place)
        if figure is None:
            return ""
        if view not in VIEWS:
            self.log.error(place.path, place.line, f"Cách hiển thị `| {view}` không có. Dùng: {', '.join(v for v in VIEWS if v)} hoặc bỏ trống.")
            return ""
        self._use(figure, uses)
        text = format_figure(figure, self.as_of, self.strings, view)
        verified = all(period.verified for period in shown_periods(figure, self.as_of, view))
        if not verified:
            uses.marked_keys.add(key)
        if not html:
            return marked(text, verified)
        if view in ("label", "basis"):
            return str(escape(text))
        # As a character reference: Markdown, which reads this HTML next, takes a bare "*" for emphasis.
        mark = Markup(f"&#{ord(UNVERIFIED_MARK)};")
        return TEMPLATES.get_template("figure.html").render(key=key, text=text, verified=verified, mark=mark,
                                                            legend=self.strings["figures.unverified"])

    def figure(self, key: str, place: Place) -> Figure | None:
        figure = self.policy.figures.get(key)
        if figure is None:
            suggestions = self.policy.suggest(key)
            hint = f" Có phải: {', '.join('policy.' + s for s in suggestions)}?" if suggestions else " Xem các khoá trong content/policy.yml."
            self.log.error(place.path, place.line, f"Không có số liệu `policy.{key}` trong content/policy.yml.{hint}")
        return figure

    def figure_uses(self, keys) -> tuple[FigureUse, ...]:
        """The figures `keys` as a page lists them (value with its mark, basis, check), for figures shown by a script."""
        uses = _Uses()
        for key in keys:
            self._use(self.policy.figures[key], uses)
        return tuple(uses.figures.values())

    def _use(self, figure: Figure, uses: _Uses) -> None:
        shown = figure.shown_on(self.as_of)
        # Unverified if any value a reader may see (in force, or the coming change) is.
        verified = not figure.unverified_on(self.as_of)
        uses.figures.setdefault(figure.key, FigureUse(
            key=figure.key,
            label=figure.label,
            value=marked(format_value(figure, shown, self.strings), verified),
            since=self.language.t("figures.since", date=format_day(shown.start)),
            bases=shown.basis,
            verified=verified,
            statement=figure.unit == "statement",
        ))

    # --- infographic blocks ---

    def _infographic(self, spec: BlockSpec, audience: str | None, page_uses: _Uses) -> Infographic:
        block, node = spec.block, spec.node
        uses = _Uses()
        place = Place(spec.path, node.line_of("title"))
        if isinstance(block, CardsBlock):
            columns = (Column("", tuple(self._card(item, Place(spec.path, node["items"].line_of(i)), uses)
                                        for i, item in enumerate(block.items))),)
        elif isinstance(block, StepsBlock):
            columns = (self._column("", block.items, node["items"], spec.path, uses),)
        elif isinstance(block, ComparisonBlock):
            columns = tuple(self._column(self._plain(side.title, Place(spec.path, node[name].line_of("title")), uses),
                                         side.items, node[name]["items"], spec.path, uses)
                            for name, side in (("left", block.left), ("right", block.right)))
        else:
            columns = (self._timeline(block, node, spec.path, uses),)
        title = self._plain(block.title, place, uses)
        page_uses.figures.update(uses.figures)
        unverified = tuple(sorted(key for key in uses.figures if self.policy.figures[key].unverified_on(self.as_of)))
        return Infographic(block.kind, title, columns, self.language.code, audience,
                           spec.slug, spec.path, spec.line, unverified, marked=bool(uses.marked_keys))

    def _card(self, item, place: Place, uses: _Uses) -> Entry:
        figure = self.figure(item.figure, place)
        if figure is None:
            return Entry("", self.text(item.text, place))
        self._use(figure, uses)
        coming = figure.next_change(self.as_of)
        note = ""
        view = item.view or "now"
        headline_verified = all(p.verified for p in shown_periods(figure, self.as_of, view))
        # On paper the sheet says the coming change once, in a sentence of its own.
        if not self.paper and item.view in ("now", "") and coming is not None and figure.in_force(self.as_of) is not None:
            # A headline is read aloud: one value, the coming change said once beneath it.
            note = self.language.t("figure.next_note", date=format_day(coming.start),
                                   value=marked(format_value(figure, coming, self.strings), coming.verified))
        if not headline_verified or (note and not coming.verified):
            uses.marked_keys.add(figure.key)
        text, text_verified = self._entry_text(item.text, place, uses)
        return Entry(marked(format_figure(figure, self.as_of, self.strings, view), headline_verified), text, note,
                     verified=headline_verified and (not note or coming.verified) and text_verified)

    def _entry_text(self, text: str, place: Place, uses: _Uses) -> tuple[str, bool]:
        """A text inside a block with its figures (marked as need be), and whether none of them is marked."""
        own = _Uses()
        resolved = self._plain(text, place, own)
        uses.figures.update(own.figures)
        uses.marked_keys |= own.marked_keys
        return resolved, not own.marked_keys

    def _column(self, title: str, items, node, path: Path, uses: _Uses) -> Column:
        entries = (self._entry_text(item, Place(path, node.line_of(i)), uses) for i, item in enumerate(items))
        return Column(title, tuple(Entry("", text, verified=verified) for text, verified in entries))

    def _plain(self, text: str, place: Place, uses: _Uses) -> str:
        """A text inside a block: placeholders resolved and their figures recorded."""
        return self._substitute(text, place, uses, html=False)

    def _timeline(self, block: TimelineBlock, node, path: Path, uses: _Uses) -> Column:
        entries = []
        for index, key in enumerate(block.figures):
            figure = self.figure(key, Place(path, node["figures"].line_of(index)))
            if figure is None:
                continue
            self._use(figure, uses)
            for period in figure.periods:
                if not period.verified:
                    uses.marked_keys.add(key)
                # The value a line states carries the mark: a date figure's value is the line's date.
                if figure.unit == "date":
                    headline, text = marked(format_day(period.start), period.verified), figure.label
                else:
                    headline = format_day(period.start)
                    text = f"{figure.label}: {marked(format_value(figure, period, self.strings), period.verified)}"
                entries.append((period.start, Entry(headline, text, verified=period.verified)))
        entries.sort(key=lambda pair: pair[0])
        return Column("", tuple(entry for _, entry in entries))


class _SiteLinks(Treeprocessor):
    """Links between source files become links between published pages, or words on paper.

    `hoi-dap.md` written in `tu-nguyen/index.md` opens `tu-nguyen/hoi-dap/`; an image
    `anh.png` beside `tu-nguyen/hoi-dap.md` is `../anh.png` from that page's folder URL.
    On paper a link keeps its words and says where to go: a short address, or the QR code.
    """

    page: PageKey
    paper = None

    def run(self, root):
        here = page_url(self.page)
        for element in list(root.iter()):
            attribute = {"a": "href", "img": "src"}.get(element.tag)
            target = element.get(attribute) if attribute else None
            if self.paper is not None:
                if element.tag == "a":
                    self._on_paper(element, target or "")
                continue  # an image stays beside its source file: the leaflet renderer reads it there
            if not target or EXTERNAL.match(target) or target.startswith("#"):
                continue
            path, _, fragment = target.partition("#")
            resolved = self._resolve(path)
            url = page_url(PageKey.from_rel(resolved)) if resolved.endswith(".md") else resolved
            element.set(attribute, relative_url(here, url) + (f"#{fragment}" if fragment else ""))

    def _resolve(self, path: str) -> str:
        return posixpath.normpath(posixpath.join(posixpath.dirname(self.page.rel), path))

    def _on_paper(self, link, href: str) -> None:
        path = href.split("#", 1)[0]
        target = PageKey.from_rel(self._resolve(path)) if path.endswith(".md") and not EXTERNAL.match(path) else None
        hint = self.paper.hint(href, "".join(link.itertext()), target)
        link.attrib.clear()
        link.tag = "span"
        link.set("class", "paper-link")
        if hint:
            where = ElementTree.SubElement(link, "span", {"class": "paper-link__where"})
            where.text = f" ({hint})"


EXTERNAL = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)


class _Converter:
    """One Python-Markdown instance, reset between texts (building one loads every extension)."""

    def __init__(self):
        self.markdown = markdown.Markdown(extensions=MARKDOWN_EXTENSIONS, extension_configs=MARKDOWN_CONFIG)
        self.links = _SiteLinks(self.markdown)
        self.markdown.treeprocessors.register(self.links, "outreach-site-links", 1)


@functools.lru_cache(maxsize=1)
def _converter() -> _Converter:
    return _Converter()


@functools.lru_cache(maxsize=2048)
def markdown_to_html(text: str, page: PageKey) -> tuple[str, tuple]:
    """The project's Markdown dialect as HTML (unsanitized) and its toc tokens, for `page`'s place in the site.

    Memoised: a page that falls back to Vietnamese renders the same text in every language.
    """
    return _convert(text, page, None)


def _convert(text: str, page: PageKey, paper) -> tuple[str, tuple]:
    converter = _converter()
    converter.links.page, converter.links.paper = page, paper
    html = converter.markdown.reset().convert(text)
    return html, _freeze(converter.markdown.toc_tokens)


def _freeze(tokens) -> tuple:
    return tuple((t["level"], t["id"], t["name"], _freeze(t["children"])) for t in tokens)
