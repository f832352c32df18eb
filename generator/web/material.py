"""What the generator knows about Material for MkDocs' internals, and a self-check.

Five things depend on Material beyond its documented settings:

- patches of its minified JavaScript bundle (`BUNDLE_PATCHES`),
- the names of its CSS components the site never shows (`UNUSED_COMPONENTS`), and the
  classes and colour variables our overrides and `styles/` write over,
- the templates, blocks and partials the overrides in `templates/mkdocs/` replace or wrap,
- the template context Material reads and the generator sets (`TEMPLATE_CONTEXT`),
- the format of its search index, which the publisher splits per language and extends.

Each is declared here once. `check_installed()` verifies all of them against the installed
Material (`outreach check` runs it; the tests run it against the pinned version), and the
functions the publisher calls raise `MaterialMismatch` instead of publishing a half-patched
file: a Material release that moved something is a normal error with the fix, never a
warning in a log nobody reads.

Nothing here imports MkDocs; the search index check imports Material's own search module.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from types import SimpleNamespace

import jinja2
import tinycss2
from jinja2 import nodes

from ..assets import STYLES_DIR, TEMPLATES_DIR  # STYLES_DIR: ours, written over Material's
from ..cache import digest, files_digest, library_versions, machine_cache
from ..problems import Problem, ProblemLog
from .webapp import OFFLINE_PAGE

OVERRIDES_DIR = TEMPLATES_DIR / "mkdocs"
FIX = "Cài lại đúng các phiên bản đã khoá: `.venv/bin/pip install -r requirements.lock`."


class MaterialMismatch(Exception):
    """The installed Material is not the one this generator was written against."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(p.format() for p in problems))


def theme_dir() -> Path:
    """Material's templates and assets, as installed (found without importing MkDocs)."""
    import material

    return Path(material.__file__).parent / "templates"


def version() -> str:
    return metadata.version("mkdocs-material")


def _mismatch(log: ProblemLog, file: Path, what: str) -> None:
    log.error(file, 0, f"Material for MkDocs {version()} không khớp với bộ tạo trang: {what}. {FIX}")


# --- the bundle ----------------------------------------------------------------


@dataclass(frozen=True)
class BundlePatch:
    """One change to Material's minified bundle: the pattern must match exactly once."""

    purpose: str  # in Vietnamese: what the site loses if the patch cannot be made
    pattern: re.Pattern
    replacement: str

    def count(self, code: str) -> int:
        return len(self.pattern.findall(code))


BUNDLE_PATCHES = (
    # Material downloads the whole search index as soon as a page loads over http;
    # only for file:// pages does it wait until the reader opens search. Readers on a
    # slow network should not pay for an index they may never use, so the published
    # bundle takes the file:// path everywhere. Minified names change between
    # releases: the pattern matches the condition, whatever its wrapper.
    BundlePatch("chỉ tải chỉ mục tìm kiếm khi người đọc mở ô tìm kiếm",
                re.compile(r'([A-Za-z_$][\w$]*)\(location\.protocol!=="file:"\)'), r"\1(!1)"),
    # Material fetches `sitemap.xml` beside every `link[rel=alternate]` of a page, to
    # open the same page when a reader switches language. Our language menu links the
    # same page itself, and our hreflang links name pages, not language roots: the
    # fetches would only fail (a 404 and a console error per language). The patched
    # selector matches no element.
    BundlePatch("không tải sitemap.xml của các ngôn ngữ khác",
                re.compile(re.escape('"link[rel=alternate]"')), '"link[rel=alternate][data-md-sitemap]"'),
)
BUNDLE_GLOB = "assets/javascripts/bundle.*.min.js"
SEARCH_WORKER_GLOB = "assets/javascripts/workers/search.*.min.js"


def patch_bundle(bundle: Path) -> None:
    """Apply every patch to a published copy of the bundle, or raise MaterialMismatch and change nothing."""
    code = bundle.read_text(encoding="utf-8")
    log = ProblemLog(Path.cwd())
    _check_bundle_code(code, bundle, log)
    if log.errors:
        raise MaterialMismatch(log.errors)
    for patch in BUNDLE_PATCHES:
        code = patch.pattern.sub(patch.replacement, code)
    bundle.write_text(code, encoding="utf-8")


