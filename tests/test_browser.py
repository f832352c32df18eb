"""A citizen on a phone: Jrai page, switch to Vietnamese, search without diacritics.

Drives Debian's Chromium through Playwright; the site is served on loopback
under a base path, as it would be on a provincial portal.
"""

import pytest

from conftest import wait_in_page

PHONE = {"width": 360, "height": 740}


def recorded_requests(page) -> list[str]:
    """The URL of every request the page makes from now on."""
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    return requested


def search(page, words: str):
    """Open search the way a reader does on a phone, type, and wait for the results."""
    page.locator("label.md-header__button[for=__search]").click()
    page.locator("input.md-search__input").press_sequentially(words, delay=30)
    results = page.locator(".md-search-result__item")
    results.first.wait_for(timeout=10_000)
    return results


@pytest.mark.browser
def test_jrai_reader_switches_to_vietnamese_and_searches_without_diacritics(server, browser):
    page = browser.new_page(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    requests = recorded_requests(page)

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

    results = search(page, "bao hiem tu nguyen")
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


@pytest.mark.browser
def test_search_index_waits_until_the_reader_searches(server, browser):
    page = browser.new_page(viewport=PHONE)
    requested = recorded_requests(page)
    page.goto(server + "tu-nguyen/quyen-loi/", wait_until="networkidle")
    # Material's scripts wait for the reader's first gesture: a page only read loads neither them nor the index.
    assert not [u for u in requested if "/assets/javascripts/" in u or u.endswith("search_index.json")]
    # A gesture that is not a search (scrolling) brings the bundle; once it has set itself up (it then
    # publishes component$) and the requests it started are over, nothing may have asked for the index.
    page.mouse.wheel(0, 300)
    wait_in_page(page, "() => 'component$' in window")
    page.wait_for_load_state("networkidle")
    assert [u for u in requested if "/assets/javascripts/bundle." in u]
    assert not [u for u in requested if u.endswith("search_index.json")]
    search(page, "thai san")
    assert [u for u in requested if u.endswith("search_index.json")]
    page.close()


@pytest.mark.browser
def test_bahnar_reader_searches_the_bahnar_site_and_stays_in_it(server, browser):
    page = browser.new_page(viewport=PHONE)
    requested = recorded_requests(page)
    page.goto(server + "bahnar/tu-nguyen/", wait_until="networkidle")
    results = search(page, "kon polei")
    assert [u for u in requested if u.endswith("search_index.json")] == [server + "bahnar/search/search_index.json"]
    links = results.locator("a").evaluate_all("links => links.map(a => a.href)")
    assert links and all(link.startswith(server + "bahnar/") for link in links), links
    # The theme's files are the site's one copy, shared with every language.
    assert any(u.startswith(server + "assets/javascripts/bundle.") for u in requested)
    page.close()
