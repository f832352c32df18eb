"""Composing the pages of each language: translation or fallback, figures, notices.

For every Vietnamese page, each language gets either its own translation or a
fallback built from the Vietnamese source, so every URL exists in every
language and the language switcher always lands on the same page. The reader
is told, in their interface language, when a page is a draft translation or
Vietnamese text. Policy figures are substituted here, with the build date
deciding which value is in force; infographic blocks become HTML; and what
later stages attach to a page (its QR code, its leaflets, the calculator) is
placed on it. Each audience also gets a page collecting its infographics.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Mapping

import jinja2
from markupsafe import escape

from . import calculator, infographics
from .content import SiteConfig, SourcePage
from .infographics import Infographic, Resolver
from .languages import DEFAULT_LANGUAGE, Language
from .policy import VIEWS, PolicyData, format_day, format_figure, format_value
from .problems import ProblemLog
from .translations import state_of
from .urls import page_url, relative_url

if TYPE_CHECKING:
    from .qr import QrCode

TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates" / "page"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
)

# `{{ policy.voluntary.rate }}`, `{{ policy.voluntary.rate | now }}`, `{{ site.hotline }}`
PLACEHOLDER = re.compile(r"\{\{(.*?)\}\}")
REFERENCE = re.compile(r"^\s*(policy|site)\.([a-z0-9_.]+?)\s*(?:\|\s*([a-z]+)\s*)?$")


@dataclass(frozen=True)
class FigureUse:
    key: str
    label: str
    value: str
    since: str
    basis: str
    verified: bool


@dataclass(frozen=True)
class SitePage:
    lang: Language
    rel: str  # "tu-nguyen/index.md", the same in every language
    url: str  # relative to the site root: "bahnar/tu-nguyen/"
    title: str
    audience: str | None
    kind: str
    order: int
    description: str
    status: str  # source | draft | reviewed | fallback
    outdated: bool  # a translation of an older Vietnamese text
    source: SourcePage  # the file the text comes from
    markdown: str  # final Markdown for the publisher
    figures: tuple[FigureUse, ...]
    infographics: tuple[Infographic, ...] = ()


@dataclass(frozen=True)
class PageInLanguage:
    """Which text a language shows for one Vietnamese page."""

    language: Language
    original: SourcePage  # the Vietnamese page
    source: SourcePage  # the translation, or the original when there is none
    status: str  # source | draft | reviewed | fallback
    outdated: bool = False  # the Vietnamese page changed after it was translated


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
    by_lang_rel = {(p.lang, p.rel): p for p in sources}
    resolved = []
    for language in languages:
        for original in (p for p in sources if p.lang == DEFAULT_LANGUAGE):
            own = by_lang_rel.get((language.code, original.rel))
            status = own.status if own else ("source" if language.is_default else "fallback")
            outdated = own is not None and own.translation is not None and state_of(original, own) == "outdated"
            resolved.append(PageInLanguage(language, original, own or original, status, outdated))
    return resolved


def compose_pages(
    resolved: list[PageInLanguage],
    policy: PolicyData,
    site: SiteConfig,
    as_of: dt.date,
    extras: Mapping[tuple[str, str], PageExtras],
    log: ProblemLog,
) -> list[SitePage]:
    return [
        _compose(item, policy, site, as_of, extras.get((item.language.code, item.original.rel), PageExtras()), log)
        for item in resolved
    ]


def render_body(source: SourcePage, language: Language, policy: PolicyData, site: SiteConfig, as_of: dt.date, log: ProblemLog,
                default_view: str = ""):
    """Markdown with figures substituted and infographic blocks as HTML; the figures and blocks used.

    `default_view` applies to `{{ policy.key }}` written without one: paper asks for "now".
    """
    resolver = Resolver(source, language, policy, site, as_of, log, functools.partial(substitute, default_view=default_view))
    body, blocks = infographics.extract(source, language.code, resolver, log)
    body, figures = substitute(dataclasses.replace(source, body=body), language, policy, site, as_of, log, default_view)
    figures = list({f.key: f for f in figures + resolver.figures}.values())
    return infographics.insert_html(body, blocks), figures, blocks


def _compose(item: PageInLanguage, policy, site, as_of, extras: PageExtras, log) -> SitePage:
    source, original, language, status = item.source, item.original, item.language, item.status
    url = page_url(source.rel, language.url_prefix)
    body, figures, blocks = render_body(source, language, policy, site, as_of, log)
    parts = [_notice(language, kind, url, original) for kind in _notice_kinds(item)]
    if status == "fallback":
        # The text is Vietnamese inside a Bahnar or Jrai page: say so for screen readers.
        parts.append(f'<div lang="{original.lang}" markdown="1">\n\n{body.strip()}\n\n</div>')
    else:
        parts.append(body.strip())
    if source.kind == "calculator":
        parts.append(_calculator(language, policy))
    if extras.downloads:
        parts.append(TEMPLATES.get_template("downloads.html").render(
            heading=language.t("leaflet.download"),
            items=[{"label": d.label, "href": relative_url(url, d.file)} for d in extras.downloads],
        ))
    if extras.qr is not None:
        parts.append(_qr_block(extras.qr, url, source.title, language))
    if figures:
        parts.append(
            TEMPLATES.get_template("figures.html").render(
                heading=language.t("figures.heading"),
                unverified=language.t("figures.unverified"),
                items=figures,
            )
        )
    markdown = f"# {source.title}\n\n" + "\n\n".join(parts) + "\n"
    return SitePage(
        lang=language,
        rel=source.rel,
        url=url,
        title=source.title,
        audience=source.audience,
        kind=source.kind,
        order=original.order,
        description=source.description,
        status=status,
        outdated=item.outdated,
        source=source,
        markdown=markdown,
        figures=tuple(figures),
        infographics=tuple(blocks),
    )


def infographic_pages(pages: list[SitePage], site: SiteConfig) -> list[SitePage]:
    """One page per audience and language collecting its infographics, with image downloads.

    A page exists in every language where the Vietnamese one does; a translated
    page without infographics lends the Vietnamese ones, and the page says so.
    """
    collected = []
    by_lang_rel = {(p.lang.code, p.rel): p for p in pages}
    for language in dict.fromkeys(p.lang for p in pages):
        for audience in site.audience_slugs:
            originals = sorted((p for p in pages if p.lang.is_default and p.audience == audience and p.infographics),
                               key=lambda p: (not p.rel.endswith("/index.md"), p.order, p.rel))
            overview = by_lang_rel.get((language.code, f"{audience}/index.md"))
            if not originals or overview is None:
                continue
            rel = f"{audience}/infographic.md"
            url = page_url(rel, language.url_prefix)
            sources = []
            for original in originals:
                own = by_lang_rel[(language.code, original.rel)]
                sources.append((own.status, own.infographics) if own.infographics else ("fallback", original.infographics))
            status = _weakest_status(status for status, _ in sources)
            vietnamese = dataclasses.replace(overview.source, rel=rel)  # the draft notice links to its Vietnamese twin
            parts = [_notice(language, status, url, vietnamese)] if status in ("fallback", "draft") else []
            parts.append(f"<p>{escape(language.t('infographic.intro'))}</p>")
            for _, blocks in sources:
                for block in blocks:
                    downloads = [(language.t(f"infographic.{size}"), relative_url(url, file))
                                 for size, file in infographics.image_files(block).items()]
                    parts.append(infographics.to_html(block, downloads))
            title = language.t("infographic.title", audience=overview.title)
            collected.append(dataclasses.replace(
                overview, rel=rel, url=url, title=title, kind="infographic", order=8, description="",
                status=status, outdated=False, markdown=f"# {title}\n\n" + "\n\n".join(parts) + "\n",
                figures=(), infographics=(),
            ))
    return collected


def _weakest_status(statuses) -> str:
    """The least finished state among the pages a generated page draws on."""
    ranking = ("fallback", "draft", "reviewed", "source")
    return min(statuses, key=ranking.index)


def _calculator(language: Language, policy: PolicyData) -> str:
    prefix = "calculator."
    strings = {key[len(prefix):]: value for key, value in language.strings.items() if key.startswith(prefix)}

    def embed(data) -> str:
        # Inside <script>, "</" would end the element early.
        return json.dumps(data, ensure_ascii=False).replace("</", "<\\/")

    return TEMPLATES.get_template("calculator.html").render(
        t=language.t, groups=calculator.GROUPS, periods=calculator.PERIODS,
        data_json=embed(calculator.calculator_data(policy)), strings_json=embed(strings),
    )


def _qr_block(qr, url: str, title: str, language: Language) -> str:
    return TEMPLATES.get_template("qr.html").render(
        code=qr.code,
        png=relative_url(url, qr.png),
        svg=relative_url(url, qr.svg),
        alt=language.t("qr.alt", title=title),
        heading=language.t("qr.heading"),
        short_label=language.t("qr.short"),
        short_href=relative_url(url, qr.short_path),
        short_url=qr.short_url.split("://", 1)[-1],
        download=language.t("qr.download"),
    )


def _notice_kinds(item: PageInLanguage) -> list[str]:
    kinds = [item.status] if item.status in ("fallback", "draft") else []
    return kinds + (["outdated"] if item.outdated else [])


def _notice(language: Language, kind: str, url: str, original: SourcePage) -> str:
    text = language.t(f"notice.{kind}", language=language.name_vi)
    link = None
    if kind != "fallback":
        link = {"href": relative_url(url, page_url(original.rel)), "hreflang": "vi", "text": language.t("notice.draft.compare")}
    return TEMPLATES.get_template("notice.html").render(kind=kind, text=text, link=link)


def substitute(source: SourcePage, language: Language, policy: PolicyData, site: SiteConfig, as_of: dt.date, log: ProblemLog,
               default_view: str = ""):
    """Replace `{{ ... }}` placeholders; report each bad one at its line."""
    figures: dict[str, FigureUse] = {}
    lines = source.body.split("\n")
    for index, line in enumerate(lines):
        if "{{" not in line:
            continue
        line_number = source.body_line + index
        lines[index] = PLACEHOLDER.sub(
            lambda match, number=line_number: _resolve(match.group(1), source, number, language, policy, site, as_of, figures, log,
                                                       default_view),
            line,
        )
    return "\n".join(lines), list(figures.values())


def _resolve(expression, source, line, language, policy, site, as_of, figures, log, default_view) -> str:
    reference = REFERENCE.match(expression)
    if not reference:
        log.error(source.path, line, f"Không hiểu `{{{{{expression}}}}}`. Viết số liệu dạng `{{{{ policy.voluntary.rate }}}}` hoặc thông tin liên hệ dạng `{{{{ site.hotline }}}}`.")
        return ""
    namespace, key, view = reference.group(1), reference.group(2), reference.group(3) or default_view
    if namespace == "site":
        if key not in site.contacts:
            known = ", ".join(f"site.{k}" for k in site.contacts)
            log.error(source.path, line, f"Không có thông tin `site.{key}` trong content/site.yml. Dùng một trong: {known}.")
            return ""
        return site.contacts[key]
    figure = policy.figures.get(key)
    if figure is None:
        suggestions = policy.suggest(key)
        hint = f" Có phải: {', '.join('policy.' + s for s in suggestions)}?" if suggestions else " Xem các khoá trong content/policy.yml."
        log.error(source.path, line, f"Không có số liệu `policy.{key}` trong content/policy.yml.{hint}")
        return ""
    if view not in VIEWS:
        log.error(source.path, line, f"Cách hiển thị `| {view}` không có. Dùng: {', '.join(v for v in VIEWS if v)} hoặc bỏ trống.")
        return ""
    shown = figure.shown_on(as_of)
    figures.setdefault(
        key,
        FigureUse(
            key=key,
            label=figure.label,
            value=format_value(figure, shown, language.strings),
            since=language.t("figures.since", date=format_day(shown.start)),
            basis=shown.basis,
            verified=shown.verified,
        ),
    )
    text = format_figure(figure, as_of, language.strings, view)
    if view in ("label", "basis"):
        return str(escape(text))
    return TEMPLATES.get_template("figure.html").render(key=key, text=text, verified=shown.verified)
