"""Allowlist sanitizer for every piece of HTML made from content (placeholder until the full one lands)."""

from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser

import nh3

TAGS = {"p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "u", "s", "small", "sub", "sup",
        "ul", "ol", "li", "dl", "dt", "dd", "blockquote", "table", "thead", "tbody", "tr", "th", "td", "a", "img",
        "div", "span", "details", "summary", "figure", "figcaption", "abbr", "time", "code", "pre", "mark"}
ATTRIBUTES = {"*": {"id", "lang", "title"}, "a": {"href", "hreflang"}, "img": {"src", "alt", "width", "height", "loading"},
              "div": {"class"}, "span": {"class", "data-key"}, "p": {"class"}, "th": {"align"}, "td": {"align"},
              "details": {"class", "open"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}


def clean(html: str) -> str:
    return nh3.clean(html, tags=TAGS, attributes=ATTRIBUTES, url_schemes=URL_SCHEMES, link_rel=None,
                     clean_content_tags={"script", "style"})


class _Inventory(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.items: Counter = Counter()

    def handle_starttag(self, tag, attrs):
        self.items[("tag", tag)] += 1
        for name, value in attrs:
            self.items[("attr", f"{tag} {name}={value}")] += 1


def _inventory(html: str) -> Counter:
    parser = _Inventory()
    parser.feed(html)
    parser.close()
    return parser.items


def removed(html: str) -> list[tuple[str, tuple[str, ...]]]:
    """What the sanitizer drops from `html`, described for authors: (description, texts to find its line by)."""
    lost = _inventory(html) - _inventory(clean(html))
    found = []
    for kind, item in lost:
        if kind == "tag":
            found.append((f"thẻ <{item}>", (f"<{item}",)))
        else:
            tag, _, attribute = item.partition(" ")
            name = attribute.split("=", 1)[0]
            if name == "rel" and tag == "a":
                continue
            found.append((f"thuộc tính `{attribute[:60]}` của thẻ <{tag}>", (attribute.split("=", 1)[1], name)))
    return found
