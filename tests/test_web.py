"""Citizens' pages: readable by everyone, shareable, found, printable, usable offline.

Static checks parse every page of the sample site (built under a base path)
and of a small project built at a domain's root. Browser checks drive Debian's
Chromium with axe-core; the Nu Html Checker reads every page. Both checkers are
npm packages pinned in tests/node (installed by scripts/test.sh).
"""

import datetime as dt
import gzip
import json
import re
import subprocess
import urllib.robotparser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pypdfium2 as pdfium
import pytest
import yaml
from bs4 import BeautifulSoup
from PIL import Image

from generator.compose import calculator
from generator.web import webapp
from generator.build import BuildOptions, Project, build
from generator.cache import ArtifactCache
from generator.sources.content import content_hash
from generator.sources.languages import load_languages

from conftest import AS_OF, REPO, SITE_URL, node_tool, serving_under_base_path, wait_in_page

LANGUAGES = load_languages()
PREFIX = {language.code: language.url_prefix for language in LANGUAGES}
HTML_LANG = {language.code: language.html_lang for language in LANGUAGES}
# Home, an audience overview, a Q&A page and the calculator, in every language.
KEY_PAGES = [prefix + page for prefix in PREFIX.values()
             for page in ("", "tu-nguyen/", "tu-nguyen/hoi-dap/", "tu-nguyen/tinh-tien-dong/")]
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}

# Nu Html Checker errors in Material's own markup, which the project leaves, and why.
MATERIAL_MARKUP = {
    # base.html: the navigation drawer's and the search's toggles are checkboxes
    # with autocomplete="off", so that Firefox does not reopen them when a reader
    # goes back a page. Harmless in every browser; only a copy of Material's
    # whole base.html could drop it.
    ("Attribute “autocomplete” is only allowed when the input type is", 'class="md-toggle"'),
}


