"""Publishing the composed pages as a website with MkDocs and Material.

This is the only module that knows MkDocs. Material announces end of life in
2027 and MkDocs 2 is coming, so everything before this stage (content,
figures, languages, fallbacks) is plain data, and swapping the publisher means
rewriting this one file and the theme overrides it points at.

Each language is one MkDocs build: Vietnamese at the site root, the others
under their prefix (`/bahnar/`, `/jrai/`), each with its own search index.
"""

from __future__ import annotations

import concurrent.futures
import copy
import functools
import json
import os
import logging
import re
import shutil
import unicodedata
from pathlib import Path

import tinycss2
import yaml
from mkdocs.commands.build import build as mkdocs_build
from markdown.extensions.toc import slugify
from mkdocs.config import load_config
from mkdocs.utils import yaml_load

from .content import SiteConfig
from .languages import Language
from .pages import SitePage

OVERRIDES_DIR = Path(__file__).parent / "templates" / "mkdocs"
HOOKS_FILE = Path(__file__).parent / "mkdocs_hooks.py"
STYLES_DIR = Path(__file__).parent / "styles"
STYLESHEET = "assets/outreach.css"

# Composed pages use raw HTML blocks with Markdown inside (md_in_html) and
# collapsible Q&A (pymdownx.details).
REQUIRED_MARKDOWN_EXTENSIONS = ("md_in_html", "attr_list", "admonition", "pymdownx.details", "tables")

# Material's search also indexes these fields: title and text with diacritics
# removed, since most people type "bao hiem tu nguyen" on a phone. Boosts
# match Material's own for title and text.
FOLDED_FIELDS = {"title": ("folded_title", 1e3), "text": ("folded_text", 1)}


def publish(
    pages: list[SitePage],
    assets: dict[str, dict[str, Path]],
    languages: tuple[Language, ...],
    site: SiteConfig,
    config_file: Path,
    site_dir: Path,
    work_dir: Path,
    site_url: str,
) -> None:
    base = _read_base_config(config_file)
    base_url = site_url.rstrip("/") + "/"
    jobs = []
    for language in languages:
        language_pages = [p for p in pages if p.lang == language]
        docs_dir = work_dir / f"docs-{language.code}"
        _stage_docs(language_pages, assets[language.code], docs_dir)
        root = work_dir / f"site-{language.code}"
        jobs.append((language, root, _config_overrides(base, language, languages, language_pages, site, docs_dir, root, base_url)))
    # Languages are independent builds: run them side by side, each into its own folder.
    with concurrent.futures.ProcessPoolExecutor(max_workers=min(len(jobs), os.cpu_count() or 1)) as pool:
        for future in [pool.submit(_build_language, str(config_file), overrides, str(root)) for _, root, overrides in jobs]:
            future.result()
    # The default language is the site root; the others go inside it, under their prefix.
    for language, root, _ in sorted(jobs, key=lambda job: not job[0].is_default):
        root.rename(site_dir / language.url_prefix)


def _build_language(config_file: str, overrides: dict, root: str) -> None:
    _run_mkdocs(Path(config_file), overrides)
    root = Path(root)
    fold_search_index(root / "search" / "search_index.json")
    for stylesheet in (root / "assets" / "stylesheets").glob("main.*.min.css"):
        purge_stylesheet(stylesheet)
    for bundle in (root / "assets" / "javascripts").glob("bundle.*.min.js"):
        defer_search_index(bundle)


def configured_site_url(config_file: Path) -> str:
    return str(_read_base_config(config_file).get("site_url") or "")


def _read_base_config(config_file: Path) -> dict:
    with config_file.open(encoding="utf-8") as handle:
        return yaml_load(handle) or {}


def _stage_docs(pages: list[SitePage], assets: dict[str, Path], docs_dir: Path) -> None:
    for page in pages:
        target = docs_dir / page.rel
        target.parent.mkdir(parents=True, exist_ok=True)
        front_matter = {"title": page.title}
        if page.description:
            front_matter["description"] = page.description
        text = "---\n" + yaml.safe_dump(front_matter, allow_unicode=True, sort_keys=False) + "---\n\n" + page.markdown
        target.write_text(text, encoding="utf-8")
    for rel, source in assets.items():
        target = docs_dir / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    stylesheet = docs_dir / STYLESHEET
    stylesheet.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(STYLES_DIR / "outreach.css", stylesheet)


