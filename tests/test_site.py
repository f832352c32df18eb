"""The built sample site: languages, fallbacks, drafts, figures, links, manifest."""

import json
import posixpath
import re
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup

from generator.sources.content import content_hash

from conftest import REPO

AUDIENCES = ["doanh-nghiep", "ho-kinh-doanh", "tu-nguyen", "sinh-vien", "nguoi-co-uy-tin"]
HTML_LANG = {"vi": "vi", "bahnar": "bdq", "jrai": "jra"}


def soup(site_dir, url):
    path = site_dir / url / "index.html"
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def pages(built_site, **where):
    return [p for p in built_site.manifest.as_json()["pages"] if all(p[k] == v for k, v in where.items())]


def test_every_vietnamese_page_exists_in_every_language(built_site):
    vi_urls = {p["url"] for p in pages(built_site, lang="vi")}
    for lang in ("bahnar", "jrai"):
        urls = {p["url"].removeprefix(f"{lang}/") for p in pages(built_site, lang=lang)}
        assert urls == vi_urls
    for page in built_site.manifest.as_json()["pages"]:
        assert (built_site.site_dir / page["url"] / "index.html").is_file(), page["url"]


def test_five_audiences_each_with_overview_two_topics_and_qa(built_site):
    for audience in AUDIENCES:
        members = pages(built_site, lang="vi", audience=audience)
        assert any(p["url"] == f"{audience}/" for p in members), f"{audience} has no overview"
        assert sum(p["kind"] == "guide" for p in members) >= 3
        assert sum(p["kind"] == "faq" for p in members) == 1
        faq = soup(built_site.site_dir, next(p["url"] for p in members if p["kind"] == "faq"))
        assert len(faq.select("details.question")) >= 4


@pytest.mark.parametrize("lang", ["vi", "bahnar", "jrai"])
def test_html_lang_attribute(built_site, lang):
    for page in pages(built_site, lang=lang):
        assert soup(built_site.site_dir, page["url"]).html["lang"] == HTML_LANG[lang]


def test_fallback_page_says_so_and_marks_its_text_vietnamese(built_site):
    page = soup(built_site.site_dir, "jrai/doanh-nghiep/")
    notice = page.select_one("[data-outreach-notice=fallback]")
    assert notice is not None
    assert "chưa có bản tiếng Jrai" in notice.get_text()
    assert page.select_one("article div[lang=vi]") is not None
    manifest_entry = pages(built_site, url="jrai/doanh-nghiep/")[0]
    assert manifest_entry["status"] == "fallback"
    assert manifest_entry["source"] == "content/vi/doanh-nghiep/index.md"


def test_draft_translation_has_banner_and_link_to_vietnamese(built_site):
    page = soup(built_site.site_dir, "bahnar/tu-nguyen/")
    banner = page.select_one("[data-outreach-notice=draft]")
    assert banner is not None and "bản dịch nháp" in banner.get_text()
    link = banner.find("a")
    assert posixpath.normpath(posixpath.join("/bahnar/tu-nguyen/", link["href"])) == "/tu-nguyen"
    entry = pages(built_site, url="bahnar/tu-nguyen/")[0]
    assert entry["status"] == "draft" and entry["source"] == "content/bahnar/tu-nguyen/index.md"
    # The combining breve survives the whole pipeline: ơ + U+0306.
    assert "Bơ\u0306n" in page.select_one("article").get_text()


def test_no_page_claims_a_review_nobody_did(built_site):
    for page in built_site.manifest.as_json()["pages"]:
        if page["lang"] != "vi":
            assert page["status"] in ("draft", "fallback"), page


def test_vietnamese_pages_have_no_notice(built_site):
    for page in pages(built_site, lang="vi"):
        assert soup(built_site.site_dir, page["url"]).select("[data-outreach-notice]") == []


def test_figures_are_formatted_and_sourced(built_site):
    page = soup(built_site.site_dir, "tu-nguyen/muc-dong-va-ho-tro/")
    shown = [(span["data-key"], span.get_text()) for span in page.select("span.outreach-figure")]
    figure = dict(shown)
    assert figure["voluntary.rate"] == "22%"
    # The table shows the figures in force (`| now`); one sentence gives the coming floor (`| next`).
    # Not yet checked against the official text: each carries the mark, a visible star.
    assert ("voluntary.min_monthly.poor", "165.000 đ*") in shown
    assert ("voluntary.floor", "1.500.000 đ*") in shown and ("voluntary.floor", "2.200.000 đ*") in shown
    assert figure["voluntary.support.ethnic_minority"] == "30%*"
    sources = page.select_one("details[data-outreach-figures]")
    assert "Điều 5 Nghị định 159/2025/NĐ-CP" in sources.get_text()
    assert "chưa đối chiếu với văn bản gốc" in sources.get_text()
    home = soup(built_site.site_dir, "")
    assert "01/07/2025" in home.select_one("span[data-key='law.effective_date']").get_text()
    assert "1900 9068" in home.get_text()


def test_no_placeholder_left_unreplaced(built_site):
    for html in built_site.site_dir.rglob("*.html"):
        assert "{{" not in html.read_text(encoding="utf-8"), html


def test_no_third_party_requests(built_site):
    own_host = urlsplit(built_site.manifest.as_json()["site_url"]).netloc
    for html in built_site.site_dir.rglob("*.html"):
        page = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
        fetched = [t.get("src") for t in page.find_all(["script", "img", "iframe", "source", "audio", "video"])]
        fetched += [t.get("href") for t in page.find_all("link") if "stylesheet" in (t.get("rel") or []) or "preconnect" in (t.get("rel") or []) or "icon" in (t.get("rel") or [])]
        for url in filter(None, fetched):
            host = urlsplit(url).netloc
            assert host in ("", own_host), f"{html}: {url}"
    for css in built_site.site_dir.rglob("*.css"):
        assert not re.search(r"url\(\s*['\"]?https?://", css.read_text(encoding="utf-8")), css