def parse(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def built_file(site_dir: Path, site_url: str, address: str) -> Path:
    """The file the site serves at an absolute URL or an absolute path of the site."""
    base = urlsplit(site_url)
    url = urlsplit(urljoin(site_url, address))
    assert (url.scheme, url.netloc) == (base.scheme, base.netloc), address
    assert url.path.startswith(base.path), f"{address} is outside the site at {site_url}"
    target = site_dir / url.path[len(base.path):]
    return target / "index.html" if url.path.endswith("/") else target


def linked_file(site_dir: Path, html: Path, href: str, site_url: str) -> Path:
    """The file a link of a built page opens, relative or absolute."""
    page_url = urljoin(site_url, html.parent.relative_to(site_dir).as_posix() + "/") if html.name == "index.html" \
        else urljoin(site_url, html.relative_to(site_dir).as_posix())
    return built_file(site_dir, site_url, urljoin(page_url, href))


def front_matter_description(source: str) -> str:
    text = (REPO / source).read_text(encoding="utf-8")
    return yaml.safe_load(text.split("---")[1]).get("description", "")


# --- shared and found --------------------------------------------------------


def test_every_page_names_itself_and_its_translations_with_absolute_addresses(built_site):
    site_dir = built_site.site_dir
    vietnamese_description = {}
    for entry in sorted(built_site.manifest.as_json()["pages"], key=lambda e: e["lang"] != "vi"):
        page = parse(site_dir / entry["url"] / "index.html")
        here = entry["url"][len(PREFIX[entry["lang"]]):]
        alternates = {link["hreflang"]: link["href"] for link in page.select("link[rel=alternate][hreflang]")}
        expected = {HTML_LANG[code]: SITE_URL + prefix + here for code, prefix in PREFIX.items()}
        assert alternates == {**expected, "x-default": SITE_URL + here}, entry["url"]
        assert all(built_file(site_dir, SITE_URL, href).is_file() for href in alternates.values())

        og = {meta["property"]: meta["content"] for meta in page.select("meta[property^='og:']")}
        assert og["og:url"] == page.select_one("link[rel=canonical]")["href"] == SITE_URL + entry["url"]
        assert og["og:title"] == entry["title"]
        assert og["og:locale"] == HTML_LANG[entry["lang"]] + "_VN"
        assert og["og:description"] == page.select_one("meta[name=description]")["content"]
        image = built_file(site_dir, SITE_URL, og["og:image"])
        assert og["og:image"].startswith(SITE_URL) and image.is_file(), og["og:image"]
        if entry["audience"]:
            # The page's own share image (tests/test_reading.py looks at what it shows).
            assert Image.open(image).size == (1200, 630) == (int(og["og:image:width"]), int(og["og:image:height"]))
            assert page.select_one("meta[name='twitter:card']")["content"] == "summary_large_image"
        else:
            assert page.select_one("meta[name='twitter:card']")["content"] == "summary"
        if entry["lang"] == "vi":
            vietnamese_description[entry["url"]] = og["og:description"]
        elif entry["status"] == "draft":
            # A draft's own description is a note for its reviewer: previews show the Vietnamese one.
            assert front_matter_description(entry["source"]) not in og["og:description"]
            assert og["og:description"] == vietnamese_description[here]


def test_robots_txt_names_the_sitemap(built_site):
    robots = urllib.robotparser.RobotFileParser()
    robots.parse((built_site.site_dir / "robots.txt").read_text(encoding="utf-8").splitlines())
    assert robots.site_maps() == [SITE_URL + "sitemap.xml"]
    assert robots.can_fetch("*", SITE_URL + "tu-nguyen/")
    sitemap = built_file(built_site.site_dir, SITE_URL, robots.site_maps()[0]).read_text(encoding="utf-8")
    assert f"<loc>{SITE_URL}bahnar/tu-nguyen/</loc>" in sitemap


def test_every_html_file_has_a_favicon_that_exists(built_site):
    """Pages, 404 pages, short-link redirects and the team's status page: no browser asks for /favicon.ico."""
    site_dir = built_site.site_dir
    for html in site_dir.rglob("*.html"):
        icon = parse(html).select_one("link[rel~=icon]")
        assert icon is not None, html
        assert linked_file(site_dir, html, icon["href"], SITE_URL).is_file(), (html, icon["href"])


def test_each_language_has_its_own_404_page_with_links_from_the_site_root(built_site):
    site_dir = built_site.site_dir
    for language in LANGUAGES:
        html = site_dir / language.url_prefix / "404.html"
        page = parse(html)
        assert page.html["lang"] == language.html_lang
        assert page.h1.get_text(strip=True) == language.t("notfound.title")
        assert page.title.get_text().startswith(language.t("notfound.title"))
        menu = {a["hreflang"]: a["href"] for a in page.select("a.md-select__link")}
        assert menu == {l.html_lang: "/tt/" + l.url_prefix for l in LANGUAGES}
        home = page.select_one("article a[href]")["href"]
        assert home == "/tt/" + language.url_prefix
        for a in page.select("a[href]"):
            href = a["href"]
            if href.startswith(("tel:", "#")):
                continue
            # Served at any missing address: every link starts from the site's root path.
            assert href.startswith("/tt/"), (html, href)
            assert linked_file(site_dir, html, href, SITE_URL).is_file(), (html, href)


# --- the home page and the site at a domain's root ----------------------------

SITE_YML = """\
site_url: https://bhxh-gialai.example/
issuer: Bảo hiểm xã hội tỉnh Gia Lai
audiences:
  - slug: tu-nguyen
  - slug: nha-nong
contacts:
  hotline: "1900 9068"
"""
OVERVIEW = "---\ntitle: BHXH tự nguyện\ndescription: Tự chọn mức đóng, Nhà nước hỗ trợ.\n---\n\nNội dung.\n"


@pytest.fixture(scope="module")
def root_site(tmp_path_factory):
    """A small project, a new audience in site.yml and a Bahnar draft, built at a domain's root."""
    root = tmp_path_factory.mktemp("root-project")
    (root / "content" / "jrai").mkdir(parents=True)
    (root / "mkdocs.yml").write_bytes((REPO / "mkdocs.yml").read_bytes())
    pages = {
        "policy.yml": (REPO / "content" / "policy.yml").read_text(encoding="utf-8"),
        "site.yml": SITE_YML,
        "vi/index.md": "---\ntitle: Trang chủ\n---\n\nGiới thiệu.\n\n## Cần hỏi thêm?\n\nGọi tổng đài.\n",
        "vi/tu-nguyen/index.md": OVERVIEW,
        "vi/nha-nong/index.md": "---\ntitle: Nhà nông\ndescription: Cho người làm rẫy.\n---\n\nNội dung.\n",
        "bahnar/tu-nguyen/index.md": (
            "---\ntitle: BHXH tự nguyện — kơ kon pơlei\ndescription: Bản nháp, chờ người bản ngữ kiểm tra.\n"
            f"status: draft\nsource: vi/tu-nguyen/index.md\nsource_hash: {content_hash(OVERVIEW)}\n---\n\nBơ\u0306n.\n"),
    }
    for rel, text in pages.items():
        (root / "content" / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / "content" / rel).write_text(text, encoding="utf-8")
    site_url = "https://bhxh.example/"
    result = build(Project(root), tmp_path_factory.mktemp("root-built") / "site", BuildOptions(AS_OF, site_url), cache=ArtifactCache(None))
    return result.site_dir, site_url


def test_home_offers_every_audience_of_site_yml_as_a_button(root_site):
    site_dir, _ = root_site
    buttons = parse(site_dir / "index.html").select("nav.outreach-audiences a")
    assert [(a["href"], a.strong.get_text(strip=True)) for a in buttons] == [
        ("tu-nguyen/", "BHXH tự nguyện"), ("nha-nong/", "Nhà nông")]
    # The introduction comes first, the buttons next, then the rest of the page.
    article = str(parse(site_dir / "index.html").select_one("article"))
    assert article.index("Giới thiệu") < article.index("outreach-audiences") < article.index("Cần hỏi thêm?")
    bahnar = parse(site_dir / "bahnar" / "index.html").select_one("nav.outreach-audiences a")
    assert bahnar.strong.get_text(strip=True) == "BHXH tự nguyện — kơ kon pơlei"
    description = bahnar.select_one("span")
    assert description.get_text(strip=True) == "Tự chọn mức đóng, Nhà nước hỗ trợ." and description["lang"] == "vi"


def test_at_a_domain_root_links_stay_inside_the_site(root_site):
    site_dir, site_url = root_site
    for language in LANGUAGES:
        page = parse(site_dir / language.url_prefix / "404.html")
        assert {a["href"] for a in page.select("a.md-select__link")} == {"/", "/bahnar/", "/jrai/"}
        for a in page.select("a[href]:not([href^='tel:']):not([href^='#'])"):
            assert linked_file(site_dir, site_dir / language.url_prefix / "404.html", a["href"], site_url).is_file()
    page = parse(site_dir / "bahnar" / "tu-nguyen" / "index.html")
    assert page.select_one("link[hreflang=x-default]")["href"] == "https://bhxh.example/tu-nguyen/"
    assert page.select_one("meta[property='og:url']")["content"] == "https://bhxh.example/bahnar/tu-nguyen/"
    assert page.select_one("meta[name=description]")["content"] == "Tự chọn mức đóng, Nhà nước hỗ trợ."
    assert "Sitemap: https://bhxh.example/sitemap.xml" in (site_dir / "robots.txt").read_text(encoding="utf-8")
    redirect = next(site_dir.glob("q/*/index.html"))
    icon = parse(redirect).select_one("link[rel=icon]")["href"]
    assert linked_file(site_dir, redirect, icon, site_url).is_file()


# --- offline and on the home screen ------------------------------------------


def service_worker_settings(site_dir: Path) -> dict:
    code = (site_dir / webapp.SERVICE_WORKER).read_text(encoding="utf-8")
    return json.loads(re.search(r"^const SETTINGS = (.*);$", code, re.M).group(1))


def test_service_worker_stores_at_install_only_the_shell_within_its_budget(built_site):
    site_dir = built_site.site_dir
    settings = service_worker_settings(site_dir)
    shell = [site_dir / path for path in settings["shell"]]
    assert all(path.is_file() for path in shell)
    # What a page loads anyway (the browser's cache has it), and the favicon. Material's
    # scripts wait for the reader's first gesture: stored when a page fetches them, not before.
    page = parse(site_dir / "tu-nguyen" / "index.html")
    loaded = {linked_file(site_dir, site_dir / "tu-nguyen" / "index.html", tag["href"], SITE_URL)
              for tag in page.select("link[rel~=stylesheet], link[rel~=icon]")}
    assert set(shell) == loaded
    assert sum(len(gzip.compress(path.read_bytes(), 6)) for path in shell) <= webapp.PRECACHE_BUDGET
    calculators = {e["url"] for e in built_site.manifest.as_json()["pages"] if e["kind"] == "calculator"}
    assert {url for urls in settings["calculators"].values() for url in urls} == calculators


def test_each_language_has_an_offline_page_with_the_hotline_which_the_worker_stores(built_site):
    site_dir = built_site.site_dir
    offline = service_worker_settings(site_dir)["offline"]
    assert set(offline) == {language.url_prefix for language in LANGUAGES}
    for language in LANGUAGES:
        page = parse(site_dir / offline[language.url_prefix])
        assert page.html["lang"] == language.html_lang
        assert page.select_one("article h1").get_text() == "Chưa có mạng"  # Bahnar and Jrai fall back to Vietnamese
        assert page.select_one("article a[href='tel:19009068']") is not None
        # It stands in for any address: its links start at the site's root path.
        assert page.select_one(f"article a[href='/tt/{language.url_prefix}']") is not None


def test_every_page_with_figures_carries_the_last_day_they_hold(built_site, policy):
    site_dir = built_site.site_dir
    for entry in built_site.manifest.as_json()["pages"]:
        page = parse(site_dir / entry["url"] / "index.html")
        meta = page.select_one("meta[name=outreach-valid-until]")
        if entry["kind"] != "infographic":  # an infographic page's figures are its sources' (a figure list each)
            keys = [item["data-key"] for item in page.select("li[data-key]")]
            if entry["kind"] == "calculator":
                keys += list(calculator.FIGURES.values())
            until = policy.valid_until(keys, AS_OF)
            assert (meta["content"] if meta else None) == (until.isoformat() if until else None), entry["url"]
        # Hidden as published: the service worker shows it on a copy it serves without coverage.
        assert page.select_one("[data-outreach-stored]").has_attr("hidden"), entry["url"]
    qa = parse(site_dir / "tu-nguyen" / "hoi-dap" / "index.html")
    # The rural poverty line, the floor of voluntary contributions, rises on 01/01/2027.
    assert qa.select_one("meta[name=outreach-valid-until]")["content"] == "2026-12-31"
    assert "31/12/2026" in qa.select_one("[data-outreach-valid-until]").get_text()
    assert "31/12/2026" in qa.select_one("[data-outreach-expired]").get_text()


def test_each_language_has_a_web_app_manifest_with_icons(built_site):
    site_dir = built_site.site_dir
    for language in LANGUAGES:
        home = site_dir / language.url_prefix / "index.html"
        href = parse(home).select_one("link[rel=manifest]")["href"]
        manifest_file = linked_file(site_dir, home, href, SITE_URL)
        assert manifest_file == site_dir / language.url_prefix / webapp.WEB_MANIFEST  # not the build's manifest.json
        manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
        manifest_url = SITE_URL + language.url_prefix + webapp.WEB_MANIFEST
        assert built_file(site_dir, SITE_URL, urljoin(manifest_url, manifest["start_url"])) == home
        assert manifest["lang"] == language.html_lang and manifest["display"] == "standalone"
        for icon in manifest["icons"]:
            image = Image.open(built_file(site_dir, SITE_URL, urljoin(manifest_url, icon["src"])))
            assert "x".join(map(str, image.size)) == icon["sizes"]
        assert {icon["purpose"] for icon in manifest["icons"]} == {"any", "maskable"}


# --- the first screen in one response ------------------------------------------

def test_every_page_paints_from_its_own_response_and_loads_the_stylesheets_without_waiting(built_site):
    site_dir = built_site.site_dir
    for html in site_dir.rglob("*.html"):
        page = parse(html)
        if page.head is None or not page.head.select("link[data-outreach-stylesheet]"):
            continue  # not a page of the theme (redirects, the team's pages)
        assert len(page.head.find_all("style", recursive=False)) == 1, html
        # Nothing in the head holds the paint back: the full stylesheets load as print ones do.
        blocking = [link["href"] for link in page.head.select("link[rel~=stylesheet]")
                    if link.get("media") != "print" and link.find_parent("noscript") is None]
        assert blocking == [], html
        # Without scripts they load as linked before.
        assert ({link["href"] for link in page.head.select("noscript link[rel~=stylesheet]")}
                == {link["href"] for link in page.head.select("link[data-outreach-stylesheet]")}), html
        # What it inlines is a fraction of the stylesheets (benchmarks/page_weight.py holds a guide
        # page's whole first response to 14 KB gzip: one round trip's worth).
        inlined = len(page.head.style.string.encode("utf-8"))
        full = sum(linked_file(site_dir, html, link["href"], SITE_URL).stat().st_size
                   for link in page.head.select("link[data-outreach-stylesheet]"))
        assert inlined < full / 2, html


def test_the_inlined_rules_are_those_the_page_uses(built_site):
    site_dir = built_site.site_dir
    style = parse(site_dir / "tu-nguyen" / "index.html").head.style.string
    assert ".outreach-hotline a{" in style  # on every page
    assert ".md-typeset .outreach-cards{" in style  # the guide's infographic
    assert ".outreach-calculator" not in style  # only on the calculator's page
    assert ".outreach-calculator" in parse(site_dir / "tu-nguyen" / "tinh-tien-dong" / "index.html").head.style.string
    assert "@media print" not in style  # printing waits for the full stylesheets
    assert "--md-admonition-icon--warning" not in style  # a custom property no rule of the page reads


# --- valid markup ------------------------------------------------------------


def test_nu_html_checker_finds_no_error_in_the_projects_markup(built_site):
    pages = sorted(str(path) for path in built_site.site_dir.rglob("*.html"))
    checked = subprocess.run(
        ["java", "-jar", str(node_tool("vnu-jar/build/dist/vnu.jar")), "--errors-only", "--format", "json", *pages],
        capture_output=True, text=True, check=False)
    messages = json.loads(checked.stderr)["messages"]
    ours = [m for m in messages
            if not any(m["message"].startswith(text) and part in m.get("extract", "") for text, part in MATERIAL_MARKUP)]
    assert ours == [], [(m["url"].split("/site/")[-1], m["message"]) for m in ours[:10]]


# --- in the browser ----------------------------------------------------------


def inject_axe(page):
    page.add_script_tag(path=str(node_tool("axe-core/axe.min.js")))
    return page.evaluate("""() => axe.run(document).then(result => result.violations.map(v =>
        `${v.id}: ${v.nodes.map(n => n.target.join(" ")).join(", ")}`))""")


# Computed styles of every element and of its ::before and ::after; transitions aside, and custom
# properties (the page inlines only those its rules read).
COMPUTED_STYLES = """() => Array.from(document.querySelectorAll("*"), element => {
  const styles = [getComputedStyle(element), getComputedStyle(element, "::before"), getComputedStyle(element, "::after")];
  return styles.map(style => Array.from(style).filter(name => !name.startsWith("transition") && !name.startsWith("--"))
    .map(name => name + ":" + style.getPropertyValue(name)).join(";")).join("|");
})"""


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_page_looks_the_same_on_its_inlined_rules_as_with_the_full_stylesheets(server, browser, viewport):
    pages = ["", "tu-nguyen/", "tu-nguyen/tinh-tien-dong/", "404.html", "offline.html", PREFIX["bahnar"] + "tu-nguyen/hoi-dap/"]
    for url in pages:
        styles = []
        for full in (False, True):
            page = browser.new_page(viewport=viewport)
            if not full:  # as on a slow network before they arrive
                page.route("**/*.css", lambda route: route.continue_() if route.request.url.endswith("-print.css")
                           else route.abort())
            page.goto(server + url, wait_until="load")
            styles.append(page.evaluate(COMPUTED_STYLES))
            if full:
                assert page.evaluate("document.styleSheets.length") >= 3, url  # the full ones applied
            page.close()
        different = [index for index, (first, full) in enumerate(zip(*styles)) if first != full]
        assert len(styles[0]) == len(styles[1]) and different == [], (url, different[:5])


@pytest.mark.browser
def test_key_pages_are_accessible_and_readable_on_a_phone(server, browser):
    page = browser.new_page(viewport=PHONE, device_scale_factor=1, is_mobile=True, has_touch=True)
    for url in KEY_PAGES:
        page.goto(server + url, wait_until="networkidle")
        assert inject_axe(page) == [], url
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], url
        # The hotline, one tap to call, is the first thing on the page and inside a landmark.
        hotline = page.locator("aside.outreach-hotline a[href='tel:19009068']")
        assert hotline.is_visible() and hotline.bounding_box()["y"] < 10, url
        # Search is offered before Material's scripts arrive (they wait for the reader's first gesture).
        assert page.locator("label.md-header__button[for=__search]").is_visible(), url
        # The site's name fits: wrapped, never cut short.
        assert page.evaluate("""() => { const name = document.querySelector(".md-header__topic .md-ellipsis");
                                        return name.scrollHeight <= name.clientHeight + 1 }"""), url
    # Answers, warnings and the loudspeaker script read like the rest of the text.
    body_size = "parseFloat(getComputedStyle(document.querySelector('article')).fontSize)"
    page.goto(server + "tu-nguyen/hoi-dap/")
    assert page.evaluate(f"parseFloat(getComputedStyle(document.querySelector('details.question')).fontSize) >= {body_size}")
    page.goto(server + "doanh-nghiep/")
    assert page.evaluate(f"parseFloat(getComputedStyle(document.querySelector('.admonition.warning')).fontSize) >= {body_size}")
    page.goto(server + "nguoi-co-uy-tin/thong-diep/")
    assert page.evaluate("getComputedStyle(document.querySelector('article blockquote')).color"
                         " === getComputedStyle(document.querySelector('article')).color")
    page.close()


