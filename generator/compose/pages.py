"""Composing the pages of each language: translation or fallback, notices, what later stages attach.

For every Vietnamese page, each language gets either its own translation or a
fallback built from the Vietnamese source, so every URL exists in every
language and the language switcher always lands on the same page. The reader
is told, in their interface language, when a page is a draft translation or
Vietnamese text. Bodies are rendered by `render.Renderer`; this module adds
the generator's own blocks around them (notices, the QR code, leaflet
downloads, the figures and their legal basis, the calculator). Each audience
also gets a page collecting its infographics.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Mapping

import jinja2
from markupsafe import Markup

from ..assets import TEMPLATES_DIR
from . import calculator, quick_ask
from ..render import infographics
from ..sources.content import GENERATED_PAGES, PageKey, SiteConfig, SourcePage
from ..render.infographics import Infographic
from ..sources.languages import DEFAULT_LANGUAGE, Language
from ..render.renderer import FigureUse, Place, Rendered, Renderer, heading_slug, marked
from ..sources.policy import format_day, format_figure
from ..sources.print_marks import marked_parts
from ..problems import ProblemLog
from .translations import state_of
from ..render.urls import page_url, relative_url

if TYPE_CHECKING:
    from .qr import QrCode

TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES_DIR / "page"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
)
# Vietnamese stays readable (and short) inside the calculator's JSON; `tojson` still escapes < > & '.
TEMPLATES.policies["json.dumps_kwargs"] = {"sort_keys": True, "ensure_ascii": False}

[INFOGRAPHIC_PAGE] = GENERATED_PAGES  # the file stem of each audience's infographic page


@dataclass(frozen=True)
class SitePage:
    lang: Language
    key: PageKey  # the same in every language
    url: str  # relative to the site root: "bahnar/tu-nguyen/"
    title: str
    kind: str
    order: int
    description: str
    status: str  # source | draft | reviewed | fallback
    outdated: bool  # a translation of an older Vietnamese text
    source: SourcePage  # the file the text comes from
    html: Markup  # the page's body, complete
    toc: tuple  # headings, for the table of contents
    figures: tuple[FigureUse, ...]
    infographics: tuple[Infographic, ...] = ()
    valid_until: dt.date | None = None  # the last day its figures hold (the day before one of them changes)

    @property
    def audience(self) -> str | None:
        return self.key.audience

    @property
    def rel(self) -> str:
        return self.key.rel


@dataclass(frozen=True)
class PageInLanguage:
    """Which text a language shows for one Vietnamese page."""

    language: Language
    original: SourcePage  # the Vietnamese page
    source: SourcePage  # the translation, or the original when there is none
    status: str  # source | draft | reviewed | fallback
    outdated: bool = False  # the Vietnamese page changed after it was translated

    @property
    def key(self) -> PageKey:
        return self.original.key


@dataclass(frozen=True)
class Download:
    label: str
    file: str  # relative to the site root


@dataclass(frozen=True)
class PageExtras:
    """What later stages attach to a page: its QR code, its printable leaflets."""

    qr: "QrCode | None" = None
    downloads: tuple[Download, ...] = ()


def resolve_languages(sources: list[SourcePage], languages: tuple[Language, ...]) -> list[PageInLanguage]:
    by_lang_key = {(p.lang, p.key): p for p in sources}
    resolved = []
    for language in languages:
        for original in (p for p in sources if p.lang == DEFAULT_LANGUAGE):
            own = by_lang_key.get((language.code, original.key))
            status = own.status if own else ("source" if language.is_default else "fallback")
            outdated = own is not None and own.translation is not None and state_of(original, own) == "outdated"
            resolved.append(PageInLanguage(language, original, own or original, status, outdated))
    return resolved


def compose_pages(resolved: list[PageInLanguage], renderers: Mapping[str, Renderer],
                  extras: Mapping[tuple[str, PageKey], PageExtras], quick_ask_box: bool = False) -> list[SitePage]:
    """`quick_ask_box`: the home page and every audience page get the "Hỏi nhanh" box (when there is a bank)."""
    return [_compose(item, renderers[item.language.code], extras.get((item.language.code, item.key), PageExtras()), quick_ask_box)
            for item in resolved]


def _compose(item: PageInLanguage, renderer: Renderer, extras: PageExtras, quick_ask_box: bool) -> SitePage:
    source, original, language, status = item.source, item.original, item.language, item.status
    url = page_url(source.key, language.url_prefix)
    rendered = renderer.body(source.body, Place(source.path, source.body_line), source.key)
    if source.key.is_overview:
        rendered = next_step_first(rendered, source)
    figure_keys = [f.key for f in rendered.figures] + (list(calculator.FIGURES.values()) if source.kind == "calculator" else [])
    valid_until = renderer.policy.valid_until(figure_keys, renderer.as_of)
    parts = [_heading(source.title)] + [_notice(language, kind, url, original) for kind in _notice_kinds(item)]
    if status == "fallback":
        # The text is Vietnamese inside a Bahnar or Jrai page: say so for screen readers.
        parts.append(Markup('<div lang="{}">\n{}\n</div>').format(original.lang, rendered.html))
    else:
        parts.append(rendered.html)
    if rendered.marked:
        parts.append(Markup('<p class="outreach-legend">{}</p>').format(language.t("figures.legend")))
    figures = rendered.figures
    if source.kind == "calculator":
        parts.append(_calculator(language, renderer, valid_until))
        # The page lists every figure the calculator uses, with its mark and basis, not only those its text names.
        known = {f.key for f in figures}
        figures += tuple(f for f in renderer.figure_uses(calculator.FIGURES.values()) if f.key not in known)
    if quick_ask_box and (original.key.audience or original.key.is_home):
        parts.append(quick_ask.box(language, url, original.key.audience, _template))
    if extras.downloads:
        parts.append(_template("downloads.html", heading=language.t("leaflet.download"),
                               items=[{"label": d.label, "href": relative_url(url, d.file)} for d in extras.downloads]))
    if extras.qr is not None:
        parts.append(_qr_block(extras.qr, url, source.title, language))
    if figures:
        parts.append(_template("figures.html", heading=language.t("figures.heading"),
                               unverified=language.t("figures.unverified"), items=figures,
                               valid_until=language.t("figures.valid_until", date=format_day(valid_until)) if valid_until else ""))
    return SitePage(
        lang=language, key=original.key, url=url, title=source.title, kind=source.kind, order=original.order,
        description=source.description, status=status, outdated=item.outdated, source=source,
        html=Markup("\n\n").join(parts), toc=rendered.toc, figures=rendered.figures, infographics=rendered.infographics,
        valid_until=valid_until,
    )


def next_step_first(rendered: Rendered, source: SourcePage) -> Rendered:
    """An audience's overview as a start page (GOV.UK): who it is for (the introduction), then what
    to do and where to go (the part marked `<!-- leaflet: action -->` or `flyer: action`), then
    the rest. On a phone the next step is then on the first two screens, not four screens down;
    paper keeps its own layout (the marks, not this order, place it)."""
    heading = next((match.group(1) for part in marked_parts(source, ProblemLog(source.path.parent)) if part.role == "action"
                    for match in [_H2.search(part.text)] if match), None)
    step = next((entry for entry in rendered.toc if entry[0] == 2 and heading and entry[2] == heading.strip()), None)
    if step is None:
        return rendered
    html = str(rendered.html)
    start = html.find(f'<h2 id="{step[1]}"')
    end = html.find("<h2", start + 1)
    end = len(html) if end < 0 else end
    intro_end = min(i for i in (html.find("<h2"), html.find('<figure class="outreach-infographic'), start) if i >= 0)
    if start < 0 or intro_end == start:
        return rendered
    section = Markup('<section class="outreach-next-step" aria-labelledby="{}">\n{}</section>\n').format(step[1], Markup(html[start:end]))
    moved = Markup(html[:intro_end]) + section + Markup(html[intro_end:start] + html[end:])
    toc = (step,) + tuple(entry for entry in rendered.toc if entry is not step)
    return dataclasses.replace(rendered, html=moved, toc=toc)


_H2 = re.compile(r"^##[ \t]+(.+?)[ \t#]*$", re.M)


def infographic_pages(pages: list[SitePage], site: SiteConfig) -> list[SitePage]:
    """One page per audience and language collecting its infographics, with image downloads.

    A page exists in every language where the Vietnamese one does; a translated
    page without infographics lends the Vietnamese ones, and the page says so.
    """
    collected = []
    by_lang_key = {(p.lang.code, p.key): p for p in pages}
    for language in dict.fromkeys(p.lang for p in pages):
        for audience in site.audience_slugs:
            originals = sorted((p for p in pages if p.lang.is_default and p.audience == audience and p.infographics),
                               key=lambda p: (not p.key.is_overview, p.order, p.key.name))
            overview = by_lang_key.get((language.code, PageKey.overview(audience)))
            if not originals or overview is None:
                continue
            key = PageKey(audience, INFOGRAPHIC_PAGE)
            url = page_url(key, language.url_prefix)
            sources, shown_from = [], []
            for original in originals:
                own = by_lang_key[(language.code, original.key)]
                sources.append((own.status, own.infographics) if own.infographics else ("fallback", original.infographics))
                shown_from.append(own if own.infographics else original)
            status = weakest_status(status for status, _ in sources)
            # Under "this page has no Bahnar version yet" the heading is the Vietnamese one, not an unreviewed draft title.
            audience_title = by_lang_key[(originals[0].lang.code, PageKey.overview(audience))].title if status == "fallback" else overview.title
            title = language.t("infographic.title", audience=audience_title)
            parts = [_heading(title)] + ([_notice(language, status, url, overview.source, key)] if status in ("fallback", "draft") else [])
            parts.append(Markup("<p>{}</p>").format(language.t("infographic.intro")))
            for _, blocks in sources:
                for block in blocks:
                    downloads = [(language.t(f"infographic.{size}"), relative_url(url, file))
                                 for size, file in infographics.image_files(block).items()]
                    parts.append(infographics.to_html(block, language.t("figures.legend"), downloads))
            collected.append(dataclasses.replace(
                overview, key=key, url=url, title=title, kind="infographic", order=8, description="",
                status=status, outdated=False, html=Markup("\n\n").join(parts), toc=(), figures=(), infographics=(),
                # Its figures are those of the pages it shows infographics of.
                valid_until=min((p.valid_until for p in shown_from if p.valid_until), default=None),
            ))
    return collected


def draft_mark(language: Language, release: bool, status: str) -> str:
    """The words across a printed sheet or a card: every one of a draft build, and in a release the
    unreviewed translations a communicator allowed to print."""
    if not release:
        return language.t("print.draft_mark")
    return language.t("print.draft_translation_mark") if status == "draft" else ""


def weakest_status(statuses) -> str:
    """The least finished state among the pages something (a generated page, a leaflet) draws on."""
    ranking = ("fallback", "draft", "reviewed", "source")
    return min(statuses, key=ranking.index)


def _heading(title: str) -> Markup:
    return Markup('<h1 id="{}">{}</h1>').format(heading_slug(title, "-"), title)


def _calculator(language: Language, renderer: Renderer, valid_until: dt.date | None) -> Markup:
    prefix = "calculator."
    strings = {key[len(prefix):]: value for key, value in language.strings.items() if key.startswith(prefix)}
    strings["legend"] = language.t("figures.legend")
    max_months = renderer.policy.figures["voluntary.support.max_months"]
    # What the refusal says when a stored copy is used after the figures' last day (see calculator.html).
    data = {**calculator.calculator_data(renderer.policy), "valid_until": format_day(valid_until) if valid_until else "",
            "hotline": renderer.site.hotline}
    return _template("calculator.html", t=language.t, groups=calculator.GROUPS, periods=calculator.PERIODS,
                     data=data, strings=strings,
                     max_months=marked(format_figure(max_months, renderer.as_of, language.strings, "now"),
                                       max_months.shown_on(renderer.as_of).verified))


def _qr_block(qr: "QrCode", url: str, title: str, language: Language) -> Markup:
    return _template(
        "qr.html",
        code=qr.code,
        png=relative_url(url, qr.png),
        svg=relative_url(url, qr.svg),
        alt=language.t("qr.alt", title=title),
        heading=language.t("qr.heading"),
        short_label=language.t("qr.short"),
        short_href=relative_url(url, qr.short_path),
        short_url=qr.printed_url,
        download=language.t("qr.download"),
    )


def _notice_kinds(item: PageInLanguage) -> list[str]:
    kinds = [item.status] if item.status in ("fallback", "draft") else []
    return kinds + (["outdated"] if item.outdated else [])


def _notice(language: Language, kind: str, url: str, original: SourcePage, key: PageKey | None = None) -> Markup:
    text = language.t(f"notice.{kind}", language=language.name_vi)
    link = None
    if kind != "fallback":
        # The draft notice links to its Vietnamese twin.
        link = {"href": relative_url(url, page_url(key or original.key)), "hreflang": "vi", "text": language.t("notice.draft.compare")}
    return _template("notice.html", kind=kind, text=text, link=link)


def _template(name: str, **context) -> Markup:
    """One of the generator's own HTML blocks: autoescaped, so it may join the sanitized body as it is."""
    return Markup(TEMPLATES.get_template(name).render(**context))