def _check_bundle_code(code: str, bundle: Path, log: ProblemLog) -> None:
    for patch in BUNDLE_PATCHES:
        found = patch.count(code)
        if found != 1:
            _mismatch(log, bundle, f"mẫu `{patch.pattern.pattern}` xuất hiện {found} lần trong mã JavaScript (cần đúng 1 lần) "
                                   f"nên không thể {patch.purpose}")


# --- the stylesheet ------------------------------------------------------------

# Material's stylesheet is the one thing a phone must download before it can
# paint. These components never appear on these pages (no code, tabs, blog,
# tags, versions, annotations, consent, feedback...), and Material's scripts do
# not add them, so their rules are dropped: about a third of the stylesheet.
# Each name must occur in Material's stylesheet (a name that no longer does is
# stale), and no class the overrides use may be dropped (`check_installed`).
UNUSED_COMPONENTS = (
    "highlight", "highlighttable", "linenos", "tabbed", "mermaid", "md-source", "md-version", "md-tag",
    "md-post", "md-social", "md-banner", "md-annotation", "md-tooltip", "task-list", "emojione", "twemoji",
    "gemoji", "critic", "keys", "arithmatex", "md-author", "md-profile", "md-code__",
    "md-clipboard", "md-dialog", "md-consent", "md-feedback", "md-progress", "md-tabs", "md-status",
    "md-meta", "md-draft", "footnote", "md-typeset .grid", "abbr", "md-content__button",
    # Every language of the site is written left to right.
    "[dir=rtl]",
    # Features the site does not turn on: heading permalinks, the path above
    # a page, navigation sections and tabs, the table of contents in its own
    # column (it sits in the navigation: toc.integrate), buttons.
    "headerlink", "md-path", "md-nav--lifted", "md-header--lifted", "md-sidebar--secondary", "md-button",
)
_UNUSED = re.compile("|".join(re.escape(name) for name in UNUSED_COMPONENTS))
STYLESHEET_GLOB = "assets/stylesheets/main.*.min.css"


def purge_stylesheet(path: Path) -> None:
    path.write_text(purged_stylesheet(path.read_text(encoding="utf-8")), encoding="utf-8")


def purged_stylesheet(css: str) -> str:
    # Parsing Material's stylesheet takes longer than building a small site: done once per Material release.
    folder = machine_cache("stylesheets")
    # Keyed by what makes it: the stylesheet, the purge (this module) and the parser's version.
    cached = folder / digest(css, *UNUSED_COMPONENTS, Path(__file__).read_bytes(), tinycss2.__version__) if folder else None
    if cached and cached.exists():
        return cached.read_text(encoding="utf-8")
    rules = tinycss2.parse_stylesheet(css, skip_whitespace=True, skip_comments=True)
    purged = "".join(_purge_rules(rules))
    if cached:
        temporary = cached.with_suffix(".new")
        temporary.write_text(purged, encoding="utf-8")
        temporary.replace(cached)  # another build may read it at the same time
    return purged


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


def _check_stylesheet(stylesheet: Path, log: ProblemLog) -> None:
    css = stylesheet.read_text(encoding="utf-8")
    for name in UNUSED_COMPONENTS:
        if name not in css:
            _mismatch(log, stylesheet, f"không còn thành phần `{name}` trong bảng kiểu (danh sách UNUSED_COMPONENTS đã cũ)")
    purged = purged_stylesheet(css)
    classes, colours = styled_names()
    for name in sorted(override_classes() | classes):
        if not _names(css, "." + name):
            _mismatch(log, stylesheet, f"không còn lớp `{name}` mà các mẫu trang hoặc bảng kiểu của ta dùng")
        elif not _names(purged, "." + name):
            _mismatch(log, stylesheet, f"bảng kiểu rút gọn mất lớp `{name}` mà các mẫu trang hoặc bảng kiểu của ta dùng")
    for name in sorted(colours):
        if not _names(css, name):
            _mismatch(log, stylesheet, f"không còn biến màu `{name}` mà `styles/` đặt (màu của trang sẽ không đổi)")


