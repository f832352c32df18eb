"""The one allowlist for HTML that citizens see: page bodies, leaflet and card text.

Content is written by communicators in many communes, pasted from other sites
and spreadsheets, and could be written by someone who means harm. Whatever
HTML it becomes after Markdown goes through `clean`, which keeps only the tags,
attributes, classes and URL schemes declared below (nh3, the binding to the
Rust `ammonia` sanitizer, parses like a browser does, so tricks that fool a
regular expression do not fool it). The list is what the project's own
Markdown extensions (mkdocs.yml) and templates (templates/page,
templates/infographic) produce: tests/test_sanitize.py checks that the
sample site passes through unchanged.

`removed` tells what `clean` would drop, in Vietnamese, so `outreach check`
can report it at the author's line and authors learn what is allowed.

HTML the generator writes itself around the content (the calculator's form
and script, the theme) is added after cleaning and is not subject to it.
"""

from __future__ import annotations

import contextlib
import functools
import html as html_text
import re
import signal
import threading
from collections import Counter
from html.parser import HTMLParser

import nh3

# Links may go to the web, e-mail, phone numbers, and (relative URLs) pages and
# files of the site. Images must be files of the site: no third-party request
# from a citizen's phone, and nothing fetched from elsewhere when printing.
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})

# Python-Markdown's admonition and pymdownx.details put the type as a class;
# these are the types Material for MkDocs styles (with its aliases and modifiers).
ADMONITION_TYPES = frozenset({
    "note", "abstract", "summary", "tldr", "info", "todo", "tip", "hint", "important", "success", "check",
    "done", "question", "help", "faq", "warning", "caution", "attention", "failure", "fail", "missing",
    "danger", "error", "bug", "example", "quote", "cite", "inline", "end",
})

# Allowed on every tag below.
GLOBAL_ATTRIBUTES = frozenset({"lang", "dir", "title", "id"})

# Tag -> attributes it may carry besides the global ones and `class`.
TAG_ATTRIBUTES: dict[str, frozenset[str]] = {
    **{tag: frozenset() for tag in (
        "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "b", "em", "i", "u", "s", "del", "ins",
        "mark", "small", "sub", "sup", "code", "pre", "kbd", "blockquote", "q", "cite", "abbr", "span",
        "section", "figure", "figcaption", "ul", "li", "dl", "dt", "dd", "table", "caption", "thead", "tbody",
        "tfoot", "tr", "summary",
    )},
    "div": frozenset({"data-outreach-notice", "data-outreach-qr", "data-outreach-downloads"}),
    "a": frozenset({"href", "hreflang", "download"}),
    "img": frozenset({"src", "alt", "width", "height", "loading"}),
    "ol": frozenset({"start"}),
    "th": frozenset({"colspan", "rowspan", "style"}),
    "td": frozenset({"colspan", "rowspan", "style"}),
    "time": frozenset({"datetime"}),
    "details": frozenset({"open", "data-outreach-figures"}),
    "figure": frozenset({"data-infographic"}),
    # The data-key of a figure names the policy key it shows.
    "span": frozenset({"data-key"}),
    "li": frozenset({"data-key"}),
    # The check mark of the infographic cards.
    "svg": frozenset({"viewBox", "width", "height", "aria-hidden", "focusable"}),
    "circle": frozenset({"cx", "cy", "r", "fill"}),
    "path": frozenset({"d", "fill", "stroke", "stroke-width"}),
}
# Attributes allowed only with these values.
TAG_ATTRIBUTE_VALUES = {"div": {"role": {"note"}}}
# Python-Markdown's tables align columns with a style attribute: only that property.
STYLE_PROPERTIES = frozenset({"text-align"})

# Tag -> classes: the project's own (templates/page, templates/infographic),
# admonitions, and Material's button for a link.
CLASSES: dict[str, frozenset[str]] = {
    "div": ADMONITION_TYPES | {"admonition", "outreach-notice", "outreach-notice--draft", "outreach-notice--fallback",
                               "outreach-notice--outdated", "outreach-qr", "outreach-downloads", "outreach-comparison"},
    "details": ADMONITION_TYPES | {"outreach-figures"},
    "p": frozenset({"admonition-title", "outreach-infographic__downloads", "outreach-comparison__title",
                    "outreach-infographic__legend", "outreach-legend"}),
    "span": frozenset({"outreach-figure", "outreach-figure--unverified", "outreach-figure__mark", "outreach-figures__basis", "outreach-card__text",
                       "outreach-card__note", "outreach-timeline__date", "paper-link", "paper-link__where"}),
    "em": frozenset({"outreach-figures__unverified", "outreach-card__unverified"}),
    "strong": frozenset({"outreach-card__value"}),
    "figure": frozenset({"outreach-infographic", "outreach-infographic--cards", "outreach-infographic--steps",
                         "outreach-infographic--comparison", "outreach-infographic--timeline"}),
    "figcaption": frozenset({"outreach-infographic__title"}),
    "ul": frozenset({"outreach-cards"}),
    "li": frozenset({"outreach-card", "outreach-card--unverified"}),
    "ol": frozenset({"outreach-steps", "outreach-timeline"}),
    "svg": frozenset({"outreach-card__mark"}),
    "section": frozenset({"outreach-comparison__side", "outreach-comparison__side--1", "outreach-comparison__side--2"}),
    "time": frozenset({"outreach-timeline__date"}),
    "a": frozenset({"md-button", "md-button--primary"}),
}

