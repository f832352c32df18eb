"""Publishing the composed pages as a website with MkDocs and Material.

With its plugin (`mkdocs_plugin.py`, the language layer and shards), this is
all that knows MkDocs. Material announces end of life in 2027 and MkDocs 2 is
coming, so everything before this stage (content, figures, languages,
fallbacks) is plain data, and swapping the publisher means rewriting these
two files and the theme overrides they point at.

One site holds every language: Vietnamese at the root, the others under their
prefix (`/bahnar/`, `/jrai/`). It is rendered by one MkDocs build per core,
each rendering a share of the pages, and assembled here; each language gets
its own search index, split from Material's.
"""

from __future__ import annotations

import contextlib
import copy
import json
import logging
import os
import re
import shutil
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit

import rcssmin
import tinycss2
import yaml
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.utils import yaml_load

from . import webapp
from .cache import digest, machine_cache, worker_pool
from .content import SiteConfig
from .images import audience_cards
from .languages import DEFAULT_LANGUAGE, Language, default_language
from .pages import SitePage
from .textfold import fold

OVERRIDES_DIR = Path(__file__).parent / "templates" / "mkdocs"
STYLES_DIR = Path(__file__).parent / "styles"
STYLESHEET = "assets/outreach.css"
PRINT_STYLESHEET = "assets/outreach-print.css"  # linked with media="print": never delays a page on screen
LANGUAGE_PLUGIN = "outreach-languages"  # entry point of mkdocs_plugin.LanguageLayer

# Material's search also indexes these fields: title and text with diacritics
# removed, since most people type "bao hiem tu nguyen" on a phone. Boosts
# match Material's own for title and text.
FOLDED_FIELDS = {"title": ("folded_title", 1e3), "text": ("folded_text", 1)}
SEARCH_INDEX = "search/search_index.json"

# A shard costs a process and a template compile (about 0.2 s): worth it from
# about this many pages on.
MIN_PAGES_PER_SHARD = 20


@contextlib.contextmanager
def publishing(
    pages: list[SitePage],
    assets: dict[str, dict[str, Path]],
    languages: tuple[Language, ...],
    site: SiteConfig,
    site_url: str,
    config_file: Path,
    site_dir: Path,
    work_dir: Path,
) -> Iterator[None]:
    """Render the website into `site_dir` on every core while the `with` block writes other files there.

    The website is in place when the block ends; if the block raises, the
    rendering is abandoned.
    """
    docs_dir, rendered_dir = work_dir / "docs", work_dir / "rendered"
    front_matter = _front_matter(pages)
    for language in languages:
        _stage_docs([p for p in pages if p.lang == language], front_matter, assets[language.code],
                    docs_dir / language.url_prefix, rendered_dir / language.url_prefix)
    for stylesheet, source in ((STYLESHEET, "outreach.css"), (PRINT_STYLESHEET, "print.css")):
        (docs_dir / stylesheet).parent.mkdir(parents=True, exist_ok=True)
        # Comments explain the rules to developers; phones on a slow network get none of them.
        (docs_dir / stylesheet).write_text(rcssmin.cssmin((STYLES_DIR / source).read_text(encoding="utf-8")), encoding="utf-8")
    layer = _language_layer(languages, site, pages, front_matter, site_url)
    overrides = _config_overrides(_read_base_config(config_file), languages, layer, pages, docs_dir, site_url)
    shards = shard_count(len(pages))
    # Shards write beside the site (one file system, so assembling it is renaming).
    shard_dirs = [site_dir.with_name(f"{site_dir.name}-shard-{shard}") for shard in range(shards)]
    site_dir.mkdir(parents=True, exist_ok=True)
    with worker_pool(shards) as pool:
        futures = [
            pool.submit(_build_shard, str(config_file), overrides, layer, str(rendered_dir), shard, shards, str(shard_dir))
            for shard, shard_dir in enumerate(shard_dirs)
        ]
        try:
            yield
        except BaseException:
            for future in futures:
                future.cancel()
            raise
        indexes = [future.result() for future in futures]
    _assemble(shard_dirs, indexes, site_dir, pages, languages, site_url)