def _names(css: str, name: str) -> bool:
    return re.search(rf"{re.escape(name)}(?![\w-])", css) is not None


# --- the templates -------------------------------------------------------------

# Templates of our own among the overrides: they replace nothing of Material's (the others each
# replace the Material template of their name). Partials named `partials/outreach-*.html`, included
# by the overrides, and the service worker's offline page (webapp.OFFLINE_PAGE, rendered like 404.html).
OWN_PARTIALS = "partials/outreach-"
# Pages of our own among the overrides, which Material does not have (rendered as static templates).
OWN_PAGES = frozenset({OFFLINE_PAGE})

# Our main.html wraps Material's scripts block; it needs the bundle's <script> there.
SCRIPTS_BLOCK_LOADS = "assets/javascripts/bundle."
# partials/search.html names Material's search dialog for screen readers by
# adding an aria-label to this attribute, which must occur once in Material's partial.
SEARCH_DIALOG = 'role="dialog"'
SEARCH_LANDMARK = 'role="search"'  # named the same way (a page may hold a second search landmark)


# What Material's templates read from the context the generator sets: the
# language plugin gives each page its language's `config`, `nav` (with its
# homepage) and `base_url`; the publisher puts titles and descriptions in
# `page.meta` and sets `extra.alternate` to true, which shows Material's
# language menu (our partials/alternate.html) but, not being a list, adds no
# links of Material's to each language's home page.
LANGUAGE_MENU = "alternate"  # the `extra` key
TEMPLATE_CONTEXT = (
    ("partials/header.html", "config.extra.alternate"),
    ("base.html", "config.extra.alternate is iterable"),
    ("partials/header.html", "nav.homepage.url"),
    ("partials/header.html", "config.site_name"),
    ("partials/nav.html", "nav"),
    ("partials/footer.html", "page.next_page"),
    ("base.html", "base_url"),
    ("base.html", "page.meta.title"),
    ("base.html", "page.meta.description"),
)


def template_reads(tree) -> set[str]:
    """The names a parsed template reads, with their attributes (`nav`, `nav.homepage`, `nav.homepage.url`)
    and the tests applied to them (`config.extra.alternate is iterable`)."""

    def dotted(node) -> str | None:
        if isinstance(node, nodes.Name):
            return node.name
        if isinstance(node, nodes.Getattr):
            owner = dotted(node.node)
            return owner and f"{owner}.{node.attr}"
        return None

    reads = {name for node in tree.find_all((nodes.Name, nodes.Getattr)) if (name := dotted(node))}
    reads |= {f"{name} is {test.name}" for test in tree.find_all(nodes.Test) if (name := dotted(test.node))}
    return reads


@dataclass(frozen=True)
class TemplateUse:
    """What one override relies on in Material: the blocks it fills and the templates it includes."""

    name: str  # the override's name, the same as the Material template it replaces
    blocks: frozenset[str]
    includes: frozenset[str]  # "material/..." is Material's own copy of a template the overrides replace


def override_uses() -> tuple[TemplateUse, ...]:
    env = jinja2.Environment()
    uses = []
    for path in sorted(OVERRIDES_DIR.rglob("*.html")):
        tree = env.parse(path.read_text(encoding="utf-8"))
        includes = {node.template.value for node in tree.find_all((nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends))
                    if isinstance(node.template, nodes.Const)}
        uses.append(TemplateUse(path.relative_to(OVERRIDES_DIR).as_posix(), frozenset(b.name for b in tree.find_all(nodes.Block)),
                                frozenset(includes)))
    return tuple(uses)


def override_classes() -> set[str]:
    """Material's CSS classes (md-...) the overrides write into pages."""
    names = set()
    for path in OVERRIDES_DIR.rglob("*.html"):
        for value in re.findall(r'class="([^"{]*)"', path.read_text(encoding="utf-8")):
            names.update(name for name in value.split() if name.startswith("md-"))
    return names


