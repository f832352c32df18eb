"""A MkDocs hook for the plain side of site_build.py: each page carries its own language's navigation.

The project's pages show only their language's navigation (and previous/next
within it); a plain build of all three languages in one docs folder would give
every page all three languages' entries, a heavier page than the project makes.
This hook is the least MkDocs needs to render the same navigation: one
Navigation per language (by URL prefix), handed to each page's templates.
Nothing else of the project's plugin (rendered HTML, shards, settings per
language) is here.
"""

from __future__ import annotations

from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page

PREFIXES = ("bahnar/", "jrai/", "")  # longest first: the default language sits at the root

_navs: dict[str, Navigation] = {}


def _prefix(url: str) -> str:
    return next(p for p in PREFIXES if url.startswith(p))


def _first_page(item) -> Page | None:
    if isinstance(item, Page):
        return item
    if isinstance(item, Section):
        return next(filter(None, map(_first_page, item.children)), None)
    return None


def on_nav(nav, config, files):
    for prefix in PREFIXES:
        items = [item for item in nav.items if _prefix(_first_page(item).url) == prefix]
        pages = [page for page in nav.pages if _prefix(page.url) == prefix]
        for before, page, after in zip([None, *pages[:-1]], pages, [*pages[1:], None]):
            page.previous_page, page.next_page = before, after
        _navs[prefix] = Navigation(items, pages)
        _navs[prefix].homepage = next((page for page in pages if page.url == prefix), None)
    return nav


def on_page_context(context, page, config, nav):
    context["nav"] = _navs[_prefix(page.url)]
    return context