def shard_count(pages: int) -> int:
    return max(1, min(os.cpu_count() or 1, pages // MIN_PAGES_PER_SHARD))


def _build_shard(config_file: str, overrides: dict, layer: list[dict], rendered_dir: str, shard: int, shards: int,
                 shard_dir: str) -> dict:
    """Render one shard of the website; returns its search index (the publisher writes one per language)."""
    overrides = copy.deepcopy(overrides)  # MkDocs consumes parts of the config it validates
    overrides["site_dir"] = shard_dir
    overrides["plugins"].append({LANGUAGE_PLUGIN: {"languages": layer, "rendered": rendered_dir, "shard": shard, "shards": shards}})
    _run_mkdocs(Path(config_file), overrides)
    # Finishing touches run here, on the shard's core, rather than after every shard is done.
    shard_dir = Path(shard_dir)
    index_file = shard_dir / SEARCH_INDEX
    index = json.loads(index_file.read_text(encoding="utf-8"))
    index_file.unlink()
    for doc in index["docs"]:
        _add_folded_fields(doc)
    for bundle in (shard_dir / "assets" / "javascripts").glob("bundle.*.min.js"):
        defer_search_index(bundle)
        skip_alternate_sitemaps(bundle)
    return index


def _assemble(shard_dirs: list[Path], indexes: list[dict], site_dir: Path, pages: list[SitePage],
              languages: tuple[Language, ...], site_url: str) -> None:
    for shard_dir in shard_dirs:
        _move_tree(shard_dir, site_dir)
    _write_search_indexes(indexes, site_dir, pages)
    for stylesheet in (site_dir / "assets" / "stylesheets").glob("main.*.min.css"):
        purge_stylesheet(stylesheet)
    calculators: dict[str, list[str]] = {}
    for page in pages:
        if page.kind == "calculator":
            calculators.setdefault(page.lang.url_prefix, []).append(page.url)
    files = webapp.site_files(_theme_shell(site_dir), calculators, languages)
    files["robots.txt"] = f"User-agent: *\nAllow: /\nSitemap: {_site_base(site_url)}sitemap.xml\n".encode("utf-8")
    for path, data in files.items():
        (site_dir / path).parent.mkdir(parents=True, exist_ok=True)
        (site_dir / path).write_bytes(data)


def _theme_shell(site_dir: Path) -> dict[str, bytes]:
    """The stylesheets every page loads (site path -> content): what the service worker keeps at once.

    Material's scripts wait for the reader's first gesture (templates/mkdocs/main.html):
    the service worker stores them when a page fetches them, never as a download of its own.
    """
    patterns = ("assets/stylesheets/main.*.min.css", STYLESHEET, PRINT_STYLESHEET)
    files = [path for pattern in patterns for path in site_dir.glob(pattern)]
    return {path.relative_to(site_dir).as_posix(): path.read_bytes() for path in files}


def _site_base(site_url: str) -> str:
    return site_url.rstrip("/") + "/"


def _move_tree(source: Path, target: Path) -> None:
    """Move everything in `source` into `target`, merging folders both have."""
    target.mkdir(parents=True, exist_ok=True)
    for entry in source.iterdir():
        destination = target / entry.name
        if entry.is_dir() and destination.is_dir():
            _move_tree(entry, destination)
        else:
            entry.replace(destination)
    source.rmdir()


def _read_base_config(config_file: Path) -> dict:
    with config_file.open(encoding="utf-8") as handle:
        return yaml_load(handle) or {}


def _front_matter(pages: list[SitePage]) -> dict[str, dict]:
    """Per page URL, what its templates read from `page.meta`: title, the description
    search engines and link previews show, and the image a Zalo or Facebook preview shows.

    Titles and descriptions are plain text the theme prints as it is: see theme_text.
    """
    vietnamese = {page.key: page for page in pages if page.lang.is_default}
    cards = audience_cards(pages)
    front_matter = {}
    for page in pages:
        # A draft's description is often a note for its reviewer ("awaiting
        # review"): previews and search results show the Vietnamese one.
        described = vietnamese.get(page.key, page) if page.status == "draft" else page
        # A translation without infographics of its own lends the Vietnamese card, as its infographic page does.
        card = cards.get((page.lang.code, page.audience)) or cards.get((DEFAULT_LANGUAGE, page.audience))
        meta = {"title": theme_text(page.title), "share_image": card or webapp.SHARE_ICON}
        if described.description:
            meta["description"] = theme_text(described.description)
            meta["description_lang"] = described.lang.html_lang
        front_matter[page.url] = meta
    return front_matter


def _stage_docs(pages: list[SitePage], front_matter: dict[str, dict], assets: dict[str, Path], docs_dir: Path,
                rendered_dir: Path) -> None:
    """A stub Markdown file per page (MkDocs needs one to make a page: its front matter is what the
    templates read) and the page's finished HTML beside it."""
    for page in pages:
        target = docs_dir / page.rel
        target.parent.mkdir(parents=True, exist_ok=True)
        meta = yaml.safe_dump(front_matter[page.url], allow_unicode=True, sort_keys=False)
        target.write_text("---\n" + meta + "---\n", encoding="utf-8")
        rendered = (rendered_dir / page.rel).with_suffix(".json")
        rendered.parent.mkdir(parents=True, exist_ok=True)
        rendered.write_text(json.dumps({"html": str(page.html), "toc": _toc_tokens(page.toc)}, ensure_ascii=False), encoding="utf-8")
    for rel, source in assets.items():
        target = docs_dir / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)


def theme_text(text: str) -> str:
    """Plain text as Material's templates need it: they print titles and descriptions without escaping.

    `<` and `>` never reach here (content refuses them); `&` and `"` become entities so a
    title stays text in the navigation and a description stays inside its `content="..."`.
    The apostrophe stays as typed: Bahnar writes 'Bok.
    """
    return text.replace("&", "&amp;").replace('"', "&quot;")


def _toc_tokens(toc: tuple) -> list[dict]:
    return [{"level": level, "id": anchor, "name": name, "children": _toc_tokens(children)}
            for level, anchor, name, children in toc]


def _navigation(pages: list[SitePage], prefix: str) -> list:
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


def _language_layer(languages: tuple[Language, ...], site: SiteConfig, pages: list[SitePage],
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
                "site_root": urlsplit(_site_base(site_url)).path,  # the 404 pages link from any depth
                "audiences": _audience_buttons(language, pages, site, front_matter),
                "web": {"manifest": language.url_prefix + webapp.WEB_MANIFEST, "service_worker": webapp.SERVICE_WORKER,
                        "apple_touch_icon": webapp.APPLE_TOUCH_ICON, "theme_color": webapp.THEME_COLOR,
                        "print_stylesheet": PRINT_STYLESHEET},
            },
        }
        for language in languages
    ]


