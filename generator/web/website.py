"""What the website holds, as plain data: each language's navigation and settings, each page's
metadata, the shards, the search indexes per language.

Nothing here imports MkDocs: the publisher hands this data to MkDocs and its plugin
(`mkdocs_plugin.py`, a thin layer over `language_of` and `shard_share` below), and a publisher
built on another renderer would reuse all of it. Names Material reads come from `material.py`.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

from . import material, webapp
from ..sources.content import SiteConfig
from ..paper.images import SHARE_SIZE, share_file
from ..sources.languages import Language
from ..sources.policy import format_day
from ..compose.pages import SitePage
from ..textfold import fold

STYLESHEET = "assets/outreach.css"
PRINT_STYLESHEET = "assets/outreach-print.css"  # linked with media="print": never delays a page on screen


# Each shard is a whole MkDocs build but for the pages: about 0.25 CPU-seconds
# before its first page (MkDocs lists Material's 14,500 theme files, loads the
# config and the templates), as much as rendering some 25 pages. Below this many
# pages per shard the second core saves less time than the shard costs.
MIN_PAGES_PER_SHARD = 60


def shard_count(pages: int) -> int:
    return max(1, min(os.cpu_count() or 1, pages // MIN_PAGES_PER_SHARD))


def site_base(site_url: str) -> str:
    return site_url.rstrip("/") + "/"


def front_matter(pages: list[SitePage]) -> dict[str, dict]:
    """Per page URL, what its templates read from `page.meta`: title, the description
    search engines and link previews show, and the image a Zalo or Facebook preview shows.

    Titles and descriptions are plain text the theme prints as it is: see theme_text.
    """
    vietnamese = {page.key: page for page in pages if page.lang.is_default}
    metas = {}
    for page in pages:
        # A draft's description is often a note for its reviewer ("awaiting
        # review"): previews and search results show the Vietnamese one.
        described = vietnamese.get(page.key, page) if page.status == "draft" else page
        # A page of an audience has its own share image (title in its language, icon, hotline: paper/images.py).
        meta = {"title": theme_text(page.title), "share_image": share_file(page) if page.audience else webapp.SHARE_ICON}
        if page.audience:
            meta["share_image_size"] = list(SHARE_SIZE)
        if page.valid_until:
            meta["valid_until"] = page.valid_until.isoformat()
            meta["valid_until_text"] = format_day(page.valid_until)
        if described.description:
            meta["description"] = theme_text(described.description)
            meta["description_lang"] = described.lang.html_lang
        metas[page.url] = meta
    return metas


def theme_text(text: str) -> str:
    """Plain text as Material's templates need it: they print titles and descriptions without escaping.

    `<` and `>` never reach here (content refuses them); `&` and `"` become entities so a
    title stays text in the navigation and a description stays inside its `content="..."`.
    The apostrophe stays as typed: Bahnar writes 'Bok.
    """
    return text.replace("&", "&amp;").replace('"', "&quot;")


def toc_tokens(toc: tuple) -> list[dict]:
    return [{"level": level, "id": anchor, "name": name, "children": toc_tokens(children)}
            for level, anchor, name, children in toc]


def navigation(pages: list[SitePage], prefix: str) -> list:
    home = [p for p in pages if p.key.is_home]
    loose = sorted((p for p in pages if p.audience is None and not p.key.is_home), key=lambda p: (p.order, p.rel))
    nav = [{theme_text(p.title): prefix + p.rel} for p in home]
    for audience in dict.fromkeys(p.audience for p in pages if p.audience):
        members = [p for p in pages if p.audience == audience]
        # The overview (index.md) opens the section: Material's navigation.indexes.
        members.sort(key=lambda p: (not p.key.is_overview, p.order, p.rel))
        # Every entry has its title: a shard names pages it does not render.
        nav.append({theme_text(members[0].title): [{theme_text(p.title): prefix + p.rel} for p in members]})
    nav += [{theme_text(p.title): prefix + p.rel} for p in loose]
    return nav


def language_layer(languages: tuple[Language, ...], site: SiteConfig, pages: list[SitePage],
                    front_matter: dict[str, dict], site_url: str) -> list[dict]:
    """The language plugin's settings: each language's names, prefix and page variables."""
    listed = [{"code": l.code, "name": l.name, "html_lang": l.html_lang, "prefix": l.url_prefix} for l in languages]
    hotline = site.hotline
    return [
        {
            "code": language.code,
            "prefix": language.url_prefix,
            "site_name": language.t("site.name"),
            "site_description": language.t("site.description"),
            "outreach": {
                "lang": language.code,
                "prefix": language.url_prefix,
                "locale": f"{language.html_lang}_VN",  # Open Graph's language_TERRITORY
                "ui": {**language.strings, "language": language.html_lang},
                "languages": listed,
                "hotline": hotline,
                "hotline_tel": "".join(c for c in hotline if c.isdigit() or c == "+"),
                "site_root": urlsplit(site_base(site_url)).path,  # the 404 pages link from any depth
                "audiences": audience_buttons(language, pages, site, front_matter),
                "web": {"manifest": language.url_prefix + webapp.WEB_MANIFEST, "service_worker": webapp.SERVICE_WORKER,
                        "apple_touch_icon": webapp.APPLE_TOUCH_ICON, "theme_color": webapp.THEME_COLOR,
                        "print_stylesheet": PRINT_STYLESHEET},
            },
        }
        for language in languages
    ]


def audience_buttons(language: Language, pages: list[SitePage], site: SiteConfig, front_matter: dict[str, dict]) -> list[dict]:
    """The home page's choices: each audience of site.yml, named by its overview page in this language."""
    overviews = {p.audience: p for p in pages if p.lang == language and p.key.is_overview}
    buttons = []
    for slug in site.audience_slugs:
        if slug in overviews:
            meta = front_matter[overviews[slug].url]
            buttons.append({"url": overviews[slug].url, "title": meta["title"],
                            "description": meta.get("description", ""), "description_lang": meta.get("description_lang")})
    return buttons


