"""Publishing the composed pages as a website with MkDocs and Material.

With its plugin (`mkdocs_plugin.py`), this is all that knows MkDocs; what it
knows of Material's internals is declared in `material.py`. Material announces
end of life in 2027 and MkDocs 2 is coming, so everything before this stage
(content, figures, languages, fallbacks) is plain data, and so is what the
website holds (`website.py`: navigation, the language layer's settings, page
metadata, shards, search indexes per language). Swapping the publisher means
rewriting these two files and the theme overrides they point at
(docs/design/after-material.md).

One site holds every language: Vietnamese at the root, the others under their
prefix (`/bahnar/`, `/jrai/`). It is rendered by one MkDocs build per core,
each rendering a share of the pages, and assembled here; each language gets
its own search index, split from Material's.

A page whose inputs did not change since a build that rendered it is not
rendered again: its HTML and its search entries are kept in the build cache
under a key of its stub, its content and everything the theme reads besides
(`_site_key`), so one edited page re-renders that page, and an edited title,
interface string or template every page.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import json
import logging
import os
import shutil
from pathlib import Path
from typing import Iterator

import rcssmin
import yaml

from ..assets import STYLES_DIR
from . import material, webapp, website
from ..cache import ArtifactCache, digest, files_digest, library_versions, worker_pool
from ..sources.content import SiteConfig
from ..sources.languages import Language, default_language
from ..compose.pages import SitePage
from ..problems import ContentError, ProblemLog

LANGUAGE_PLUGIN = "outreach-languages"  # entry point of mkdocs_plugin.LanguageLayer


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
    build_date: dt.date,
    quick_ask: dict[str, dict[str, bytes]] | None = None,
    cache: ArtifactCache | None = None,
) -> Iterator[None]:
    """Render the website into `site_dir` on every core while the `with` block writes other files there.

    The website is in place when the block ends; if the block raises, the
    rendering is abandoned. `build_date` dates the sitemap and its gzip header, never the clock.
    A page rendered before from the same inputs is taken from `cache` (see _page_key).
    """
    cache = cache or ArtifactCache(None)
    docs_dir, rendered_dir = work_dir / "docs", work_dir / "rendered"
    front_matter = website.front_matter(pages)
    staged = {_source(page): _staged(page, front_matter) for page in pages}
    layer = website.language_layer(languages, site, pages, front_matter, site_url)
    overrides = _config_overrides(_read_base_config(config_file), languages, layer, pages, docs_dir, site_url)
    site_key = _site_key(config_file, overrides, layer, build_date)
    keys = {source: digest(site_key, source, *texts) for source, texts in staged.items()}
    reused = {source: cache.get(PAGES_KIND, keys[source], source) for source in staged}
    reused = {source: page for source, page in reused.items() if page is not None}
    _stage_docs(staged, reused, docs_dir, rendered_dir)
    for language in languages:
        _stage_assets(assets[language.code], docs_dir / language.url_prefix)
    for stylesheet, source in ((website.STYLESHEET, "outreach.css"), (website.PRINT_STYLESHEET, "print.css")):
        (docs_dir / stylesheet).parent.mkdir(parents=True, exist_ok=True)
        # Comments explain the rules to developers; phones on a slow network get none of them.
        (docs_dir / stylesheet).write_text(rcssmin.cssmin((STYLES_DIR / source).read_text(encoding="utf-8")), encoding="utf-8")
    shards = website.shard_count(len(pages) - len(reused))
    # Shards write beside the site (one file system, so assembling it is renaming).
    shard_dirs = [site_dir.with_name(f"{site_dir.name}-shard-{shard}") for shard in range(shards)]
    site_dir.mkdir(parents=True, exist_ok=True)
    with worker_pool(shards) as pool:
        futures = [
            pool.submit(_build_shard, str(config_file), overrides, layer, str(rendered_dir), shard, shards, str(shard_dir),
                        build_date, sorted(reused))
            for shard, shard_dir in enumerate(shard_dirs)
        ]
        try:
            yield
        except BaseException:
            for future in futures:
                future.cancel()
            raise
        try:
            indexes = [future.result() for future in futures]
        except material.MaterialMismatch as mismatch:  # nothing half-patched is published
            raise ContentError(mismatch.problems) from None
    search_entries: dict[str, list[dict]] = {}
    for doc in (doc for index in indexes for doc in index["docs"]):
        search_entries.setdefault(website.page_of_search_entry(doc), []).append(doc)
    for page in pages:
        source = _source(page)
        if source in reused:
            target = site_dir / _output(page)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(reused[source]["html"])
        else:
            html = _page_file(shard_dirs, page).read_bytes()
            cache.put(PAGES_KIND, keys[source], {"html": html, "search": search_entries.get(page.url, [])})
    # After the shards' own: the first index gives the search settings.
    indexes.append({"docs": [doc for page in reused.values() for doc in page["search"]]})
    _assemble(shard_dirs, indexes, site_dir, pages, languages, site_url, quick_ask or {})


# --- pages rendered before ---------------------------------------------------

PAGES_KIND = "pages"


def _site_key(config_file: Path, overrides: dict, layer: list[dict], build_date: dt.date) -> str:
    """What every page's HTML depends on besides its own stub and content: the site's config with every
    language's navigation (titles, order, previous and next), the language layer (site names, interface
    strings, hotline, home page buttons), the build date, the theme (Material's version, our overrides
    and styles, this publisher's code), the versions of every library that renders and the renderer itself."""
    # The work folder's name is random and changes nothing in a page.
    config = {name: value for name, value in overrides.items() if name != "docs_dir"}
    code = [path for folder in (material.OVERRIDES_DIR, STYLES_DIR, Path(__file__).parent) for path in folder.rglob("*")
            if path.is_file() and "__pycache__" not in path.parts]
    return digest(config_file.read_bytes(), json.dumps(config, sort_keys=True, ensure_ascii=False),
                  json.dumps(layer, sort_keys=True, ensure_ascii=False), build_date.isoformat(), files_digest(code),
                  library_versions(), _renderer())


def _renderer() -> str:
    """Which MkDocs renders: a fork that stands in for it (ProperDocs answers `import mkdocs`) signs the pages
    with its own name and version, which the installed MkDocs' version in `library_versions` does not show."""
    import mkdocs  # the one a build's shards will import, whoever provides it

    return f"{Path(mkdocs.__file__).parent.name} {mkdocs.__version__}"


def _source(page: SitePage) -> str:
    """The page's file in the docs tree MkDocs reads: "bahnar/tu-nguyen/index.md"."""
    return page.lang.url_prefix + page.rel


def _output(page: SitePage) -> str:
    return page.url + "index.html"


def _page_file(shard_dirs: list[Path], page: SitePage) -> Path:
    return next(path for path in (shard_dir / _output(page) for shard_dir in shard_dirs) if path.exists())


def check_theme(log: ProblemLog) -> None:
    """What `outreach check` verifies of the theme: the installed Material is the one the overrides and patches expect."""
    material.check_installed(log)


def _build_shard(config_file: str, overrides: dict, layer: list[dict], rendered_dir: str, shard: int, shards: int,
                 shard_dir: str, build_date: dt.date, reused: list[str]) -> dict:
    """Render one shard of the website; returns its search index (the publisher writes one per language)."""
    # MkDocs dates every page, hence the sitemap's <lastmod> and its gzip header, from this variable, else
    # from the clock: a site built twice from the same sources is the same site, across midnight too.
    # Set in the shard's own worker process, which ends with the build.
    os.environ["SOURCE_DATE_EPOCH"] = str(int(dt.datetime.combine(build_date, dt.time(), dt.timezone.utc).timestamp()))
    overrides = copy.deepcopy(overrides)  # MkDocs consumes parts of the config it validates
    overrides["site_dir"] = shard_dir
    overrides["plugins"].append({LANGUAGE_PLUGIN: {"languages": layer, "rendered": rendered_dir, "shard": shard, "shards": shards,
                                                   "reused": reused}})
    _run_mkdocs(Path(config_file), overrides)
    # Finishing touches run here, on the shard's core, rather than after every shard is done.
    shard_dir = Path(shard_dir)
    index_file = shard_dir / material.SEARCH_INDEX
    index = material.read_search_index(index_file)
    index_file.unlink()
    for doc in index["docs"]:
        website.add_folded_fields(doc)
    for bundle in shard_dir.glob(material.BUNDLE_GLOB):
        material.patch_bundle(bundle)
    return index


def _assemble(shard_dirs: list[Path], indexes: list[dict], site_dir: Path, pages: list[SitePage],
              languages: tuple[Language, ...], site_url: str, quick_ask: dict[str, dict[str, bytes]]) -> None:
    for shard_dir in shard_dirs:
        _move_tree(shard_dir, site_dir)
    website.write_search_indexes(indexes, site_dir, pages)
    for stylesheet in site_dir.glob(material.STYLESHEET_GLOB):
        material.purge_stylesheet(stylesheet)
    calculators: dict[str, list[str]] = {}
    for page in pages:
        if page.kind == "calculator":
            calculators.setdefault(page.lang.url_prefix, []).append(page.url)
    pages_written = {path.relative_to(site_dir).as_posix(): path.read_bytes() for path in site_dir.rglob("*.html")}
    files = webapp.site_files(_theme_shell(site_dir), calculators, languages, pages_written, quick_ask)
    for box_files in quick_ask.values():
        files.update(box_files)
    files["robots.txt"] = f"User-agent: *\nAllow: /\nSitemap: {website.site_base(site_url)}sitemap.xml\n".encode("utf-8")
    for path, data in files.items():
        (site_dir / path).parent.mkdir(parents=True, exist_ok=True)
        (site_dir / path).write_bytes(data)


def _theme_shell(site_dir: Path) -> dict[str, bytes]:
    """The stylesheets every page loads (site path -> content): what the service worker keeps at once.

    Material's scripts wait for the reader's first gesture (templates/mkdocs/main.html):
    the service worker stores them when a page fetches them, never as a download of its own.
    """
    patterns = (material.STYLESHEET_GLOB, website.STYLESHEET, website.PRINT_STYLESHEET)
    files = [path for pattern in patterns for path in site_dir.glob(pattern)]
    return {path.relative_to(site_dir).as_posix(): path.read_bytes() for path in files}


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
    from mkdocs.utils import yaml_load  # MkDocs is imported only when a site is made (see _run_mkdocs)

    with config_file.open(encoding="utf-8") as handle:
        return yaml_load(handle) or {}


def _staged(page: SitePage, front_matter: dict[str, dict]) -> tuple[str, str]:
    """A page as MkDocs gets it: a stub Markdown file (MkDocs needs one to make a page: its front matter
    is what the templates read) and its finished HTML with its table of contents, as JSON."""
    # libyaml's emitter where PyYAML has it: the same text in a fifth of the time of the Python one.
    meta = yaml.dump(front_matter[page.url], Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper), allow_unicode=True,
                     sort_keys=False)
    rendered = json.dumps({"html": str(page.html), "toc": website.toc_tokens(page.toc)}, ensure_ascii=False)
    return "---\n" + meta + "---\n", rendered