def _audience_buttons(language: Language, pages: list[SitePage], site: SiteConfig, front_matter: dict[str, dict]) -> list[dict]:
    """The home page's choices: each audience of site.yml, named by its overview page in this language."""
    overviews = {p.audience: p for p in pages if p.lang == language and p.key.is_overview}
    buttons = []
    for slug in site.audience_slugs:
        if slug in overviews:
            meta = front_matter[overviews[slug].url]
            buttons.append({"url": overviews[slug].url, "title": meta["title"],
                            "description": meta.get("description", ""), "description_lang": meta.get("description_lang")})
    return buttons


def _config_overrides(base, languages, layer, pages, docs_dir, site_url) -> dict:
    base = copy.deepcopy(base)
    theme = dict(base.get("theme") or {"name": "material"})
    theme.update(custom_dir=str(OVERRIDES_DIR), language="vi", font=False, favicon=webapp.FAVICON)
    extra = dict(base.get("extra") or {})
    # Whatever renders outside a page (Material's search settings, 404.html) speaks the default language.
    extra["outreach"] = next(l["outreach"] for l in layer if l["code"] == default_language(languages).code)
    # Material shows its language menu when `alternate` is set, and when it is a
    # list also links every page to each listed language's home. True shows the
    # menu (our partials/alternate.html opens the same page) and each page
    # names its own translations (main.html, absolute hreflang links).
    extra["alternate"] = True
    nav = []
    for language in languages:
        nav += _navigation([p for p in pages if p.lang == language], language.url_prefix)
    return {
        "docs_dir": str(docs_dir),
        "site_url": _site_base(site_url),
        "use_directory_urls": True,
        "nav": nav,
        "theme": theme,
        "extra": extra,
        "extra_css": list(base.get("extra_css") or []) + [STYLESHEET],
        "plugins": _plugins(base),
        # Pages arrive as finished HTML (render.py); MkDocs converts only the stubs.
        "markdown_extensions": [],
    }


