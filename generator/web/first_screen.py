"""The first screen in one round trip: each page carries the stylesheet rules its own elements use.

On slow 3G (400 ms a round trip, 50 KB a second) a page that links Material's
stylesheet and ours in its head paints only once both have arrived: its HTML,
then another round trip for 16 KB of CSS of which a page uses a fraction.
Here each published page gets, inlined in a `<style>` where those links were,
the rules whose selectors match one of its elements (as the page is at its
first paint: scripted, see `_AS_PAINTED`) and the custom properties these read,
so its first response paints it. The full stylesheets follow as `media="print"`
links, which delay no paint, and a small script applies them to the screen
once all have arrived (`_APPLY_TOGETHER`), bringing every other rule: states
(hover, focus, an open menu or search) and what scripts add later. Both copies
hold the same rules in the same order, so the cascade is the same before and
after. Without scripts, the links in `<noscript>` load as before.

The service worker keeps the full stylesheets as before (`webapp.py`): a stored
copy of a page is the same page. The inline script's hash joins the
Content-Security-Policy with the others (`server.py`). The policy already lets
inline styles apply (Material writes `style` attributes); a hash of the
`<style>` in it would make browsers ignore that permission and refuse them.

Selectors are matched by cssselect2 (WeasyPrint's own), on a tree the standard
library's HTML parser builds: MkDocs writes well-formed pages, and a full HTML5
parser took three times as long. A selector cssselect2 cannot read is kept, so
nothing a page needs is lost.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Callable, Iterator

import xml.etree.ElementTree as ElementTree
from html.parser import HTMLParser

import cssselect2
import tinycss2

# Material's and our stylesheets as the theme links them for the screen (`media="print"` is left alone:
# it never delays a page on screen).
_SCREEN_STYLESHEET = re.compile(r'<link rel="stylesheet" href="(?P<href>[^"]+)">\n?')
_HEAD_END = "</head>"
_FULL = "data-outreach-stylesheet"
# The full stylesheets load as `media="print"` ones do: without delaying the paint. Once all have
# arrived they apply to the screen together: one applied alone would win over the inlined rules of
# the stylesheets after it (Material's colours over ours) until the next one arrives.
_APPLY_TOGETHER = f"""<script>
(function () {{
  var sheets = document.querySelectorAll("link[{_FULL}]"), waiting = sheets.length;
  var arrived = function () {{
    if (--waiting === 0) {{ sheets.forEach(function (sheet) {{ sheet.media = "all"; }}); }}
  }};
  sheets.forEach(function (sheet) {{
    if (sheet.sheet) {{ arrived(); }} else {{ sheet.onload = sheet.onerror = arrived; }}
  }});
}})();
</script>
"""
_STYLE_END = re.compile("</(?=style)", re.I)
# The page's first inline script turns `no-js` into `js` before it paints (templates/mkdocs/main.html);
# matched with `js` added, a rule for either state is kept (no selector here asks for one's absence).
_AS_PAINTED = "js"
# Where a line's leading spaces are the content's own (Material's stylesheet sets `white-space: pre-wrap` on
# code and kbd), or a script's or a style's.
_WHITESPACE_KEPT = re.compile(r"(<(pre|textarea|code|kbd|script|style)\b.*?</\2>)", re.S | re.I)
_INDENTATION = re.compile(r"\n\s+")
_PRINT_ONLY = re.compile(r"@media\s*print", re.I)
_VARIABLE = re.compile(r"var\(\s*(--[\w-]+)")


@dataclass(frozen=True)
class _Declaration:
    text: str
    defines: str | None  # the custom property it sets (`--md-primary-fg-color`), if it sets one
    uses: frozenset[str]  # the custom properties its value reads


@dataclass(frozen=True)
class _Rule:
    """A style rule: its selectors one by one (`None` where cssselect2 cannot read one) and its declarations."""

    selectors: tuple[str, ...]
    compiled: tuple[tuple[cssselect2.compiler.CompiledSelector, ...] | None, ...]
    declarations: tuple[_Declaration, ...]


@dataclass(frozen=True)
class _Group:
    """A conditional group (`@media`, `@supports`): its prelude and the rules inside."""

    prelude: str
    children: tuple


@dataclass(frozen=True)
class _Keyframes:
    name: str
    text: str


class FirstScreen:
    """Inlines each page's first-screen rules; `stylesheet(site_path)` gives the CSS the site publishes at that path."""

    def __init__(self, stylesheet: Callable[[str], str | None]):
        self._stylesheet = stylesheet

    def inline(self, html: str) -> str:
        """The page with its screen stylesheets' used rules in a `<style>`, and the stylesheets loading after it.

        A page whose head links a stylesheet the site does not publish is returned as it is.
        """
        head, end, body = html.partition(_HEAD_END)
        links = list(_SCREEN_STYLESHEET.finditer(head))
        if not links or not end:
            return html
        paths = tuple(self._site_path(link["href"]) for link in links)
        if None in paths:
            return html
        matched = self._selectors(paths).matched(html)
        kept = {id(rule): selectors for path in paths for rule in _rules(self._parsed(path))
                if (selectors := _kept_selectors(rule, matched))}
        used = [rule for path in paths for rule in _rules(self._parsed(path)) if id(rule) in kept]
        names = _used_variables(html, used) | _animations(used)
        css = "".join(_serialize(node, kept, names) for path in paths for node in self._parsed(path))
        # The only text that would end the element early; `\/` is `/` to CSS.
        inlined = "<style>" + _STYLE_END.sub("<\\\\/", css) + "</style>\n"
        hrefs = [link["href"] for link in links]
        full = "".join(f'<link rel="stylesheet" href="{href}" media="print" {_FULL}>\n' for href in hrefs)
        without_script = "".join(f'<link rel="stylesheet" href="{href}">' for href in hrefs)
        first = links[0].start()
        head = (head[:first] + inlined + full + _APPLY_TOGETHER + f"<noscript>{without_script}</noscript>\n"
                + _SCREEN_STYLESHEET.sub("", head[first:]))
        return _without_indentation(head + end + body)

    def _site_path(self, href: str) -> str | None:
        # Links are relative to the page ("../assets/…") or absolute from the site's root path (404 pages).
        parts = [p for p in href.split("?")[0].split("/") if p not in ("", ".", "..")]
        for start in range(len(parts)):
            path = "/".join(parts[start:])
            if self._parsed(path) is not None:
                return path
        return None

    @functools.cache
    def _selectors(self, paths: tuple[str, ...]) -> _Selectors:
        return _Selectors((selector, (id(rule), index)) for path in paths for rule in _rules(self._parsed(path))
                          for index, compiled in enumerate(rule.compiled) for selector in compiled or ())

    @functools.cache
    def _parsed(self, path: str) -> tuple | None:
        css = self._stylesheet(path)
        if css is None:
            return None
        return tuple(_parse(tinycss2.parse_stylesheet(css, skip_whitespace=True, skip_comments=True)))


