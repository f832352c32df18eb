"""A citizen reads every kind of page: zoomed to 200% or with large text, by keyboard, in their
own language, finding their language by name (WCAG 2.2 AA; the GOV.UK Design System as model).

Static checks read every built page; browser checks drive Debian's Chromium on each page type
(home, overview, guide, Q&A, calculator, 404) in every language.
"""

import json
import re

import pytest
from bs4 import BeautifulSoup

from generator.sources.languages import load_languages
from generator.web import material

LANGUAGES = load_languages()
PREFIXES = [language.url_prefix for language in LANGUAGES]
PAGE_TYPES = {"home": "", "overview": "tu-nguyen/", "guide": "tu-nguyen/quyen-loi/", "Q&A": "tu-nguyen/hoi-dap/",
              "calculator": "tu-nguyen/tinh-tien-dong/", "404": "404.html"}
PAGES = [(kind, prefix + path) for prefix in PREFIXES for kind, path in PAGE_TYPES.items()]


# --- every word in the reader's language --------------------------------------

# Proper names, brands, file formats and abbreviations a page may show as they are.
PROPER_NAMES = {"zalo", "facebook", "tiktok", "vssid", "svg", "png", "pdf", "qr", "bhxh", "bhyt", "bhtn", "ubnd",
                "jrai", "bahnar", "gia", "lai", "infographic", "cmyk", "a3", "a4", "a5", "mm"}
# File names and addresses are shown as they are (the team's pages name Markdown files).
FILE_NAMES = re.compile(r"\S+\.(md|html|pdf|png|svg|yml|csv|vn|org)\b\S*")
VIETNAMESE_SYLLABLE = re.compile(
    r"(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnpqrstvx])?"
    r"(uye|uya|uyu|ieu|yeu|oai|oay|uoi|uay|ươi|ươu|[aăâeêioôơuưy]{1,3})"
    r"(ng|nh|ch|[cmnpt])?", re.IGNORECASE)


def english_words() -> set[str]:
    """Every word of Material's English interface strings that cannot be a Vietnamese syllable
    written without marks: what leaks when a string is not in our catalogues."""
    english = (material.theme_dir() / "partials" / "languages" / "en.html").read_text(encoding="utf-8")
    words = set()
    for text in re.findall(r'^\s*"[\w.]+": "(.*)",?$', english, re.M):
        words.update(word.lower() for word in re.findall(r"[A-Za-z]{2,}", text))
    return {w for w in words if not VIETNAMESE_SYLLABLE.fullmatch(w) and w not in PROPER_NAMES}


def reader_facing_text(html: str) -> list[str]:
    """What a reader sees or a screen reader says: text, accessible names and hints, and the
    strings Material's script shows (its __config translations)."""
    soup = BeautifulSoup(html, "html.parser")
    found = []
    config = soup.find("script", id="__config")
    if config:
        found += list(json.loads(config.string)["translations"].values())
    for hidden in soup(["script", "style", "template", "svg"]):
        hidden.decompose()
    found += [text for text in soup.find("body").stripped_strings]
    found += [soup.title.get_text()] if soup.title else []
    for attribute in ("aria-label", "title", "placeholder", "alt"):
        found += [element[attribute] for element in soup.find_all(attrs={attribute: True})]
    return found


def test_the_english_check_finds_what_material_would_show():
    # The check itself: Material's own English strings are caught, Vietnamese is not.
    english = english_words()
    assert {"initializing", "search", "skip", "clear"} <= english
    flagged = lambda text: {w.lower() for w in re.findall(r"[A-Za-z]+", text)} & english
    assert flagged("Initializing search") and flagged("Type to start searching")
    assert not flagged("Bảo hiểm xã hội cho mọi người, bao hiem tu nguyen, tổng đài 1900 9068")


def test_no_page_in_any_language_shows_an_english_word(built_site):
    english = english_words()
    pages = sorted(built_site.site_dir.rglob("*.html"))
    assert len(pages) > 80
    leaks = {}
    for path in pages:
        for text in reader_facing_text(path.read_text(encoding="utf-8")):
            text = FILE_NAMES.sub(" ", text)
            words = {word.lower() for word in re.findall(r"[A-Za-z]+", text)} & english
            if words:
                leaks.setdefault(path.relative_to(built_site.site_dir).as_posix(), set()).add(text)
    assert leaks == {}, list(leaks.items())[:5]


