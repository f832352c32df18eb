"""The language layer and page shards, as a MkDocs plugin.

Languages: Vietnamese sits at the site root and each other language under its
prefix (`bahnar/`, `jrai/`), all in one docs tree, so Material's stylesheet
and scripts are fetched once for every language. Each page is rendered as if
its language's site were the only one: its own navigation and previous/next
links, site name, interface strings, and a base URL at its language's root
(Material loads the search index from there; the publisher splits the index
per language). mkdocs-static-i18n would be the library for this, but it
rejects the ISO 639-3 codes `bdq` and `jra` and builds each language again.

What is language or shard here is decided in `website.py` (plain Python); this
plugin only applies it to MkDocs' objects.

Shards: MkDocs renders pages one after another on one core. The publisher
runs one build per core, each seeing the whole site (navigation, URLs, links)
but rendering only its share of the pages; shard 0 also writes the theme's
files, the 404 pages and the offline pages (one per language, `404.html`,
`bahnar/404.html`, `offline.html`, `bahnar/offline.html`...) and the sitemap.
A page the publisher already has from an earlier build with the same inputs
(`reused`) is rendered by no shard, but stays in the navigation like the others.
"""

from __future__ import annotations

import copy
import functools
import json
from pathlib import Path
from urllib.parse import urlsplit

import jinja2
from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import InclusionLevel
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc
from mkdocs.utils import get_relative_url

from . import material, website
from .first_screen import FirstScreen
from .webapp import OFFLINE_PAGE
from ..cache import machine_cache


class LanguageLayerConfig(Config):
    # One entry per language: code, prefix ("" for the default, "bahnar/"),
    # site_name, site_description and `outreach`, the variables its pages'
    # templates read as `config.extra.outreach`.
    languages = config_options.Type(list)
    # The folder of finished pages, one JSON ({"html", "toc"}) per page at its docs path.
    rendered = config_options.Type(str)
    shard = config_options.Type(int, default=0)
    shards = config_options.Type(int, default=1)
    # Pages (docs paths) whose HTML the publisher has from an earlier build with the same inputs: no shard renders them.
    reused = config_options.Type(list, default=[])