# Ids the page's own scripts and the leaflet layout look up: content that took
# one (`{: #calc-data }`) would feed the calculator or fake a leaflet's end.
RESERVED_ID_PREFIXES = ("__", "md-", "calc-", "region-", "end-", "part-", "outreach-")

# Removed with everything inside them, not just the tags: code, and elements
# whose content a browser reads as text rather than HTML.
REMOVED_WITH_CONTENT = frozenset({"script", "style", "template", "iframe", "noscript", "noembed", "noframes",
                                  "textarea", "title", "xmp", "plaintext"})


def _keep_attribute(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "id" and value.lower().startswith(RESERVED_ID_PREFIXES):
        return None
    if tag == "img" and attribute == "src" and (value.startswith("//") or _SCHEME.match(value)):
        return None
    return value


_SCHEME = re.compile(r"^\s*([a-zA-Z][a-zA-Z0-9+.-]*):")

_CLEANER = nh3.Cleaner(
    tags=set(TAG_ATTRIBUTES),
    clean_content_tags=set(REMOVED_WITH_CONTENT),
    attributes={"*": set(GLOBAL_ATTRIBUTES), **{tag: set(attributes) for tag, attributes in TAG_ATTRIBUTES.items()}},
    tag_attribute_values={tag: {name: set(values) for name, values in allowed.items()} for tag, allowed in TAG_ATTRIBUTE_VALUES.items()},
    allowed_classes={tag: set(classes) for tag, classes in CLASSES.items()},
    filter_style_properties=set(STYLE_PROPERTIES),
    url_schemes=set(URL_SCHEMES),
    attribute_filter=_keep_attribute,
    link_rel=None,
    strip_comments=True,
)


def clean(html: str) -> str:
    """`html` with everything outside the allowlist removed; safe to put in a citizen's page or leaflet."""
    with _interrupt_after():
        return _CLEANER.clean(html)


@contextlib.contextmanager
def _interrupt_after():
    """Ctrl+C held back while nh3 calls `_keep_attribute`, and delivered once it returns.

    nh3 swallows an exception raised inside its callback: a KeyboardInterrupt there would be
    printed as an English traceback, the attribute dropped, and the page reported as if its
    author had written something not allowed. Python runs signal handlers in the main thread
    whichever thread the signal reached, so a handler that only notes the press is what holds
    it back (blocking the signal in this thread would not: another thread may take it).
    """
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread receives Ctrl+C
        return
    pressed = []
    previous = signal.signal(signal.SIGINT, lambda *_: pressed.append(True))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if pressed:
            signal.raise_signal(signal.SIGINT)  # as if pressed now, with the handler it would have met


class Removal(str):
    """What `clean` drops, described in Vietnamese for the author; `clues` are words of the source
    that show where it was written, so the message can name the line."""

    clues: tuple[str, ...] = ()

    @classmethod
    def of(cls, feature: tuple) -> "Removal":
        removal = cls(_describe(*feature))
        kind, tag, *rest = feature
        removal.clues = (f"<{tag}",) if kind == "tag" else tuple(reversed(rest)) + (f"<{tag}",)
        return removal


def removed(html: str) -> list[Removal]:
    """What `clean` drops from `html`, each described in Vietnamese for the author, in order, once each.

    Found by cleaning twice with the same parser: once keeping every tag,
    attribute and scheme the text names, once with the allowlist; the
    difference is exactly what the allowlist removes.
    """
    return list(_removed(html))


# Memoised per text: a draft translation or a fallback page is often its Vietnamese page's text, and a
# preview's rebuild asks again for every page whose text did not change; each answer parses the page twice.
@functools.lru_cache(maxsize=1024)
def _removed(html: str) -> tuple[Removal, ...]:
    tags = {name.lower() for name in re.findall(r"<\s*([a-zA-Z][^\s/>]*)", html)}
    kept = Counter(_features(clean(html)))
    everything = _features(_permissive(html, tags).clean(html))
    descriptions = [Removal.of(("tag", tag)) for tag in sorted(tags & REMOVED_WITH_CONTENT) if _has_element(html, tag)]
    for feature, count in Counter(everything).items():
        if count <= kept[feature]:
            continue
        if feature[0] != "tag" and feature[1] not in TAG_ATTRIBUTES:
            continue  # an attribute of a removed tag: the tag is reported
        description = Removal.of(feature)
        if description not in descriptions:
            descriptions.append(description)
    return tuple(descriptions)


def _permissive(html: str, tags: set[str]) -> nh3.Cleaner:
    """A cleaner that keeps every tag and URL scheme `html` could contain (a generous guess is harmless).

    Elements removed with their content are removed here too: their content
    is text to a browser, and would read as tags to the parser below.
    """
    # Browsers drop tabs and line breaks inside a URL: "java&#9;script:" is javascript:.
    decoded = re.sub(r"[\t\n\r]", "", html_text.unescape(html))
    schemes = {name.lower() for name in re.findall(r"([a-zA-Z][a-zA-Z0-9+.-]*):", decoded)}
    return nh3.Cleaner(
        tags=(tags | set(TAG_ATTRIBUTES)) - REMOVED_WITH_CONTENT, clean_content_tags=set(REMOVED_WITH_CONTENT),
        generic_attribute_prefixes={""}, url_schemes=schemes | set(URL_SCHEMES), link_rel=None, strip_comments=True,
    )


def _has_element(html: str, tag: str) -> bool:
    """Whether a browser would see a `tag` element in `html` (not just the word inside an attribute)."""
    return f"<{tag}" in nh3.Cleaner(tags={tag}, clean_content_tags=set(), attributes={}, link_rel=None).clean(html)


class _FeatureList(HTMLParser):
    """Each tag, attribute, class and style property of well-formed HTML, in document order."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.features: list[tuple] = []

    def handle_starttag(self, tag, attrs):
        self.features.append(("tag", tag))
        for name, value in attrs:
            value = value or ""
            if name == "class":
                self.features += [("class", tag, token) for token in value.split()]
            elif name == "style":
                self.features += [("style", tag, declaration.split(":")[0].strip().lower())
                                  for declaration in value.split(";") if declaration.strip()]
            else:
                self.features.append(("attribute", tag, name, value))


def _features(html: str) -> list[tuple]:
    parser = _FeatureList()
    parser.feed(html)
    parser.close()
    return parser.features


_TAG_REASONS = {
    "script": "chạy mã trên máy người đọc",
    "style": "đổi giao diện trang và có thể tải tệp từ nơi khác",
    **dict.fromkeys(("iframe", "frame", "frameset", "object", "embed", "applet", "portal"), "nhúng trang hoặc tệp khác vào trang"),
    **dict.fromkeys(("form", "input", "button", "select", "textarea", "option"), "ô nhập, nút bấm gửi thông tin đi nơi khác"),
    **dict.fromkeys(("link", "meta", "base"), "thay đổi cách trình duyệt tải trang"),
}
_URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href"}


def _short(value: str) -> str:
    value = " ".join(value.split())
    return value if len(value) <= 60 else value[:57] + "…"


def _describe(kind: str, tag: str, *rest: str) -> str:
    if kind == "tag":
        reason = _TAG_REASONS.get(tag, "không có trong danh sách thẻ dùng trong bài viết")
        return f"thẻ <{tag}> ({reason})"
    if kind == "class":
        return f"lớp `{rest[0]}` của thẻ <{tag}> (không có trong danh sách lớp được dùng)"
    if kind == "style":
        return f"kiểu `{rest[0]}` trong style= của thẻ <{tag}> (chỉ dùng text-align trong bảng)"
    name, value = rest
    if name.startswith("on"):
        return f"thuộc tính {name}= của thẻ <{tag}> (chạy mã khi trang mở hoặc khi người đọc bấm)"
    if tag == "img" and name == "src":
        return f"ảnh `{_short(value)}` (chỉ dùng ảnh chép vào thư mục content/, không lấy ảnh từ nơi khác)"
    if name in _URL_ATTRIBUTES:
        return f"địa chỉ `{_short(value)}` của thẻ <{tag}> (chỉ dùng liên kết http, https, mailto, tel hoặc tới trang, tệp của trang web)"
    if name == "id":
        return f"id `{_short(value)}` của thẻ <{tag}> (tên này dành cho trang web; đặt tên khác)"
    return f"thuộc tính {name}= của thẻ <{tag}>"