def test_materials_strings_come_from_our_catalogue(built_site):
    vietnamese = LANGUAGES[0]
    html = (built_site.site_dir / "tu-nguyen" / "index.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "html.parser")
    assert soup.select_one(".md-search-result__meta").get_text(strip=True) == vietnamese.t("search.result.initializer")
    translations = json.loads(soup.find("script", id="__config").string)["translations"]
    assert translations["search.result.term.missing"] == vietnamese.t("search.result.term.missing") == "Không có từ"


# --- structure of every page ---------------------------------------------------


def test_every_page_skips_to_its_content_and_names_every_language(built_site):
    site = built_site.site_dir
    for kind, url in PAGES:
        path = site / (url if url.endswith(".html") else url + "index.html")
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        # Material's own skip link is hidden (display: none) and takes no focus.
        focusable = [e for e in soup.select("a[href], button, input:not([type=checkbox]), select, summary")
                     if not e.find_parent(attrs={"data-md-component": "skip"})]
        skip = focusable[0]
        assert skip["href"] == "#outreach-main", (url, skip)
        target = soup.find(id="outreach-main")
        assert target and target.find_parent("article"), url
        # It comes before all of the page's own content: the home page's audiences too.
        assert target.find_parent("article").find(True) is target, url
        named = soup.select("nav.outreach-languages li > [lang]")
        assert [(e.get_text(strip=True), e["lang"]) for e in named] == [(l.name, l.html_lang) for l in LANGUAGES], url


# --- in the browser --------------------------------------------------------------

# Elements that reach past the viewport's edges, or whose content their own box cuts off,
# as far as any ancestor that clips lets them be seen (a closed drawer is wholly off screen).
OVERFLOWS = """() => {
  const width = document.documentElement.clientWidth;
  const problems = [];
  if (document.documentElement.scrollWidth > width) problems.push(`page ${document.documentElement.scrollWidth} px wide`);
  const visibleBox = element => {
    let box = element.getBoundingClientRect();
    let left = box.left, right = box.right;
    for (let up = element.parentElement; up && up !== document.body; up = up.parentElement) {
      const style = getComputedStyle(up);
      if (style.overflowX !== "visible" || style.transform !== "none" && style.position === "fixed") {
        const clip = up.getBoundingClientRect();
        if (style.overflowX !== "visible") { left = Math.max(left, clip.left); right = Math.min(right, clip.right); }
      }
    }
    return {left, right, box};
  };
  for (const element of document.querySelectorAll("body *")) {
    const style = getComputedStyle(element);
    if (style.visibility === "hidden" || style.display === "none" || element.closest("[hidden], template")) continue;
    const {left, right, box} = visibleBox(element);
    if (!box.width || !box.height || right <= 0 || left >= width || right - left <= 0) continue;
    const name = element.tagName.toLowerCase() + (typeof element.className === "string" && element.className
      ? "." + element.className.trim().split(/\\s+/).join(".") : "");
    if (box.left < -0.5 || box.right > width + 0.5) {
      if (!element.closest(".md-typeset__scrollwrap")) problems.push(`${name} at ${Math.round(box.left)}..${Math.round(box.right)}`);
    } else if (/hidden|clip/.test(style.overflowX) && element.scrollWidth > element.clientWidth + 1) {
      problems.push(`${name} cuts its content: ${element.scrollWidth} > ${element.clientWidth}`);
    }
  }
  return problems;
}"""

# 320 CSS px (WCAG 1.4.10); a 640 px screen zoomed to 200% (the same 320 CSS px at twice the
# pixels); a 360 px phone with text at 200% (WCAG 1.4.4: Android's larger text grows the root size).
READING_MODES = {"320 px": ({"width": 320, "height": 640}, 1, 1),
                 "640 px at 200% zoom": ({"width": 320, "height": 480}, 2, 1),
                 "360 px, text at 200%": ({"width": 360, "height": 640}, 1, 2)}


def larger_text(page, factor: float) -> None:
    if factor != 1:
        page.evaluate(f"""() => {{ const root = document.documentElement;
            root.style.fontSize = parseFloat(getComputedStyle(root).fontSize) * {factor} + "px"; }}""")


@pytest.mark.browser
@pytest.mark.parametrize("mode", READING_MODES)
def test_every_page_type_reflows_without_anything_cut_off(server, browser, mode):
    viewport, scale, text = READING_MODES[mode]
    page = browser.new_page(viewport=viewport, device_scale_factor=scale)
    found = {}
    for kind, url in PAGES:
        page.goto(server + url)
        larger_text(page, text)
        if problems := page.evaluate(OVERFLOWS):
            found[url or "/"] = problems[:4]
    assert found == {}, found
    page.close()


# The contrast of a focus ring against what is behind the element (WCAG 2.4.11 asks 3:1): the
# better of its two rings (outline, then the box-shadow around it).
FOCUS_RING = """() => {
  const element = document.activeElement;
  const rgb = text => (text.match(/[\\d.]+/g) || []).slice(0, 4).map(Number);
  const luminance = ([r, g, b]) => [r, g, b].map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
    .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
  const contrast = (a, b) => { const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  let background = [255, 255, 255];
  for (let up = element.parentElement; up; up = up.parentElement) {
    const colour = rgb(getComputedStyle(up).backgroundColor);
    if (colour.length === 3 || colour[3] > 0.5) { background = colour.slice(0, 3); break; }
  }
  const style = getComputedStyle(element);
  const rings = [];
  if (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2) rings.push(rgb(style.outlineColor));
  const shadow = style.boxShadow.match(/rgba?\\([^)]*\\)/);
  if (shadow) rings.push(rgb(shadow[0]));
  // A link that turns another colour when focused (GOV.UK's yellow) is its own indicator: its
  // background then differs from an unfocused copy's.
  const own = rgb(style.backgroundColor);
  const copy = element.cloneNode(true);
  copy.removeAttribute("id");
  element.after(copy);
  const idle = getComputedStyle(copy).backgroundColor;
  copy.remove();
  if ((own.length === 3 || own[3] > 0.5) && style.backgroundColor !== idle) rings.push(own);
  const box = element.getBoundingClientRect();
  return {
    name: element.tagName.toLowerCase() + (element.id ? "#" + element.id : "") + " " + (element.getAttribute("href") || element.textContent.trim().slice(0, 30)),
    contrast: Math.max(0, ...rings.map(ring => contrast(ring.slice(0, 3), background))),
    onScreen: box.width > 0 && box.height > 0 && box.bottom > 0 && box.top < innerHeight && box.right > 0 && box.left < innerWidth,
    inMain: !!element.closest("main"),
  };
}"""


@pytest.mark.browser
@pytest.mark.parametrize("prefix", PREFIXES)
def test_a_keyboard_reader_sees_where_they_are_on_every_page_type(server, browser, prefix):
    page = browser.new_page(viewport={"width": 360, "height": 640})
    for kind, path in PAGE_TYPES.items():
        url = server + prefix + path
        page.goto(url)
        page.evaluate("window.outreachStops = []")
        stops = []
        for _ in range(60):  # every stop of the page, or the first 60
            page.keyboard.press("Tab")
            # Past the last stop focus leaves the page (body) or comes round to the first again.
            if page.evaluate("document.activeElement === document.body || document.activeElement === outreachStops[0]"):
                break
            page.evaluate("outreachStops.push(document.activeElement)")
            ring = page.evaluate(FOCUS_RING)
            stops.append(ring)
            assert ring["onScreen"], (kind, ring)
            # The calendar button inside the calculator's month field is the browser's own control
            # (focus inside the field, not on it): Chromium rings it black and white itself.
            if page.evaluate("document.activeElement.matches(':focus')"):
                assert ring["contrast"] >= 3, (kind, ring)
        # The first stop is the skip link, the hotline the next.
        assert stops[0]["name"].endswith("#outreach-main"), (kind, stops[:2])
        assert "tel:" in stops[1]["name"], (kind, stops[:2])
        # In reading order: each stop comes after the one before it in the document.
        # (A month field takes two stops: its text, then its calendar button.)
        assert page.evaluate("""() => outreachStops.every((stop, n) => n === 0 || stop === outreachStops[n - 1]
            || outreachStops[n - 1].compareDocumentPosition(stop) & Node.DOCUMENT_POSITION_FOLLOWING)"""), \
            (kind, [stop["name"] for stop in stops])
        # The skip link lands where the page's content starts: the next Tab goes into the article.
        page.goto(url)
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        page.keyboard.press("Tab")
        assert page.evaluate("!!document.activeElement.closest('article')"), (kind, page.evaluate(FOCUS_RING))
    page.close()


@pytest.mark.browser
@pytest.mark.parametrize("prefix", PREFIXES)
def test_every_language_is_named_on_the_first_screen(server, browser, prefix):
    page = browser.new_page(viewport={"width": 360, "height": 640})
    for kind, path in PAGE_TYPES.items():
        page.goto(server + prefix + path)
        for language in LANGUAGES:
            name = page.locator(f"nav.outreach-languages [lang='{language.html_lang}']")
            box = name.bounding_box()
            assert name.is_visible() and box["y"] + box["height"] <= 640, (kind, language.code)
            assert name.inner_text().strip() == language.name
    page.close()


@pytest.mark.browser
def test_search_results_say_which_words_a_result_lacks_in_vietnamese(server, browser):
    page = browser.new_page(viewport={"width": 360, "height": 740})
    page.goto(server + "tu-nguyen/")
    page.locator("label.md-header__button[for=__search]").click()
    page.locator("input.md-search__input").press_sequentially("bao hiem", delay=30)
    page.locator(".md-search-result__item").first.wait_for(timeout=10_000)
    assert page.locator(".md-search-result__meta").inner_text().startswith("Tìm thấy")
    labels = [label for label in page.locator(".md-search-result__terms").all_inner_texts() if label.strip()]
    assert labels and all(label.startswith("Không có từ: ") for label in labels), labels
    page.close()


AUDIENCES = ["doanh-nghiep", "ho-kinh-doanh", "tu-nguyen", "sinh-vien", "nguoi-co-uy-tin"]


@pytest.mark.browser
def test_each_overview_shows_who_what_and_where_on_its_first_two_screens(server, browser):
    """A start page (GOV.UK): on a 360×640 phone, the introduction (who it is for) starts on the
    first screen, and the next step (what to do, where to go, whom to call) ends by the second."""
    screen = {"width": 360, "height": 640}
    page = browser.new_page(viewport=screen)
    measured = {}
    for prefix in PREFIXES:
        for audience in AUDIENCES:
            page.goto(server + prefix + audience + "/")
            step = page.locator("article section.outreach-next-step")
            if not step.count():
                # Only a translation without a next step of its own may lack one (its paper borrows the Vietnamese).
                assert prefix, audience
                continue
            intro = page.locator("article p").first.bounding_box()
            box = step.bounding_box()
            measured[prefix + audience] = round((box["y"] + box["height"]) / screen["height"], 2)
            assert intro["y"] < screen["height"], (prefix + audience, intro)
            assert box["y"] + box["height"] <= 2 * screen["height"], (prefix + audience, measured)
            # The step keeps its heading (in the contents too) and what it says: a place and the hotline.
            assert step.locator("h2").count() == 1 and step.locator("li, p").count() >= 1
    assert len(measured) >= len(AUDIENCES)
    page.close()


# --- shared on Zalo and Facebook ----------------------------------------------------


def test_each_page_of_an_audience_shares_its_own_image_in_its_language(built_site):
    import dataclasses
    from PIL import Image
    from generator.paper.images import SHARE_SIZE, share_file

    site = built_site.site_dir
    pages = {(page.lang.code, page.url): page for page in built_site.composition.pages}
    images = {}
    for (lang, url), page in pages.items():
        if not page.audience:
            continue
        soup = BeautifulSoup((site / url / "index.html").read_text(encoding="utf-8"), "html.parser")
        address = soup.select_one("meta[property='og:image']")["content"]
        assert re.search(r"/assets/share/[\w-]+-[0-9a-f]{12}\.png$", address), address
        image = Image.open(site / address.split("/tt/", 1)[1])
        assert image.size == SHARE_SIZE
        # The brand blue above, the pale band with the hotline below.
        assert image.convert("RGB").getpixel((8, 8)) == (0x0d, 0x47, 0xa1)
        assert image.convert("RGB").getpixel((8, SHARE_SIZE[1] - 8)) == (0xee, 0xf4, 0xfb)
        images[lang, page.key] = address
    assert len(set(images.values())) == len(images)  # one per page and language
    guide = pages["vi", "tu-nguyen/quyen-loi/"]
    # A translated page's image is its own (its title), not the Vietnamese one.
    assert pages["bahnar", "bahnar/tu-nguyen/"].title != pages["vi", "tu-nguyen/"].title
    # The address changes with what the page says: a changed figure, a changed title.
    assert "15 năm" in guide.html
    assert share_file(dataclasses.replace(guide, html=guide.html.replace("15 năm", "20 năm"))) != share_file(guide)
    assert share_file(dataclasses.replace(guide, title=guide.title + "!")) != share_file(guide)
    assert share_file(guide) == share_file(dataclasses.replace(guide))