class LanguageLayer(BasePlugin[LanguageLayerConfig]):
    """Registered as `outreach-languages`; the publisher configures it for each shard."""

    def on_config(self, config):
        self._languages = sorted(self.config.languages, key=lambda l: len(l["prefix"]), reverse=True)
        self._views = {l["code"]: _config_view(config, l) for l in self._languages}
        self._navs: dict[str, Navigation] = {}
        self._first_screen = FirstScreen(functools.partial(_published_stylesheet, Path(config.docs_dir)))
        if self.config.shard != 0:
            config.theme.static_templates.clear()
        else:
            config.theme.static_templates.update(_not_found_page(l) for l in self._languages if l["prefix"])
            config.theme.static_templates.update(_offline_page(l) for l in self._languages)
        return config

    def on_files(self, files, config):
        pages = sorted((f for f in files if f.is_documentation_page()), key=lambda f: f.src_uri)
        self._all_pages = pages
        reused = set(self.config.reused)
        to_render = [f for f in pages if f.src_uri not in reused]
        mine = set(website.shard_share(to_render, self.config.shard, self.config.shards))
        for file in files:
            shared = not file.is_documentation_page() and self.config.shard == 0
            if file not in mine and not shared:
                # Still in the navigation and a valid link target; just not rendered here.
                file.inclusion = InclusionLevel.EXCLUDED
        return files

    def on_env(self, env, config, files):
        # Compiling Material's templates costs more than rendering a small site; Jinja checks each
        # cached template against its source, so an upgrade or an edited override recompiles it.
        folder = machine_cache("templates")
        if folder:
            env.bytecode_cache = jinja2.FileSystemBytecodeCache(str(folder))
        # Each language's 404 page is the theme's, rendered with that language's settings;
        # an override can wrap Material's own template as "material/<name>".
        # The offline page (what the service worker shows for a page it never stored) likewise.
        copies = {_not_found_page(l): "404.html" for l in self._languages if l["prefix"]}
        copies.update({_offline_page(l): OFFLINE_PAGE for l in self._languages if l["prefix"]})
        env.loader = jinja2.ChoiceLoader([
            env.loader,
            jinja2.PrefixLoader({"material": jinja2.FileSystemLoader(material.theme_dir())}),
            jinja2.FunctionLoader(lambda name: '{%% extends "%s" %%}' % copies[name] if name in copies else None),
        ])
        return env

    def on_nav(self, nav, config, files):
        for language in self._languages:
            items = [item for item in nav.items if self._language_of(_first_page(item)) is language]
            pages = [page for page in nav.pages if self._language_of(page) is language]
            language_nav = Navigation(items, pages)
            language_nav.homepage = next((p for p in pages if p.url == language["prefix"]), None)
            # MkDocs links pages in one chain; a reader's "next" stays in their language.
            for before, page, after in website.chained(pages):
                page.previous_page, page.next_page = before, after
            self._navs[language["code"]] = language_nav
        return nav

    def on_page_markdown(self, markdown, page, config, files):
        return ""  # the page arrives finished: nothing for MkDocs' Markdown to do

    def on_page_content(self, html, page, config, files):
        # Written by the generator, whose renderer owns the Markdown dialect and the sanitizer.
        rendered = json.loads((Path(self.config.rendered) / page.file.src_uri).with_suffix(".json").read_text(encoding="utf-8"))
        page.toc = get_toc(rendered["toc"])
        return rendered["html"]

    def on_page_context(self, context, page, config, nav):
        language = self._language_of(page)
        context["config"] = self._views[language["code"]]
        context["nav"] = self._navs[language["code"]]
        context["base_url"] = get_relative_url(language["prefix"].rstrip("/") or ".", page.url)
        return context

    def on_template_context(self, context, template_name, config):
        # Pages outside the navigation belong to the language whose folder they
        # are written in: 404.html to the default one, bahnar/404.html to Bahnar.
        # The sitemap lists every shard's pages.
        language = website.language_of(template_name, self._languages)
        context["config"] = self._views[language["code"]]
        context["nav"] = self._navs[language["code"]]
        context["pages"] = self._all_pages
        if template_name.endswith(("404.html", OFFLINE_PAGE)):
            # Served at any missing address, at any depth: links start from the site's root path.
            context["base_url"] = urlsplit(config.site_url or "/").path
        return context

    def on_post_page(self, output, page, config):
        return self._first_screen.inline(output)

    def on_post_template(self, output_content, template_name, config):
        # The 404 and offline pages; not the sitemap.
        return self._first_screen.inline(output_content) if template_name.endswith(".html") else output_content

    def _language_of(self, page: Page | None) -> dict:
        return website.language_of(page.url if page is not None else "", self._languages)


def _not_found_page(language: dict) -> str:
    return language["prefix"] + "404.html"


def _offline_page(language: dict) -> str:
    return language["prefix"] + OFFLINE_PAGE


def _published_stylesheet(docs_dir: Path, path: str) -> str | None:
    """The stylesheet the site publishes at `path`: ours from the docs, Material's from the theme, as the publisher leaves them."""
    if not path.endswith(".css"):
        return None
    for folder in (docs_dir, material.theme_dir()):
        file = folder / path
        if file.is_file():
            css = file.read_text(encoding="utf-8")
            return material.purged_stylesheet(css) if file.match(material.STYLESHEET_GLOB) else css
    return None


def _config_view(config, language: dict):
    """The site's config as one language's pages see it."""
    view = copy.copy(config)
    view["site_name"] = language["site_name"]
    view["site_description"] = language["site_description"]
    view["extra"] = {**config["extra"], "outreach": language["outreach"]}
    return view


def _first_page(item) -> Page | None:
    if isinstance(item, Page):
        return item
    if isinstance(item, Section):
        return next(filter(None, map(_first_page, item.children)), None)
    return None