def _without_indentation(html: str) -> str:
    """The page without the templates' indentation and blank lines: 5 % of a page's gzip. Anywhere else a
    newline and the spaces after it show as one space, as the newline alone does."""
    parts = _WHITESPACE_KEPT.split(html)
    # split() returns text, then each kept element and its tag name, in turn
    return "".join(_INDENTATION.sub("\n", part) if index % 3 == 0 else part
                   for index, part in enumerate(parts) if index % 3 != 2)


def _parse(nodes) -> Iterator:
    for node in nodes:
        if node.type == "qualified-rule":
            selectors = tuple(tinycss2.serialize(part).strip() for part in _split_commas(node.prelude))
            yield _Rule(selectors, tuple(map(_compiled, selectors)), tuple(map(_declaration, tinycss2.parse_blocks_contents(
                node.content, skip_whitespace=True, skip_comments=True))))
        elif node.type == "at-rule" and node.content is not None and node.lower_at_keyword in ("media", "supports"):
            inner = tinycss2.parse_rule_list(node.content, skip_whitespace=True, skip_comments=True)
            yield _Group(f"@{node.at_keyword}{tinycss2.serialize(node.prelude)}", tuple(_parse(inner)))
        elif node.type == "at-rule":
            if node.lower_at_keyword.endswith("keyframes"):
                yield _Keyframes(tinycss2.serialize(node.prelude).strip(), tinycss2.serialize([node]))
            elif node.lower_at_keyword != "page":  # printing waits for the full stylesheets
                yield tinycss2.serialize([node])  # @font-face…: kept as it is
        # anything else is a parse error the browser would drop too


def _split_commas(tokens) -> Iterator[list]:
    part: list = []
    for token in tokens:
        if token.type == "literal" and token.value == ",":
            yield part
            part = []
        else:
            part.append(token)
    yield part


def _declaration(node) -> _Declaration:
    text = tinycss2.serialize([node])
    defines = node.name if node.type == "declaration" and node.name.startswith("--") else None
    return _Declaration(text, defines, frozenset(_VARIABLE.findall(text)))


def _compiled(selector: str):
    # cssselect2 reads no state after a pseudo-element (`::-webkit-scrollbar-thumb:hover`): the
    # element the pseudo-element belongs to decides whether the rule can apply.
    for readable in (selector, selector.partition("::")[0]):
        try:
            return tuple(cssselect2.compile_selector_list(readable))
        except cssselect2.SelectorError:
            continue
    return None


def _rules(nodes) -> Iterator[_Rule]:
    for node in nodes:
        if isinstance(node, _Rule):
            yield node
        elif isinstance(node, _Group):
            yield from _rules(node.children)