def _stage_docs(staged: dict[str, tuple[str, str]], reused: dict, docs_dir: Path, rendered_dir: Path) -> None:
    """Each page's stub (every page is in the navigation) and, for a page to be rendered, its finished HTML."""
    for source, (stub, rendered) in staged.items():
        target = docs_dir / source
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(stub, encoding="utf-8")
        if source not in reused:
            target = (rendered_dir / source).with_suffix(".json")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(rendered, encoding="utf-8")


def _stage_assets(assets: dict[str, Path], docs_dir: Path) -> None:
    for rel, source in assets.items():
        target = docs_dir / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)


def _config_overrides(base, languages, layer, pages, docs_dir, site_url) -> dict:
    base = copy.deepcopy(base)
    theme = dict(base.get("theme") or {"name": "material"})
    theme.update(custom_dir=str(material.OVERRIDES_DIR), language="vi", font=False, favicon=webapp.FAVICON)
    extra = dict(base.get("extra") or {})
    # Whatever renders outside a page (Material's search settings, 404.html) speaks the default language.
    extra["outreach"] = next(l["outreach"] for l in layer if l["code"] == default_language(languages).code)
    # Shows Material's language menu (our partials/alternate.html opens the same page) and no
    # links of Material's to each language's home: each page names its own translations
    # (main.html, absolute hreflang links). See material.TEMPLATE_CONTEXT.
    extra[material.LANGUAGE_MENU] = True
    nav = []
    for language in languages:
        nav += website.navigation([p for p in pages if p.lang == language], language.url_prefix)
    return {
        "docs_dir": str(docs_dir),
        "site_url": website.site_base(site_url),
        "use_directory_urls": True,
        "nav": nav,
        "theme": theme,
        "extra": extra,
        "extra_css": list(base.get("extra_css") or []) + [website.STYLESHEET],
        "plugins": _plugins(base),
        # Pages arrive as finished HTML (render.py); MkDocs converts only the stubs.
        "markdown_extensions": [],
    }


def _plugins(base) -> list:
    plugins = []
    for entry in base.get("plugins") or ["search"]:
        name, options = (entry, {}) if isinstance(entry, str) else next(iter(entry.items()))
        if name == "search":
            folded = {name: {"boost": boost} for name, boost in material.FOLDED_FIELDS.values()}
            options = {**(options or {}), "fields": {**(options or {}).get("fields", {}), **folded}}
        plugins.append({name: options})
    return plugins


def _run_mkdocs(config_file: Path, overrides: dict) -> None:
    # Imported here, not with this module: loading MkDocs takes a quarter of a second, which a
    # build that finds nothing changed (its whole budget is one second) does not spend.
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    mkdocs_logger = logging.getLogger("mkdocs")
    level = mkdocs_logger.level
    mkdocs_logger.setLevel(logging.WARNING)
    try:
        config = load_config(config_file=str(config_file), **overrides)
        mkdocs_build(config)
    finally:
        mkdocs_logger.setLevel(level)


# --- search ------------------------------------------------------------------