_TAGS = re.compile(r"<[^>]+>")


def write_search_indexes(shard_indexes: list[dict], site_dir: Path, pages: list[SitePage]) -> None:
    """One index per language, at its root: a reader searches their own language.

    Shards render pages in turn; each index lists them in the site's order, whatever the shard count.
    """
    order = {page.url: n for n, page in enumerate(pages)}
    language_of = {page.url: page.lang for page in pages}
    languages = {page.lang.code: page.lang for page in pages}
    docs_by_language: dict[str, list[dict]] = {code: [] for code in languages}
    for doc in sorted((doc for index in shard_indexes for doc in index["docs"]), key=lambda d: order[page_of_search_entry(d)]):
        language = language_of[page_of_search_entry(doc)]
        docs_by_language[language.code].append({**doc, "location": doc["location"][len(language.url_prefix):]})
    for code, language in languages.items():
        target = site_dir / language.url_prefix / material.SEARCH_INDEX
        target.parent.mkdir(parents=True, exist_ok=True)
        data = {**shard_indexes[0], "docs": docs_by_language[code]}
        target.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def page_of_search_entry(doc: dict) -> str:
    return doc["location"].split("#")[0]


def add_folded_fields(doc: dict) -> None:
    for field, (folded_field, _) in material.FOLDED_FIELDS.items():
        plain = _TAGS.sub(" ", doc.get(field, ""))
        folded = fold(plain)
        if folded != plain.lower():
            doc[folded_field] = folded


def shard_share(items: list, shard: int, shards: int) -> list:
    """The items shard `shard` of `shards` renders: every shards-th, so each gets a mix of sizes."""
    return items[shard::shards]


def language_of(url: str, languages: list[dict]) -> dict:
    """The language (of the language layer's settings) whose folder holds `url`: the longest prefix that fits."""
    return max((l for l in languages if url.startswith(l["prefix"])), key=lambda l: len(l["prefix"]))


def chained(pages: list) -> list[tuple]:
    """Each page with the one before and after it: a reader's previous/next stays in their language."""
    return list(zip([None, *pages[:-1]], pages, [*pages[1:], None]))