@pytest.mark.browser
def test_key_pages_are_accessible_on_a_desktop(server, browser):
    page = browser.new_page(viewport=DESKTOP)
    for url in KEY_PAGES[:4]:
        page.goto(server + url, wait_until="networkidle")
        page.mouse.wheel(0, 40)  # the first gesture: Material's scripts load and change the page
        wait_in_page(page, "() => typeof window.document$ !== 'undefined'")  # Material's bundle has run
        page.wait_for_load_state("networkidle")
        assert inject_axe(page) == [], url
    page.close()


@pytest.mark.browser
def test_a_page_opened_once_and_the_calculator_reopen_without_coverage(built_site, browser, tmp_path):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    with serving_under_base_path(built_site.site_dir, tmp_path) as site:
        page.goto(site + "bahnar/tu-nguyen/hoi-dap/", wait_until="load")
        # The worker stores the page and the calculator while it activates: wait for it to be activated.
        activated = """() => Promise.race([
            navigator.serviceWorker.ready.then(({active}) => active.state === "activated" || new Promise(done =>
                active.addEventListener("statechange", () => active.state === "activated" && done(true)))),
            new Promise(done => setTimeout(() => done(false), 20000)),
        ])"""
        assert page.evaluate(activated), "the service worker was not activated"
        stored = """async () => navigator.serviceWorker.controller !== null
            && await caches.match(location.href) !== undefined
            && await caches.match(new URL("../tinh-tien-dong/", location.href).href) !== undefined"""
        assert page.evaluate(stored), "the service worker did not store the page and the calculator"
    # The server is gone: no coverage. A day before the figures' last day (31/12/2026), whatever the clock says.
    page.clock.set_fixed_time(dt.datetime(2026, 12, 1, 9, 0))
    page.reload(wait_until="load")
    assert page.locator("article h1").inner_text() == "Hỏi đáp về BHXH tự nguyện"
    assert page.locator("details.question").count() >= 4
    page.goto(site + "bahnar/tu-nguyen/tinh-tien-dong/", wait_until="load")
    page.fill("#calc-income", "2000000")
    page.click(".outreach-calculator button[type=submit]")
    # An amount, with the star of an unverified figure where one is used.
    assert re.fullmatch(r".*: [\d.]+\u00a0đ\*?", page.locator("#calc-result [data-amount=person]").inner_text())
    context.close()