def _navigation(pages: list[SitePage], site: SiteConfig) -> list:
    home = [p for p in pages if p.audience is None and p.rel == "index.md"]
    loose = sorted((p for p in pages if p.audience is None and p.rel != "index.md"), key=lambda p: (p.order, p.rel))
    nav = [{p.title: p.rel} for p in home]
    for audience in site.audience_slugs:
        members = [p for p in pages if p.audience == audience]
        if not members:
            continue
        # The overview (index.md) opens the section: Material's navigation.indexes.
        members.sort(key=lambda p: (not p.rel.endswith("/index.md"), p.order, p.rel))
        nav.append({members[0].title: [p.rel for p in members]})
    nav += [{p.title: p.rel} for p in loose]
    return nav


def _config_overrides(base, language, languages, pages, site, docs_dir, root, base_url) -> dict:
    # MkDocs consumes parts of the config it validates: each language gets its own copy.
    base = copy.deepcopy(base)
    theme = dict(base.get("theme") or {"name": "material"})
    theme.update(custom_dir=str(OVERRIDES_DIR), language="vi", font=False)
    up = "" if language.is_default else "../"
    extra = dict(base.get("extra") or {})
    extra["outreach"] = {
        "lang": language.code,
        "is_default": language.is_default,
        "ui": {**language.strings, "language": language.html_lang},
        "languages": [
            {"code": l.code, "name": l.name, "html_lang": l.html_lang, "prefix": l.url_prefix} for l in languages
        ],
        "hotline": site.contacts.get("hotline", ""),
    }
    # Material shows its language menu only when `alternate` is set; our
    # override of partials/alternate.html links to the same page instead.
    extra["alternate"] = [{"name": l.name, "link": up + (l.url_prefix or "./"), "lang": l.html_lang} for l in languages]
    return {
        "docs_dir": str(docs_dir),
        "site_dir": str(root),
        "site_url": base_url + language.url_prefix,
        "site_name": language.t("site.name"),
        "site_description": language.t("site.description"),
        "use_directory_urls": True,
        "nav": _navigation(pages, site),
        "theme": theme,
        "extra": extra,
        "extra_css": list(base.get("extra_css") or []) + [STYLESHEET],
        "plugins": _plugins(base),
        "markdown_extensions": _markdown_extensions(base),
        "hooks": list(base.get("hooks") or []) + [str(HOOKS_FILE)],
    }


def _markdown_extensions(base) -> list:
    extensions = [e if isinstance(e, dict) else {e: {}} for e in base.get("markdown_extensions") or []]
    named = {next(iter(e)) for e in extensions}
    extensions += [{e: {}} for e in REQUIRED_MARKDOWN_EXTENSIONS if e not in named]
    for extension in extensions:
        if "toc" in extension:
            # Python-Markdown's slugify drops "đ" ("người lao động" -> "nguoi-lao-ong").
            extension["toc"] = {**(extension["toc"] or {}), "slugify": heading_slug}
    return extensions


def heading_slug(text: str, separator: str) -> str:
    return slugify(fold(text), separator)


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
)
_UNUSED = re.compile("|".join(re.escape(name) for name in UNUSED_COMPONENTS))


def purge_stylesheet(path: Path) -> None:
    path.write_text(_purged(path.read_text(encoding="utf-8")), encoding="utf-8")


@functools.lru_cache(maxsize=4)
def _purged(css: str) -> str:
    rules = tinycss2.parse_stylesheet(css, skip_whitespace=True, skip_comments=True)
    return "".join(_purge_rules(rules))


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

_APOSTROPHES = dict.fromkeys(map(ord, "'’‘ʼꞌ`"), None)
_LETTERS_WITHOUT_DECOMPOSITION = str.maketrans({"đ": "d", "Đ": "d", "Ð": "d", "ƀ": "b", "Ƀ": "b"})
_TAGS = re.compile(r"<[^>]+>")


def fold(text: str) -> str:
    """Lower-case text without diacritics: "Bảo hiểm tự nguyện" -> "bao hiem tu nguyen".

    Also drops the Bahnar glottal apostrophe in all its typed forms and the
    combining breve of ơ̆ ư̆ ê̆ ô̆, so a search typed without them still matches.
    """
    decomposed = unicodedata.normalize("NFD", text.translate(_LETTERS_WITHOUT_DECOMPOSITION))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped.translate(_APOSTROPHES).lower()


def fold_search_index(index_file: Path) -> None:
    data = json.loads(index_file.read_text(encoding="utf-8"))
    for doc in data["docs"]:
        for field, (folded_field, _) in FOLDED_FIELDS.items():
            plain = _TAGS.sub(" ", doc.get(field, ""))
            folded = fold(plain)
            if folded != plain.lower():
                doc[folded_field] = folded
    index_file.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
