"""(d) What a citizen's phone fetches for a guide page, and when it first paints, on slow 3G.

Builds the sample site, serves it on loopback and opens a guide page in Debian's
Chromium with the network throttled through the DevTools protocol (400 kbit/s,
400 ms latency, no cache). Prints bytes per kind (raw and gzip, as a server
would send them), the page's own response (its first screen's styles inlined),
first paint, what the reader's first gesture fetches (Material's scripts wait
for it), and whether the search index waited for a search.

    python3 benchmarks/page_weight.py [--page tu-nguyen/] [--runs 7]

First paint varies with the machine's load: `--runs` opens the page again
(each time with an empty cache) and prints the median and the range.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import statistics
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from _common import REPO, chromium, serve
from playwright.sync_api import sync_playwright

from generator.build import BuildOptions, Project, build

SLOW_3G = {"offline": False, "latency": 400, "downloadThroughput": 400_000 / 8, "uploadThroughput": 400_000 / 8}


def kind_of(path: str) -> str:
    if path.endswith("search_index.json"):
        return "search index"
    for suffix, kind in ((".html", "html"), ("/", "html"), (".css", "css"), (".js", "js"), (".json", "json")):
        if path.endswith(suffix):
            return kind
    return "other"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--page", default="tu-nguyen/", help="page to open, relative to the site root")
    parser.add_argument("--runs", type=int, default=1, help="page loads to time first paint over")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        build(Project(REPO), site, BuildOptions(dt.date.today()))
        with serve(site) as base, sync_playwright() as p:
            browser = chromium(p)
            page = browser.new_page(viewport={"width": 360, "height": 740})
            throttle(page)
            fetched: list[str] = []
            page.on("requestfinished", lambda request: fetched.append(request.url))
            page.goto(base + args.page, wait_until="load")
            page.wait_for_load_state("networkidle")  # and whatever the page starts after load
            page.wait_for_timeout(2000)
            paint = page.evaluate("""() => Object.fromEntries(performance.getEntriesByType('paint')
                                      .map(e => [e.name, Math.round(e.startTime)]))""")
            at_load = list(fetched)
            page.locator("label.md-header__button[for=__search]").click()
            page.locator("input.md-search__input").press_sequentially("bao hiem", delay=20)
            page.wait_for_timeout(3000)
            after_search = fetched[len(at_load):]
            first_paints = [paint.get("first-paint")] + [first_paint(browser, base + args.page) for _ in range(args.runs - 1)]
            browser.close()

        totals: dict[str, list[int]] = {}
        print(f"Page: /{args.page}  (slow 3G: 400 kbit/s, 400 ms latency, cache disabled)")
        print(f"{'kind':<13} {'file':<58} {'raw':>9} {'gzip':>9}")
        for url in at_load:
            path = urlsplit(url).path
            data = file_of(site, url).read_bytes()
            size = [len(data), len(gzip.compress(data, 9))]
            kind = kind_of(path)
            totals.setdefault(kind, [0, 0])
            totals[kind] = [a + b for a, b in zip(totals[kind], size)]
            print(f"{kind:<13} {path[-58:]:<58} {size[0]:>9,} {size[1]:>9,}")
        print("-" * 92)
        for kind, (raw, gz) in sorted(totals.items()):
            print(f"{kind:<13} {'':<58} {raw:>9,} {gz:>9,}")
        core = sum(totals.get(k, [0, 0])[1] for k in ("html", "css", "js"))
        print(f"HTML + CSS + JS at load, gzip: {core / 1024:.1f} KB (target <= 80 KB)")
        first_response = len(gzip.compress(file_of(site, base + args.page).read_bytes(), 9))
        print(f"first response (the page, its first-screen styles inlined), gzip: {first_response / 1024:.1f} KB (target <= 14 KB)")
        print(f"first paint: {paint.get('first-paint')} ms, first contentful paint: {paint.get('first-contentful-paint')} ms (target <= 800 ms)")
        if args.runs > 1:
            print(f"first paint over {args.runs} loads: median {statistics.median(first_paints):.0f} ms "
                  f"({min(first_paints):.0f}-{max(first_paints):.0f} ms)")
        gesture_js = sum(len(gzip.compress(file_of(site, url).read_bytes(), 9)) for url in after_search
                         if kind_of(urlsplit(url).path) == "js")
        print(f"JS fetched at the reader's first gesture (opening search), gzip: {gesture_js / 1024:.1f} KB; "
              f"with the page: {(core + gesture_js) / 1024:.1f} KB")
        index_at_load = any(u.endswith("search_index.json") for u in at_load)
        index_on_search = any(u.endswith("search_index.json") for u in after_search)
        print(f"search index fetched at load: {'yes' if index_at_load else 'no'}; after starting a search: {'yes' if index_on_search else 'no'}")


def file_of(site: Path, url: str) -> Path:
    file = site / urlsplit(url).path.lstrip("/")
    return file / "index.html" if file.is_dir() else file


def first_paint(browser, url: str) -> float:
    page = browser.new_page(viewport={"width": 360, "height": 740})
    throttle(page)
    page.goto(url, wait_until="load")
    paint = page.evaluate("performance.getEntriesByType('paint').find(e => e.name === 'first-paint').startTime")
    page.close()
    return paint


def throttle(page) -> None:
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    cdp.send("Network.emulateNetworkConditions", SLOW_3G)


if __name__ == "__main__":
    main()