@pytest.mark.browser
def test_short_link_page_redirects_without_a_console_error(built_site, server, browser):
    page = browser.new_page(viewport=PHONE)
    problems = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("response", lambda response: response.status >= 400 and problems.append(response.url))
    qr = next(q for q in built_site.manifest.as_json()["qr"] if q["lang"] == "jrai")
    short_path = qr["url"][len(SITE_URL):]
    page.goto(server + short_path, wait_until="load")
    page.wait_for_url(server + qr["target"])
    page.wait_for_load_state("networkidle")
    assert problems == []
    page.close()


def printed_text(page) -> str:
    document = pdfium.PdfDocument(page.pdf(format="A4"))
    text = "".join(document[n].get_textpage().get_text_range() for n in range(len(document)))
    return text.replace("\ufffe", "-")  # pdfium marks a hyphen that ends a line


@pytest.mark.browser
def test_a_printed_qa_page_shows_every_answer_and_where_links_go(built_site, server, browser):
    html = parse(built_site.site_dir / "tu-nguyen" / "hoi-dap" / "index.html")
    answers = [" ".join(p.get_text().split()) for p in html.select("details.question > p")]
    basis = " ".join(html.select_one("details[data-outreach-figures] li").get_text().split())
    assert len(answers) >= 4
    for javascript in (True, False):  # the print stylesheet alone opens every answer too
        context = browser.new_context(java_script_enabled=javascript)
        page = context.new_page()
        page.goto(server + "tu-nguyen/hoi-dap/", wait_until="load")
        text = printed_text(page)
        # A link's address is printed after its text: "bảng mức đóng (http://…/muc-dong-va-ho-tro/)".
        addresses = re.findall(r"\((https?://[^)]*)\)", "".join(text.split()))
        assert (server + "tu-nguyen/muc-dong-va-ho-tro/" in addresses) is javascript
        flat = re.sub(r" \(https?://[^)]*\)", "", " ".join(text.split()))
        assert all(answer in flat for answer in answers), javascript
        assert basis in flat
        assert "Tìm kiếm" not in flat  # no search box, no navigation on paper
        context.close()
