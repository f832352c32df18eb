"""The website as something a phone keeps: a service worker, web app manifests, icons.

A reader opens a guide from a QR code where there is coverage and reads it
again in a field or a village hall where there is none. The service worker
(`webapp/sw.js`, hand-written) keeps each page the reader opened and the
calculator in their language, refreshes each copy whenever the network serves
the page, and shows a stored copy only without coverage, marked as such with
the day it was stored; each language has an offline page for pages never
opened, and a web app manifest so the site can be added to a phone's home
screen and opens in that language.

The worker's store is named by the site's content (`content_version`): a build
that changes any page or figure makes a new store, into which the worker moves
the old one's pages, fetched again where there is coverage.

Everything here is returned as files to write (site path -> bytes). The build's
inventory is `manifest.json`; the web app manifest is `site.webmanifest`.
"""

from __future__ import annotations

import json
import re
from typing import Mapping

import jinja2

from ..assets import WEBAPP_DIR
from ..cache import digest
from ..sources.languages import Language


ICONS_DIR = "assets/icons"
FAVICON = f"{ICONS_DIR}/icon.svg"
APPLE_TOUCH_ICON = f"{ICONS_DIR}/apple-touch-icon.png"
SHARE_ICON = f"{ICONS_DIR}/icon-512.png"  # the shared preview of a page outside any audience
SERVICE_WORKER = "sw.js"
OFFLINE_PAGE = "offline.html"  # per language: rendered by MkDocs like the 404 pages (mkdocs_plugin.py)
WEB_MANIFEST = "site.webmanifest"
# The header's colour (generator/styles/outreach.css, --md-primary-fg-color): the phone's status bar matches it.
THEME_COLOR = "#0b3b6f"
MANIFEST_ICONS = (
    ("icon-192.png", "192x192", "any"),
    ("icon-512.png", "512x512", "any"),
    ("icon-maskable-512.png", "512x512", "maskable"),
)
# What the service worker stores when it installs, gzip as sent: the theme
# files the page has just loaded (the browser's cache serves them again) and
# the favicon. It must never grow into a download of its own on a slow network
# (tests/test_web.py holds it to this).
PRECACHE_BUDGET = 32 * 1024

# Material signs every page with the name and version of the program that rendered it: the same
# pages from MkDocs or from a fork of it (ProperDocs) are the same content to a reader.
_GENERATOR_SIGNATURE = re.compile(rb'<meta name="generator" content="[^"]*">')

_TEMPLATES = jinja2.Environment(loader=jinja2.FileSystemLoader(WEBAPP_DIR), undefined=jinja2.StrictUndefined)


def content_version(pages: Mapping[str, bytes]) -> str:
    """A name for the site's content (site path -> bytes of every page): any page or figure change makes a new one."""
    return digest(*(part for path in sorted(pages) for part in (path, _GENERATOR_SIGNATURE.sub(b"", pages[path]))))[:16]


def site_files(shell: dict[str, bytes], calculators: dict[str, list[str]], languages: tuple[Language, ...],
               pages: Mapping[str, bytes], quick_ask: dict[str, dict[str, bytes]] | None = None) -> dict[str, bytes]:
    """The service worker, one web app manifest per language, and the icons.

    `shell`: the theme files every page loads (site path -> content);
    `calculators`: per language prefix, the calculator pages' URLs;
    `pages`: every page of the site (site path -> content), which name the store;
    `quick_ask`: per language prefix, the question box's script and index (site path -> content), kept
    when a page of that language is opened, so the box answers offline after one visit.
    """
    quick_ask = quick_ask or {}
    icons = {f"{ICONS_DIR}/{path.name}": path.read_bytes() for path in sorted(WEBAPP_DIR.glob("*.png"))}
    icons[FAVICON] = (WEBAPP_DIR / "icon.svg").read_bytes()
    precached = {**shell, FAVICON: icons[FAVICON]}
    settings = {
        # The box's files are not named by their content: they too name the store.
        "version": content_version({**precached, **pages, **{path: data for files in quick_ask.values() for path, data in files.items()}}),
        "shell": sorted(precached),
        "prefixes": [language.url_prefix for language in languages],
        "calculators": calculators,
        "offline": {language.url_prefix: language.url_prefix + OFFLINE_PAGE for language in languages},
        "quickAsk": {prefix: sorted(files) for prefix, files in quick_ask.items()},
    }
    files = dict(icons)
    files[SERVICE_WORKER] = _TEMPLATES.get_template("sw.js").render(settings=settings).encode("utf-8")
    for language in languages:
        files[language.url_prefix + WEB_MANIFEST] = _web_manifest(language).encode("utf-8")
    return files


def _web_manifest(language: Language) -> str:
    # Paths are relative to the manifest, which sits at its language's root:
    # the site works under any base path.
    to_root = "../" * language.url_prefix.count("/")
    return json.dumps({
        "name": language.t("site.name"),
        "short_name": language.t("site.short_name"),
        "description": language.t("site.description"),
        "lang": language.html_lang,
        "start_url": "./",
        "scope": to_root or "./",  # one app for every language: the language menu stays inside it
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": THEME_COLOR,
        "icons": [
            {"src": f"{to_root}{ICONS_DIR}/{name}", "sizes": sizes, "type": "image/png", "purpose": purpose}
            for name, sizes, purpose in MANIFEST_ICONS
        ],
    }, ensure_ascii=False, indent=1)