def _plugins(base) -> list:
    plugins = []
    for entry in base.get("plugins") or ["search"]:
        name, options = (entry, {}) if isinstance(entry, str) else next(iter(entry.items()))
        if name == "search":
            folded = {name: {"boost": boost} for name, boost in FOLDED_FIELDS.values()}
            options = {**(options or {}), "fields": {**(options or {}).get("fields", {}), **folded}}
        plugins.append({name: options})
    return plugins


def _run_mkdocs(config_file: Path, overrides: dict) -> None:
    mkdocs_logger = logging.getLogger("mkdocs")
    level = mkdocs_logger.level
    mkdocs_logger.setLevel(logging.WARNING)
    try:
        config = load_config(config_file=str(config_file), **overrides)
        mkdocs_build(config)
    finally:
        mkdocs_logger.setLevel(level)


# --- weight ------------------------------------------------------------------

# Material's stylesheet is the one thing a phone must download before it can
# paint. These components never appear on these pages (no code, tabs, blog,
# tags, versions, annotations, consent, feedback...), and Material's scripts do
# not add them, so their rules are dropped: about a third of the stylesheet.
UNUSED_COMPONENTS = (
    "highlight", "highlighttable", "linenos", "tabbed", "mermaid", "md-source", "md-version", "md-tag",
    "md-post", "md-social", "md-banner", "md-annotation", "md-tooltip", "task-list", "emojione", "twemoji",
    "gemoji", "critic", "keys", "arithmatex", "md-sponsorship", "md-author", "md-profile", "md-code__",
    "md-clipboard", "md-dialog", "md-consent", "md-feedback", "md-progress", "md-tabs", "md-status",
    "md-meta", "md-draft", "footnote", "md-typeset .grid", "md-typeset .card", "abbr", "md-content__button",
    "md-preview",
    # Every language of the site is written left to right.
    "[dir=rtl]",
    # Features the site does not turn on: heading permalinks, the path above
    # a page, navigation sections and tabs, the table of contents in its own
    # column (it sits in the navigation: toc.integrate), buttons.
    "headerlink", "md-path", "md-nav--lifted", "md-header--lifted", "md-sidebar--secondary", "md-button",
)
_UNUSED = re.compile("|".join(re.escape(name) for name in UNUSED_COMPONENTS))


def purge_stylesheet(path: Path) -> None:
    css = path.read_text(encoding="utf-8")
    # Parsing Material's stylesheet takes longer than building a small site: done once per Material release.
    folder = machine_cache("stylesheets")
    cached = folder / digest(css, *UNUSED_COMPONENTS, tinycss2.__version__) if folder else None
    if cached and cached.exists():
        path.write_bytes(cached.read_bytes())
        return
    rules = tinycss2.parse_stylesheet(css, skip_whitespace=True, skip_comments=True)
    path.write_text("".join(_purge_rules(rules)), encoding="utf-8")
    if cached:
        shutil.copyfile(path, cached)