def styled_names() -> tuple[set[str], set[str]]:
    """Material's names our stylesheets rely on: the md-... classes they restyle, the --md-... colours they set."""
    css = "".join(path.read_text(encoding="utf-8") for path in sorted(STYLES_DIR.glob("*.css")))
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    return set(re.findall(r"\.(md-[\w-]+)", css)), set(re.findall(r"(--md-[\w-]+)\s*:", css))


def _check_templates(theme: Path, log: ProblemLog) -> None:
    env = jinja2.Environment()

    @functools.cache
    def parsed(name: str):
        return env.parse((theme / name).read_text(encoding="utf-8"))

    sources = {path.relative_to(theme).as_posix(): path.read_text(encoding="utf-8") for path in theme.rglob("*.html")}

    def included(partial: str) -> bool:
        # Only templates that name the partial are parsed: parsing all of Material's takes seconds.
        return any(node.template.value == partial for name, text in sources.items() if f'"{partial}"' in text
                   for node in parsed(name).find_all((nodes.Include, nodes.Import)) if isinstance(node.template, nodes.Const))

    base = parsed("base.html")
    base_blocks = {block.name for block in base.find_all(nodes.Block)}
    uses = override_uses()
    overrides = {use.name for use in uses}
    for use in uses:
        if use.name.startswith(OWN_PARTIALS) or use.name in OWN_PAGES:
            pass
        elif not (theme / use.name).is_file():
            _mismatch(log, theme / use.name, f"không còn mẫu `{use.name}` mà `templates/mkdocs/{use.name}` thay thế")
        elif use.name.startswith("partials/") and not included(use.name):
            _mismatch(log, theme / use.name, f"không mẫu nào của Material còn dùng `{use.name}`: bản thay thế của ta sẽ không hiện")
        for block in sorted(use.blocks - base_blocks):
            _mismatch(log, theme / "base.html", f"không còn khối `{{% block {block} %}}` mà `templates/mkdocs/{use.name}` điền vào")
        for name in sorted(use.includes):
            own = name.removeprefix("material/")
            if not (theme / own).is_file() and (name.startswith("material/") or name not in overrides):
                _mismatch(log, theme / own, f"không còn tệp `{own}` mà `templates/mkdocs/{use.name}` dùng")
    for name, read in TEMPLATE_CONTEXT:
        if not (theme / name).is_file() or read not in template_reads(parsed(name)):
            _mismatch(log, theme / name, f"mẫu `{name}` không còn đọc `{read}` mà bộ tạo trang đặt cho nó")
    scripts = next(block for block in base.find_all(nodes.Block) if block.name == "scripts") if "scripts" in base_blocks else None
    if scripts is None or SCRIPTS_BLOCK_LOADS not in _constants(scripts):
        _mismatch(log, theme / "base.html", f"khối `scripts` không còn nạp `{SCRIPTS_BLOCK_LOADS}…` mà main.html hoãn tải")
    search = theme / "partials" / "search.html"
    for attribute in (SEARCH_DIALOG, SEARCH_LANDMARK):
        if search.is_file() and search.read_text(encoding="utf-8").count(attribute) != 1:
            _mismatch(log, search, f"`{attribute}` không xuất hiện đúng một lần: hộp tìm kiếm sẽ không có tên cho trình đọc màn hình")


def _constants(node) -> str:
    return " ".join(str(const.value) for const in node.find_all(nodes.Const)) + " ".join(
        data.data for data in node.find_all(nodes.TemplateData))


# --- the search index ----------------------------------------------------------

SEARCH_INDEX = "search/search_index.json"
# Material's search also indexes these fields: title and text with diacritics
# removed, since most people type "bao hiem tu nguyen" on a phone. Boosts
# match Material's own for title and text.
FOLDED_FIELDS = {"title": ("folded_title", 1e3), "text": ("folded_text", 1)}
SEARCH_CONFIG_KEYS = ("lang", "separator", "pipeline", "fields")
SEARCH_DOC_KEYS = ("location", "title", "text")


