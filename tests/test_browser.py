"""A citizen on a phone: Jrai page, switch to Vietnamese, search without diacritics.

Drives Debian's Chromium through Playwright; the site is served on loopback
under a base path, as it would be on a provincial portal.
"""

import functools
import http.server
import threading
from pathlib import Path

import pytest
from playwright import sync_api as playwright_api

from conftest import SITE_URL

CHROMIUM = "/usr/bin/chromium"
BASE_PATH = "/tt/"  # the path part of conftest.SITE_URL
PHONE = {"width": 360, "height": 740}


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server(built_site, tmp_path_factory):
    assert SITE_URL.endswith(BASE_PATH)
    root = tmp_path_factory.mktemp("served")
    (root / BASE_PATH.strip("/")).symlink_to(built_site.site_dir, target_is_directory=True)
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(root)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}{BASE_PATH}"
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser():
    assert Path(CHROMIUM).exists(), "Debian's chromium is required: apt-get install chromium"
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        yield browser
        browser.close()


@pytest.mark.browser
def test_jrai_reader_switches_to_vietnamese_and_searches_without_diacritics(server, browser):
    page = browser.new_page(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    requests = []
    page.on("request", lambda request: requests.append(request.url))

    page.goto(server + "jrai/tu-nguyen/", wait_until="networkidle")
    assert page.evaluate("document.documentElement.lang") == "jra"
    assert page.locator("[data-outreach-notice=draft]").is_visible()
    # Readable on a small screen: nothing wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    page.locator("[data-outreach-language-menu]").click()
    page.locator("a.md-select__link[hreflang=vi]").click()
    page.wait_for_url(server + "tu-nguyen/")
    assert page.evaluate("document.documentElement.lang") == "vi"
    assert page.locator("article h1").inner_text().startswith("BHXH tự nguyện")

    page.locator("label.md-header__button[for=__search]").click()
    page.locator("input.md-search__input").press_sequentially("bao hiem tu nguyen", delay=30)
    results = page.locator(".md-search-result__item")
    results.first.wait_for(timeout=10_000)
    titles = results.locator("h1").all_inner_texts()
    assert any("tự nguyện" in title for title in titles[:3]), titles

    outside = [url for url in requests if not url.startswith(server)]
    assert outside == [], outside
    page.close()


@pytest.mark.browser
def test_fallback_page_in_bahnar_tells_the_reader(server, browser):
    page = browser.new_page(viewport=PHONE)
    page.goto(server + "bahnar/sinh-vien/", wait_until="networkidle")
    notice = page.locator("[data-outreach-notice=fallback]")
    assert notice.is_visible()
    assert "chưa có bản tiếng Bahnar" in notice.inner_text()
    assert page.evaluate("document.documentElement.lang") == "bdq"
    page.close()