def _purge_rules(rules) -> list[str]:
    kept = []
    for rule in rules:
        if rule.type == "qualified-rule":
            selectors = [s.strip() for s in tinycss2.serialize(rule.prelude).split(",")]
            used = [s for s in selectors if not _UNUSED.search(s)]
            if used:
                kept.append(",".join(used) + "{" + tinycss2.serialize(rule.content) + "}")
        elif rule.type == "at-rule" and rule.content is not None and rule.lower_at_keyword in ("media", "supports"):
            inner = _purge_rules(tinycss2.parse_rule_list(rule.content, skip_whitespace=True, skip_comments=True))
            if inner:
                kept.append(f"@{rule.at_keyword}{tinycss2.serialize(rule.prelude)}{{{''.join(inner)}}}")
        else:
            kept.append(tinycss2.serialize([rule]))
    return kept


# --- search ------------------------------------------------------------------

# Material downloads the whole search index as soon as a page loads over http;
# only for file:// pages does it wait until the reader opens search. Readers
# on a slow network should not pay for an index they may never use, so the
# published bundle takes the file:// path everywhere. Minified names change
# between releases: the pattern matches the condition, whatever its wrapper.
_EAGER_INDEX = re.compile(r'([A-Za-z_$][\w$]*)\(location\.protocol!=="file:"\)')


def defer_search_index(bundle: Path) -> None:
    code = bundle.read_text(encoding="utf-8")
    patched, count = _EAGER_INDEX.subn(r"\1(!1)", code)
    if count != 1:
        logging.getLogger(__name__).warning(
            "%s: Material's search-index condition not found (%d matches); the index will load with the page", bundle, count)
        return
    bundle.write_text(patched, encoding="utf-8")


# Material fetches `sitemap.xml` beside every `link[rel=alternate]` of a page,
# to open the same page when a reader switches language. Our language menu
# links the same page itself, and our hreflang links name pages, not language
# roots: the fetches would only fail (a 404 and a console error per
# language). The patched selector matches no element.
_ALTERNATE_SITEMAPS = '"link[rel=alternate]"'


def skip_alternate_sitemaps(bundle: Path) -> None:
    code = bundle.read_text(encoding="utf-8")
    if code.count(_ALTERNATE_SITEMAPS) != 1:
        logging.getLogger(__name__).warning(
            "%s: Material's alternate-sitemap lookup not found; switching language may fetch missing sitemaps", bundle)
        return
    bundle.write_text(code.replace(_ALTERNATE_SITEMAPS, '"link[rel=alternate][data-md-sitemap]"'), encoding="utf-8")


_TAGS = re.compile(r"<[^>]+>")


def _write_search_indexes(shard_indexes: list[dict], site_dir: Path, pages: list[SitePage]) -> None:
    """One index per language, at its root: a reader searches their own language.

    Shards render pages in turn; each index lists them in the site's order, whatever the shard count.
    """
    order = {page.url: n for n, page in enumerate(pages)}
    language_of = {page.url: page.lang for page in pages}
    languages = {page.lang.code: page.lang for page in pages}
    docs_by_language: dict[str, list[dict]] = {code: [] for code in languages}
    for doc in sorted((doc for index in shard_indexes for doc in index["docs"]), key=lambda d: order[_page_url(d)]):
        language = language_of[_page_url(doc)]
        docs_by_language[language.code].append({**doc, "location": doc["location"][len(language.url_prefix):]})
    for code, language in languages.items():
        target = site_dir / language.url_prefix / SEARCH_INDEX
        target.parent.mkdir(parents=True, exist_ok=True)
        data = {**shard_indexes[0], "docs": docs_by_language[code]}
        target.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def _page_url(doc: dict) -> str:
    return doc["location"].split("#")[0]


def _add_folded_fields(doc: dict) -> None:
    for field, (folded_field, _) in FOLDED_FIELDS.items():
        plain = _TAGS.sub(" ", doc.get(field, ""))
        folded = fold(plain)
        if folded != plain.lower():
            doc[folded_field] = folded