class _Selectors:
    """Compiled selectors filed, like cssselect2's Matcher, under the id, class or tag their element must have.

    Unlike the Matcher, which finds every selector of every element, it stops testing a selector once
    an element of the page matched it: that is all the page needs to know, in a third of the time.
    """

    def __init__(self, selectors):
        self._by_id: dict[str, list] = {}
        self._by_class: dict[str, list] = {}
        self._by_tag: dict[str, list] = {}
        self._others: list = []
        for selector, payload in selectors:
            if selector.never_matches:
                continue
            entry = (selector.test, payload)
            if selector.id is not None:
                self._by_id.setdefault(selector.id, []).append(entry)
            elif selector.class_name is not None:
                self._by_class.setdefault(selector.class_name, []).append(entry)
            elif selector.lower_local_name is not None:
                self._by_tag.setdefault(selector.lower_local_name, []).append(entry)
            else:
                self._others.append(entry)

    def matched(self, html: str) -> set:
        """The payloads of the selectors an element of the page matches, as it is at its first paint."""
        root = _element_tree(html)
        root.set("class", " ".join([root.get("class", ""), _AS_PAINTED]).strip())
        found = set()
        for element in cssselect2.ElementWrapper.from_html_root(root).iter_subtree():
            candidates = [self._by_id.get(element.id, ()), self._by_tag.get(element.local_name.lower(), ()), self._others]
            candidates += [self._by_class[name] for name in element.classes if name in self._by_class]
            for entries in candidates:
                for test, payload in entries:
                    if payload not in found and test(element):
                        found.add(payload)
        return found


def _kept_selectors(rule: _Rule, matched: set[tuple[int, int]]) -> list[str]:
    """The rule's selectors an element of the page matches, and those cssselect2 cannot read."""
    return [selector for index, (selector, compiled) in enumerate(zip(rule.selectors, rule.compiled))
            if compiled is None or (id(rule), index) in matched]


def _used_variables(html: str, rules: list[_Rule]) -> set[str]:
    """The custom properties the page reads: from its `style` attributes, from the rules' other
    declarations, and from the custom properties these read in turn.

    Material defines some 200 (colours, and icons as data URLs: 16 KB) on `:root`; a page reads a few dozen.
    """
    declarations = [declaration for rule in rules for declaration in rule.declarations]
    used = set(_VARIABLE.findall(html))
    used.update(name for declaration in declarations if not declaration.defines for name in declaration.uses)
    while True:
        more = {name for declaration in declarations if declaration.defines in used for name in declaration.uses} - used
        if not more:
            return used
        used |= more


def _animations(rules: list[_Rule]) -> set[str]:
    """The names the rules' `animation` declarations could mean (every word of their values)."""
    return {word for rule in rules for declaration in rule.declarations if declaration.text.startswith("animation")
            for word in re.findall(r"[\w-]+", declaration.text.partition(":")[2])}


def _serialize(node, kept: dict[int, list[str]], names: set[str]) -> str:
    """The node's part of the page's CSS; `names`: the custom properties and animations the page uses."""
    if isinstance(node, _Rule):
        selectors = kept.get(id(node))
        block = "".join(d.text for d in node.declarations if d.defines is None or d.defines in names)
        return ",".join(selectors) + "{" + block + "}" if selectors and block else ""
    if isinstance(node, _Group):
        if _PRINT_ONLY.fullmatch(node.prelude):
            return ""  # printing waits for the full stylesheets (they load as print ones)
        inner = "".join(_serialize(child, kept, names) for child in node.children)
        return node.prelude + "{" + inner + "}" if inner else ""
    if isinstance(node, _Keyframes):
        return node.text if node.name in names else ""
    return node


_VOID = frozenset("area base br col embed hr img input link meta source track wbr".split())


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = ElementTree.Element("html")
        self._open = [ElementTree.Element("document")]

    def handle_starttag(self, tag, attrs):
        element = self._add(tag, attrs)
        if tag == "html":
            self.root = element
        if tag not in _VOID:
            self._open.append(element)

    def handle_startendtag(self, tag, attrs):
        self._add(tag, attrs)

    def handle_endtag(self, tag):
        for depth in range(len(self._open) - 1, 0, -1):
            if self._open[depth].tag == tag:
                del self._open[depth:]
                return

    def handle_data(self, data):
        parent = self._open[-1]
        if len(parent):  # for `:empty`: text, as ElementTree keeps it
            parent[-1].tail = (parent[-1].tail or "") + data
        else:
            parent.text = (parent.text or "") + data

    def _add(self, tag, attrs) -> ElementTree.Element:
        return ElementTree.SubElement(self._open[-1], tag, {name: value or "" for name, value in attrs})


def _element_tree(html: str) -> ElementTree.Element:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root