def test_internal_links_resolve_under_a_base_path(built_site):
    """Every relative link and asset points at a file the build wrote."""
    site_dir = built_site.site_dir
    for html in site_dir.rglob("*.html"):
        if html.name in ("404.html", "offline.html"):
            continue  # served from any depth (the service worker shows offline.html for any address); absolute site_url
        page = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
        here = "/" + html.parent.relative_to(site_dir).as_posix() + "/"
        for tag, attr in (("a", "href"), ("link", "href"), ("script", "src"), ("img", "src")):
            for element in page.find_all(tag):
                url = element.get(attr)
                if not url or urlsplit(url).scheme or url.startswith(("#", "mailto:", "tel:")):
                    continue
                assert not url.startswith("/"), f"{html}: absolute path {url} breaks under a base path"
                target = posixpath.normpath(posixpath.join(here, urlsplit(url).path))
                resolved = site_dir / target.lstrip("/")
                assert resolved.is_file() or (resolved / "index.html").is_file(), f"{html}: {url}"


def test_language_switcher_opens_the_same_page(built_site):
    page = soup(built_site.site_dir, "jrai/tu-nguyen/quyen-loi/")
    links = {a["hreflang"]: a["href"] for a in page.select("a.md-select__link")}
    base = "/jrai/tu-nguyen/quyen-loi/"
    assert posixpath.normpath(posixpath.join(base, links["vi"])) == "/tu-nguyen/quyen-loi"
    assert posixpath.normpath(posixpath.join(base, links["bdq"])) == "/bahnar/tu-nguyen/quyen-loi"
    assert posixpath.normpath(posixpath.join(base, links["jra"])) == "/jrai/tu-nguyen/quyen-loi"


def test_each_language_reads_as_its_own_site(built_site):
    """One MkDocs build, but a reader never strays into another language by the menu, the logo or next/previous."""
    for page in built_site.manifest.as_json()["pages"]:
        prefix = "" if page["lang"] == "vi" else page["lang"] + "/"
        html = soup(built_site.site_dir, page["url"])
        here = "/" + page["url"]
        links = [a["href"] for a in html.select(".md-nav--primary a.md-nav__link, a.md-logo, a.md-footer__link")]
        assert links, page["url"]
        for href in links:
            target = posixpath.normpath(posixpath.join(here, href)) + "/"
            others = [l + "/" for l in ("bahnar", "jrai") if l + "/" != prefix]
            assert target.startswith("/" + prefix) and not target.startswith(tuple("/" + o for o in others)), (here, href)


def test_languages_share_one_copy_of_the_theme(built_site):
    assert list((built_site.site_dir / "assets" / "javascripts").glob("bundle.*.min.js"))
    assert not (built_site.site_dir / "bahnar" / "assets").exists()
    assert not (built_site.site_dir / "jrai" / "assets").exists()


def test_each_search_index_holds_its_own_language_only(built_site):
    for lang in ("vi", "bahnar", "jrai"):
        prefix = "" if lang == "vi" else lang + "/"
        index = json.loads((built_site.site_dir / prefix / "search" / "search_index.json").read_text(encoding="utf-8"))
        located = {d["location"] for d in index["docs"] if "#" not in d["location"]}
        assert located == {p["url"][len(prefix):] for p in pages(built_site, lang=lang)}, lang


def test_each_language_has_a_search_index_that_ignores_diacritics(built_site):
    for prefix in ("", "bahnar/", "jrai/"):
        index = json.loads((built_site.site_dir / prefix / "search" / "search_index.json").read_text(encoding="utf-8"))
        assert {"folded_title", "folded_text"} <= set(index["config"]["fields"])
        docs = [d for d in index["docs"] if "bhxh tu nguyen" in d.get("folded_text", "") + d.get("folded_title", "")]
        assert docs, prefix


def test_manifest_lists_every_page_with_its_fields(built_site):
    manifest = built_site.manifest.as_json()
    on_disk = json.loads((built_site.site_dir / "manifest.json").read_text(encoding="utf-8"))
    assert on_disk == manifest
    assert len(manifest["pages"]) == 3 * len(pages(built_site, lang="vi"))
    for page in manifest["pages"]:
        assert set(page) == {"lang", "audience", "overview", "kind", "source", "url", "title", "status", "outdated"}
        assert page["overview"] == (page["audience"] is not None and page["source"].endswith("/index.md") and page["kind"] != "infographic")
        assert page["lang"] in ("vi", "bahnar", "jrai")
        assert (REPO / page["source"]).is_file()
        assert page["kind"] in ("guide", "faq", "calculator", "infographic")
    assert {i["kind"] for i in manifest["images"]} == {"cards", "steps", "comparison", "timeline"}
    assert any(f["key"] == "voluntary.support.poor" for f in manifest["unverified_figures"])


def test_sample_translations_record_the_current_source_hash(built_site):
    for page in built_site.manifest.as_json()["pages"]:
        if page["status"] == "draft":
            text = (REPO / page["source"]).read_text(encoding="utf-8")
            recorded = re.search(r"^source_hash: (\w+)$", text, re.M).group(1)
            source = re.search(r"^source: (\S+)$", text, re.M).group(1)
            assert recorded == content_hash((REPO / "content" / source).read_text(encoding="utf-8"))


def test_heading_anchors_keep_vietnamese_letters_readable(built_site):
    page = soup(built_site.site_dir, "doanh-nghiep/")
    assert page.select_one("article h1")["id"] == "nguoi-lao-dong-va-doanh-nghiep"