def read_search_index(path: Path) -> dict:
    """Material's search index as written by its search plugin, or MaterialMismatch if its format changed."""
    index = json.loads(path.read_text(encoding="utf-8"))
    log = ProblemLog(Path.cwd())
    _check_index(index, path, log)
    if log.errors:
        raise MaterialMismatch(log.errors)
    return index


def _check_index(index, path: Path, log: ProblemLog) -> None:
    config = index.get("config") if isinstance(index, dict) else None
    docs = index.get("docs") if isinstance(index, dict) else None
    if not isinstance(config, dict) or not isinstance(docs, list):
        _mismatch(log, path, "chỉ mục tìm kiếm không còn dạng {\"config\": …, \"docs\": […]}")
        return
    missing = [key for key in SEARCH_CONFIG_KEYS if key not in config]
    if missing or not isinstance(config.get("fields"), dict):
        _mismatch(log, path, f"phần `config` của chỉ mục tìm kiếm thiếu {', '.join(missing) or 'fields'}")
    for doc in docs:
        if not isinstance(doc, dict) or not all(isinstance(doc.get(key), str) for key in SEARCH_DOC_KEYS):
            _mismatch(log, path, f"mục của chỉ mục tìm kiếm không còn các trường {', '.join(SEARCH_DOC_KEYS)}")
            return


def _check_search_plugin(log: ProblemLog) -> None:
    """Material's search plugin, fed one page, must write the format the publisher reads."""
    from material.plugins.search import plugin as search

    config = {"lang": ["vi"], "separator": r"[\s\-]+", "pipeline": ["stopWordFilter"],
              "fields": {name: {"boost": boost} for name, boost in FOLDED_FIELDS.values()}}
    content = '<h1 id="a">Tiêu đề</h1><p>Mở đầu</p><h2 id="b">Mục</h2><p>Nội dung</p>'
    page = SimpleNamespace(meta={}, content=content, toc=[], url="trang/", title="Tiêu đề")
    where = Path(search.__file__)
    try:
        index = search.SearchIndex(**config)
        index.add_entry_from_context(page)
        written = json.loads(index.generate_search_index(None))
    except (AttributeError, TypeError, KeyError, ValueError) as error:
        _mismatch(log, where, f"không tạo được chỉ mục tìm kiếm như trước ({error!r})")
        return
    _check_index(written, where, log)
    if [doc.get("location") for doc in written.get("docs", [])] != ["trang/", "trang/#b"]:
        _mismatch(log, where, "chỉ mục tìm kiếm không còn ghi mỗi mục của trang với địa chỉ `trang/#mục`")


# --- all of it -----------------------------------------------------------------


def check_installed(log: ProblemLog) -> None:
    """Report, as errors in `log`, everything above that the installed Material no longer matches.

    `outreach check` runs this every time; a pass is remembered per machine for this
    Material, this module and these overrides and styles, so it costs once per upgrade.
    """
    folder = machine_cache("theme-checks")
    ours = [Path(__file__), *sorted(p for p in OVERRIDES_DIR.rglob("*") if p.is_file()), *sorted(STYLES_DIR.glob("*.css"))]
    declared = repr((BUNDLE_PATCHES, UNUSED_COMPONENTS, TEMPLATE_CONTEXT, SCRIPTS_BLOCK_LOADS, SEARCH_DIALOG, SEARCH_LANDMARK, FOLDED_FIELDS, OWN_PARTIALS, OWN_PAGES))
    passed = folder / digest(str(theme_dir()), library_versions(), files_digest(ours), declared) if folder else None
    if passed and passed.exists():
        return
    found = ProblemLog(log.root)
    theme = theme_dir()
    for pattern, check in ((BUNDLE_GLOB, lambda f: _check_bundle_code(f.read_text(encoding="utf-8"), f, found)),
                           (STYLESHEET_GLOB, lambda f: _check_stylesheet(f, found))):
        files = sorted(theme.glob(pattern))
        if len(files) != 1:
            _mismatch(found, theme, f"tìm thấy {len(files)} tệp `{pattern}` (cần đúng 1)")
        for file in files:
            check(file)
    _check_templates(theme, found)
    _check_search_plugin(found)
    log.problems.extend(found.problems)
    if passed and not found.errors:
        passed.touch()
